/** Reading the interop corpus: where it is, and the CEN unit-test sets (testSet/test fragments). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { XMLSerializer } from '@xmldom/xmldom';
import type { Element } from '@xmldom/xmldom';
import { parseXml } from '../../domain/xml';

export const corpusDir = path.resolve(__dirname, '../..', process.env.INTEROP_CORPUS ?? '../shared/corpus');
export const corpusPresent = fs.existsSync(path.join(corpusDir, 'en16931'));

export function corpusFiles(folder: string): string[] {
  const dir = path.join(corpusDir, 'en16931', folder);
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((name) => /\.xml$/i.test(name))
        .map((name) => path.join(dir, name))
    : [];
}

export interface UnitCase {
  file: string;
  index: number;
  scope: string;
  expected: 'success' | 'error' | 'warning';
  rule: string;
  description: string;
  /** The CreditNote/Invoice fragment as its own XML document. */
  xml: string;
}

const VEFA = 'http://difi.no/xsd/vefa/validator/1.0';

function childrenOf(element: Element, namespace: string | null, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (
      node.nodeType === 1 &&
      (node as Element).localName === localName &&
      (namespace === null || (node as Element).namespaceURI === namespace)
    )
      found.push(node as Element);
  }
  return found;
}

export function unitCases(file: string): UnitCase[] {
  const document = parseXml(fs.readFileSync(file));
  const root = document.documentElement as unknown as Element;
  const scope = (childrenOf(childrenOf(root, VEFA, 'assert')[0], VEFA, 'scope')[0]?.textContent ?? '').trim();
  const serializer = new XMLSerializer();
  return childrenOf(root, VEFA, 'test').map((test, index) => {
    const assertion = childrenOf(test, VEFA, 'assert')[0];
    const success = childrenOf(assertion, VEFA, 'success')[0];
    const warning = childrenOf(assertion, VEFA, 'warning')[0];
    const error = childrenOf(assertion, VEFA, 'error')[0] ?? warning;
    const fragment = [...childrenOf(test, null, 'CreditNote'), ...childrenOf(test, null, 'Invoice')][0];
    return {
      file: path.basename(file),
      index: index + 1,
      scope,
      expected: success ? 'success' : warning ? 'warning' : 'error',
      rule: ((success ?? error)?.textContent ?? '').trim(),
      description: (childrenOf(assertion, VEFA, 'description')[0]?.textContent ?? '')
        .replace(/\s+/g, ' ')
        .trim(),
      xml: serializer.serializeToString(fragment),
    };
  });
}

/**
 * The Swedish BIS test files predate the check digits the Peppol rules of release 2025.5 ask for (Swedish
 * organisation numbers, GLNs): the official artefact reports these fatal rules on them, and so does the hub.
 */
export const PEPPOL_2025_5_VERDICTS = new Map<string, string[]>(
  (
    [
      [
        ['PEPPOL-COMMON-R049'],
        [
          'ubl-examples/issue116.xml',
          'ubl-testfiles/BIS_Billing_30-Elnat.xml',
          'ubl-testfiles/BIS_Billing_30-Resor_Taxi.xml',
          'ubl-testfiles/BIS_Billing_30-Telefoni.xml',
          'ubl-testfiles/BIS_Billing_30-Tjanster_Kopiering.xml',
          'ubl-testfiles/CreditNote-Min_content_with_VAT.xml',
          'ubl-testfiles/Invoice-Min_content_with_VAT.xml',
        ],
      ],
      [
        ['PEPPOL-COMMON-R049', 'SE-R-013'],
        [
          'ubl-testfiles/BIS_Billing_30-DataIT.xml',
          'ubl-testfiles/BIS_Billing_30-Factoring.xml',
          'ubl-testfiles/BIS_Billing_30-Forskott_(ej moms).xml',
          'ubl-testfiles/BIS_Billing_30-Forskott_slutreglering.xml',
          'ubl-testfiles/BIS_Billing_30-Hyrbil.xml',
          'ubl-testfiles/BIS_Billing_30-Inkopskort.xml',
          'ubl-testfiles/BIS_Billing_30-OmvandSkattskyldighet.xml',
          'ubl-testfiles/BIS_Billing_30-Rantefaktura_Enkel.xml',
          'ubl-testfiles/BIS_Billing_30-Rantefaktura_Saml.xml',
          'ubl-testfiles/BIS_Billing_30-Resor_Bokning.xml',
          'ubl-testfiles/BIS_Billing_30-Valutor i faktura.xml',
          'ubl-testfiles/CreditNote-Max_content.xml',
          'ubl-testfiles/CreditNote-Min_content_without_VAT.xml',
          'ubl-testfiles/Invoice-Max_content.xml',
          'ubl-testfiles/Invoice-Min_content_without_VAT.xml',
        ],
      ],
      [['PEPPOL-COMMON-R040', 'PEPPOL-COMMON-R049'], ['ubl-testfiles/BIS_Billing_30-Elhandel.xml']],
      [
        ['PEPPOL-COMMON-R040', 'PEPPOL-COMMON-R049', 'SE-R-013'],
        [
          'ubl-testfiles/BIS_Billing_30-Kreditering_(urspr_faktura).xml',
          'ubl-testfiles/BIS_Billing_30-Kreditering_med_kreditnota.xml',
          'ubl-testfiles/BIS_Billing_30-Kreditering_med_negativ_faktura.xml',
          'ubl-testfiles/BIS_Billing_30-Rabatter_och_avgifter.xml',
          'ubl-testfiles/BIS_Billing_30-Tjanster_Bevakning.xml',
        ],
      ],
    ] as [string[], string[]][]
  ).flatMap(([ids, names]) => names.map((name): [string, string[]] => [name, ids])),
);

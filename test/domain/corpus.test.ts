import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseInvoice } from '../../domain/invoice';
import { validateInvoice } from '../../domain/rules';
import { corpusDir, corpusFiles, corpusPresent, unitCases } from './corpus-support';

const describeCorpus = corpusPresent ? describe : describe.skip;
if (!corpusPresent)
  console.warn(`Interop corpus not found at ${corpusDir} (set INTEROP_CORPUS): corpus tests skipped.`);

/**
 * The Swedish BIS test files predate the check digits the Peppol rules of release 2025.5 ask for (Swedish
 * organisation numbers, GLNs): the official artefact reports these fatal rules on them, and so does the hub.
 */
const PEPPOL_2025_5_VERDICTS = new Map<string, string[]>(
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

describeCorpus('EN 16931 example and test files (ConnectingEurope/eInvoicing-EN16931)', () => {
  const files = ['ubl-examples', 'cii-examples', 'ubl-testfiles'].flatMap((folder) =>
    corpusFiles(folder).map((file) => [`${folder}/${path.basename(file)}`, file]),
  );

  it('finds the example files', () => {
    expect(files.length).toBeGreaterThanOrEqual(60);
  });

  it.each(files)(
    '%s parses and has no fatal finding but those of the official Peppol artefact',
    (name, file) => {
      const findings = validateInvoice(parseInvoice(fs.readFileSync(file)));
      const fatal = [
        ...new Set(findings.filter((finding) => finding.severity === 'fatal').map((f) => f.ruleId)),
      ];
      expect(fatal.sort()).toEqual(PEPPOL_2025_5_VERDICTS.get(name) ?? []);
    },
  );
});

describeCorpus(
  'CEN unit tests creditnote-unit-ubl: each case gives the expected result for the rule in its scope',
  () => {
    const cases = corpusFiles('creditnote-unit-ubl').flatMap(unitCases);

    it('finds the unit cases', () => {
      expect(cases.length).toBeGreaterThanOrEqual(200);
    });

    it.each(cases.map((unit) => [`${unit.file} #${unit.index}`, unit.expected, unit.rule, unit] as const))(
      '%s expects %s for %s',
      (_name, expected, rule, unit) => {
        const findings = validateInvoice(parseInvoice(unit.xml)).filter((finding) => finding.ruleId === rule);
        if (expected === 'success') expect(findings).toEqual([]);
        else
          expect(findings.map((finding) => finding.severity)).toContain(
            expected === 'warning' ? 'warning' : 'fatal',
          );
      },
    );
  },
);

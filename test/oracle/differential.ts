/**
 * The differential comparison: the hub's rules and the official artefacts on the same bytes, compared by the set
 * of fatal rule ids each reports. Each artefact is compared in its own universe (the ids it can report as fatal),
 * so the hub's own rules (Bulgarian law, schema checks) are left out of the comparison and a missing or a made-up
 * id shows as a difference.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseInvoice } from '../../domain/invoice';
import { isPeppol, validateInvoice } from '../../domain/rules';
import type { Artefact, OfficialValidators } from './official-validators';

export interface Comparison {
  artefact: Artefact;
  /** Every fatal id the official artefact reported. */
  official: string[];
  /** Fatal ids the official artefact reported and the hub did not. */
  missed: string[];
  /** Fatal ids the hub reported and the official artefact did not. */
  extra: string[];
  /** The official artefacts' dynamic error, when they stopped on the file. */
  error?: string;
}

/** Stands for "the official artefacts stopped on this file" among rule ids. */
export const OFFICIAL_ERROR = '(official error)';

export interface FileVerdicts {
  /** The hub could read the invoice (no PARSE: pseudo-rule). */
  parsed: boolean;
  /** One comparison per artefact that applies: CEN always, Peppol when the CustomizationID names Peppol. */
  comparisons: Comparison[];
}

/** The hub's fatal rule ids, or a PARSE:code pseudo-rule when it could not read the invoice at all. */
export function hubFatalIds(xml: string): { ids: Set<string>; peppol: boolean; syntax?: 'UBL' | 'CII' } {
  try {
    const invoice = parseInvoice(xml);
    const ids = new Set(
      validateInvoice(invoice)
        .filter((finding) => finding.severity === 'fatal')
        .map((finding) => finding.ruleId),
    );
    return { ids, peppol: isPeppol(invoice.customizationId), syntax: invoice.syntax };
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).name;
    return { ids: new Set([`PARSE:${code}`]), peppol: false };
  }
}

const syntaxOf = (xml: string): 'UBL' | 'CII' =>
  /CrossIndustryInvoice/.test(xml.slice(0, 2000)) ? 'CII' : 'UBL';
const customizationOf = (xml: string): string | undefined =>
  /<(?:cbc:CustomizationID|ram:ID)[^>]*>([^<]*)</.exec(xml)?.[1];

let scratch: string | undefined;
let counter = 0;

/** Compares the hub with every applicable artefact on one document. */
export async function compare(validators: OfficialValidators, xml: string): Promise<FileVerdicts> {
  scratch ??= fs.mkdtempSync(path.join(os.tmpdir(), 'oracle-'));
  const file = path.join(scratch, `${process.pid}-${counter++}.xml`);
  fs.writeFileSync(file, xml);
  try {
    const hub = hubFatalIds(xml);
    const syntax = hub.syntax ?? syntaxOf(xml);
    const artefacts: Artefact[] = [syntax === 'CII' ? 'cen-cii' : 'cen-ubl'];
    if (syntax === 'UBL' && isPeppol(customizationOf(xml))) artefacts.push('peppol');
    const comparisons = await Promise.all(
      artefacts.map(async (artefact) => {
        const verdict = await validators.validate(artefact, file);
        if (verdict.error) {
          // The artefacts refuse the file without naming a rule: the hub agrees when it refuses it too.
          const refused = hub.ids.size > 0;
          return {
            artefact,
            official: [OFFICIAL_ERROR],
            missed: refused ? [] : [OFFICIAL_ERROR],
            extra: [],
            error: verdict.error,
          };
        }
        const official = new Set(verdict.fatal);
        const ids = validators.fatalRuleIds.get(artefact)!;
        const hubIds = new Set([...hub.ids].filter((id) => ids.has(id) || id.startsWith('PARSE:')));
        return {
          artefact,
          official: [...official].sort(),
          missed: [...official].filter((id) => !hubIds.has(id)).sort(),
          extra: [...hubIds].filter((id) => !official.has(id)).sort(),
        };
      }),
    );
    return { parsed: hub.syntax !== undefined, comparisons };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

export const agrees = (comparison: Comparison): boolean =>
  comparison.missed.length === 0 && comparison.extra.length === 0;

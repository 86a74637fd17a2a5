/** The country rules in the Peppol BIS Billing 3.0 artefact; each applies by the seller's (and buyer's) country. */
import type { PeppolDocument, PeppolReport } from '../document';
import { checkGermanRules } from './de';
import { checkDanishRules } from './dk';
import { checkGreekRules } from './gr';
import { checkIcelandicRules } from './is';
import { checkItalianRules } from './it';
import { checkDutchRules } from './nl';
import { checkNorwegianRules } from './no';
import { checkSwedishRules } from './se';

export function checkNationalRules(document: PeppolDocument, report: PeppolReport): void {
  checkNorwegianRules(document, report);
  checkDanishRules(document, report);
  checkItalianRules(document, report);
  checkSwedishRules(document, report);
  checkGreekRules(document, report);
  checkIcelandicRules(document, report);
  checkDutchRules(document, report);
  checkGermanRules(document, report);
}

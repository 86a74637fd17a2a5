/**
 * Peppol BIS Billing 3.0 (release 2025.5), applied to UBL documents whose CustomizationID (BT-24) names Peppol:
 * every fatal rule of the artefact PEPPOL-EN16931-UBL: PEPPOL-EN16931-R* (core.ts), the rules on elements wherever
 * they occur — code lists CL*, type codes per profile P*, dates F001, identifier check digits PEPPOL-COMMON-R*
 * (elements.ts) — and the country rules DK, GR, IS, IT, NL, NO, SE, DE (national/).
 * They read the XML as the artefact's XPath does (presence, strings as written), so the UBL reader runs them while
 * it has the document and hands their findings on with the syntax findings. Not implemented: the artefact's
 * warnings (PEPPOL-COMMON-R044–R047, NO-R-002, DK-R-003, SE-R-007–R-012, IS-R-001, GR-S-*, DE-R-017/-019/-020/-026–-028).
 */
import type { Element } from '@xmldom/xmldom';
import type { DocumentKind, Finding } from '../../invoice/model';
import { checkPeppolCore } from './core';
import { PeppolDocument, PeppolReport } from './document';
import { checkPeppolElements } from './elements';
import { checkNationalRules } from './national';

export { PEPPOL_BILLING_CUSTOMIZATION } from './core';

export function isPeppol(customizationId: string | undefined): boolean {
  return /peppol/i.test(customizationId ?? '');
}

/** Every fatal finding of the Peppol BIS Billing 3.0 rules on a UBL Invoice or CreditNote. */
export function checkPeppolDocument(root: Element, kind: DocumentKind): Finding[] {
  const document = new PeppolDocument(root, kind);
  const report = new PeppolReport();
  checkPeppolElements(document, report);
  checkPeppolCore(document, report);
  checkNationalRules(document, report);
  return report.findings;
}

/**
 * Validation of an invoice against EN 16931, Peppol BIS 3 (when the CustomizationID names Peppol) and Bulgarian
 * law (when the seller is Bulgarian). Pure functions over the model: no I/O, no clock.
 */
import type { Finding, Invoice } from '../invoice/model';
import { checkBulgarianRules, isBulgarianSeller } from './bulgarian';
import { checkCodeListRules } from './code-list-rules';
import { RuleContext } from './context';
import { checkCoreRules } from './en16931';
import { checkVatCategoryRules } from './vat-categories';

export type { Finding } from '../invoice/model';
export { checkNumbering, type IssuedInvoice } from './numbering';
export { isBulgarianSeller } from './bulgarian';
export { isPeppol } from './peppol';

/** Every finding for the invoice, fatal ones first, each with an XPath and English and Bulgarian text. */
export function validateInvoice(invoice: Invoice): Finding[] {
  const context = new RuleContext(invoice);
  context.findings.push(...(invoice.syntaxFindings ?? []));
  checkCoreRules(context);
  checkCodeListRules(context);
  checkVatCategoryRules(context);
  // Peppol BIS 3 is checked by the UBL reader over the document itself (./peppol) and arrives with syntaxFindings.
  if (isBulgarianSeller(invoice)) checkBulgarianRules(context);
  return [
    ...context.findings.filter((finding) => finding.severity === 'fatal'),
    ...context.findings.filter((finding) => finding.severity === 'warning'),
  ];
}

/**
 * The valid Bulgarian fixture as a model, and the changes the rule tests make to it: the rule suites each take a
 * copy and change only what their case is about.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Invoice, parseInvoice, type VatBreakdown } from '../../domain/invoice';
import { validateInvoice } from '../../domain/rules';

export const fixtureXml = fs.readFileSync(path.join(__dirname, 'fixtures/bg-invoice.xml'), 'utf8');

/** Two standard rated lines of 100.00 at 20 % and 80.00 at 9 %. */
export const base = parseInvoice(fixtureXml);

/** A copy of the valid fixture, read as `syntax`, changed by `change`. */
export function invoiceWith(change: (invoice: Invoice) => void, syntax: Invoice['syntax'] = 'UBL'): Invoice {
  const invoice = structuredClone(base);
  invoice.syntax = syntax;
  change(invoice);
  return invoice;
}

export const ruleIds = (invoice: Invoice): string[] =>
  validateInvoice(invoice).map((finding) => finding.ruleId);

/** Leaves one line of 100.00 that carries no VAT, in the breakdown's category, with totals to match. */
export function oneLineWithoutVat(invoice: Invoice, breakdown: VatBreakdown): void {
  invoice.lines = [{ ...invoice.lines[0], vatCategoryCode: breakdown.categoryCode, vatRate: '0' }];
  invoice.vatBreakdown = [breakdown];
  invoice.totals = {
    ...invoice.totals,
    lineNetTotal: '100.00',
    taxExclusive: '100.00',
    vatTotal: '0.00',
    taxInclusive: '100.00',
    payable: '100.00',
  };
  invoice.vatAmounts = [{ amount: '0.00', currency: 'EUR' }];
}

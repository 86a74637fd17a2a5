/** Where one VAT category is used in an invoice: lines, allowances and charges at both levels, breakdowns. */
import type { AllowanceCharge, Invoice, InvoiceLine, VatBreakdown } from '../../invoice/model';
import type { InvoicePaths } from '../paths';

export interface CategoryUse {
  lines: { line: InvoiceLine; index: number }[];
  /** Document level allowances and charges (BG-20, BG-21), the only ones the breakdown sums count. */
  documentLevel: { charge: AllowanceCharge; index: number }[];
  /**
   * Every allowance and charge naming the category, document level and line level (BG-27, BG-28) alike: the
   * artefacts' "//AllowanceCharge" and "//CategoryTradeTax" reach both.
   */
  allowanceCharges: { charge: AllowanceCharge; path: string }[];
  breakdowns: { vat: VatBreakdown; index: number }[];
}

export function useOf(invoice: Invoice, paths: InvoicePaths, code: string): CategoryUse {
  const documentLevel = invoice.allowanceCharges
    .map((charge, index) => ({ charge, index }))
    .filter(({ charge }) => charge.vatCategoryCode === code);
  const lineLevel = invoice.lines.flatMap((line, lineIndex) =>
    line.allowanceCharges
      .map((charge, index) => ({ charge, path: paths.lineAllowanceCharge(lineIndex, index) }))
      .filter(({ charge }) => charge.vatCategoryCode === code),
  );
  return {
    lines: invoice.lines
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => line.vatCategoryCode === code),
    documentLevel,
    allowanceCharges: [
      ...documentLevel.map(({ charge, index }) => ({ charge, path: paths.nth('BG-20', index) })),
      ...lineLevel,
    ],
    breakdowns: invoice.vatBreakdown
      .map((vat, index) => ({ vat, index }))
      .filter(({ vat }) => vat.categoryCode === code),
  };
}

/** The element is in the document, even if empty: the artefacts test existence, not content. */
export const written = (value: string | undefined): value is string => value !== undefined;

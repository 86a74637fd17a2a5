/** Where one VAT category is used in an invoice: lines, allowances and charges at both levels, breakdowns. */
import type {
  AllowanceCharge,
  Invoice,
  InvoiceLine,
  VatBreakdown,
  VatSchemeCategory,
} from '../../invoice/model';
import type { InvoicePaths } from '../paths';

export interface Uses {
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

export interface CategoryUse extends Uses {
  /**
   * The same, counting only tax categories of scheme VAT (UBL cac:TaxScheme/cbc:ID, CII ram:TypeCode): most of
   * the artefacts' rules look at those alone, a few at every tax category.
   */
  ofVatScheme: Uses;
}

/**
 * The code as a rule filtered on scheme VAT sees it: undefined when the item has no category of scheme VAT, ''
 * when that category has no code element. A model not read from XML has no `vatCategory` record; its plain code
 * counts then.
 */
export function vatSchemeCode(
  item: { vatCategory?: VatSchemeCategory },
  code: string | undefined,
): string | undefined {
  if (!('vatCategory' in item)) return code;
  if (item.vatCategory === undefined) return undefined;
  return item.vatCategory.code === undefined ? '' : (code ?? '');
}

export function useOf(invoice: Invoice, paths: InvoicePaths, code: string): CategoryUse {
  return { ...uses(invoice, paths, code, false), ofVatScheme: uses(invoice, paths, code, true) };
}

function uses(invoice: Invoice, paths: InvoicePaths, code: string, vatSchemeOnly: boolean): Uses {
  const codeOf = (
    item: { vatCategory?: VatSchemeCategory },
    plain: string | undefined,
  ): string | undefined => (vatSchemeOnly ? vatSchemeCode(item, plain) : plain);
  const isCode = (charge: AllowanceCharge): boolean => codeOf(charge, charge.vatCategoryCode) === code;
  const documentLevel = invoice.allowanceCharges
    .map((charge, index) => ({ charge, index }))
    .filter(({ charge }) => isCode(charge));
  const lineLevel = invoice.lines.flatMap((line, lineIndex) =>
    line.allowanceCharges
      .map((charge, index) => ({ charge, path: paths.lineAllowanceCharge(lineIndex, index) }))
      .filter(({ charge }) => isCode(charge)),
  );
  return {
    lines: invoice.lines
      .map((line, index) => ({ line, index }))
      .filter(({ line }) => codeOf(line, line.vatCategoryCode) === code),
    documentLevel,
    allowanceCharges: [
      ...documentLevel.map(({ charge, index }) => ({ charge, path: paths.nth('BG-20', index) })),
      ...lineLevel,
    ],
    breakdowns: invoice.vatBreakdown
      .map((vat, index) => ({ vat, index }))
      .filter(({ vat }) => codeOf(vat, vat.categoryCode) === code),
  };
}

/** The element is in the document, even if empty: the artefacts test existence, not content. */
export const written = (value: string | undefined): value is string => value !== undefined;

/** Allowance or charge by its indicator; neither when the indicator element is absent (no rule of a kind applies). */
export function kindOf(charge: AllowanceCharge): 'allowance' | 'charge' | undefined {
  if (charge.absent?.includes('isCharge')) return undefined;
  return charge.isCharge ? 'charge' : 'allowance';
}

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

/** Where each of the categories is used, read in one pass over the invoice per view (every scheme, scheme VAT). */
export function categoryUses(
  invoice: Invoice,
  paths: InvoicePaths,
  codes: string[],
): Map<string, CategoryUse> {
  const every = usesByCode(invoice, paths, codes, false);
  const ofVatScheme = usesByCode(invoice, paths, codes, true);
  return new Map(
    codes.map((code) => [code, { ...(every.get(code) as Uses), ofVatScheme: ofVatScheme.get(code) as Uses }]),
  );
}

function usesByCode(
  invoice: Invoice,
  paths: InvoicePaths,
  codes: string[],
  vatSchemeOnly: boolean,
): Map<string, Uses> {
  const byCode = new Map<string, Uses>(
    codes.map((code) => [code, { lines: [], documentLevel: [], allowanceCharges: [], breakdowns: [] }]),
  );
  const usesOf = (item: { vatCategory?: VatSchemeCategory }, plain: string | undefined): Uses | undefined => {
    const code = vatSchemeOnly ? vatSchemeCode(item, plain) : plain;
    return code === undefined ? undefined : byCode.get(code);
  };
  invoice.lines.forEach((line, index) => usesOf(line, line.vatCategoryCode)?.lines.push({ line, index }));
  invoice.allowanceCharges.forEach((charge, index) => {
    const uses = usesOf(charge, charge.vatCategoryCode);
    uses?.documentLevel.push({ charge, index });
    uses?.allowanceCharges.push({ charge, path: paths.nth('BG-20', index) });
  });
  // Document level first, then each line's: the order the artefacts' "//AllowanceCharge" findings come in here.
  invoice.lines.forEach((line, lineIndex) =>
    line.allowanceCharges.forEach((charge, index) =>
      usesOf(charge, charge.vatCategoryCode)?.allowanceCharges.push({
        charge,
        path: paths.lineAllowanceCharge(lineIndex, index),
      }),
    ),
  );
  invoice.vatBreakdown.forEach((vat, index) =>
    usesOf(vat, vat.categoryCode)?.breakdowns.push({ vat, index }),
  );
  return byCode;
}

/** The element is in the document, even if empty: the artefacts test existence, not content. */
export const written = (value: string | undefined): value is string => value !== undefined;

/** Allowance or charge by its indicator; neither when the indicator element is absent (no rule of a kind applies). */
export function kindOf(charge: AllowanceCharge): 'allowance' | 'charge' | undefined {
  if (charge.absent?.includes('isCharge')) return undefined;
  return charge.isCharge ? 'charge' : 'allowance';
}

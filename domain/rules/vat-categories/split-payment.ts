/**
 * BR-B-01, BR-B-02: split payment (category B, Italy's "scissione dei pagamenti") is for Italian domestic
 * invoices only, and is not mixed with standard rated (S) supplies.
 */
import type { RuleContext } from '../context';

export function checkSplitPayment(context: RuleContext): void {
  const { invoice, paths } = context;
  const lineLevel = invoice.lines.flatMap((line) =>
    line.allowanceCharges.map((charge) => charge.vatCategoryCode),
  );
  // UBL's BR-B-02 looks at breakdowns, document level allowances and charges, and lines; CII's at every
  // category code in the document, as BR-B-01 does in both syntaxes.
  const codes = [
    ...invoice.vatBreakdown.map((vat) => vat.categoryCode),
    ...invoice.allowanceCharges.map((charge) => charge.vatCategoryCode),
    ...invoice.lines.map((line) => line.vatCategoryCode),
  ];
  const everyCode = [...codes, ...lineLevel];
  if (!everyCode.includes('B')) return;

  const foreign = (invoice.countryCodes ?? []).find((code) => code !== 'IT');
  if (foreign !== undefined)
    context.fatal(
      'BR-B-01',
      paths.of('BT-40'),
      `Split payment (VAT category B) is only for Italian domestic invoices: every country code must be IT; found ${JSON.stringify(foreign)}.`,
      `Разделното плащане (ДДС категория B) е само за италиански вътрешни фактури: всеки код на държава трябва да е IT; намерено ${JSON.stringify(foreign)}.`,
    );
  const compared = invoice.syntax === 'UBL' ? codes : everyCode;
  if (compared.includes('B') && compared.includes('S'))
    context.fatal(
      'BR-B-02',
      paths.of('BG-23'),
      'An invoice with split payment (VAT category B) cannot also have standard rated (S) lines, allowances, charges or VAT breakdowns; issue separate invoices.',
      'Фактура с разделно плащане (ДДС категория B) не може да има и редове, отстъпки, надбавки или разбивка по ДДС със стандартна ставка (S); издайте отделни фактури.',
    );
}

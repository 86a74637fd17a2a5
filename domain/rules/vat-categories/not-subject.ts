/**
 * BR-O-11…14: an invoice with a "not subject to VAT" (O) breakdown has no other VAT category.
 * UBL: 11 other breakdowns, 12 other lines, 13 other allowances, 14 other charges.
 * CII: the artefact checks 11 and 12 alike over every ApplicableTradeTax (breakdowns and lines), and 13 and 14
 * alike over every CategoryTradeTax (allowances and charges), so each pair fails together.
 */
import type { RuleContext } from '../context';
import type { VatSchemeCategory } from '../../invoice/model';
import { kindOf, vatSchemeCode, written } from './usage';

/** Where another category was found, to name it in the finding. */
interface Other {
  path: string;
  what: string;
  whatBg: string;
  code?: string;
}

export function checkNotSubjectExcludesOthers(context: RuleContext): void {
  const { invoice, paths } = context;
  if (!invoice.vatBreakdown.some((vat) => vatSchemeCode(vat, vat.categoryCode) === 'O')) return;
  const cii = invoice.syntax === 'CII';
  // UBL looks for other categories of scheme VAT; CII at every tax and category trade tax.
  const codeOf = (item: { vatCategory?: VatSchemeCategory }, code: string | undefined): string | undefined =>
    cii ? code : vatSchemeCode(item, code);
  const isOther = (code: string | undefined): boolean => written(code) && code !== 'O';
  const breakdown = invoice.vatBreakdown.findIndex((vat) => isOther(codeOf(vat, vat.categoryCode)));
  const line = invoice.lines.findIndex((candidate) => isOther(codeOf(candidate, candidate.vatCategoryCode)));
  const allowanceCharges = [
    ...invoice.allowanceCharges.map((charge, index) => ({ charge, path: paths.nth('BG-20', index) })),
    ...invoice.lines.flatMap((candidate, lineIndex) =>
      candidate.allowanceCharges.map((charge, index) => ({
        charge,
        path: paths.lineAllowanceCharge(lineIndex, index),
      })),
    ),
  ].filter(({ charge }) => isOther(codeOf(charge, charge.vatCategoryCode)));
  const allowance = allowanceCharges.find(({ charge }) => kindOf(charge) === 'allowance');
  const charge = allowanceCharges.find(({ charge }) => kindOf(charge) === 'charge');

  const report = (ruleId: string, { path, what, whatBg, code }: Other): void =>
    context.fatal(
      ruleId,
      path,
      `The invoice has a VAT breakdown "Not subject to VAT" (O), so ${what} cannot have another VAT category; found ${JSON.stringify(code)}. Issue separate invoices.`,
      `Фактурата има разбивка „необлагаема доставка“ (O), затова ${whatBg} не може да е с друга ДДС категория; намерено ${JSON.stringify(code)}. Издайте отделни фактури.`,
    );
  const breakdownFound: Other | undefined =
    breakdown < 0
      ? undefined
      : {
          path: paths.nth('BG-23', breakdown),
          what: 'another VAT breakdown',
          whatBg: 'друга разбивка по ДДС',
          code: invoice.vatBreakdown[breakdown].categoryCode,
        };
  const lineFound: Other | undefined =
    line < 0
      ? undefined
      : {
          path: paths.line(line, 'BT-151'),
          what: `line ${line + 1}`,
          whatBg: `ред ${line + 1}`,
          code: invoice.lines[line].vatCategoryCode,
        };
  const allowanceFound: Other | undefined = allowance && {
    path: allowance.path,
    what: 'an allowance',
    whatBg: 'отстъпка',
    code: allowance.charge.vatCategoryCode,
  };
  const chargeFound: Other | undefined = charge && {
    path: charge.path,
    what: 'a charge',
    whatBg: 'надбавка',
    code: charge.charge.vatCategoryCode,
  };
  const findings: [string, Other | undefined][] = [
    ['BR-O-11', breakdownFound ?? (cii ? lineFound : undefined)],
    ['BR-O-12', lineFound ?? (cii ? breakdownFound : undefined)],
    ['BR-O-13', allowanceFound ?? (cii ? chargeFound : undefined)],
    ['BR-O-14', chargeFound ?? (cii ? allowanceFound : undefined)],
  ];
  for (const [ruleId, found] of findings) if (found) report(ruleId, found);
}

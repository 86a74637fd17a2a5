/**
 * Rules 08–10 of each family, on every VAT breakdown (BG-23) of the category: its taxable amount (08, BT-116),
 * its VAT amount (09, BT-117) and its exemption reason (10, BT-120/BT-121).
 *
 * How the artefacts compare, which the hub follows to the cent:
 * - 08, UBL: per-rate categories within less than 1 of the lines' net amounts plus charges minus allowances of
 *   that rate (for S, only when a line, allowance or charge has that rate); the others exactly.
 * - 08, CII: the three sums are each rounded to cents first; S equal, Z E AE K G within less than 1, O equal.
 *   The CII artefact's L and M rules point at an element that is never there, so they never fail.
 * - 09: per-rate categories within less than 1 of |taxable| × rate rounded to cents (the CII L and M rules are
 *   empty); the others exactly 0. A missing amount or rate fails.
 * - 10: the artefacts test that the reason element is there, even empty.
 */
import type { RuleContext } from '../context';
import { type Amount, amount, round2, show, sum } from '../amounts';
import type { VatBreakdown } from '../../invoice/model';
import { type VatCategory, label, labelBg, ruleId } from './categories';
import { type CategoryUse, kindOf, written } from './usage';

export function checkBreakdownAmounts(context: RuleContext, category: VatCategory, use: CategoryUse): void {
  // The rules apply to breakdowns of scheme VAT, except CII's S and Z rules, which take every breakdown.
  const everyBreakdown = context.invoice.syntax === 'CII' && (category.code === 'S' || category.code === 'Z');
  for (const { vat, index } of everyBreakdown ? use.breakdowns : use.ofVatScheme.breakdowns) {
    const path = context.paths.nth('BG-23', index);
    checkTaxableAmount(context, category, use, vat, path);
    checkVatAmount(context, category, vat, path);
    checkExemptionReason(context, category, vat, path);
  }
}

const withinOne = (value: Amount, expected: Amount): boolean =>
  value.minus(1).lt(expected) && value.plus(1).gt(expected);

/** Lines, charges and allowances of the category (and rate, for per-rate categories), as three sums. */
function sums(use: CategoryUse, rate: Amount | undefined) {
  const atRate = (text: string | undefined): boolean => rate === undefined || amount(text)?.eq(rate) === true;
  const lines = use.lines.filter(({ line }) => atRate(line.vatRate));
  const documentLevel = use.documentLevel.filter(({ charge }) => atRate(charge.vatRate));
  return {
    lines: sum(lines.map(({ line }) => amount(line.netAmount))),
    charges: sum(
      documentLevel
        .filter(({ charge }) => kindOf(charge) === 'charge')
        .map(({ charge }) => amount(charge.amount)),
    ),
    allowances: sum(
      documentLevel
        .filter(({ charge }) => kindOf(charge) === 'allowance')
        .map(({ charge }) => amount(charge.amount)),
    ),
    /** Whether a line, or an allowance or charge at any level, has the category and rate. */
    lineUsed: lines.length > 0,
    allowanceChargeUsed: use.allowanceCharges.some(({ charge }) => atRate(charge.vatRate)),
  };
}

function checkTaxableAmount(
  context: RuleContext,
  category: VatCategory,
  use: CategoryUse,
  vat: VatBreakdown,
  path: string,
): void {
  const { syntax } = context.invoice;
  if (syntax === 'CII' && category.perRate && category.code !== 'S') return;
  // Per-rate rules hold for each rate the breakdown states: none stated, nothing to check.
  if (category.perRate && vat.rate === undefined) return;
  const rate = category.perRate ? amount(vat.rate) : undefined;
  if (category.perRate && rate === undefined) return reportTaxable(context, category, vat, path, undefined);
  const taxable = amount(vat.taxableAmount);
  const part = sums(use, rate);
  let expected: Amount;
  let ok: boolean;
  if (syntax === 'UBL') {
    expected = part.lines.plus(part.charges).minus(part.allowances);
    const hasLines = context.invoice.lines.length > 0;
    if (category.code === 'S') {
      // The artefact's second alternative (written for the other line kind) reduces to allowances and charges alone.
      const allowancesAndCharges = part.charges.minus(part.allowances);
      ok =
        taxable !== undefined &&
        (((part.lineUsed || part.allowanceChargeUsed) && withinOne(taxable, expected)) ||
          (part.allowanceChargeUsed && withinOne(taxable, allowancesAndCharges)));
    } else if (category.perRate) ok = hasLines && taxable !== undefined && withinOne(taxable, expected);
    else ok = hasLines && taxable !== undefined && taxable.eq(expected);
  } else {
    expected = round2(part.lines).plus(round2(part.charges)).minus(round2(part.allowances));
    ok =
      taxable !== undefined &&
      (category.code === 'S' || category.code === 'O' ? taxable.eq(expected) : withinOne(taxable, expected));
  }
  if (!ok) reportTaxable(context, category, vat, path, expected);
}

function reportTaxable(
  context: RuleContext,
  category: VatCategory,
  vat: VatBreakdown,
  path: string,
  expected: Amount | undefined,
): void {
  const atRate = category.perRate ? ` at ${vat.rate} %` : '';
  const atRateBg = category.perRate ? ` при ${vat.rate} %` : '';
  const found = vat.taxableAmount || '(missing)';
  const foundBg = vat.taxableAmount || '(липсва)';
  context.fatal(
    ruleId(category, 8),
    path,
    expected === undefined
      ? `The VAT rate (BT-119) of the breakdown for VAT category ${label(category)} is not a number (${vat.rate}); the taxable amount cannot be checked.`
      : `The taxable amount (BT-116) for VAT category ${label(category)}${atRate} is ${found} but the lines minus allowances plus charges of that category${category.perRate ? ' and rate' : ''} add up to ${show(expected)}; correct the breakdown.`,
    expected === undefined
      ? `Ставката (BT-119) в разбивката за ДДС категория ${labelBg(category)} не е число (${vat.rate}); данъчната основа не може да се провери.`
      : `Данъчната основа (BT-116) за ДДС категория ${labelBg(category)}${atRateBg} е ${foundBg}, а редовете минус отстъпките плюс надбавките с тази категория${category.perRate ? ' и ставка' : ''} дават ${show(expected)}; поправете разбивката.`,
  );
}

function checkVatAmount(context: RuleContext, category: VatCategory, vat: VatBreakdown, path: string): void {
  const tax = amount(vat.taxAmount);
  if (category.perRate) {
    if (context.invoice.syntax === 'CII' && category.code !== 'S') return;
    const taxable = amount(vat.taxableAmount);
    const rate = amount(vat.rate);
    const expected = taxable && rate ? round2(taxable.abs().times(rate).div(100)) : undefined;
    if (tax && expected && withinOne(tax.abs(), expected)) return;
    context.fatal(
      ruleId(category, 9),
      path,
      `The VAT amount (BT-117) for VAT category ${label(category)} is ${vat.taxAmount || '(missing)'} but taxable amount ${vat.taxableAmount || '(missing)'} × ${vat.rate ?? '(missing)'} % gives ${expected ? show(expected) : 'nothing'}; correct the VAT amount.`,
      `Сумата на ДДС (BT-117) за категория ${labelBg(category)} е ${vat.taxAmount || '(липсва)'}, а основа ${vat.taxableAmount || '(липсва)'} × ${vat.rate ?? '(липсва)'} % дава ${expected ? show(expected) : 'нищо'}; поправете сумата на ДДС.`,
    );
    return;
  }
  if (tax?.eq(0)) return;
  context.fatal(
    ruleId(category, 9),
    path,
    `The VAT amount (BT-117) for VAT category ${label(category)} must be 0; found ${vat.taxAmount || '(missing)'}.`,
    `Сумата на ДДС (BT-117) за категория ${labelBg(category)} трябва да е 0; намерено ${vat.taxAmount || '(липсва)'}.`,
  );
}

function checkExemptionReason(
  context: RuleContext,
  category: VatCategory,
  vat: VatBreakdown,
  path: string,
): void {
  const hasReason = written(vat.exemptionReason) || written(vat.exemptionReasonCode);
  if (category.exemptionReason === 'required' && !hasReason)
    context.fatal(
      ruleId(category, 10),
      path,
      `The VAT breakdown for category ${label(category)} needs the VAT exemption reason (BT-120) or its code (BT-121), i.e. the legal ground for not charging VAT; add it.`,
      `Разбивката по ДДС за категория ${labelBg(category)} изисква основание за неначисляване на ДДС (BT-120) или неговия код (BT-121); добавете го.`,
    );
  if (category.exemptionReason === 'forbidden' && hasReason)
    context.fatal(
      ruleId(category, 10),
      path,
      `The VAT breakdown for category ${label(category)} must not carry a VAT exemption reason (BT-120/BT-121); found ${JSON.stringify(vat.exemptionReason ?? vat.exemptionReasonCode)}. Remove it, or use the category the reason belongs to (e.g. E for exempt).`,
      `Разбивката по ДДС за категория ${labelBg(category)} не трябва да съдържа основание за освобождаване (BT-120/BT-121); намерено ${JSON.stringify(vat.exemptionReason ?? vat.exemptionReasonCode)}. Премахнете го или използвайте съответната категория (напр. E за освободени доставки).`,
    );
}

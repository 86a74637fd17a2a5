/**
 * Rules 05–07 of each family: the VAT rate of a line (05, BT-152), an allowance (06, BT-96) or a charge
 * (07, BT-103) of the category. Allowances and charges are checked at line level too, as the artefacts' rule
 * contexts match every allowance or charge element that names a tax category. Only categories of scheme VAT count.
 */
import type { RuleContext } from '../context';
import { amount } from '../amounts';
import { type RateRule, type VatCategory, label, labelBg, ruleId } from './categories';
import { type CategoryUse, kindOf } from './usage';

export function checkRates(context: RuleContext, category: VatCategory, all: CategoryUse): void {
  const use = all.ofVatScheme;
  const rule = category.rate[context.invoice.syntax];
  for (const { line, index } of use.lines)
    checkRate(context, category, rule, 5, line.vatRate, context.paths.line(index, 'BT-152'), {
      where: `line ${index + 1}`,
      whereBg: `ред ${index + 1}`,
    });
  for (const { charge, path } of use.allowanceCharges) {
    const kind = kindOf(charge);
    if (kind === undefined) continue;
    checkRate(context, category, rule, kind === 'charge' ? 7 : 6, charge.vatRate, path, {
      where: kind === 'charge' ? 'a charge' : 'an allowance',
      whereBg: kind === 'charge' ? 'надбавка' : 'отстъпка',
    });
  }
}

const EXPECTED: Record<RateRule, [string, string]> = {
  positive: ['greater than zero', 'по-голяма от нула'],
  zero: ['0', '0'],
  'zero-or-positive': ['0 or greater', '0 или повече'],
  absent: ['absent', 'да липсва'],
};

function checkRate(
  context: RuleContext,
  category: VatCategory,
  rule: RateRule,
  n: number,
  rateText: string | undefined,
  path: string,
  { where, whereBg }: { where: string; whereBg: string },
): void {
  const rate = amount(rateText);
  const ok =
    rule === 'absent'
      ? rateText === undefined
      : rate !== undefined && (rule === 'positive' ? rate.gt(0) : rule === 'zero' ? rate.eq(0) : rate.gte(0));
  if (ok) return;
  const [expected, expectedBg] = EXPECTED[rule];
  context.fatal(
    ruleId(category, n),
    path,
    `The VAT rate of ${where} with VAT category ${label(category)} must be ${expected}; found ${rateText === undefined ? 'no rate' : `${rateText} %`}.`,
    `Ставката на ДДС на ${whereBg} с категория ${labelBg(category)} трябва да е ${expectedBg}; намерено ${rateText === undefined ? 'без ставка' : `${rateText} %`}.`,
  );
}

/**
 * Rule 01 of each family: lines, allowances and charges of a category come with a VAT breakdown (BG-23) for it.
 * The artefacts word it differently per syntax:
 * - UBL, per-rate categories (S, L, M): the category is used if and only if the breakdown has it;
 * - UBL, the others: once the category appears anywhere (breakdown included), exactly one breakdown has it;
 * - UBL counts only tax categories of scheme VAT, except for S (every category) and L (any breakdown will do);
 * - CII, per-rate categories: one line (or one allowance or charge) alone does not count as its own
 *   breakdown, so each of those kinds needs, together with the breakdowns, two or more occurrences;
 * - CII, the others: no occurrence at all, or exactly one breakdown and a line, allowance or charge using it;
 *   for O the breakdown alone decides (a line of O without an O breakdown passes).
 */
import type { RuleContext } from '../context';
import { type VatCategory, label, labelBg, ruleId } from './categories';
import type { CategoryUse } from './usage';

export function checkBreakdownPresence(context: RuleContext, category: VatCategory, use: CategoryUse): void {
  const ubl = context.invoice.syntax === 'UBL';
  // UBL's rules count categories of scheme VAT only, except S (none) and L (not its breakdowns when used).
  const counted = ubl && category.code !== 'S' ? use.ofVatScheme : use;
  const lines = counted.lines.length;
  const allowanceCharges = counted.allowanceCharges.length;
  const breakdowns = counted.breakdowns.length;
  const used = lines + allowanceCharges > 0;
  let ok: boolean;
  if (ubl && category.code === 'L') ok = used ? use.breakdowns.length > 0 : breakdowns === 0;
  else if (ubl)
    ok = category.perRate ? used === breakdowns > 0 : (!used && breakdowns === 0) || breakdowns === 1;
  else if (category.perRate)
    ok =
      (lines === 0 || lines + breakdowns >= 2) &&
      (allowanceCharges === 0 || allowanceCharges + breakdowns >= 2);
  else if (category.code === 'O') ok = breakdowns === 0 || (breakdowns === 1 && used);
  else ok = (!used && breakdowns === 0) || (breakdowns === 1 && used);
  if (ok) return;

  const [message, messageBg] =
    used && breakdowns === 0
      ? [
          `Lines, allowances or charges use VAT category ${label(category)} but the VAT breakdown (BG-23) has no entry for it; add one.`,
          `Редове, отстъпки или надбавки са с ДДС категория ${labelBg(category)}, но разбивката по ДДС (BG-23) няма запис за нея; добавете го.`,
        ]
      : breakdowns > 1
        ? [
            `An invoice using VAT category ${label(category)} must have exactly one VAT breakdown (BG-23) for it; found ${breakdowns}.`,
            `Фактура с ДДС категория ${labelBg(category)} трябва да има точно една разбивка по ДДС (BG-23) за нея; намерени: ${breakdowns}.`,
          ]
        : [
            `The VAT breakdown (BG-23) has an entry for category ${label(category)} but no line, allowance or charge uses it; remove it or fix the categories.`,
            `Разбивката по ДДС (BG-23) има запис за категория ${labelBg(category)}, но никой ред, отстъпка или надбавка не я използва; премахнете го или поправете категориите.`,
          ];
  context.fatal(ruleId(category, 1), context.paths.of('BG-23'), message, messageBg);
}

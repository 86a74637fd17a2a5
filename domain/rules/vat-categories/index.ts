/**
 * The EN 16931 VAT category rules, as the CEN 1.3.16 artefacts check them: one family per category (BR-S
 * standard, BR-Z zero rated, BR-E exempt, BR-AE reverse charge, BR-IC intra-community K, BR-G export, BR-O not
 * subject, BR-AF IGIC L, BR-AG IPSI M), where rule n has the same meaning in every family (01 breakdown present,
 * 02–04 identifiers, 05–07 rates, 08 taxable amount, 09 VAT amount, 10 exemption reason); then the rules that
 * belong to one category only (BR-O-11…14, BR-IC-11/12) and split payment (BR-B).
 */
import type { RuleContext } from '../context';
import { checkBreakdownAmounts } from './breakdown-amounts';
import { checkBreakdownPresence } from './breakdown-presence';
import { VAT_CATEGORIES } from './categories';
import { checkIdentifiers } from './identifiers';
import { checkIntraCommunityDelivery } from './intra-community';
import { checkNotSubjectExcludesOthers } from './not-subject';
import { checkRates } from './rates';
import { checkSplitPayment } from './split-payment';
import { type CategoryUse, categoryUses } from './usage';

export function checkVatCategoryRules(context: RuleContext): void {
  const uses = categoryUses(
    context.invoice,
    context.paths,
    VAT_CATEGORIES.map((category) => category.code),
  );
  for (const category of VAT_CATEGORIES) {
    const use = uses.get(category.code) as CategoryUse;
    checkBreakdownPresence(context, category, use);
    checkIdentifiers(context, category, use);
    checkRates(context, category, use);
    checkBreakdownAmounts(context, category, use);
  }
  checkNotSubjectExcludesOthers(context);
  checkIntraCommunityDelivery(context);
  checkSplitPayment(context);
}

/**
 * BR-IC-11, BR-IC-12: an intra-community supply (K) states when (delivery date or invoicing period) and where
 * (deliver-to country) the goods went. UBL counts a date of two characters or more, or an invoicing period with
 * any element in it; CII counts the elements being there.
 */
import type { RuleContext } from '../context';
import { vatSchemeCode, written } from './usage';

export function checkIntraCommunityDelivery(context: RuleContext): void {
  const { invoice, paths } = context;
  if (!invoice.vatBreakdown.some((vat) => vatSchemeCode(vat, vat.categoryCode) === 'K')) return;
  const ubl = invoice.syntax === 'UBL';
  const period = invoice.invoicingPeriod;
  const deliveryDate = invoice.delivery?.date;
  const periodGiven =
    period !== undefined &&
    (written(period.start) || written(period.end) || (ubl && written(invoice.taxPointDateCode)));
  const dateGiven = ubl ? (deliveryDate ?? '').length > 1 : written(deliveryDate);
  if (!dateGiven && !periodGiven)
    context.fatal(
      'BR-IC-11',
      paths.of('BT-72'),
      'An intra-community supply (K) needs the actual delivery date (BT-72) or the invoicing period (BG-14); neither is given.',
      'Вътреобщностна доставка (K) изисква дата на доставка (BT-72) или период на фактуриране (BG-14); не е посочено нито едното.',
    );
  const country = invoice.delivery?.address?.countryCode;
  if (ubl ? (country ?? '').length <= 1 : !written(country))
    context.missing(
      'BR-IC-12',
      paths.of('BT-80'),
      'The deliver-to country code (BT-80), required for an intra-community supply (K),',
      'кодът на държавата на доставка (BT-80), задължителен при вътреобщностна доставка (K),',
    );
}

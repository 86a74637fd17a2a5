/**
 * Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-R*), applied when the CustomizationID (BT-24) names Peppol.
 *
 * Implemented here over the model: R001, R002, R003, R004, R005, R006, R007, R010, R020, R040, R041, R042, R046,
 * R053, R054, R055, R061, R080, R110, R111, R120, R121, R130.
 * Implemented in the UBL reader because they look at the XML itself: R008 (no empty elements), R043 (charge
 * indicator literal), R044 (no price-level charges), R101 (line document reference type).
 * Not implemented: the Peppol code-list rules (CL-*), the country-specific rules (DK-, GR-, IS-, IT-, NL-, NO-, SE-, DE-)
 * and the Peppol rules that only restate EN 16931 ones.
 */
import { type Amount, amount, round2, show, sum } from './amounts';
import { type RuleContext, present } from './context';

export const PEPPOL_BILLING_CUSTOMIZATION =
  'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';

/** Peppol compares computed amounts with a tolerance ("slack") instead of rounding first. */
function withinSlack(value: Amount, computed: Amount, slack: string): boolean {
  return value.minus(computed).abs().lte(slack);
}

export function isPeppol(customizationId: string | undefined): boolean {
  return /peppol/i.test(customizationId ?? '');
}

export function checkPeppolRules(context: RuleContext): void {
  const { invoice, paths } = context;
  const rule = (n: string): string => `PEPPOL-EN16931-${n}`;

  if (!present(invoice.profileId))
    context.missing(
      rule('R001'),
      paths.of('BT-23'),
      'The business process (BT-23, ProfileID)',
      'бизнес процесът (BT-23, ProfileID)',
    );
  else if (!/^urn:fdc:peppol\.eu:2017:poacc:billing:\d{2}:1\.0$/.test(invoice.profileId)) {
    context.fatal(
      rule('R007'),
      paths.of('BT-23'),
      `The business process (BT-23) must have the form "urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0"; found "${invoice.profileId}".`,
      `Бизнес процесът (BT-23) трябва да е във вида "urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0"; намерено "${invoice.profileId}".`,
    );
  }
  const bothGerman =
    invoice.seller.address?.countryCode === 'DE' && invoice.buyer.address?.countryCode === 'DE';
  if (invoice.notes.length > 1 && !bothGerman) {
    context.fatal(
      rule('R002'),
      paths.of('BT-1').replace(/[^/]+$/, invoice.syntax === 'UBL' ? 'cbc:Note[2]' : 'ram:IncludedNote[2]'),
      `Peppol allows one invoice note (BT-22); found ${invoice.notes.length}. Merge them into one.`,
      `Peppol допуска една бележка към фактурата (BT-22); намерени: ${invoice.notes.length}. Обединете ги.`,
    );
  }
  if (!present(invoice.buyerReference) && !present(invoice.orderReference)) {
    context.fatal(
      rule('R003'),
      paths.of('BT-10'),
      'Give the buyer reference (BT-10) or the purchase order reference (BT-13); Peppol requires one of them so the buyer can route the invoice.',
      'Посочете референция на купувача (BT-10) или номер на поръчка (BT-13); Peppol изисква едното от двете, за да може купувачът да насочи фактурата.',
    );
  }
  if (invoice.customizationId !== PEPPOL_BILLING_CUSTOMIZATION) {
    context.fatal(
      rule('R004'),
      paths.of('BT-24'),
      `The specification identifier (BT-24) must be "${PEPPOL_BILLING_CUSTOMIZATION}"; found "${invoice.customizationId}".`,
      `Идентификаторът на спецификацията (BT-24) трябва да е "${PEPPOL_BILLING_CUSTOMIZATION}"; намерено "${invoice.customizationId}".`,
    );
  }
  if (present(invoice.vatCurrency) && invoice.vatCurrency === invoice.currency) {
    context.fatal(
      rule('R005'),
      paths.of('BT-6'),
      `The VAT accounting currency (BT-6) is the invoice currency (${invoice.currency}); give BT-6 only when it differs.`,
      `Валутата за отчитане на ДДС (BT-6) съвпада с валутата на фактурата (${invoice.currency}); посочвайте BT-6 само когато е различна.`,
    );
  }
  const invoicedObjects = (invoice.supportingDocuments ?? []).filter(
    (document) => document.typeCode === '130',
  ).length;
  if (invoicedObjects > 1) {
    context.fatal(
      rule('R006'),
      paths.of('BG-24'),
      `Only one invoiced object identifier (BT-18) is allowed; found ${invoicedObjects}.`,
      `Допуска се само един идентификатор на фактуриран обект (BT-18); намерени: ${invoicedObjects}.`,
    );
  }
  if (!invoice.buyer.electronicAddress || !present(invoice.buyer.electronicAddress.value)) {
    context.missing(
      rule('R010'),
      paths.of('BT-49'),
      'The buyer electronic address (BT-49)',
      'електронният адрес на купувача (BT-49)',
    );
  }
  if (!invoice.seller.electronicAddress || !present(invoice.seller.electronicAddress.value)) {
    context.missing(
      rule('R020'),
      paths.of('BT-34'),
      'The seller electronic address (BT-34)',
      'електронният адрес на продавача (BT-34)',
    );
  }

  const allCharges = [
    ...invoice.allowanceCharges.map((charge, index) => ({ charge, path: paths.nth('BG-20', index) })),
    ...invoice.lines.flatMap((line, lineIndex) =>
      line.allowanceCharges.map((charge, index) => ({
        charge,
        path: paths.lineAllowanceCharge(lineIndex, index),
      })),
    ),
  ];
  for (const { charge, path } of allCharges) {
    const base = amount(charge.baseAmount);
    const percentage = amount(charge.percentage);
    const value = amount(charge.amount);
    if (base && percentage && value) {
      const expected = round2(base.times(percentage).div(100));
      if (!withinSlack(value, base.times(percentage).div(100), '0.02')) {
        context.fatal(
          rule('R040'),
          path,
          `The allowance/charge amount is ${charge.amount} but base ${charge.baseAmount} × ${charge.percentage} % gives ${show(expected)}; correct the amount.`,
          `Сумата на отстъпката/надбавката е ${charge.amount}, а основа ${charge.baseAmount} × ${charge.percentage} % дава ${show(expected)}; поправете сумата.`,
        );
      }
    }
    if (percentage && !base)
      context.missing(
        rule('R041'),
        path,
        'The allowance/charge base amount (given a percentage)',
        'основата на отстъпката/надбавката (при посочен процент)',
      );
    if (base && !percentage)
      context.missing(
        rule('R042'),
        path,
        'The allowance/charge percentage (given a base amount)',
        'процентът на отстъпката/надбавката (при посочена основа)',
      );
  }

  invoice.lines.forEach((line, index) => {
    const gross = amount(line.grossPrice);
    const net = amount(line.netPrice);
    const discount = amount(line.priceDiscount);
    if (gross && net && discount && !withinSlack(net, gross.minus(discount), '0.0001')) {
      context.fatal(
        rule('R046'),
        paths.line(index, 'BT-146'),
        `The net price (BT-146) of line ${index + 1} is ${line.netPrice} but gross price ${line.grossPrice} − price discount ${line.priceDiscount} gives ${gross.minus(discount).toFixed()}.`,
        `Нетната цена (BT-146) на ред ${index + 1} е ${line.netPrice}, а брутна цена ${line.grossPrice} − отстъпка ${line.priceDiscount} дава ${gross.minus(discount).toFixed()}.`,
      );
    }
    const quantity = amount(line.quantity);
    const baseQuantity = amount(line.priceBaseQuantity);
    if (baseQuantity && !baseQuantity.gt(0)) {
      context.fatal(
        rule('R121'),
        paths.line(index, 'BT-149'),
        `The price base quantity (BT-149) of line ${index + 1} must be above zero; found ${line.priceBaseQuantity}.`,
        `Базовото количество на цената (BT-149) на ред ${index + 1} трябва да е над нула; намерено ${line.priceBaseQuantity}.`,
      );
    }
    const lineNet = amount(line.netAmount);
    if (quantity && net && lineNet && (!baseQuantity || baseQuantity.gt(0))) {
      const lineCharges = sum(
        line.allowanceCharges.filter((charge) => charge.isCharge).map((charge) => amount(charge.amount)),
      );
      const lineAllowances = sum(
        line.allowanceCharges.filter((charge) => !charge.isCharge).map((charge) => amount(charge.amount)),
      );
      const exact: Amount = quantity
        .times(net)
        .div(baseQuantity ?? 1)
        .plus(lineCharges)
        .minus(lineAllowances);
      const expected: Amount = round2(
        quantity
          .times(net)
          .div(baseQuantity ?? 1)
          .plus(lineCharges)
          .minus(lineAllowances),
      );
      if (!withinSlack(lineNet, exact, '0.02')) {
        context.fatal(
          rule('R120'),
          paths.line(index, 'BT-131'),
          `The net amount (BT-131) of line ${index + 1} is ${line.netAmount} but quantity ${line.quantity} × net price ${line.netPrice}${baseQuantity ? ` ÷ base quantity ${line.priceBaseQuantity}` : ''} + charges − allowances gives ${show(expected)}.`,
          `Нетната стойност (BT-131) на ред ${index + 1} е ${line.netAmount}, а количество ${line.quantity} × нетна цена ${line.netPrice}${baseQuantity ? ` ÷ базово количество ${line.priceBaseQuantity}` : ''} + надбавки − отстъпки дава ${show(expected)}.`,
        );
      }
    }
    if (
      present(line.priceBaseQuantityUnitCode) &&
      present(line.unitCode) &&
      line.priceBaseQuantityUnitCode !== line.unitCode
    ) {
      context.fatal(
        rule('R130'),
        paths.line(index, 'BT-149'),
        `The unit of the price base quantity of line ${index + 1} (${line.priceBaseQuantityUnitCode}) must be the unit of the invoiced quantity (${line.unitCode}).`,
        `Мерната единица на базовото количество на ред ${index + 1} (${line.priceBaseQuantityUnitCode}) трябва да е като тази на количеството (${line.unitCode}).`,
      );
    }
    const period = invoice.invoicingPeriod;
    if (period && line.invoicingPeriod) {
      if (
        present(line.invoicingPeriod.start) &&
        present(period.start) &&
        line.invoicingPeriod.start < period.start
      ) {
        context.fatal(
          rule('R110'),
          paths.line(index, 'BG-26'),
          `Line ${index + 1} starts ${line.invoicingPeriod.start}, before the invoicing period starts (${period.start}).`,
          `Периодът на ред ${index + 1} започва ${line.invoicingPeriod.start}, преди началото на периода на фактуриране (${period.start}).`,
        );
      }
      if (present(line.invoicingPeriod.end) && present(period.end) && line.invoicingPeriod.end > period.end) {
        context.fatal(
          rule('R111'),
          paths.line(index, 'BG-26'),
          `Line ${index + 1} ends ${line.invoicingPeriod.end}, after the invoicing period ends (${period.end}).`,
          `Периодът на ред ${index + 1} завършва ${line.invoicingPeriod.end}, след края на периода на фактуриране (${period.end}).`,
        );
      }
    }
  });

  const vatAmounts = invoice.vatAmounts ?? [];
  const inCurrency = vatAmounts.filter((vat) => vat.currency === invoice.currency);
  if (inCurrency.length > 1) {
    context.fatal(
      rule('R053'),
      paths.of('BT-110'),
      `Only one VAT total in the invoice currency ${invoice.currency} may be given; found ${inCurrency.length}.`,
      `Допуска се само една обща сума на ДДС във валутата на фактурата ${invoice.currency}; намерени: ${inCurrency.length}.`,
    );
  }
  if (present(invoice.vatCurrency) && invoice.vatCurrency !== invoice.currency) {
    const inAccounting = vatAmounts.filter((vat) => vat.currency === invoice.vatCurrency);
    if (inAccounting.length > 1) {
      context.fatal(
        rule('R054'),
        paths.of('BT-111'),
        `Only one VAT total in the VAT accounting currency ${invoice.vatCurrency} may be given; found ${inAccounting.length}.`,
        `Допуска се само една обща сума на ДДС във валутата за отчитане ${invoice.vatCurrency}; намерени: ${inAccounting.length}.`,
      );
    }
    const main = amount(inCurrency[0]?.amount);
    const accounting = amount(inAccounting[0]?.amount);
    if (main && accounting && !main.eq(0) && !accounting.eq(0) && main.gt(0) !== accounting.gt(0)) {
      context.fatal(
        rule('R055'),
        paths.of('BT-111'),
        `The VAT total (BT-110, ${inCurrency[0].amount}) and the VAT total in accounting currency (BT-111, ${inAccounting[0].amount}) must have the same sign.`,
        `Общото ДДС (BT-110, ${inCurrency[0].amount}) и общото ДДС във валутата за отчитане (BT-111, ${inAccounting[0].amount}) трябва да са с еднакъв знак.`,
      );
    }
  }
  (invoice.paymentMeans ?? []).forEach((means, index) => {
    if (means.directDebit && !present(means.directDebit.mandateReference)) {
      context.missing(
        rule('R061'),
        paths.nth('BG-16', index),
        'The mandate reference (BT-89) of the direct debit',
        'референцията на мандата (BT-89) за директния дебит',
      );
    }
  });
  if ((invoice.supportingDocuments ?? []).filter((document) => document.typeCode === '50').length > 1) {
    context.fatal(
      rule('R080'),
      paths.of('BG-24'),
      'Only one project reference (BT-11) is allowed.',
      'Допуска се само една препратка към проект (BT-11).',
    );
  }
}

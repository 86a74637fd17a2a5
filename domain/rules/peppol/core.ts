/**
 * The Peppol BIS Billing 3.0 business rules PEPPOL-EN16931-R*, over the document as the artefact reads it.
 * (R008, empty elements, is checked in the one walk over every element: elements.ts.)
 */
import type { Element } from '@xmldom/xmldom';
import Big from 'big.js';
import { roundHalfUp } from '../amounts';
import {
  type PeppolDocument,
  type PeppolReport,
  children,
  decimalOf,
  isIsoDate,
  normalizeSpace,
  numberOf,
  ownText,
  pathOf,
  stringOf,
  ubl,
} from './document';

export const PEPPOL_BILLING_CUSTOMIZATION =
  'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';

/** |value − expected| ≤ slack: Peppol compares computed amounts with a tolerance instead of rounding first. */
const withinSlack = (value: Big, expected: Big, slack: string): boolean =>
  value.minus(expected).abs().lte(slack);

export function checkPeppolCore(document: PeppolDocument, report: PeppolReport): void {
  checkDocumentLevel(document, report);
  checkParties(document, report);
  const lines = document.lines;
  for (const charge of [
    ...children(document.root, 'cac:AllowanceCharge'),
    ...lines.flatMap((line) => children(line, 'cac:AllowanceCharge')),
  ])
    checkAllowanceCharge(charge, report);
  for (const means of children(document.root, 'cac:PaymentMeans')) {
    const code = children(means, 'cbc:PaymentMeansCode').map((element) => normalizeSpace(stringOf(element)));
    if ((code[0] === '49' || code[0] === '59') && ubl.count(means, 'cac:PaymentMandate/cbc:ID') === 0)
      report.fatal(
        'PEPPOL-EN16931-R061',
        means,
        `Payment means ${code[0]} is a direct debit: give the mandate reference (BT-89, cac:PaymentMandate/cbc:ID).`,
        `Начин на плащане ${code[0]} е директен дебит: посочете референцията на мандата (BT-89, cac:PaymentMandate/cbc:ID).`,
      );
  }
  // The line rules match cac:InvoiceLine and cac:CreditNoteLine whatever the document kind.
  [...children(document.root, 'cac:InvoiceLine'), ...children(document.root, 'cac:CreditNoteLine')].forEach(
    (line, index) => checkLine(document, line, index, report),
  );
}

function checkDocumentLevel(document: PeppolDocument, report: PeppolReport): void {
  const { root, kind } = document;
  const rootPath = `/${kind}`;
  const profileId = children(root, 'cbc:ProfileID')[0];
  if (!profileId)
    report.fatal(
      'PEPPOL-EN16931-R001',
      rootPath,
      'The business process (BT-23, cbc:ProfileID) is missing: add it.',
      'Липсва бизнес процесът (BT-23, cbc:ProfileID): добавете го.',
    );
  if (document.profile === 'Unknown')
    report.fatal(
      'PEPPOL-EN16931-R007',
      profileId ?? rootPath,
      `The business process (BT-23) must have the form "urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0"; found ${profileId ? `"${stringOf(profileId)}"` : 'none'}.`,
      `Бизнес процесът (BT-23) трябва да е във вида "urn:fdc:peppol.eu:2017:poacc:billing:NN:1.0"; намерено ${profileId ? `"${stringOf(profileId)}"` : 'нищо'}.`,
    );
  const notes = children(root, 'cbc:Note');
  if (notes.length > 1 && !(document.supplierIsGerman && document.customerIsGerman))
    report.fatal(
      'PEPPOL-EN16931-R002',
      notes[1]!,
      `Peppol allows one invoice note (BT-22) unless seller and buyer are both German; found ${notes.length}. Merge them into one.`,
      `Peppol допуска една бележка към фактурата (BT-22), освен ако продавачът и купувачът са германски; намерени: ${notes.length}. Обединете ги.`,
    );
  if (children(root, 'cbc:BuyerReference').length === 0 && ubl.count(root, 'cac:OrderReference/cbc:ID') === 0)
    report.fatal(
      'PEPPOL-EN16931-R003',
      rootPath,
      'Give the buyer reference (BT-10) or the purchase order reference (BT-13); Peppol requires one of them so the buyer can route the invoice.',
      'Посочете референция на купувача (BT-10) или номер на поръчка (BT-13); Peppol изисква едното от двете, за да може купувачът да насочи фактурата.',
    );
  const customization = children(root, 'cbc:CustomizationID')[0];
  const customizationText = customization ? normalizeSpace(ownText(customization) ?? '') : '';
  if (!customizationText.startsWith(PEPPOL_BILLING_CUSTOMIZATION))
    report.fatal(
      'PEPPOL-EN16931-R004',
      customization ?? rootPath,
      `The specification identifier (BT-24) must start with "${PEPPOL_BILLING_CUSTOMIZATION}"; found "${customizationText}".`,
      `Идентификаторът на спецификацията (BT-24) трябва да започва с "${PEPPOL_BILLING_CUSTOMIZATION}"; намерено "${customizationText}".`,
    );
  const taxTotals = children(root, 'cac:TaxTotal');
  const withBreakdown = taxTotals.filter((total) => children(total, 'cac:TaxSubtotal').length > 0);
  if (withBreakdown.length !== 1)
    report.fatal(
      'PEPPOL-EN16931-R053',
      withBreakdown[1] ?? rootPath,
      `Exactly one tax total with a VAT breakdown (cac:TaxTotal with cac:TaxSubtotal) must be given; found ${withBreakdown.length}.`,
      `Трябва да има точно една обща сума на данъка с разбивка по ДДС (cac:TaxTotal с cac:TaxSubtotal); намерени: ${withBreakdown.length}.`,
    );
  const taxCurrencies = children(root, 'cbc:TaxCurrencyCode');
  const withoutBreakdown = taxTotals.length - withBreakdown.length;
  if (withoutBreakdown !== (taxCurrencies.length > 0 ? 1 : 0))
    report.fatal(
      'PEPPOL-EN16931-R054',
      rootPath,
      taxCurrencies.length > 0
        ? `With a VAT accounting currency (BT-6) exactly one tax total without breakdown (BT-111) must be given; found ${withoutBreakdown}.`
        : `A tax total without breakdown is only given with a VAT accounting currency (BT-6); found ${withoutBreakdown}.`,
      taxCurrencies.length > 0
        ? `При валута за отчитане на ДДС (BT-6) трябва да има точно една обща сума на данъка без разбивка (BT-111); намерени: ${withoutBreakdown}.`
        : `Обща сума на данъка без разбивка се дава само при валута за отчитане на ДДС (BT-6); намерени: ${withoutBreakdown}.`,
    );
  if (taxCurrencies.length > 0) checkAccountingCurrencySign(document, taxCurrencies[0]!, report);
  const documentCurrency = normalizeSpace(ownText(children(root, 'cbc:DocumentCurrencyCode')[0]) ?? '');
  for (const taxCurrency of taxCurrencies) {
    if (normalizeSpace(ownText(taxCurrency) ?? '') === documentCurrency)
      report.fatal(
        'PEPPOL-EN16931-R005',
        taxCurrency,
        `The VAT accounting currency (BT-6) is the invoice currency (${documentCurrency}); give BT-6 only when it differs.`,
        `Валутата за отчитане на ДДС (BT-6) съвпада с валутата на фактурата (${documentCurrency}); посочвайте BT-6 само когато е различна.`,
      );
  }
  if (kind === 'CreditNote') {
    const projects = children(root, 'cac:AdditionalDocumentReference').filter((reference) =>
      children(reference, 'cbc:DocumentTypeCode').some((code) => stringOf(code) === '50'),
    );
    if (projects.length > 1)
      report.fatal(
        'PEPPOL-EN16931-R080',
        projects[1]!,
        `Only one project reference (BT-11) is allowed; found ${projects.length}.`,
        `Допуска се само една препратка към проект (BT-11); намерени: ${projects.length}.`,
      );
  }
}

/** R055: BT-110 and BT-111 have the same sign (some amount of each ≤ 0, or some of each ≥ 0). */
function checkAccountingCurrencySign(
  document: PeppolDocument,
  taxCurrency: Element,
  report: PeppolReport,
): void {
  const amountsIn = (currency: string): number[] =>
    ubl
      .all(document.root, 'cac:TaxTotal/cbc:TaxAmount')
      .filter((amount) => amount.getAttribute('currencyID') === currency)
      .map((amount) => numberOf(stringOf(amount)));
  const accounting = amountsIn(normalizeSpace(stringOf(taxCurrency)));
  const main = amountsIn(normalizeSpace(stringOf(children(document.root, 'cbc:DocumentCurrencyCode')[0])));
  const some = (values: number[], test: (value: number) => boolean): boolean => values.some(test);
  const sameSign =
    (some(accounting, (value) => value <= 0) && some(main, (value) => value <= 0)) ||
    (some(accounting, (value) => value >= 0) && some(main, (value) => value >= 0));
  if (!sameSign)
    report.fatal(
      'PEPPOL-EN16931-R055',
      `/${document.kind}/cac:TaxTotal`,
      'The VAT total (BT-110) and the VAT total in accounting currency (BT-111) must both be given and have the same sign.',
      'Общото ДДС (BT-110) и общото ДДС във валутата за отчитане (BT-111) трябва да са посочени и с еднакъв знак.',
    );
}

function checkParties(document: PeppolDocument, report: PeppolReport): void {
  if (document.buyer && children(document.buyer, 'cbc:EndpointID').length === 0)
    report.fatal(
      'PEPPOL-EN16931-R010',
      document.buyer,
      'The buyer electronic address (BT-49, cbc:EndpointID) is missing: add it.',
      'Липсва електронният адрес на купувача (BT-49, cbc:EndpointID): добавете го.',
    );
  if (document.seller && children(document.seller, 'cbc:EndpointID').length === 0)
    report.fatal(
      'PEPPOL-EN16931-R020',
      document.seller,
      'The seller electronic address (BT-34, cbc:EndpointID) is missing: add it.',
      'Липсва електронният адрес на продавача (BT-34, cbc:EndpointID): добавете го.',
    );
}

/** R040–R043 on a document or line allowance/charge; R041/R042 take the place of the others when they apply. */
function checkAllowanceCharge(charge: Element, report: PeppolReport): void {
  const percentage = children(charge, 'cbc:MultiplierFactorNumeric')[0];
  const base = children(charge, 'cbc:BaseAmount')[0];
  if (percentage && !base) {
    report.fatal(
      'PEPPOL-EN16931-R041',
      charge,
      'The allowance/charge gives a percentage but no base amount: add cbc:BaseAmount.',
      'Отстъпката/надбавката има процент, но няма основа: добавете cbc:BaseAmount.',
    );
    return;
  }
  if (base && !percentage) {
    report.fatal(
      'PEPPOL-EN16931-R042',
      charge,
      'The allowance/charge gives a base amount but no percentage: add cbc:MultiplierFactorNumeric.',
      'Отстъпката/надбавката има основа, но няма процент: добавете cbc:MultiplierFactorNumeric.',
    );
    return;
  }
  if (percentage && base) {
    const amountElement = children(charge, 'cbc:Amount')[0];
    const value = amountElement ? decimalOf(stringOf(amountElement)) : new Big(0);
    const baseValue = decimalOf(stringOf(base));
    const rate = decimalOf(stringOf(percentage));
    if (value && baseValue && rate && !withinSlack(value, baseValue.times(rate).div(100), '0.02')) {
      const expected = roundHalfUp(baseValue.times(rate).div(100), 2).toFixed(2);
      report.fatal(
        'PEPPOL-EN16931-R040',
        charge,
        `The allowance/charge amount is ${stringOf(amountElement)} but base ${stringOf(base)} × ${stringOf(percentage)} % gives ${expected}; correct the amount.`,
        `Сумата на отстъпката/надбавката е ${stringOf(amountElement)}, а основа ${stringOf(base)} × ${stringOf(percentage)} % дава ${expected}; поправете сумата.`,
      );
    }
  }
  const indicator = normalizeSpace(ownText(children(charge, 'cbc:ChargeIndicator')[0]) ?? '');
  if (indicator !== 'true' && indicator !== 'false')
    report.fatal(
      'PEPPOL-EN16931-R043',
      charge,
      `The charge indicator must be exactly "true" or "false"; found "${indicator}".`,
      `Индикаторът за надбавка трябва да е точно "true" или "false"; намерено "${indicator}".`,
    );
}

function checkLine(document: PeppolDocument, line: Element, index: number, report: PeppolReport): void {
  const number = index + 1;
  const quantityName = document.kind === 'Invoice' ? 'cbc:InvoicedQuantity' : 'cbc:CreditedQuantity';
  const quantityElement = children(line, quantityName)[0];
  const price = children(line, 'cac:Price')[0];
  const baseQuantityElement = children(price, 'cbc:BaseQuantity')[0];

  // R120: quantity × (net price ÷ base quantity) + charges − allowances, each line total rounded to cents.
  const lineAmountElement = children(line, 'cbc:LineExtensionAmount')[0];
  const lineAmount = lineAmountElement ? decimalOf(stringOf(lineAmountElement)) : new Big(0);
  const quantity = quantityElement ? decimalOf(stringOf(quantityElement)) : new Big(1);
  const priceElement = children(price, 'cbc:PriceAmount')[0];
  const netPrice = priceElement ? decimalOf(stringOf(priceElement)) : new Big(0);
  const baseQuantityValue = baseQuantityElement ? decimalOf(stringOf(baseQuantityElement)) : new Big(1);
  const baseQuantity = baseQuantityValue && !baseQuantityValue.eq(0) ? baseQuantityValue : new Big(1);
  const charges = children(line, 'cac:AllowanceCharge');
  const totalOf = (isCharge: string): Big | undefined => {
    const amounts = charges
      .filter((charge) => normalizeSpace(stringOf(children(charge, 'cbc:ChargeIndicator')[0])) === isCharge)
      .flatMap((charge) => children(charge, 'cbc:Amount'))
      .map((amount) => decimalOf(stringOf(amount)));
    if (amounts.some((amount) => amount === undefined)) return undefined;
    return roundHalfUp(
      amounts.reduce<Big>((total, amount) => total.plus(amount!), new Big(0)),
      2,
    );
  };
  const allowances = totalOf('false');
  const chargeTotal = totalOf('true');
  if (lineAmount && quantity && netPrice && baseQuantityValue && allowances && chargeTotal) {
    const expected = quantity.times(netPrice.div(baseQuantity)).plus(chargeTotal).minus(allowances);
    if (!withinSlack(lineAmount, expected, '0.02'))
      report.fatal(
        'PEPPOL-EN16931-R120',
        lineAmountElement ?? line,
        `The net amount (BT-131) of line ${number} is ${lineAmountElement ? stringOf(lineAmountElement) : 'missing'} but quantity × (net price ÷ base quantity) + charges − allowances gives ${roundHalfUp(expected, 2).toFixed(2)}.`,
        `Нетната стойност (BT-131) на ред ${number} е ${lineAmountElement ? stringOf(lineAmountElement) : 'липсваща'}, а количество × (нетна цена ÷ базово количество) + надбавки − отстъпки дава ${roundHalfUp(expected, 2).toFixed(2)}.`,
      );
  }
  if (baseQuantityElement && baseQuantityValue && !baseQuantityValue.gt(0))
    report.fatal(
      'PEPPOL-EN16931-R121',
      baseQuantityElement,
      `The price base quantity (BT-149) of line ${number} must be above zero; found ${stringOf(baseQuantityElement)}.`,
      `Базовото количество на цената (BT-149) на ред ${number} трябва да е над нула; намерено ${stringOf(baseQuantityElement)}.`,
    );

  const references = children(line, 'cac:DocumentReference');
  if (references.length > 1)
    report.fatal(
      'PEPPOL-EN16931-R100',
      references[1]!,
      `Line ${number} may refer to one invoiced object (BT-128); found ${references.length} document references.`,
      `Ред ${number} може да сочи един фактуриран обект (BT-128); намерени ${references.length} препратки към документи.`,
    );
  if (
    references.length > 0 &&
    !references.some((reference) =>
      children(reference, 'cbc:DocumentTypeCode').some((code) => stringOf(code) === '130'),
    )
  )
    report.fatal(
      'PEPPOL-EN16931-R101',
      references[0]!,
      `A document reference on line ${number} may only carry the invoice line object identifier (BT-128), with document type code 130.`,
      `Препратка към документ на ред ${number} може да съдържа само идентификатор на обект (BT-128), с код на вид документ 130.`,
    );

  for (const discount of children(price, 'cac:AllowanceCharge')) {
    const indicator = normalizeSpace(stringOf(children(discount, 'cbc:ChargeIndicator')[0]));
    if (indicator !== 'false')
      report.fatal(
        'PEPPOL-EN16931-R044',
        discount,
        `Line ${number} has a charge on price level (ChargeIndicator "${indicator}"); Peppol allows only a price discount ("false").`,
        `Ред ${number} има надбавка към цената (ChargeIndicator "${indicator}"); Peppol допуска само отстъпка от цената ("false").`,
      );
    const gross = children(discount, 'cbc:BaseAmount')[0];
    if (gross) {
      const grossValue = decimalOf(stringOf(gross));
      const discountAmount = children(discount, 'cbc:Amount')[0];
      const discountValue = discountAmount ? decimalOf(stringOf(discountAmount)) : undefined;
      const net = priceElement ? decimalOf(stringOf(priceElement)) : undefined;
      const consistent =
        grossValue !== undefined &&
        discountValue !== undefined &&
        net !== undefined &&
        net.eq(grossValue.minus(discountValue));
      // A blank or non-numeric amount stops the artefact itself; only a missing one is this rule's to report.
      const unreadable =
        grossValue === undefined ||
        (discountAmount && discountValue === undefined) ||
        (priceElement && net === undefined);
      if (!consistent && !unreadable)
        report.fatal(
          'PEPPOL-EN16931-R046',
          priceElement ?? price!,
          `The net price (BT-146) of line ${number} must be the gross price (BT-148) ${stringOf(gross)} minus the price discount (BT-147) ${discountAmount ? stringOf(discountAmount) : '(missing)'}.`,
          `Нетната цена (BT-146) на ред ${number} трябва да е брутната цена (BT-148) ${stringOf(gross)} минус отстъпката (BT-147) ${discountAmount ? stringOf(discountAmount) : '(липсва)'}.`,
        );
    }
  }

  const baseUnit = baseQuantityElement?.getAttribute('unitCode');
  if (baseQuantityElement?.hasAttribute('unitCode')) {
    const hasQuantity =
      children(line, 'cbc:InvoicedQuantity').length + children(line, 'cbc:CreditedQuantity').length > 0;
    const units = children(line, quantityName)
      .filter((element) => element.hasAttribute('unitCode'))
      .map((element) => element.getAttribute('unitCode'));
    if (hasQuantity && !units.includes(baseUnit ?? null))
      report.fatal(
        'PEPPOL-EN16931-R130',
        baseQuantityElement,
        `The unit of the price base quantity of line ${number} (${baseUnit}) must be the unit of the invoiced quantity (${units[0] ?? 'none'}).`,
        `Мерната единица на базовото количество на ред ${number} (${baseUnit}) трябва да е като тази на количеството (${units[0] ?? 'няма'}).`,
      );
  }

  const ofThisKind = line.localName === (document.kind === 'CreditNote' ? 'CreditNoteLine' : 'InvoiceLine');
  if (ofThisKind) checkLinePeriod(document, line, number, report);
}

/** R110/R111: the line period lies within the invoicing period (where both dates are there to compare). */
function checkLinePeriod(
  document: PeppolDocument,
  line: Element,
  number: number,
  report: PeppolReport,
): void {
  const period = children(document.root, 'cac:InvoicePeriod')[0];
  for (const [name, rule, before] of [
    ['cbc:StartDate', 'PEPPOL-EN16931-R110', true],
    ['cbc:EndDate', 'PEPPOL-EN16931-R111', false],
  ] as const) {
    const bound = children(period, name)[0];
    if (!bound) continue;
    const limit = normalizeSpace(stringOf(bound));
    if (!isIsoDate(limit)) continue;
    for (const date of ubl.all(line, `cac:InvoicePeriod/${name}`)) {
      // An empty line date compares as false, so the rule fails; an unreadable one stops the artefact instead.
      const text = ownText(date);
      const value = text === undefined ? '' : normalizeSpace(text);
      if (text !== undefined && !isIsoDate(value)) continue;
      if (text === undefined || (before ? value < limit : value > limit))
        report.fatal(
          rule,
          pathOf(date),
          before
            ? `Line ${number} starts ${value || '(no date)'}, before the invoicing period starts (${limit}).`
            : `Line ${number} ends ${value || '(no date)'}, after the invoicing period ends (${limit}).`,
          before
            ? `Периодът на ред ${number} започва ${value || '(без дата)'}, преди началото на периода на фактуриране (${limit}).`
            : `Периодът на ред ${number} завършва ${value || '(без дата)'}, след края на периода на фактуриране (${limit}).`,
        );
    }
  }
}

/**
 * EN 16931-1 core business rules (BR-01…BR-65), calculation rules (BR-CO-*) and decimal rules (BR-DEC-*). Each rule
 * mirrors the condition of the CEN validation artefacts (v1.3.x), expressed over the semantic model; VAT category
 * rules live in vat-categories.ts, code-list rules (BR-CL-*) in code-list-rules.ts.
 */
import type { AllowanceCharge } from '../invoice/model';
import { type Amount, ZERO, amount, decimalPlaces, round2, show, sum } from './amounts';
import { isCountryCode } from './code-lists';
import { type RuleContext, present, quote, quoteBg } from './context';

export function checkCoreRules(context: RuleContext): void {
  checkDocument(context);
  checkParties(context);
  checkLines(context);
  checkAllowancesAndCharges(context);
  checkTotals(context);
  checkVatBreakdown(context);
  checkPayment(context);
  checkReferences(context);
  checkDecimals(context);
}

function checkDocument(context: RuleContext): void {
  const { invoice, paths } = context;
  if (!present(invoice.customizationId))
    context.missing(
      'BR-01',
      paths.of('BT-24'),
      'The specification identifier (BT-24)',
      'идентификаторът на спецификацията (BT-24)',
    );
  if (!present(invoice.number))
    context.missing('BR-02', paths.of('BT-1'), 'The invoice number (BT-1)', 'номерът на фактурата (BT-1)');
  if (!present(invoice.issueDate))
    context.missing('BR-03', paths.of('BT-2'), 'The invoice issue date (BT-2)', 'датата на издаване (BT-2)');
  if (!present(invoice.typeCode))
    context.missing(
      'BR-04',
      paths.of('BT-3'),
      'The invoice type code (BT-3)',
      'кодът на вида документ (BT-3)',
    );
  if (!present(invoice.currency))
    context.missing(
      'BR-05',
      paths.of('BT-5'),
      'The invoice currency code (BT-5)',
      'кодът на валутата на фактурата (BT-5)',
    );
  if (invoice.lines.length === 0) {
    context.missing(
      'BR-16',
      paths.of('BG-25'),
      'At least one invoice line (BG-25)',
      'поне един ред на фактурата (BG-25)',
    );
  }
  const period = invoice.invoicingPeriod;
  if (period) {
    if (present(period.start) && present(period.end) && period.end < period.start) {
      context.fatal(
        'BR-29',
        paths.of('BG-14'),
        `The invoicing period ends (${period.end}) before it starts (${period.start}); the end date (BT-74) must be on or after the start date (BT-73).`,
        `Периодът на фактуриране завършва (${period.end}) преди да започне (${period.start}); крайната дата (BT-74) трябва да е не по-рано от началната (BT-73).`,
      );
    }
    if (!present(period.start) && !present(period.end) && !present(invoice.taxPointDateCode)) {
      context.fatal(
        'BR-CO-19',
        paths.of('BG-14'),
        'The invoicing period (BG-14) is given but has neither a start date (BT-73) nor an end date (BT-74); give at least one, or remove the period.',
        'Периодът на фактуриране (BG-14) е посочен, но няма нито начална (BT-73), нито крайна дата (BT-74); посочете поне едната или премахнете периода.',
      );
    }
  }
  if (present(invoice.taxPointDate) && present(invoice.taxPointDateCode)) {
    context.fatal(
      'BR-CO-03',
      paths.of('BT-7'),
      `Both the VAT point date (BT-7, ${invoice.taxPointDate}) and the VAT point date code (BT-8, ${invoice.taxPointDateCode}) are given; use only one of them.`,
      `Посочени са и датата на данъчното събитие (BT-7, ${invoice.taxPointDate}), и кодът ѝ (BT-8, ${invoice.taxPointDateCode}); използвайте само едното.`,
    );
  }
  if (invoice.kind === 'Invoice') {
    const payable = amount(invoice.totals.payable);
    if (payable && payable.gt(0) && !present(invoice.dueDate) && !present(invoice.paymentTerms)) {
      context.fatal(
        'BR-CO-25',
        paths.of('BT-9'),
        `The amount due (BT-115) is ${invoice.totals.payable}, positive, but neither a payment due date (BT-9) nor payment terms (BT-20) are given; add one of them.`,
        `Сумата за плащане (BT-115) е ${invoice.totals.payable}, положителна, но няма нито падеж (BT-9), нито условия за плащане (BT-20); добавете едно от двете.`,
      );
    }
  }
}

function checkParties(context: RuleContext): void {
  const { invoice, paths } = context;
  const { seller, buyer, payee, taxRepresentative } = invoice;
  if (!present(seller.name))
    context.missing('BR-06', paths.of('BT-27'), 'The seller name (BT-27)', 'името на продавача (BT-27)');
  if (!present(buyer.name))
    context.missing('BR-07', paths.of('BT-44'), 'The buyer name (BT-44)', 'името на купувача (BT-44)');
  if (!seller.address)
    context.missing(
      'BR-08',
      paths.of('BG-5'),
      'The seller postal address (BG-5)',
      'пощенският адрес на продавача (BG-5)',
    );
  else if (!present(seller.address.countryCode))
    context.missing(
      'BR-09',
      paths.of('BT-40'),
      'The seller country code (BT-40)',
      'кодът на държавата на продавача (BT-40)',
    );
  if (!buyer.address)
    context.missing(
      'BR-10',
      paths.of('BG-8'),
      'The buyer postal address (BG-8)',
      'пощенският адрес на купувача (BG-8)',
    );
  else if (!present(buyer.address.countryCode))
    context.missing(
      'BR-11',
      paths.of('BT-55'),
      'The buyer country code (BT-55)',
      'кодът на държавата на купувача (BT-55)',
    );

  if (payee) {
    const sellerIds = new Set(seller.identifiers.map((id) => id.value));
    const sameAsSeller =
      (present(payee.name) && payee.name === seller.tradingName) ||
      payee.identifiers.some((id) => sellerIds.has(id.value));
    if (!present(payee.name) || sameAsSeller) {
      context.fatal(
        'BR-17',
        paths.of('BT-59'),
        present(payee.name)
          ? `The payee (BG-10) has the seller's own name or identifier (${payee.name}); a payee is only for a party other than the seller — remove it or name the other party.`
          : 'A payee (BG-10) is given without a payee name (BT-59); add the name of the party that receives the payment.',
        present(payee.name)
          ? `Получателят на плащането (BG-10) има името или идентификатора на продавача (${payee.name}); получател се посочва само когато е друго лице — премахнете го или посочете другото лице.`
          : 'Посочен е получател на плащането (BG-10) без име (BT-59); добавете името на лицето, което получава плащането.',
      );
    }
  }
  if (taxRepresentative) {
    if (!present(taxRepresentative.name))
      context.missing(
        'BR-18',
        paths.of('BT-62'),
        'The seller tax representative name (BT-62)',
        'името на данъчния представител (BT-62)',
      );
    if (!taxRepresentative.address)
      context.missing(
        'BR-19',
        paths.of('BG-12'),
        'The seller tax representative postal address (BG-12)',
        'адресът на данъчния представител (BG-12)',
      );
    else if (!present(taxRepresentative.address.countryCode)) {
      context.missing(
        'BR-20',
        paths.of('BT-69'),
        'The tax representative country code (BT-69)',
        'кодът на държавата на данъчния представител (BT-69)',
      );
    }
    if (!present(taxRepresentative.vatId))
      context.missing(
        'BR-56',
        paths.of('BT-63'),
        'The seller tax representative VAT identifier (BT-63)',
        'ДДС номерът на данъчния представител (BT-63)',
      );
  }
  if (invoice.delivery?.address && !present(invoice.delivery.address.countryCode)) {
    context.missing(
      'BR-57',
      paths.of('BT-80'),
      'The deliver-to country code (BT-80)',
      'кодът на държавата на доставка (BT-80)',
    );
  }
  if (seller.electronicAddress && !present(seller.electronicAddress.scheme)) {
    context.missing(
      'BR-62',
      paths.of('BT-34'),
      'The scheme identifier of the seller electronic address (BT-34, attribute schemeID)',
      'идентификаторът на схемата на електронния адрес на продавача (BT-34, атрибут schemeID)',
    );
  }
  if (buyer.electronicAddress && !present(buyer.electronicAddress.scheme)) {
    context.missing(
      'BR-63',
      paths.of('BT-49'),
      'The scheme identifier of the buyer electronic address (BT-49, attribute schemeID)',
      'идентификаторът на схемата на електронния адрес на купувача (BT-49, атрибут schemeID)',
    );
  }
  if (
    !present(seller.vatId) &&
    !present(seller.taxRegistrationId) &&
    seller.identifiers.length === 0 &&
    !present(seller.legalRegistrationId?.value)
  ) {
    context.fatal(
      'BR-CO-26',
      paths.of('BG-4'),
      'The seller has no identifier: give the seller identifier (BT-29), legal registration identifier (BT-30) or VAT identifier (BT-31) so the buyer can identify the seller.',
      'Продавачът няма идентификатор: посочете идентификатор (BT-29), регистрационен номер (BT-30) или ДДС номер (BT-31), за да може купувачът да го идентифицира.',
    );
  }
  const vatIds: [string | undefined, string, string][] = [
    [seller.vatId, paths.of('BT-31'), 'seller'],
    [buyer.vatId, paths.of('BT-48'), 'buyer'],
    [taxRepresentative?.vatId, paths.of('BT-63'), 'tax representative'],
  ];
  for (const [vatId, path, role] of vatIds) {
    if (present(vatId) && !isVatPrefix(vatId.slice(0, 2))) {
      context.fatal(
        'BR-CO-09',
        path,
        `The ${role} VAT identifier "${vatId}" must start with an ISO 3166-1 country code (Greece: EL), e.g. "BG175074752".`,
        `ДДС номерът на ${role === 'seller' ? 'продавача' : role === 'buyer' ? 'купувача' : 'данъчния представител'} "${vatId}" трябва да започва с код на държава по ISO 3166-1 (за Гърция EL), напр. "BG175074752".`,
      );
    }
  }
}

function isVatPrefix(prefix: string): boolean {
  return prefix === 'EL' || prefix === 'XI' || prefix === '1A' || isCountryCode(prefix);
}

function checkLines(context: RuleContext): void {
  const { invoice, paths } = context;
  invoice.lines.forEach((line, index) => {
    const where = `line ${index + 1}${present(line.id) ? ` (${line.id})` : ''}`;
    const whereBg = `ред ${index + 1}${present(line.id) ? ` (${line.id})` : ''}`;
    if (!present(line.id))
      context.missing(
        'BR-21',
        paths.line(index, 'BT-126'),
        `The line identifier (BT-126) of ${where}`,
        `идентификаторът (BT-126) на ${whereBg}`,
      );
    if (!present(line.quantity))
      context.missing(
        'BR-22',
        paths.line(index, 'BT-129'),
        `The invoiced quantity (BT-129) of ${where}`,
        `количеството (BT-129) на ${whereBg}`,
      );
    else if (!present(line.unitCode)) {
      context.missing(
        'BR-23',
        paths.line(index, 'BT-129'),
        `The unit of measure (BT-130, attribute unitCode) of ${where}`,
        `мерната единица (BT-130, атрибут unitCode) на ${whereBg}`,
      );
    }
    if (!present(line.netAmount))
      context.missing(
        'BR-24',
        paths.line(index, 'BT-131'),
        `The line net amount (BT-131) of ${where}`,
        `нетната стойност (BT-131) на ${whereBg}`,
      );
    if (!present(line.itemName))
      context.missing(
        'BR-25',
        paths.line(index, 'BT-153'),
        `The item name (BT-153) of ${where}`,
        `наименованието на стоката или услугата (BT-153) на ${whereBg}`,
      );
    if (!present(line.netPrice))
      context.missing(
        'BR-26',
        paths.line(index, 'BT-146'),
        `The item net price (BT-146) of ${where}`,
        `нетната единична цена (BT-146) на ${whereBg}`,
      );
    else if (amount(line.netPrice)?.lt(0)) {
      context.fatal(
        'BR-27',
        paths.line(index, 'BT-146'),
        `The item net price (BT-146) of ${where} is ${line.netPrice}; a price cannot be negative — put the sign on the quantity instead.`,
        `Нетната единична цена (BT-146) на ${whereBg} е ${line.netPrice}; цената не може да е отрицателна — поставете знака на количеството.`,
      );
    }
    if (line.grossPrice !== undefined && amount(line.grossPrice)?.lt(0)) {
      context.fatal(
        'BR-28',
        paths.line(index, 'BT-148'),
        `The item gross price (BT-148) of ${where} is ${line.grossPrice}; it cannot be negative.`,
        `Брутната единична цена (BT-148) на ${whereBg} е ${line.grossPrice}; тя не може да е отрицателна.`,
      );
    }
    if (line.invoicingPeriod) {
      const { start, end } = line.invoicingPeriod;
      if (present(start) && present(end) && end < start) {
        context.fatal(
          'BR-30',
          paths.line(index, 'BG-26'),
          `The period of ${where} ends (${end}) before it starts (${start}); the end date (BT-135) must be on or after the start date (BT-134).`,
          `Периодът на ${whereBg} завършва (${end}) преди да започне (${start}); крайната дата (BT-135) трябва да е не по-рано от началната (BT-134).`,
        );
      }
      if (!present(start) && !present(end)) {
        context.fatal(
          'BR-CO-20',
          paths.line(index, 'BG-26'),
          `The period of ${where} (BG-26) has neither a start (BT-134) nor an end date (BT-135); give at least one or remove the period.`,
          `Периодът на ${whereBg} (BG-26) няма нито начална (BT-134), нито крайна дата (BT-135); посочете поне едната или премахнете периода.`,
        );
      }
    }
    if (!present(line.vatCategoryCode)) {
      context.missing(
        'BR-CO-04',
        paths.line(index, 'BT-151'),
        `The VAT category code (BT-151) of ${where}`,
        `кодът на ДДС категорията (BT-151) на ${whereBg}`,
      );
    }
    line.allowanceCharges.forEach((charge, chargeIndex) => {
      const path = paths.lineAllowanceCharge(index, chargeIndex);
      const [amountRule, reasonRule, coRule] = charge.isCharge
        ? ['BR-43', 'BR-44', 'BR-CO-24']
        : ['BR-41', 'BR-42', 'BR-CO-23'];
      const what = charge.isCharge
        ? `charge ${chargeIndex + 1} on ${where}`
        : `allowance ${chargeIndex + 1} on ${where}`;
      const whatBg = charge.isCharge
        ? `надбавка ${chargeIndex + 1} на ${whereBg}`
        : `отстъпка ${chargeIndex + 1} на ${whereBg}`;
      if (!present(charge.amount))
        context.missing(amountRule, path, `The amount of ${what}`, `сумата на ${whatBg}`);
      if (!present(charge.reason) && !present(charge.reasonCode)) {
        for (const ruleId of [reasonRule, coRule])
          context.missing(
            ruleId,
            path,
            `The reason or reason code of ${what}`,
            `основанието или кодът на основанието на ${whatBg}`,
          );
      }
    });
    line.attributes?.forEach((attribute, attributeIndex) => {
      if (!present(attribute.name) || !present(attribute.value)) {
        context.fatal(
          'BR-54',
          `${paths.line(index, 'BG-32')}[${attributeIndex + 1}]`,
          `Item attribute ${attributeIndex + 1} of ${where} needs both a name (BT-160) and a value (BT-161); found name ${quote(attribute.name)} and value ${quote(attribute.value)}.`,
          `Атрибут ${attributeIndex + 1} на ${whereBg} трябва да има име (BT-160) и стойност (BT-161); намерени са име ${quoteBg(attribute.name)} и стойност ${quoteBg(attribute.value)}.`,
        );
      }
    });
    if (line.standardItemId && !present(line.standardItemId.scheme)) {
      context.missing(
        'BR-64',
        paths.line(index, 'BT-157'),
        `The scheme identifier of the item standard identifier (BT-157) of ${where}`,
        `идентификаторът на схемата на стандартния идентификатор (BT-157) на ${whereBg}`,
      );
    }
    line.classifications?.forEach((classification) => {
      if (!present(classification.scheme)) {
        context.missing(
          'BR-65',
          paths.line(index, 'BT-158'),
          `The scheme identifier (listID) of the item classification "${classification.value}" (BT-158) of ${where}`,
          `идентификаторът на схемата (listID) на класификацията "${classification.value}" (BT-158) на ${whereBg}`,
        );
      }
    });
  });
}

function checkAllowancesAndCharges(context: RuleContext): void {
  const { invoice, paths } = context;
  invoice.allowanceCharges.forEach((charge, index) => {
    const path = paths.nth('BG-20', index);
    const [amountRule, categoryRule, reasonRule, coRule] = charge.isCharge
      ? ['BR-36', 'BR-37', 'BR-38', 'BR-CO-22']
      : ['BR-31', 'BR-32', 'BR-33', 'BR-CO-21'];
    const what = charge.isCharge
      ? `Document level charge ${index + 1} (BG-21)`
      : `Document level allowance ${index + 1} (BG-20)`;
    const whatBg = charge.isCharge
      ? `надбавката на ниво документ ${index + 1} (BG-21)`
      : `отстъпката на ниво документ ${index + 1} (BG-20)`;
    if (!present(charge.amount))
      context.missing(amountRule, path, `The amount of ${what.toLowerCase()}`, `сумата на ${whatBg}`);
    if (!present(charge.vatCategoryCode))
      context.missing(
        categoryRule,
        path,
        `The VAT category code of ${what.toLowerCase()}`,
        `кодът на ДДС категорията на ${whatBg}`,
      );
    if (!present(charge.reason) && !present(charge.reasonCode)) {
      for (const ruleId of [reasonRule, coRule])
        context.missing(
          ruleId,
          path,
          `The reason or reason code of ${what.toLowerCase()}`,
          `основанието или кодът на основанието на ${whatBg}`,
        );
    }
  });
}

function checkTotals(context: RuleContext): void {
  const { invoice, paths } = context;
  const totals = invoice.totals;
  // BT-106, BT-109, BT-112 and BT-115 are mandatory whether or not the totals group is there.
  {
    if (!present(totals.lineNetTotal))
      context.missing(
        'BR-12',
        paths.of('BT-106'),
        'The sum of invoice line net amounts (BT-106)',
        'сборът на нетните стойности по редове (BT-106)',
      );
    if (!present(totals.taxExclusive))
      context.missing(
        'BR-13',
        paths.of('BT-109'),
        'The invoice total without VAT (BT-109)',
        'общата сума без ДДС (BT-109)',
      );
    if (!present(totals.taxInclusive))
      context.missing(
        'BR-14',
        paths.of('BT-112'),
        'The invoice total with VAT (BT-112)',
        'общата сума с ДДС (BT-112)',
      );
    if (!present(totals.payable))
      context.missing(
        'BR-15',
        paths.of('BT-115'),
        'The amount due for payment (BT-115)',
        'сумата за плащане (BT-115)',
      );
  }

  const lineNet = amount(totals.lineNetTotal);
  if (lineNet) {
    const expected = round2(sum(invoice.lines.map((line) => amount(line.netAmount))));
    if (!lineNet.eq(expected)) {
      mismatch(
        context,
        'BR-CO-10',
        paths.of('BT-106'),
        'The sum of invoice line net amounts (BT-106)',
        'Сборът на нетните стойности по редове (BT-106)',
        totals.lineNetTotal,
        expected,
        'the sum of the line net amounts (BT-131)',
        'сбора на нетните стойности на редовете (BT-131)',
      );
    }
  }
  checkAllowanceTotal(context, false, totals.allowanceTotal);
  checkAllowanceTotal(context, true, totals.chargeTotal);

  const taxExclusive = amount(totals.taxExclusive);
  if (lineNet && taxExclusive) {
    const expected = round2(
      lineNet.minus(amount(totals.allowanceTotal) ?? 0).plus(amount(totals.chargeTotal) ?? 0),
    );
    if (!taxExclusive.eq(expected)) {
      mismatch(
        context,
        'BR-CO-13',
        paths.of('BT-109'),
        'The invoice total without VAT (BT-109)',
        'Общата сума без ДДС (BT-109)',
        totals.taxExclusive,
        expected,
        'line total (BT-106) − allowances (BT-107) + charges (BT-108)',
        'сбор по редове (BT-106) − отстъпки (BT-107) + надбавки (BT-108)',
      );
    }
  }

  // BR-CO-15: exactly one VAT total in the invoice currency, and total with VAT = total without VAT + that VAT total.
  const taxInclusive = amount(totals.taxInclusive);
  if (present(invoice.currency) && (taxInclusive || taxExclusive || invoice.vatAmounts?.length)) {
    const inCurrency = (invoice.vatAmounts ?? []).filter(
      (vat) => vat.currency === invoice.currency || (invoice.syntax === 'CII' && vat.currency === undefined),
    );
    // Without any VAT total, the CII binding accepts a total with VAT equal to the total without VAT (VAT of zero).
    const noVatAndEqual =
      inCurrency.length === 0 &&
      taxInclusive !== undefined &&
      taxExclusive !== undefined &&
      taxInclusive.eq(taxExclusive);
    if (inCurrency.length !== 1 && !noVatAndEqual) {
      context.fatal(
        'BR-CO-15',
        paths.of('BT-110'),
        `There must be exactly one invoice total VAT amount (BT-110) in the invoice currency ${invoice.currency}; found ${inCurrency.length}.`,
        `Трябва да има точно една обща сума на ДДС (BT-110) във валутата на фактурата ${invoice.currency}; намерени: ${inCurrency.length}.`,
      );
    } else if (inCurrency.length === 1) {
      const vatTotal = amount(inCurrency[0].amount);
      if (taxInclusive && taxExclusive && vatTotal) {
        const expected = round2(taxExclusive.plus(vatTotal));
        if (!taxInclusive.eq(expected)) {
          mismatch(
            context,
            'BR-CO-15',
            paths.of('BT-112'),
            'The invoice total with VAT (BT-112)',
            'Общата сума с ДДС (BT-112)',
            totals.taxInclusive,
            expected,
            'total without VAT (BT-109) + total VAT (BT-110)',
            'сума без ДДС (BT-109) + общо ДДС (BT-110)',
          );
        }
      } else if (!taxInclusive || !taxExclusive) {
        context.fatal(
          'BR-CO-15',
          paths.of('BT-112'),
          `The invoice total with VAT (BT-112, found ${quote(totals.taxInclusive || undefined)}) must equal the total without VAT (BT-109, found ${quote(totals.taxExclusive || undefined)}) plus the VAT total (BT-110); both totals must be present.`,
          `Общата сума с ДДС (BT-112, намерено ${quoteBg(totals.taxInclusive || undefined)}) трябва да е равна на сумата без ДДС (BT-109, намерено ${quoteBg(totals.taxExclusive || undefined)}) плюс общото ДДС (BT-110); и двете суми са задължителни.`,
        );
      }
    }
  }

  const payable = amount(totals.payable);
  if (payable && taxInclusive) {
    const prepaid = amount(totals.prepaid) ?? ZERO;
    const rounding = amount(totals.rounding);
    const expected = round2(taxInclusive.minus(prepaid));
    const actual = rounding ? round2(payable.minus(rounding)) : payable;
    if (!actual.eq(expected)) {
      mismatch(
        context,
        'BR-CO-16',
        paths.of('BT-115'),
        'The amount due for payment (BT-115)',
        'Сумата за плащане (BT-115)',
        totals.payable,
        rounding ? round2(expected.plus(rounding)) : expected,
        'total with VAT (BT-112) − paid amount (BT-113) + rounding amount (BT-114)',
        'сума с ДДС (BT-112) − платена сума (BT-113) + закръгляване (BT-114)',
      );
    }
  }
}

function checkAllowanceTotal(context: RuleContext, charges: boolean, written: string | undefined): void {
  const { invoice, paths } = context;
  const items = invoice.allowanceCharges.filter((item: AllowanceCharge) => item.isCharge === charges);
  const ruleId = charges ? 'BR-CO-12' : 'BR-CO-11';
  const path = paths.of(charges ? 'BT-108' : 'BT-107');
  const term = charges
    ? 'The sum of document level charges (BT-108)'
    : 'The sum of document level allowances (BT-107)';
  const termBg = charges
    ? 'Сборът на надбавките на ниво документ (BT-108)'
    : 'Сборът на отстъпките на ниво документ (BT-107)';
  if (written === undefined) {
    if (items.length > 0) {
      context.fatal(
        ruleId,
        path,
        `${term} is missing although the invoice has ${items.length} document level ${charges ? 'charge(s)' : 'allowance(s)'}; add it.`,
        `${termBg} липсва, въпреки че фактурата има ${items.length} ${charges ? 'надбавки' : 'отстъпки'} на ниво документ; добавете го.`,
      );
    }
    return;
  }
  const value = amount(written);
  const expected = round2(sum(items.map((item) => amount(item.amount))));
  if (!value || !value.eq(expected)) {
    mismatch(
      context,
      ruleId,
      path,
      term,
      termBg,
      written,
      expected,
      `the sum of the document level ${charges ? 'charge' : 'allowance'} amounts`,
      `сбора на ${charges ? 'надбавките' : 'отстъпките'} на ниво документ`,
    );
  }
}

function checkVatBreakdown(context: RuleContext): void {
  const { invoice, paths } = context;
  if (invoice.vatBreakdown.length === 0) {
    if (invoice.lines.length > 0 || (invoice.vatAmounts?.length ?? 0) > 0) {
      context.missing(
        'BR-CO-18',
        paths.of('BG-23'),
        'The VAT breakdown (BG-23)',
        'разбивката по ДДС (BG-23)',
        '(at least one is required)',
        '(изисква се поне една)',
      );
    }
  } else if (invoice.totals.vatTotal !== undefined) {
    const vatTotal = amount(invoice.totals.vatTotal);
    const expected = round2(sum(invoice.vatBreakdown.map((vat) => amount(vat.taxAmount))));
    if (!vatTotal || !vatTotal.eq(expected)) {
      mismatch(
        context,
        'BR-CO-14',
        paths.of('BT-110'),
        'The invoice total VAT amount (BT-110)',
        'Общата сума на ДДС (BT-110)',
        invoice.totals.vatTotal,
        expected,
        'the sum of the VAT category tax amounts (BT-117)',
        'сбора на ДДС по категории (BT-117)',
      );
    }
  }
  invoice.vatBreakdown.forEach((vat, index) => {
    const path = paths.nth('BG-23', index);
    const which = `VAT breakdown ${index + 1}${present(vat.categoryCode) ? ` (category ${vat.categoryCode}${present(vat.rate) ? ` ${vat.rate} %` : ''})` : ''}`;
    const whichBg = `разбивка по ДДС ${index + 1}${present(vat.categoryCode) ? ` (категория ${vat.categoryCode}${present(vat.rate) ? ` ${vat.rate} %` : ''})` : ''}`;
    if (!present(vat.taxableAmount))
      context.missing(
        'BR-45',
        path,
        `The taxable amount (BT-116) of ${which}`,
        `данъчната основа (BT-116) на ${whichBg}`,
      );
    if (!present(vat.taxAmount))
      context.missing(
        'BR-46',
        path,
        `The VAT amount (BT-117) of ${which}`,
        `сумата на ДДС (BT-117) на ${whichBg}`,
      );
    if (!present(vat.categoryCode))
      context.missing(
        'BR-47',
        path,
        `The VAT category code (BT-118) of ${which}`,
        `кодът на ДДС категорията (BT-118) на ${whichBg}`,
      );
    if (!present(vat.rate) && vat.categoryCode !== 'O')
      context.missing(
        'BR-48',
        path,
        `The VAT rate (BT-119) of ${which}`,
        `ставката на ДДС (BT-119) на ${whichBg}`,
      );
    const taxable = amount(vat.taxableAmount);
    const tax = amount(vat.taxAmount);
    const rate = amount(vat.rate);
    if (tax) {
      let consistent: boolean;
      let expected: Amount | undefined;
      if (rate && !rate.round(0, 1).eq(0)) {
        expected = taxable ? round2(taxable.abs().times(rate).div(100)) : undefined;
        consistent =
          expected !== undefined && tax.abs().minus(1).lt(expected) && tax.abs().plus(1).gt(expected);
      } else {
        consistent = tax.round(0, 1).eq(0);
      }
      if (!consistent) {
        context.fatal(
          'BR-CO-17',
          `${path}/${paths.ublSyntax ? 'cbc:TaxAmount' : 'ram:CalculatedAmount'}`,
          `The VAT amount (BT-117) of ${which} is ${vat.taxAmount} but taxable amount ${vat.taxableAmount || '(missing)'} × rate ${vat.rate ?? '(missing)'} % gives ${expected ? show(expected) : '0.00'}; correct the VAT amount or the rate.`,
          `Сумата на ДДС (BT-117) на ${whichBg} е ${vat.taxAmount}, а основа ${vat.taxableAmount || '(липсва)'} × ставка ${vat.rate ?? '(липсва)'} % дава ${expected ? show(expected) : '0.00'}; поправете сумата на ДДС или ставката.`,
        );
      }
    }
  });
  if (
    present(invoice.vatCurrency) &&
    !(invoice.vatAmounts ?? []).some((vat) => vat.currency === invoice.vatCurrency)
  ) {
    context.fatal(
      'BR-53',
      paths.of('BT-111'),
      `The VAT accounting currency (BT-6) is ${invoice.vatCurrency}, so the total VAT amount in that currency (BT-111) must be given; it is missing.`,
      `Валутата за отчитане на ДДС (BT-6) е ${invoice.vatCurrency}, затова трябва да е посочена общата сума на ДДС в тази валута (BT-111); тя липсва.`,
    );
  }
}

function checkPayment(context: RuleContext): void {
  const { invoice, paths } = context;
  (invoice.paymentMeans ?? []).forEach((means, index) => {
    const path = paths.nth('BG-16', index);
    if (!present(means.meansCode))
      context.missing(
        'BR-49',
        `${path}`,
        `The payment means type code (BT-81) of payment means ${index + 1}`,
        `кодът на начина на плащане (BT-81) на начин на плащане ${index + 1}`,
      );
    const creditTransfer = means.meansCode === '30' || means.meansCode === '58';
    if (creditTransfer) {
      means.creditTransfers.forEach((account, accountIndex) => {
        if (!present(account.accountId)) {
          context.missing(
            'BR-50',
            `${path}/${paths.ublSyntax ? 'cac:PayeeFinancialAccount' : 'ram:PayeePartyCreditorFinancialAccount'}[${accountIndex + 1}]`,
            `The payment account identifier (BT-84, IBAN) of the credit transfer`,
            `номерът на сметката (BT-84, IBAN) на кредитния превод`,
          );
        }
      });
      if (!means.creditTransfers.some((account) => present(account.accountId))) {
        context.missing(
          'BR-61',
          `${path}`,
          `The payment account identifier (BT-84, IBAN) for payment means ${means.meansCode} (credit transfer)`,
          `номерът на сметката (BT-84, IBAN) за начин на плащане ${means.meansCode} (кредитен превод)`,
        );
      }
    }
    if (means.card && means.card.primaryAccountNumber.length > 10) {
      context.warning(
        'BR-51',
        paths.of('BT-87'),
        `The payment card number (BT-87) should show only its last 4 to 6 digits, not the full number; found ${means.card.primaryAccountNumber.length} characters.`,
        `Номерът на платежната карта (BT-87) трябва да показва само последните 4 до 6 цифри, а не целия номер; намерени са ${means.card.primaryAccountNumber.length} знака.`,
      );
    }
  });
}

function checkReferences(context: RuleContext): void {
  const { invoice, paths } = context;
  invoice.supportingDocuments?.forEach((document, index) => {
    if (!present(document.id))
      context.missing(
        'BR-52',
        paths.nth('BG-24', index),
        `The supporting document reference (BT-122) of supporting document ${index + 1}`,
        `идентификаторът (BT-122) на придружаващ документ ${index + 1}`,
      );
  });
  invoice.precedingInvoices.forEach((reference, index) => {
    if (!present(reference.number))
      context.missing(
        'BR-55',
        paths.nth('BG-3', index),
        `The preceding invoice reference (BT-25)`,
        `номерът на предходната фактура (BT-25)`,
      );
  });
}

/** BR-DEC-*: amounts carry at most two decimals. */
function checkDecimals(context: RuleContext): void {
  const { invoice, paths } = context;
  const check = (
    ruleId: string,
    value: string | undefined,
    path: string,
    term: string,
    termBg: string,
  ): void => {
    if (value !== undefined && decimalPlaces(value) > 2) {
      context.fatal(
        ruleId,
        path,
        `${term} is ${value}: at most 2 decimals are allowed; round it to ${amount(value) ? show(round2(amount(value) as Amount)) : 'two decimals'}.`,
        `${termBg} е ${value}: допустими са най-много 2 знака след десетичната точка; закръглете до ${amount(value) ? show(round2(amount(value) as Amount)) : 'два знака'}.`,
      );
    }
  };
  invoice.allowanceCharges.forEach((charge, index) => {
    const path = paths.nth('BG-20', index);
    check(
      charge.isCharge ? 'BR-DEC-05' : 'BR-DEC-01',
      charge.amount || undefined,
      path,
      `The amount of document level ${charge.isCharge ? 'charge' : 'allowance'} ${index + 1}`,
      `Сумата на ${charge.isCharge ? 'надбавка' : 'отстъпка'} ${index + 1} на ниво документ`,
    );
    check(
      charge.isCharge ? 'BR-DEC-06' : 'BR-DEC-02',
      charge.baseAmount,
      path,
      `The base amount of document level ${charge.isCharge ? 'charge' : 'allowance'} ${index + 1}`,
      `Основата на ${charge.isCharge ? 'надбавка' : 'отстъпка'} ${index + 1} на ниво документ`,
    );
  });
  const t = invoice.totals;
  check(
    'BR-DEC-09',
    t.lineNetTotal || undefined,
    paths.of('BT-106'),
    'The sum of line net amounts (BT-106)',
    'Сборът на нетните стойности (BT-106)',
  );
  check(
    'BR-DEC-10',
    t.allowanceTotal,
    paths.of('BT-107'),
    'The sum of allowances (BT-107)',
    'Сборът на отстъпките (BT-107)',
  );
  check(
    'BR-DEC-11',
    t.chargeTotal,
    paths.of('BT-108'),
    'The sum of charges (BT-108)',
    'Сборът на надбавките (BT-108)',
  );
  check(
    'BR-DEC-12',
    t.taxExclusive || undefined,
    paths.of('BT-109'),
    'The total without VAT (BT-109)',
    'Сумата без ДДС (BT-109)',
  );
  check(
    'BR-DEC-13',
    t.vatTotal,
    paths.of('BT-110'),
    'The total VAT amount (BT-110)',
    'Общата сума на ДДС (BT-110)',
  );
  check(
    'BR-DEC-14',
    t.taxInclusive || undefined,
    paths.of('BT-112'),
    'The total with VAT (BT-112)',
    'Сумата с ДДС (BT-112)',
  );
  check(
    'BR-DEC-15',
    t.vatTotalInAccountingCurrency,
    paths.of('BT-111'),
    'The total VAT in accounting currency (BT-111)',
    'Общото ДДС във валутата за отчитане (BT-111)',
  );
  check('BR-DEC-16', t.prepaid, paths.of('BT-113'), 'The paid amount (BT-113)', 'Платената сума (BT-113)');
  check('BR-DEC-17', t.rounding, paths.of('BT-114'), 'The rounding amount (BT-114)', 'Закръглянето (BT-114)');
  check(
    'BR-DEC-18',
    t.payable || undefined,
    paths.of('BT-115'),
    'The amount due (BT-115)',
    'Сумата за плащане (BT-115)',
  );
  invoice.vatBreakdown.forEach((vat, index) => {
    check(
      'BR-DEC-19',
      vat.taxableAmount || undefined,
      paths.nth('BG-23', index),
      `The taxable amount (BT-116) of VAT breakdown ${index + 1}`,
      `Данъчната основа (BT-116) на разбивка ${index + 1}`,
    );
    check(
      'BR-DEC-20',
      vat.taxAmount || undefined,
      paths.nth('BG-23', index),
      `The VAT amount (BT-117) of VAT breakdown ${index + 1}`,
      `Сумата на ДДС (BT-117) на разбивка ${index + 1}`,
    );
  });
  invoice.lines.forEach((line, index) => {
    check(
      'BR-DEC-23',
      line.netAmount || undefined,
      paths.line(index, 'BT-131'),
      `The net amount (BT-131) of line ${index + 1}`,
      `Нетната стойност (BT-131) на ред ${index + 1}`,
    );
    line.allowanceCharges.forEach((charge, chargeIndex) => {
      const path = paths.lineAllowanceCharge(index, chargeIndex);
      check(
        charge.isCharge ? 'BR-DEC-27' : 'BR-DEC-24',
        charge.amount || undefined,
        path,
        `The amount of ${charge.isCharge ? 'charge' : 'allowance'} ${chargeIndex + 1} on line ${index + 1}`,
        `Сумата на ${charge.isCharge ? 'надбавка' : 'отстъпка'} ${chargeIndex + 1} на ред ${index + 1}`,
      );
      check(
        charge.isCharge ? 'BR-DEC-28' : 'BR-DEC-25',
        charge.baseAmount,
        path,
        `The base amount of ${charge.isCharge ? 'charge' : 'allowance'} ${chargeIndex + 1} on line ${index + 1}`,
        `Основата на ${charge.isCharge ? 'надбавка' : 'отстъпка'} ${chargeIndex + 1} на ред ${index + 1}`,
      );
    });
  });
}

function mismatch(
  context: RuleContext,
  ruleId: string,
  path: string,
  term: string,
  termBg: string,
  found: string | undefined,
  expected: Amount,
  formula: string,
  formulaBg: string,
): void {
  context.fatal(
    ruleId,
    path,
    `${term} is ${found === undefined || found === '' ? 'missing' : found} but ${formula} gives ${show(expected)} (rounded to 2 decimals); correct it.`,
    `${termBg} е ${found === undefined || found === '' ? 'липсваща' : found}, а ${formulaBg} дава ${show(expected)} (закръглено до 2 знака); поправете я.`,
  );
}

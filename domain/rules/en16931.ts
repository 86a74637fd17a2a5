/**
 * EN 16931-1 core business rules (BR-01…BR-65), calculation rules (BR-CO-*) and decimal rules (BR-DEC-*). Each rule
 * mirrors the condition of the CEN validation artefacts (v1.3.x), expressed over the semantic model; VAT category
 * rules live in vat-categories.ts, code-list rules (BR-CL-*) in code-list-rules.ts.
 */
import type { AllowanceCharge, Invoice, Period, VatBreakdown, VatSchemeCategory } from '../invoice/model';
import { type Amount, ZERO, amount, decimalPlaces, round2, roundHalfUp, show, sum } from './amounts';
import { CII_COUNTRY_CODES, COUNTRY_CODES } from './code-lists';
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
  // The CII artefact reads the issue date only from a DateTimeString of format 102.
  if (!present(invoice.issueDate) || (invoice.syntax === 'CII' && invoice.issueDateFormat !== '102'))
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
    if (endsBeforeItStarts(invoice.syntax, period)) {
      context.fatal(
        'BR-29',
        paths.of('BG-14'),
        `The invoicing period ends (${period.end}) before it starts (${period.start}); the end date (BT-74) must be on or after the start date (BT-73).`,
        `Периодът на фактуриране завършва (${period.end}) преди да започне (${period.start}); крайната дата (BT-74) трябва да е не по-рано от началната (BT-73).`,
      );
    }
    // UBL accepts a period given only by its VAT point date code (BT-8); CII keeps that code elsewhere.
    const codeOnly = invoice.syntax === 'UBL' && invoice.taxPointDateCode !== undefined;
    if (period.start === undefined && period.end === undefined && !codeOnly) {
      context.fatal(
        'BR-CO-19',
        paths.of('BG-14'),
        'The invoicing period (BG-14) is given but has neither a start date (BT-73) nor an end date (BT-74); give at least one, or remove the period.',
        'Периодът на фактуриране (BG-14) е посочен, но няма нито начална (BT-73), нито крайна дата (BT-74); посочете поне едната или премахнете периода.',
      );
    }
  }
  // CII checks BR-CO-03 in the context of a breakdown the generic rules still reach.
  const inContext =
    invoice.syntax === 'UBL' || invoice.vatBreakdown.some((vat) => !byCategoryRules(invoice, vat));
  if (present(invoice.taxPointDate) && present(invoice.taxPointDateCode) && inContext) {
    context.fatal(
      'BR-CO-03',
      paths.of('BT-7'),
      `Both the VAT point date (BT-7, ${invoice.taxPointDate}) and the VAT point date code (BT-8, ${invoice.taxPointDateCode}) are given; use only one of them.`,
      `Посочени са и датата на данъчното събитие (BT-7, ${invoice.taxPointDate}), и кодът ѝ (BT-8, ${invoice.taxPointDateCode}); използвайте само едното.`,
    );
  }
}

/**
 * BR-29, BR-30: a period whose end date is before its start date. UBL compares the two dates; the CII artefact
 * compares the texts of format 102, so a date of another format (or an empty one) fails whenever both are given.
 */
function endsBeforeItStarts(syntax: Invoice['syntax'], period: Period): boolean {
  const { start, end } = period;
  if (syntax === 'UBL') return present(start) && present(end) && end < start;
  if (start === undefined || end === undefined) return false;
  // The reader turned 8-digit texts of format 102 into ISO dates; the artefact compares the texts as written.
  const written = (date: string): string =>
    /^\d{4}-\d{2}-\d{2}$/.test(date) ? date.replace(/-/g, '') : date;
  return !(period.startFormat === '102' && period.endFormat === '102' && written(end) >= written(start));
}

function checkParties(context: RuleContext): void {
  const { invoice, paths } = context;
  const { seller, buyer, payee, taxRepresentative } = invoice;
  if (!present(seller.name))
    context.missing('BR-06', paths.of('BT-27'), 'The seller name (BT-27)', 'името на продавача (BT-27)');
  if (!present(buyer.name))
    context.missing('BR-07', paths.of('BT-44'), 'The buyer name (BT-44)', 'името на купувача (BT-44)');
  // UBL checks the country inside a postal address; CII checks it from the root, so a missing address lacks it too.
  const countryChecked = (party: typeof seller): boolean =>
    party.address !== undefined || invoice.syntax === 'CII';
  if (!seller.address)
    context.missing(
      'BR-08',
      paths.of('BG-5'),
      'The seller postal address (BG-5)',
      'пощенският адрес на продавача (BG-5)',
    );
  if (countryChecked(seller) && !present(seller.address?.countryCode))
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
  if (countryChecked(buyer) && !present(buyer.address?.countryCode))
    context.missing(
      'BR-11',
      paths.of('BT-55'),
      'The buyer country code (BT-55)',
      'кодът на държавата на купувача (BT-55)',
    );

  if (payee) {
    // The artefacts want a payee name element (empty or not) that is not the seller's (UBL: the seller's
    // PartyName, CII: its name), and no identifier (CII: nor legal registration) equal to the seller's.
    const sellerIds = new Set(seller.identifiers.map((id) => id.value));
    const sellerName = invoice.syntax === 'UBL' ? seller.tradingName : seller.name;
    const payeeLegalId = payee.legalRegistrationId?.value;
    const sameAsSeller =
      (payee.name !== undefined && payee.name === sellerName) ||
      payee.identifiers.some((id) => sellerIds.has(id.value)) ||
      (invoice.syntax === 'CII' &&
        payeeLegalId !== undefined &&
        payeeLegalId === seller.legalRegistrationId?.value);
    if (payee.name === undefined || sameAsSeller) {
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
    // CII checks the country from the representative, so a missing address lacks it too.
    if (
      (taxRepresentative.address !== undefined || invoice.syntax === 'CII') &&
      !present(taxRepresentative.address?.countryCode)
    ) {
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
  // UBL asks only for the country code element; CII for a non-empty code.
  const deliverToCountry = invoice.delivery?.address?.countryCode;
  if (
    invoice.delivery?.address &&
    (invoice.syntax === 'UBL' ? deliverToCountry === undefined : !present(deliverToCountry))
  ) {
    context.missing(
      'BR-57',
      paths.of('BT-80'),
      'The deliver-to country code (BT-80)',
      'кодът на държавата на доставка (BT-80)',
    );
  }
  // UBL asks only that the schemeID attribute be there; CII that it be non-empty.
  const schemeMissing = (scheme: string | undefined): boolean =>
    invoice.syntax === 'UBL' ? scheme === undefined : !present(scheme);
  if (seller.electronicAddress && schemeMissing(seller.electronicAddress.scheme)) {
    context.missing(
      'BR-62',
      paths.of('BT-34'),
      'The scheme identifier of the seller electronic address (BT-34, attribute schemeID)',
      'идентификаторът на схемата на електронния адрес на продавача (BT-34, атрибут schemeID)',
    );
  }
  if (buyer.electronicAddress && schemeMissing(buyer.electronicAddress.scheme)) {
    context.missing(
      'BR-63',
      paths.of('BT-49'),
      'The scheme identifier of the buyer electronic address (BT-49, attribute schemeID)',
      'идентификаторът на схемата на електронния адрес на купувача (BT-49, атрибут schemeID)',
    );
  }
  // The artefacts ask for the identifier elements (a tax registration other than VAT does not count), empty or not.
  if (
    !invoice.absent?.includes('seller') &&
    seller.vatId === undefined &&
    seller.identifiers.length === 0 &&
    seller.legalRegistrationId === undefined
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
    if (vatId !== undefined && !hasVatPrefix(invoice.syntax, vatId)) {
      context.fatal(
        'BR-CO-09',
        path,
        `The ${role} VAT identifier "${vatId}" must start with an ISO 3166-1 country code (Greece: EL), e.g. "BG175074752".`,
        `ДДС номерът на ${role === 'seller' ? 'продавача' : role === 'buyer' ? 'купувача' : 'данъчния представител'} "${vatId}" трябва да започва с код на държава по ISO 3166-1 (за Гърция EL), напр. "BG175074752".`,
      );
    }
  }
}

/** A required field whose element is absent (a model not read from XML has no record: an empty value counts). */
function isAbsent<Field extends string>(
  item: { absent?: readonly string[] } & Record<Field, string>,
  field: Field,
): boolean {
  return item.absent ? item.absent.includes(field) : !present(item[field]);
}

/**
 * The VAT category code as the artefacts find it: only in a category of scheme VAT, and there when its element
 * is, empty or not. A model not read from XML has no `vatCategory` record; its plain code is used then.
 */
function vatSchemeCode(
  item: { vatCategory?: VatSchemeCategory },
  code: string | undefined,
): string | undefined {
  if (!('vatCategory' in item)) return present(code) ? code : undefined;
  return item.vatCategory?.code === undefined ? undefined : (code ?? '');
}

/** The VAT rate as the artefacts find it: only in a category of scheme VAT. */
function vatSchemeRate(
  item: { vatCategory?: VatSchemeCategory },
  rate: string | undefined,
): string | undefined {
  if (!('vatCategory' in item)) return rate;
  return item.vatCategory === undefined ? undefined : rate;
}

/**
 * CII: a breakdown of category L, M or O under type code VAT is taken by its category's rules, which the CEN
 * artefact matches on the ram:ApplicableTradeTax itself before the generic breakdown rules (BR-45..48, BR-CO-03,
 * BR-CO-17, BR-DEC-19/20), so those never see it.
 */
function byCategoryRules(invoice: Invoice, vat: VatBreakdown): boolean {
  if (invoice.syntax !== 'CII' || !('vatCategory' in vat) || vat.vatCategory === undefined) return false;
  return ['L', 'M', 'O'].includes(vat.vatCategory.code ?? '');
}

/** An allowance or charge without a charge indicator is neither for the artefacts: no rule of either applies. */
const hasIndicator = (charge: AllowanceCharge): boolean => !charge.absent?.includes('isCharge');

/**
 * BR-CO-09: the VAT identifier starts with a country code of the artefacts' list (ISO 3166-1 alpha-2 as each
 * artefact lists it, with EL for Greece). UBL looks for its first two characters anywhere in the space-separated
 * list (so an empty identifier passes); CII looks for them as a whole code.
 */
function hasVatPrefix(syntax: Invoice['syntax'], vatId: string): boolean {
  const prefix = vatId.slice(0, 2);
  if (syntax === 'CII') return prefix === 'EL' || CII_COUNTRY_CODES.has(prefix);
  return ` ${[...COUNTRY_CODES, 'EL'].join(' ')} `.includes(prefix);
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
    // The artefacts ask for the quantity, net amount and price elements and the unitCode attribute, empty or not.
    if (isAbsent(line, 'quantity'))
      context.missing(
        'BR-22',
        paths.line(index, 'BT-129'),
        `The invoiced quantity (BT-129) of ${where}`,
        `количеството (BT-129) на ${whereBg}`,
      );
    if (line.unitCode === undefined) {
      context.missing(
        'BR-23',
        paths.line(index, 'BT-129'),
        `The unit of measure (BT-130, attribute unitCode) of ${where}`,
        `мерната единица (BT-130, атрибут unitCode) на ${whereBg}`,
      );
    }
    if (isAbsent(line, 'netAmount'))
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
    const priceAbsent = isAbsent(line, 'netPrice');
    if (priceAbsent)
      context.missing(
        'BR-26',
        paths.line(index, 'BT-146'),
        `The item net price (BT-146) of ${where}`,
        `нетната единична цена (BT-146) на ${whereBg}`,
      );
    // "price >= 0" fails for a missing price as well.
    if (priceAbsent || amount(line.netPrice)?.lt(0)) {
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
      if (endsBeforeItStarts(invoice.syntax, line.invoicingPeriod)) {
        context.fatal(
          'BR-30',
          paths.line(index, 'BG-26'),
          `The period of ${where} ends (${end}) before it starts (${start}); the end date (BT-135) must be on or after the start date (BT-134).`,
          `Периодът на ${whereBg} завършва (${end}) преди да започне (${start}); крайната дата (BT-135) трябва да е не по-рано от началната (BT-134).`,
        );
      }
      if (start === undefined && end === undefined) {
        context.fatal(
          'BR-CO-20',
          paths.line(index, 'BG-26'),
          `The period of ${where} (BG-26) has neither a start (BT-134) nor an end date (BT-135); give at least one or remove the period.`,
          `Периодът на ${whereBg} (BG-26) няма нито начална (BT-134), нито крайна дата (BT-135); посочете поне едната или премахнете периода.`,
        );
      }
    }
    if (vatSchemeCode(line, line.vatCategoryCode) === undefined) {
      context.missing(
        'BR-CO-04',
        paths.line(index, 'BT-151'),
        `The VAT category code (BT-151) of ${where}`,
        `кодът на ДДС категорията (BT-151) на ${whereBg}`,
      );
    }
    line.allowanceCharges.forEach((charge, chargeIndex) => {
      if (!hasIndicator(charge)) return;
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
      if (isAbsent(charge, 'amount'))
        context.missing(amountRule, path, `The amount of ${what}`, `сумата на ${whatBg}`);
      if (charge.reason === undefined && charge.reasonCode === undefined) {
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
      if (attribute.name === undefined || attribute.value === undefined) {
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
    if (!hasIndicator(charge)) return;
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
    if (isAbsent(charge, 'amount'))
      context.missing(amountRule, path, `The amount of ${what.toLowerCase()}`, `сумата на ${whatBg}`);
    if (vatSchemeCode(charge, charge.vatCategoryCode) === undefined)
      context.missing(
        categoryRule,
        path,
        `The VAT category code of ${what.toLowerCase()}`,
        `кодът на ДДС категорията на ${whatBg}`,
      );
    if (charge.reason === undefined && charge.reasonCode === undefined) {
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
  // These rules live in the totals group's context (UBL cac:LegalMonetaryTotal, CII
  // ram:SpecifiedTradeSettlementHeaderMonetarySummation): without the group only BR-CO-15 still applies.
  if (!invoice.absent?.includes('totals')) {
    if (isAbsent(totals, 'lineNetTotal'))
      context.missing(
        'BR-12',
        paths.of('BT-106'),
        'The sum of invoice line net amounts (BT-106)',
        'сборът на нетните стойности по редове (BT-106)',
      );
    if (isAbsent(totals, 'taxExclusive'))
      context.missing(
        'BR-13',
        paths.of('BT-109'),
        'The invoice total without VAT (BT-109)',
        'общата сума без ДДС (BT-109)',
      );
    if (isAbsent(totals, 'taxInclusive'))
      context.missing(
        'BR-14',
        paths.of('BT-112'),
        'The invoice total with VAT (BT-112)',
        'общата сума с ДДС (BT-112)',
      );
    if (isAbsent(totals, 'payable'))
      context.missing(
        'BR-15',
        paths.of('BT-115'),
        'The amount due for payment (BT-115)',
        'сумата за плащане (BT-115)',
      );
    checkLineNetTotal(context);
    checkAllowanceTotal(context, false, totals.allowanceTotal);
    checkAllowanceTotal(context, true, totals.chargeTotal);
    checkTotalWithoutVat(context);
    checkAmountDue(context);
  }
  checkTotalWithVat(context);
}

/** BR-CO-10: BT-106 is the sum of the line net amounts, rounded to the cent; a missing BT-106 fails. */
function checkLineNetTotal(context: RuleContext): void {
  const { invoice, paths } = context;
  const lineNet = amount(invoice.totals.lineNetTotal);
  const expected = round2(sum(invoice.lines.map((line) => amount(line.netAmount))));
  if (!lineNet || !lineNet.eq(expected)) {
    mismatch(
      context,
      'BR-CO-10',
      paths.of('BT-106'),
      'The sum of invoice line net amounts (BT-106)',
      'Сборът на нетните стойности по редове (BT-106)',
      invoice.totals.lineNetTotal,
      expected,
      'the sum of the line net amounts (BT-131)',
      'сбора на нетните стойности на редовете (BT-131)',
    );
  }
}

/**
 * BR-CO-13: BT-109 = BT-106 − BT-107 + BT-108, rounded to the cent. Without allowance and charge totals UBL wants
 * BT-109 to equal BT-106 exactly, CII rounded; a missing BT-106 or BT-109 fails.
 */
function checkTotalWithoutVat(context: RuleContext): void {
  const { invoice, paths } = context;
  const totals = invoice.totals;
  const lineNet = amount(totals.lineNetTotal);
  const taxExclusive = amount(totals.taxExclusive);
  const allowances = totals.allowanceTotal === undefined ? ZERO : amount(totals.allowanceTotal);
  const charges = totals.chargeTotal === undefined ? ZERO : amount(totals.chargeTotal);
  if (lineNet && allowances && charges) {
    const exact =
      invoice.syntax === 'UBL' && totals.allowanceTotal === undefined && totals.chargeTotal === undefined;
    const expected = exact ? lineNet : round2(lineNet.minus(allowances).plus(charges));
    if (taxExclusive?.eq(expected)) return;
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
    return;
  }
  context.fatal(
    'BR-CO-13',
    paths.of('BT-109'),
    `The invoice total without VAT (BT-109, found ${quote(totals.taxExclusive || undefined)}) must equal the line total (BT-106, found ${quote(totals.lineNetTotal || undefined)}) − allowances (BT-107) + charges (BT-108); each must be a number.`,
    `Общата сума без ДДС (BT-109, намерено ${quoteBg(totals.taxExclusive || undefined)}) трябва да е равна на сбора по редове (BT-106, намерено ${quoteBg(totals.lineNetTotal || undefined)}) − отстъпки (BT-107) + надбавки (BT-108); всяка трябва да е число.`,
  );
}

/**
 * BR-CO-15: exactly one VAT total (BT-110) in the invoice currency, and BT-112 = BT-109 + BT-110 rounded to the
 * cent. It applies whenever the currency code element is there (an empty code matches no VAT total). The CII
 * binding also accepts BT-112 equal to BT-109.
 */
function checkTotalWithVat(context: RuleContext): void {
  const { invoice, paths } = context;
  const totals = invoice.totals;
  if (invoice.absent?.includes('currency') || (invoice.absent === undefined && !present(invoice.currency)))
    return;
  const taxInclusive = amount(totals.taxInclusive);
  const taxExclusive = amount(totals.taxExclusive);
  const inCurrency = (invoice.vatAmounts ?? []).filter((vat) => vat.currency === invoice.currency);
  const vatTotal = inCurrency.length === 1 ? amount(inCurrency[0].amount) : undefined;
  const adds = vatTotal && taxExclusive && taxInclusive?.eq(round2(taxExclusive.plus(vatTotal)));
  const noVat = invoice.syntax === 'CII' && taxExclusive && taxInclusive?.eq(taxExclusive);
  if (adds || noVat) return;
  if (inCurrency.length !== 1) {
    context.fatal(
      'BR-CO-15',
      paths.of('BT-110'),
      `There must be exactly one invoice total VAT amount (BT-110) in the invoice currency ${quote(invoice.currency)}; found ${inCurrency.length}.`,
      `Трябва да има точно една обща сума на ДДС (BT-110) във валутата на фактурата ${quoteBg(invoice.currency)}; намерени: ${inCurrency.length}.`,
    );
  } else if (vatTotal && taxExclusive && taxInclusive) {
    mismatch(
      context,
      'BR-CO-15',
      paths.of('BT-112'),
      'The invoice total with VAT (BT-112)',
      'Общата сума с ДДС (BT-112)',
      totals.taxInclusive,
      round2(taxExclusive.plus(vatTotal)),
      'total without VAT (BT-109) + total VAT (BT-110)',
      'сума без ДДС (BT-109) + общо ДДС (BT-110)',
    );
  } else {
    context.fatal(
      'BR-CO-15',
      paths.of('BT-112'),
      `The invoice total with VAT (BT-112, found ${quote(totals.taxInclusive || undefined)}) must equal the total without VAT (BT-109, found ${quote(totals.taxExclusive || undefined)}) plus the VAT total (BT-110); all three must be numbers.`,
      `Общата сума с ДДС (BT-112, намерено ${quoteBg(totals.taxInclusive || undefined)}) трябва да е равна на сумата без ДДС (BT-109, намерено ${quoteBg(totals.taxExclusive || undefined)}) плюс общото ДДС (BT-110); и трите трябва да са числа.`,
    );
  }
}

/**
 * BR-CO-16: BT-115 = BT-112 − BT-113 + BT-114. UBL rounds a difference to the cent where one is taken
 * (BT-112 − BT-113, BT-115 − BT-114) and compares the rest exactly; CII compares exactly.
 */
function checkAmountDue(context: RuleContext): void {
  const { invoice, paths } = context;
  const totals = invoice.totals;
  const payable = amount(totals.payable);
  const taxInclusive = amount(totals.taxInclusive);
  const prepaid = totals.prepaid === undefined ? ZERO : amount(totals.prepaid);
  const rounding = totals.rounding === undefined ? ZERO : amount(totals.rounding);
  let agrees = false;
  if (payable && taxInclusive && prepaid && rounding) {
    if (invoice.syntax === 'CII') agrees = payable.eq(taxInclusive.minus(prepaid).plus(rounding));
    else {
      const due = totals.prepaid === undefined ? taxInclusive : round2(taxInclusive.minus(prepaid));
      const beforeRounding = totals.rounding === undefined ? payable : round2(payable.minus(rounding));
      agrees = beforeRounding.eq(due);
    }
  }
  if (agrees) return;
  if (taxInclusive && prepaid && rounding) {
    mismatch(
      context,
      'BR-CO-16',
      paths.of('BT-115'),
      'The amount due for payment (BT-115)',
      'Сумата за плащане (BT-115)',
      totals.payable,
      round2(taxInclusive.minus(prepaid).plus(rounding)),
      'total with VAT (BT-112) − paid amount (BT-113) + rounding amount (BT-114)',
      'сума с ДДС (BT-112) − платена сума (BT-113) + закръгляване (BT-114)',
    );
  } else {
    context.fatal(
      'BR-CO-16',
      paths.of('BT-115'),
      `The amount due (BT-115, found ${quote(totals.payable || undefined)}) must equal the total with VAT (BT-112, found ${quote(totals.taxInclusive || undefined)}) − paid amount (BT-113) + rounding amount (BT-114); each must be a number.`,
      `Сумата за плащане (BT-115, намерено ${quoteBg(totals.payable || undefined)}) трябва да е равна на сумата с ДДС (BT-112, намерено ${quoteBg(totals.taxInclusive || undefined)}) − платена сума (BT-113) + закръгляване (BT-114); всяка трябва да е число.`,
    );
  }
}

function checkAllowanceTotal(context: RuleContext, charges: boolean, written: string | undefined): void {
  const { invoice, paths } = context;
  const items = invoice.allowanceCharges.filter(
    (item: AllowanceCharge) => hasIndicator(item) && item.isCharge === charges,
  );
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
  // UBL asks every invoice for a VAT breakdown; CII asks it of each line, so an invoice without lines needs none.
  if (invoice.vatBreakdown.length === 0 && (invoice.syntax === 'UBL' || invoice.lines.length > 0)) {
    context.missing(
      'BR-CO-18',
      paths.of('BG-23'),
      'The VAT breakdown (BG-23)',
      'разбивката по ДДС (BG-23)',
      '(at least one is required)',
      '(изисква се поне една)',
    );
  }
  checkVatTotals(context);
  invoice.vatBreakdown.forEach((vat, index) => {
    if (byCategoryRules(invoice, vat)) return;
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
    const code = vatSchemeCode(vat, vat.categoryCode);
    if (code === undefined)
      context.missing(
        'BR-47',
        path,
        `The VAT category code (BT-118) of ${which}`,
        `кодът на ДДС категорията (BT-118) на ${whichBg}`,
      );
    const rateText = vatSchemeRate(vat, vat.rate);
    if (rateText === undefined && code !== 'O')
      context.missing(
        'BR-48',
        path,
        `The VAT rate (BT-119) of ${which}`,
        `ставката на ДДС (BT-119) на ${whichBg}`,
      );
    const expected = expectedVatAmount(invoice.syntax, vat.taxableAmount, vat.taxAmount, rateText);
    if (expected !== true) {
      context.fatal(
        'BR-CO-17',
        `${path}/${paths.ublSyntax ? 'cbc:TaxAmount' : 'ram:CalculatedAmount'}`,
        `The VAT amount (BT-117) of ${which} is ${vat.taxAmount || '(missing)'} but taxable amount ${vat.taxableAmount || '(missing)'} × rate ${rateText ?? '(missing)'} % gives ${show(expected)}; correct the VAT amount or the rate.`,
        `Сумата на ДДС (BT-117) на ${whichBg} е ${vat.taxAmount || '(липсва)'}, а основа ${vat.taxableAmount || '(липсва)'} × ставка ${rateText ?? '(липсва)'} % дава ${show(expected)}; поправете сумата на ДДС или ставката.`,
      );
    }
  });
  // BR-53 applies whenever the code element is there (an empty code matches no VAT total); CII wants the
  // accounting currency to differ from the invoice currency as well, and checks it in the totals group.
  const accountingVatMissing =
    invoice.vatCurrency !== undefined &&
    (!(invoice.vatAmounts ?? []).some((vat) => vat.currency === invoice.vatCurrency) ||
      (invoice.syntax === 'CII' && invoice.vatCurrency === invoice.currency));
  if (accountingVatMissing && (invoice.syntax === 'UBL' || !invoice.absent?.includes('totals'))) {
    context.fatal(
      'BR-53',
      paths.of('BT-111'),
      `The VAT accounting currency (BT-6) is ${invoice.vatCurrency}, so the total VAT amount in that currency (BT-111) must be given; it is missing.`,
      `Валутата за отчитане на ДДС (BT-6) е ${invoice.vatCurrency}, затова трябва да е посочена общата сума на ДДС в тази валута (BT-111); тя липсва.`,
    );
  }
}

/**
 * BR-CO-17: true when the VAT amount agrees with taxable amount × rate, else the amount expected. The artefacts
 * allow a difference of less than 1 (UBL) or up to 1 (CII) against the product rounded to the cent; a rate that
 * rounds to 0, or none (no rate of scheme VAT), wants a VAT amount that rounds to 0.
 */
function expectedVatAmount(
  syntax: Invoice['syntax'],
  taxableText: string,
  taxText: string,
  rateText: string | undefined,
): true | Amount {
  const tax = amount(taxText);
  const rate = amount(rateText);
  if (!rate || roundHalfUp(rate, 0).eq(0)) return tax && roundHalfUp(tax, 0).eq(0) ? true : ZERO;
  const taxable = amount(taxableText);
  if (!taxable) return ZERO;
  const expected = round2(taxable.abs().times(rate).div(100));
  if (!tax) return expected;
  const low = tax.abs().minus(1);
  const high = tax.abs().plus(1);
  const within =
    syntax === 'UBL' ? low.lt(expected) && high.gt(expected) : low.lte(expected) && high.gte(expected);
  return within ? true : expected;
}

/**
 * BR-CO-14: the invoice total VAT amount is the sum of the breakdown's VAT amounts, rounded to the cent. UBL checks
 * each cac:TaxTotal that has subtotals against its own subtotals; CII checks each VAT total in the invoice currency
 * against every breakdown (no breakdown sums to 0).
 */
function checkVatTotals(context: RuleContext): void {
  const { invoice } = context;
  const breakdownSum = (entries: VatBreakdown[]): Amount =>
    round2(sum(entries.map((vat) => amount(vat.taxAmount))));
  if (invoice.syntax === 'CII') {
    const expected = breakdownSum(invoice.vatBreakdown);
    for (const vat of invoice.vatAmounts ?? []) {
      if (vat.currency === invoice.currency && !amount(vat.amount)?.eq(expected))
        vatTotalMismatch(context, vat.amount, expected);
    }
    return;
  }
  // UBL: each cac:TaxTotal with subtotals; a model changed by hand without positions has one, the first.
  const taxTotals = new Set(invoice.vatBreakdown.map((vat) => vat.taxTotal ?? 0));
  for (const taxTotal of taxTotals) {
    const subtotals = invoice.vatBreakdown.filter((vat) => (vat.taxTotal ?? 0) === taxTotal);
    const written = (invoice.vatAmounts ?? []).find((vat) => (vat.taxTotal ?? 0) === taxTotal)?.amount;
    const expected = breakdownSum(subtotals);
    if (!amount(written)?.eq(expected)) vatTotalMismatch(context, written, expected);
  }
}

function vatTotalMismatch(context: RuleContext, written: string | undefined, expected: Amount): void {
  mismatch(
    context,
    'BR-CO-14',
    context.paths.of('BT-110'),
    'The invoice total VAT amount (BT-110)',
    'Общата сума на ДДС (BT-110)',
    written,
    expected,
    'the sum of the VAT category tax amounts (BT-117)',
    'сбора на ДДС по категории (BT-117)',
  );
}

function checkPayment(context: RuleContext): void {
  const { invoice, paths } = context;
  (invoice.paymentMeans ?? []).forEach((means, index) => {
    const path = paths.nth('BG-16', index);
    if (means.meansCode === undefined)
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
      // UBL asks a credit transfer for an account identifier element; CII asks it of each account given.
      const accountIdMissing =
        invoice.syntax === 'UBL'
          ? !means.creditTransfers.some((account) => !isAbsent(account, 'accountId'))
          : means.creditTransfers.some((account) => isAbsent(account, 'accountId'));
      if (accountIdMissing) {
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
  // CII carries the invoiced object (BT-18), the tender reference (BT-17) and line objects (BT-128) in
  // ram:AdditionalReferencedDocument too, and BR-52 asks every one of them for its identifier.
  if (invoice.syntax === 'CII') {
    const unnamed = [
      invoice.invoicedObject?.value,
      invoice.tenderReference,
      ...invoice.lines.flatMap((line) => line.referencedDocumentIds ?? [line.objectIdentifier?.value]),
    ].filter((id) => id !== undefined && !present(id)).length;
    if (unnamed > 0)
      context.missing(
        'BR-52',
        paths.of('BG-24'),
        `The identifier (ram:IssuerAssignedID) of ${unnamed} referenced document(s) (BT-17, BT-18 or BT-128)`,
        `идентификаторът (ram:IssuerAssignedID) на ${unnamed} посочен(и) документ(а) (BT-17, BT-18 или BT-128)`,
      );
  }
  invoice.precedingInvoices.forEach((reference, index) => {
    // UBL asks for the ID element (the reader marks it absent), CII for a non-empty ID.
    const missing =
      invoice.syntax === 'UBL' ? !!reference.absent?.includes('number') : !present(reference.number);
    if (missing)
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
    if (!hasIndicator(charge)) return;
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
  checkVatTotalDecimals(context);
  check(
    'BR-DEC-14',
    t.taxInclusive || undefined,
    paths.of('BT-112'),
    'The total with VAT (BT-112)',
    'Сумата с ДДС (BT-112)',
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
    if (byCategoryRules(invoice, vat)) return;
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
      if (!hasIndicator(charge)) return;
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

/**
 * BR-DEC-13, BR-DEC-15 as the artefacts check them. The UBL ones select the VAT totals by a path that finds none,
 * so they never fail. The CII ones compare values, not digits: BR-DEC-13 fails when every VAT total is in the
 * invoice currency and none is a whole number of cents; BR-DEC-15, when there is a VAT accounting currency and no
 * VAT total in it is a whole number of cents.
 */
function checkVatTotalDecimals(context: RuleContext): void {
  const { invoice, paths } = context;
  const vatAmounts = invoice.vatAmounts ?? [];
  if (invoice.syntax !== 'CII' || vatAmounts.length === 0) return;
  const inCents = (written: string): boolean => {
    const value = amount(written);
    return value !== undefined && value.eq(round2(value));
  };
  if (vatAmounts.every((vat) => vat.currency === invoice.currency && !inCents(vat.amount))) {
    context.fatal(
      'BR-DEC-13',
      paths.of('BT-110'),
      `The total VAT amount (BT-110) is ${vatAmounts[0].amount}: at most 2 decimals are allowed.`,
      `Общата сума на ДДС (BT-110) е ${vatAmounts[0].amount}: допустими са най-много 2 знака след десетичната точка.`,
    );
  }
  const accounting = vatAmounts.filter((vat) => vat.currency === invoice.vatCurrency);
  if (invoice.vatCurrency !== undefined && !accounting.some((vat) => inCents(vat.amount))) {
    context.fatal(
      'BR-DEC-15',
      paths.of('BT-111'),
      `The total VAT in accounting currency (BT-111) must be given in ${invoice.vatCurrency} with at most 2 decimals; found ${accounting.length === 0 ? 'none' : accounting.map((vat) => vat.amount).join(', ')}.`,
      `Общото ДДС във валутата за отчитане (BT-111) трябва да е в ${invoice.vatCurrency} с най-много 2 знака след десетичната точка; намерено: ${accounting.length === 0 ? 'няма' : accounting.map((vat) => vat.amount).join(', ')}.`,
    );
  }
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

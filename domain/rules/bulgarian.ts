/**
 * Bulgarian invoice rules (VAT Act, ЗДДС, Art. 114 and 115; euro adoption), applied when the seller is Bulgarian:
 * seller country BG or a VAT identifier starting with BG.
 *
 * BG-01 number of exactly 10 Arabic digits            BG-05 0 % / not-taxed supplies state their legal ground
 * BG-02 supplier identifier (BG VAT or EIK) valid      BG-06 currency: EUR from 2026-01-01, BGN before
 * BG-03 customer identifier valid (EIK/EGN/ЛНЧ/VAT)   BG-07 credit/debit notes reference the invoice number and date
 * BG-04 VAT rates 20, 9 or 0 only
 * Numbering per series (duplicates, gaps, order) needs the issuer's history: see numbering.ts.
 */
import { classifyBulgarianId, isValidBgVat, isValidEik, normalizeIdentifier } from '../identifiers';
import type { Invoice, Party } from '../invoice/model';
import { amount } from './amounts';
import { type RuleContext, present } from './context';
import { CREDIT_NOTE_TYPE_CODES } from './code-lists';

export const EURO_ADOPTION_DATE = '2026-01-01';
const BULGARIAN_VAT_RATES = ['20', '9', '0'];
/** Categories in which no VAT is charged, so Art. 114(1)(12) requires the legal ground on the invoice. */
const NO_VAT_CATEGORIES = new Set(['Z', 'E', 'AE', 'K', 'G', 'O']);
/** Art. 115 notes: every credit-note code, and the debit notes (383, 384). */
const CREDIT_OR_DEBIT_NOTE_CODES = new Set([...CREDIT_NOTE_TYPE_CODES, '383', '384']);

export function isBulgarianSeller(invoice: Invoice): boolean {
  return (
    invoice.seller.address?.countryCode === 'BG' ||
    normalizeIdentifier(invoice.seller.vatId ?? '').startsWith('BG')
  );
}

export function checkBulgarianRules(context: RuleContext): void {
  checkNumber(context);
  checkSupplier(context);
  checkCustomer(context);
  checkRates(context);
  checkLegalGround(context);
  checkCurrency(context);
  checkNoteReferences(context);
}

function checkNumber(context: RuleContext): void {
  const { invoice, paths } = context;
  if (present(invoice.number) && !/^\d{10}$/.test(invoice.number)) {
    context.fatal(
      'BG-01',
      paths.of('BT-1'),
      `The invoice number (BT-1) must be exactly 10 Arabic digits (VAT Act Art. 114(1)(2)), e.g. "0000000123"; found "${invoice.number}" (${invoice.number.length} characters).`,
      `Номерът на фактурата (BT-1) трябва да е точно 10 арабски цифри (чл. 114, ал. 1, т. 2 ЗДДС), напр. "0000000123"; намерено "${invoice.number}" (${invoice.number.length} знака).`,
    );
  }
}

/** Bulgarian registration numbers the party states: legal registration, tax registration and other identifiers. */
function registrationNumbers(party: Party): { value: string; path: 'legal' | 'tax' | 'other' }[] {
  const numbers: { value: string; path: 'legal' | 'tax' | 'other' }[] = [];
  if (present(party.legalRegistrationId?.value))
    numbers.push({ value: party.legalRegistrationId.value, path: 'legal' });
  if (present(party.taxRegistrationId)) numbers.push({ value: party.taxRegistrationId, path: 'tax' });
  for (const id of party.identifiers)
    if (present(id.value) && /^\d{9,13}$/.test(normalizeIdentifier(id.value)))
      numbers.push({ value: id.value, path: 'other' });
  return numbers;
}

function checkSupplier(context: RuleContext): void {
  const { invoice, paths } = context;
  const seller = invoice.seller;
  const vat = present(seller.vatId) ? normalizeIdentifier(seller.vatId) : undefined;
  if (vat?.startsWith('BG') && !isValidBgVat(vat)) {
    context.fatal(
      'BG-02',
      paths.of('BT-31'),
      `The supplier VAT number "${seller.vatId}" is not a valid Bulgarian VAT number: expected BG followed by a 9-digit EIK or a 10-digit EGN/ЛНЧ with a correct check digit.`,
      `ДДС номерът на доставчика "${seller.vatId}" не е валиден български ДДС номер: очаква се BG, последвано от 9-цифрен ЕИК или 10-цифрен ЕГН/ЛНЧ с правилна контролна цифра.`,
    );
  }
  const eiks = registrationNumbers(seller).filter((number) =>
    /^(\d{9}|\d{13})$/.test(normalizeIdentifier(number.value)),
  );
  for (const eik of eiks) {
    if (!isValidEik(eik.value)) {
      context.fatal(
        'BG-02',
        paths.of(eik.path === 'legal' ? 'BT-30' : eik.path === 'tax' ? 'BT-32' : 'BT-29'),
        `The supplier EIK/BULSTAT "${eik.value}" has a wrong check digit; check the number against the Commercial Register.`,
        `ЕИК/БУЛСТАТ на доставчика "${eik.value}" е с грешна контролна цифра; проверете номера в Търговския регистър.`,
      );
    }
  }
  if (!vat && eiks.length === 0) {
    context.fatal(
      'BG-02',
      paths.of('BG-4'),
      'The supplier is not identified: give its VAT number (BT-31, BG…) or, when not VAT-registered, its EIK/BULSTAT (BT-30) (VAT Act Art. 114(1)(3)).',
      'Доставчикът не е идентифициран: посочете ДДС номер (BT-31, BG…) или, ако не е регистриран по ЗДДС, ЕИК/БУЛСТАТ (BT-30) (чл. 114, ал. 1, т. 3 ЗДДС).',
    );
  }
}

function checkCustomer(context: RuleContext): void {
  const { invoice, paths } = context;
  const buyer = invoice.buyer;
  const vat = present(buyer.vatId) ? normalizeIdentifier(buyer.vatId) : undefined;
  if (vat?.startsWith('BG') && !isValidBgVat(vat)) {
    context.fatal(
      'BG-03',
      paths.of('BT-48'),
      `The customer VAT number "${buyer.vatId}" is not a valid Bulgarian VAT number (BG + 9-digit EIK or 10-digit EGN/ЛНЧ with a correct check digit).`,
      `ДДС номерът на получателя "${buyer.vatId}" не е валиден български ДДС номер (BG + 9-цифрен ЕИК или 10-цифрен ЕГН/ЛНЧ с правилна контролна цифра).`,
    );
  }
  const domestic = buyer.address?.countryCode === 'BG' || vat?.startsWith('BG') === true;
  const numbers = domestic
    ? registrationNumbers(buyer).filter((number) => /^\d{9,13}$/.test(normalizeIdentifier(number.value)))
    : [];
  for (const number of numbers) {
    const classification = classifyBulgarianId(number.value);
    if (!classification.kind) {
      context.fatal(
        'BG-03',
        paths.of(number.path === 'legal' ? 'BT-47' : 'BT-46'),
        `The customer identifier "${number.value}" is not a valid EIK, EGN or ЛНЧ: ${classification.reason}`,
        `Идентификаторът на получателя "${number.value}" не е валиден ЕИК, ЕГН или ЛНЧ: проверете броя цифри и контролната цифра.`,
      );
    }
  }
  if (
    !vat &&
    numbers.length === 0 &&
    registrationNumbers(buyer).length === 0 &&
    buyer.identifiers.length === 0
  ) {
    context.warning(
      'BG-03',
      paths.of('BG-7'),
      'The customer has no identifier: a business customer needs its VAT number (BT-48) or EIK (BT-47) (VAT Act Art. 114(1)(4)); only private persons may be left without one.',
      'Получателят няма идентификатор: за фирма се посочва ДДС номер (BT-48) или ЕИК (BT-47) (чл. 114, ал. 1, т. 4 ЗДДС); само физически лица може да са без такъв.',
    );
  }
}

function checkRates(context: RuleContext): void {
  const { invoice, paths } = context;
  const allowed = (rate: string | undefined): boolean => {
    const value = amount(rate);
    return (
      rate === undefined ||
      (value !== undefined && BULGARIAN_VAT_RATES.some((allowedRate) => value.eq(allowedRate)))
    );
  };
  const report = (path: string, rate: string | undefined, where: string, whereBg: string): void => {
    context.fatal(
      'BG-04',
      path,
      `The VAT rate of ${where} is ${rate} %; Bulgarian VAT rates are 20 % (standard), 9 % (accommodation) and 0 % with its legal ground.`,
      `Ставката на ДДС на ${whereBg} е ${rate} %; ставките по ЗДДС са 20 % (основна), 9 % (настаняване) и 0 % с посочено основание.`,
    );
  };
  invoice.lines.forEach((line, index) => {
    if (!allowed(line.vatRate))
      report(paths.line(index, 'BT-152'), line.vatRate, `line ${index + 1}`, `ред ${index + 1}`);
  });
  invoice.vatBreakdown.forEach((vat, index) => {
    if (!allowed(vat.rate))
      report(
        paths.nth('BG-23', index),
        vat.rate,
        `VAT breakdown ${index + 1}`,
        `разбивка по ДДС ${index + 1}`,
      );
  });
  invoice.allowanceCharges.forEach((charge, index) => {
    if (!allowed(charge.vatRate))
      report(
        paths.nth('BG-20', index),
        charge.vatRate,
        `document level allowance/charge ${index + 1}`,
        `отстъпка/надбавка ${index + 1} на ниво документ`,
      );
  });
}

/** A legal ground is a reference to the law: "чл. 28 ЗДДС", "Art. 138 Directive 2006/112", a VATEX code. */
const LEGAL_GROUND = /чл\.|член|ЗДДС|art\.|article|directive|директива|VATEX/i;

function checkLegalGround(context: RuleContext): void {
  const { invoice, paths } = context;
  invoice.vatBreakdown.forEach((vat, index) => {
    const zeroRate = amount(vat.rate)?.eq(0) === true;
    if (!NO_VAT_CATEGORIES.has(vat.categoryCode) && !zeroRate) return;
    const stated = present(vat.exemptionReason) || present(vat.exemptionReasonCode);
    // EN 16931 forbids an exemption reason on zero-rated (Z) breakdowns (BR-Z-10), so for Z the ground goes in a note.
    const inNotes = invoice.notes.some((note) => LEGAL_GROUND.test(note));
    if (!stated && !inNotes) {
      context.fatal(
        'BG-05',
        paths.nth('BG-23', index),
        `VAT category ${vat.categoryCode}${present(vat.rate) ? ` at ${vat.rate} %` : ''} charges no VAT, so the invoice must state the legal ground (VAT Act Art. 114(1)(12)): ${vat.categoryCode === 'Z' ? 'put it in an invoice note (BT-22), e.g. "чл. 28 ЗДДС"' : 'give the exemption reason (BT-120) or its code (BT-121), e.g. "чл. 45 ЗДДС"'}.`,
        `ДДС категория ${vat.categoryCode}${present(vat.rate) ? ` при ${vat.rate} %` : ''} е без начислен ДДС, затова фактурата трябва да посочва основанието (чл. 114, ал. 1, т. 12 ЗДДС): ${vat.categoryCode === 'Z' ? 'впишете го в бележка към фактурата (BT-22), напр. "чл. 28 ЗДДС"' : 'посочете основание за освобождаване (BT-120) или неговия код (BT-121), напр. "чл. 45 ЗДДС"'}.`,
      );
    }
  });
}

function checkCurrency(context: RuleContext): void {
  const { invoice, paths } = context;
  if (!present(invoice.issueDate) || !present(invoice.currency)) return;
  const afterEuro = invoice.issueDate >= EURO_ADOPTION_DATE;
  const national = afterEuro ? 'EUR' : 'BGN';
  if (afterEuro && invoice.currency === 'BGN') {
    context.fatal(
      'BG-06',
      paths.of('BT-5'),
      `The invoice is dated ${invoice.issueDate}, on or after the euro adoption on ${EURO_ADOPTION_DATE}, but its currency (BT-5) is BGN; issue it in EUR (1 EUR = 1.95583 BGN).`,
      `Фактурата е от ${invoice.issueDate}, след въвеждането на еврото на ${EURO_ADOPTION_DATE}, но валутата ѝ (BT-5) е BGN; издайте я в EUR (1 EUR = 1,95583 лв.).`,
    );
  } else if (invoice.currency !== national && invoice.vatCurrency !== national) {
    context.fatal(
      'BG-06',
      paths.of('BT-6'),
      `The invoice dated ${invoice.issueDate} is in ${invoice.currency}; the VAT must then also be stated in ${national} — give the VAT accounting currency (BT-6) ${national} and the VAT total in ${national} (BT-111).`,
      `Фактурата от ${invoice.issueDate} е в ${invoice.currency}; тогава ДДС трябва да е посочен и в ${national} — посочете валута за отчитане на ДДС (BT-6) ${national} и общото ДДС в ${national} (BT-111).`,
    );
  }
}

function checkNoteReferences(context: RuleContext): void {
  const { invoice, paths } = context;
  const isNote = invoice.kind === 'CreditNote' || CREDIT_OR_DEBIT_NOTE_CODES.has(invoice.typeCode);
  if (!isNote) return;
  const name = invoice.typeCode === '383' ? 'debit note' : 'credit note';
  const nameBg = invoice.typeCode === '383' ? 'дебитното известие' : 'кредитното известие';
  const complete = invoice.precedingInvoices.find(
    (reference) => present(reference.number) && present(reference.issueDate),
  );
  if (!complete) {
    const partial = invoice.precedingInvoices[0];
    context.fatal(
      'BG-07',
      paths.of('BG-3'),
      partial
        ? `The ${name} references invoice "${partial.number}" without its issue date (BT-26); Art. 115 of the VAT Act requires the original invoice's number and date.`
        : `The ${name} does not reference the original invoice; give its number (BT-25) and issue date (BT-26) (VAT Act Art. 115).`,
      partial
        ? `${nameBg[0].toUpperCase()}${nameBg.slice(1)} препраща към фактура "${partial.number}" без дата (BT-26); чл. 115 ЗДДС изисква номера и датата на първоначалната фактура.`
        : `${nameBg[0].toUpperCase()}${nameBg.slice(1)} не препраща към първоначалната фактура; посочете нейния номер (BT-25) и дата (BT-26) (чл. 115 ЗДДС).`,
    );
  } else if (!/^\d{10}$/.test(complete.number)) {
    context.warning(
      'BG-07',
      paths.of('BT-25'),
      `The referenced invoice number "${complete.number}" is not 10 digits; a Bulgarian invoice number always is — check the reference.`,
      `Посоченият номер на фактура "${complete.number}" не е от 10 цифри, какъвто винаги е номерът на българска фактура — проверете препратката.`,
    );
  }
}

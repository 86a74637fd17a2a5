/**
 * The Peppol rules that apply to an element wherever it occurs, checked in one walk over the document:
 * no empty elements (R008), amounts in the document currency (R051) and an ISO 4217 currency (CL007),
 * the code lists (CL001–CL008), dates (F001), type codes per profile (P0100–P0112), exemption reasons
 * and categories (P0104–P0111) and the check digits of identifiers by scheme (PEPPOL-COMMON-R040–R050).
 */
import type { Element } from '@xmldom/xmldom';
import {
  hasValidAbnCheckDigits,
  hasValidBelgianCheckDigits,
  hasValidGs1CheckDigit,
  hasValidMod11CheckDigit,
  hasValidSwedishCheckDigit,
} from '../../identifiers/schemes';
import {
  PEPPOL_ALLOWANCE_REASON_CODES,
  PEPPOL_CHARGE_REASON_CODES,
  PEPPOL_CREDIT_NOTE_TYPE_CODES,
  PEPPOL_CURRENCY_CODES,
  PEPPOL_EAS_CODES,
  PEPPOL_INVOICE_TYPE_CODES,
  PEPPOL_MIME_CODES,
  PEPPOL_PERIOD_DESCRIPTION_CODES,
} from './code-lists';
import {
  CAC,
  CBC,
  type PeppolDocument,
  type PeppolReport,
  children,
  isIsoDate,
  isNamed,
  normalizeSpace,
  numberOf,
  ownText,
  pathOf,
  stringOf,
} from './document';

/** Amounts whose currencyID must be the document currency (R051); CL007 adds every cbc:TaxAmount. */
const AMOUNTS = new Set(
  'Amount BaseAmount PriceAmount TaxableAmount LineExtensionAmount TaxExclusiveAmount TaxInclusiveAmount AllowanceTotalAmount ChargeTotalAmount PrepaidAmount PayableRoundingAmount PayableAmount'.split(
    ' ',
  ),
);
const DATES = new Set('IssueDate DueDate TaxPointDate StartDate EndDate ActualDeliveryDate'.split(' '));

/** The exemption reason codes that fix the VAT category (P0104–P0111). */
const CATEGORY_OF_EXEMPTION: Record<string, [string, string]> = {
  'VATEX-EU-G': ['PEPPOL-EN16931-P0104', 'G'],
  'VATEX-EU-O': ['PEPPOL-EN16931-P0105', 'O'],
  'VATEX-EU-IC': ['PEPPOL-EN16931-P0106', 'K'],
  'VATEX-EU-AE': ['PEPPOL-EN16931-P0107', 'AE'],
  'VATEX-EU-D': ['PEPPOL-EN16931-P0108', 'E'],
  'VATEX-EU-F': ['PEPPOL-EN16931-P0109', 'E'],
  'VATEX-EU-I': ['PEPPOL-EN16931-P0110', 'E'],
  'VATEX-EU-J': ['PEPPOL-EN16931-P0111', 'E'],
};

/** At most this many empty elements are listed; one is enough to refuse the document. */
const EMPTY_ELEMENTS_LISTED = 20;

export function checkPeppolElements(document: PeppolDocument, report: PeppolReport): void {
  let empty = 0;
  const visit = (element: Element): void => {
    let hasChild = false;
    for (let node = element.firstChild; node; node = node.nextSibling) {
      if (node.nodeType !== 1) continue;
      hasChild = true;
      visit(node as Element);
    }
    if (!hasChild && normalizeSpace(stringOf(element)) === '' && empty++ < EMPTY_ELEMENTS_LISTED) {
      const path = pathOf(element);
      report.fatal(
        'PEPPOL-EN16931-R008',
        path,
        `The element ${path} is empty; Peppol documents must not contain empty elements — fill it or remove it.`,
        `Елементът ${path} е празен; документите по Peppol не трябва да съдържат празни елементи — попълнете го или го премахнете.`,
      );
    }
    if (element.namespaceURI === CBC) checkBasicElement(document, element, report);
    else if (element.namespaceURI === CAC && element.localName === 'TaxCategory')
      checkExemption(element, report);
  };
  visit(document.root);
}

function checkBasicElement(document: PeppolDocument, element: Element, report: PeppolReport): void {
  const name = element.localName ?? '';
  const parent = element.parentNode as Element | null;
  if (AMOUNTS.has(name) || name === 'TaxAmount') checkCurrency(document, element, report);
  if (DATES.has(name)) {
    const text = ownText(element);
    if (text === undefined || text.length !== 10 || !isIsoDate(text))
      report.fatal(
        'PEPPOL-EN16931-F001',
        element,
        `A date must be written YYYY-MM-DD; ${name} is "${stringOf(element)}".`,
        `Датата трябва да е във вида ГГГГ-ММ-ДД; ${name} е "${stringOf(element)}".`,
      );
  }
  switch (name) {
    case 'EndpointID':
      checkIdentifier(element, report);
      if (element.hasAttribute('schemeID') && !PEPPOL_EAS_CODES.has(element.getAttribute('schemeID')!))
        report.fatal(
          'PEPPOL-EN16931-CL008',
          element,
          `The electronic address scheme "${element.getAttribute('schemeID')}" is not in the Peppol Electronic Address Identifier Scheme list.`,
          `Схемата на електронния адрес "${element.getAttribute('schemeID')}" не е в списъка на Peppol (Electronic Address Identifier Scheme).`,
        );
      break;
    case 'CompanyID':
      checkIdentifier(element, report);
      break;
    case 'ID':
      if (isNamed(parent, 'cac:PartyIdentification')) checkIdentifier(element, report);
      break;
    case 'InvoiceTypeCode': {
      const code = normalizeSpace(stringOf(element));
      if (document.profile === '01' && !PEPPOL_INVOICE_TYPE_CODES.has(code))
        report.fatal(
          'PEPPOL-EN16931-P0100',
          element,
          `Invoice type code "${code}" is not allowed in the billing process 01.`,
          `Кодът на вид фактура "${code}" не е допустим в процес на фактуриране 01.`,
        );
      if ((code === '326' || code === '384') && !(document.supplierIsGerman && document.customerIsGerman))
        report.fatal(
          'PEPPOL-EN16931-P0112',
          element,
          `Invoice type code ${code} is only allowed when seller and buyer are both German.`,
          `Код на вид фактура ${code} е допустим само когато продавачът и купувачът са германски.`,
        );
      break;
    }
    case 'CreditNoteTypeCode': {
      const code = normalizeSpace(stringOf(element));
      if (document.profile === '01' && !PEPPOL_CREDIT_NOTE_TYPE_CODES.has(code))
        report.fatal(
          'PEPPOL-EN16931-P0101',
          element,
          `Credit note type code "${code}" is not allowed in the billing process 01.`,
          `Кодът на вид кредитно известие "${code}" не е допустим в процес на фактуриране 01.`,
        );
      break;
    }
    case 'AllowanceChargeReasonCode':
      if (isNamed(parent, 'cac:AllowanceCharge')) checkReasonCode(parent!, element, report);
      break;
    case 'DescriptionCode':
      if (
        isNamed(parent, 'cac:InvoicePeriod') &&
        !PEPPOL_PERIOD_DESCRIPTION_CODES.has(normalizeSpace(ownText(element) ?? ''))
      )
        report.fatal(
          'PEPPOL-EN16931-CL006',
          element,
          `The invoice period description code "${stringOf(element)}" must be 3, 35 or 432 (UNCL 2005 subset).`,
          `Кодът на описание на периода "${stringOf(element)}" трябва да е 3, 35 или 432 (подмножество на UNCL 2005).`,
        );
      break;
    case 'EmbeddedDocumentBinaryObject':
      if (element.hasAttribute('mimeCode') && !PEPPOL_MIME_CODES.has(element.getAttribute('mimeCode')!))
        report.fatal(
          'PEPPOL-EN16931-CL001',
          element,
          `The attachment's MIME code "${element.getAttribute('mimeCode')}" is not one Peppol allows (PDF, PNG, JPEG, CSV, XLSX, ODS).`,
          `MIME кодът на приложението "${element.getAttribute('mimeCode')}" не е от допустимите в Peppol (PDF, PNG, JPEG, CSV, XLSX, ODS).`,
        );
      break;
  }
}

function checkCurrency(document: PeppolDocument, element: Element, report: PeppolReport): void {
  const currency = element.hasAttribute('currencyID') ? element.getAttribute('currencyID')! : undefined;
  const parent = element.parentNode as Element | null;
  const inR051 =
    element.localName !== 'TaxAmount' ||
    isNamed(parent, 'cac:TaxSubtotal') ||
    (isNamed(parent, 'cac:TaxTotal') && children(parent!, 'cac:TaxSubtotal').length > 0);
  if (inR051 && (currency === undefined || !document.documentCurrencies.includes(currency)))
    report.fatal(
      'PEPPOL-EN16931-R051',
      element,
      `${element.localName} must be in the invoice currency (BT-5, ${document.documentCurrencies[0] ?? 'not given'}); its currencyID is ${currency === undefined ? 'missing' : `"${currency}"`}.`,
      `${element.localName} трябва да е във валутата на фактурата (BT-5, ${document.documentCurrencies[0] ?? 'не е посочена'}); currencyID е ${currency === undefined ? 'липсващ' : `"${currency}"`}.`,
    );
  if (currency === undefined || !PEPPOL_CURRENCY_CODES.has(currency))
    report.fatal(
      'PEPPOL-EN16931-CL007',
      element,
      `${element.localName} needs an ISO 4217 currency code; its currencyID is ${currency === undefined ? 'missing' : `"${currency}"`}.`,
      `${element.localName} трябва да има код на валута по ISO 4217; currencyID е ${currency === undefined ? 'липсващ' : `"${currency}"`}.`,
    );
}

/** CL002/CL003: the reason code of an allowance (UNCL 5189 subset) or a charge (UNCL 7161). */
function checkReasonCode(charge: Element, code: Element, report: PeppolReport): void {
  const indicators = children(charge, 'cbc:ChargeIndicator').map(stringOf);
  const value = normalizeSpace(ownText(code) ?? '');
  if (indicators.includes('false')) {
    if (!PEPPOL_ALLOWANCE_REASON_CODES.has(value))
      report.fatal(
        'PEPPOL-EN16931-CL002',
        code,
        `The allowance reason code "${value}" is not in the UNCL 5189 subset Peppol allows.`,
        `Кодът на причина за отстъпка "${value}" не е от допустимото в Peppol подмножество на UNCL 5189.`,
      );
  } else if (indicators.includes('true') && !PEPPOL_CHARGE_REASON_CODES.has(value))
    report.fatal(
      'PEPPOL-EN16931-CL003',
      code,
      `The charge reason code "${value}" is not in UNCL 7161.`,
      `Кодът на причина за надбавка "${value}" не е в UNCL 7161.`,
    );
}

/** P0104–P0111: an EU exemption reason code fixes the VAT category of its tax category. */
function checkExemption(category: Element, report: PeppolReport): void {
  const reason = children(category, 'cbc:TaxExemptionReasonCode')[0];
  if (!reason) return;
  const rule = CATEGORY_OF_EXEMPTION[stringOf(reason).toUpperCase()];
  if (!rule) return;
  const [ruleId, expected] = rule;
  const found = normalizeSpace(stringOf(children(category, 'cbc:ID')[0]));
  if (found !== expected)
    report.fatal(
      ruleId,
      category,
      `The exemption reason code ${stringOf(reason)} requires VAT category ${expected}; found "${found}".`,
      `Кодът на основание за освобождаване ${stringOf(reason)} изисква категория ДДС ${expected}; намерено "${found}".`,
    );
}

/** PEPPOL-COMMON-R040–R050: identifiers of a scheme with a check digit must have the right format and digit. */
function checkIdentifier(element: Element, report: PeppolReport): void {
  if (!element.hasAttribute('schemeID')) return;
  const scheme = element.getAttribute('schemeID');
  const value = normalizeSpace(stringOf(element));
  const fail = (ruleId: string, what: string, whatBg: string): void =>
    report.fatal(
      ruleId,
      element,
      `"${value}" (scheme ${scheme}) is not a valid ${what}: check the number and its check digit.`,
      `"${value}" (схема ${scheme}) не е валиден ${whatBg}: проверете номера и контролната му цифра.`,
    );
  switch (scheme) {
    case '0088':
      if (!/^[0-9]+$/.test(value) || !hasValidGs1CheckDigit(value))
        fail(
          'PEPPOL-COMMON-R040',
          'GLN (GS1 global location number)',
          'GLN (глобален номер на местоположение по GS1)',
        );
      break;
    case '0192':
      if (!/^[0-9]{9}$/.test(value) || !hasValidMod11CheckDigit(value))
        fail('PEPPOL-COMMON-R041', 'Norwegian organisation number', 'норвежки организационен номер');
      break;
    case '0184': {
      const raw = stringOf(element);
      const valid =
        (raw.length === 10 && raw.startsWith('DK') && /^[0-9]*$/.test(raw.slice(2, 10))) ||
        (raw.length === 8 && /^[0-9]*$/.test(raw));
      if (!valid)
        fail(
          'PEPPOL-COMMON-R042',
          'Danish CVR number (8 digits, optionally after "DK")',
          'датски CVR номер (8 цифри, по избор след "DK")',
        );
      break;
    }
    case '0208':
      if (!/^[0-9]{10}$/.test(value) || !hasValidBelgianCheckDigits(value))
        fail('PEPPOL-COMMON-R043', 'Belgian enterprise number', 'белгийски номер на предприятие');
      break;
    case '0007':
      if (value.length !== 10 || Number.isNaN(numberOf(value)) || !hasValidSwedishCheckDigit(value))
        fail('PEPPOL-COMMON-R049', 'Swedish organisation number', 'шведски организационен номер');
      break;
    case '0151':
      if (!/^[0-9]{11}$/.test(value) || !hasValidAbnCheckDigits(value))
        fail('PEPPOL-COMMON-R050', 'Australian Business Number', 'австралийски бизнес номер (ABN)');
      break;
  }
}

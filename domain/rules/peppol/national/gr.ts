/** Greek rules of Peppol BIS Billing 3.0 (GR-R-*): the invoice number's segments, AFM numbers, MARK, invoice URL. */
import type { Element } from '@xmldom/xmldom';
import { hasValidGreekTinCheckDigit } from '../../../identifiers/schemes';
import {
  type PeppolDocument,
  type PeppolReport,
  children,
  normalizeSpace,
  numberOf,
  stringOf,
  ubl,
  inferredCountryOf,
  vatSchemesOf,
} from '../document';

/** Greek document types the fourth segment of the invoice number may name. */
const GREEK_DOCUMENT_TYPES = ['1.1', '1.6', '2.1', '2.4', '5.1', '5.2'];
const ID_DATE = /^(0?[1-9]|[12][0-9]|3[01])[-\\/ ]?(0?[1-9]|1[0-2])[-\\/ ]?(19|20)[0-9]{2}/;
const MARK = '##M.AR.K##';
const INVOICE_URL = '##INVOICE|URL##';

const isGreek = (country: string | undefined): boolean => country === 'GR' || country === 'EL';

export function checkGreekRules(document: PeppolDocument, report: PeppolReport): void {
  const { root, seller, buyer, kind } = document;
  const greekSender = isGreek(document.supplierCountry);
  if (greekSender) {
    for (const id of children(root, 'cbc:ID')) checkInvoiceNumber(document, id, report);
    if (seller && stringOf(ubl.one(seller, 'cac:PartyName/cbc:Name')).length === 0)
      report.fatal(
        'GR-R-002',
        seller,
        'A Greek seller gives its full registered name (cac:PartyName/cbc:Name).',
        'Гръцки продавач посочва пълното си регистрирано име (cac:PartyName/cbc:Name).',
      );
    for (const vatId of vatNumbersOf(seller)) {
      const value = stringOf(vatId);
      if (!(value.startsWith('EL') && hasValidGreekTinCheckDigit(value.slice(2))))
        report.fatal(
          'GR-R-003',
          vatId,
          `A Greek seller's VAT number is "EL" and a valid AFM; found "${value}".`,
          `ДДС номерът на гръцки продавач е "EL" и валиден AFM; намерено "${value}".`,
        );
    }
    const references = children(root, 'cac:AdditionalDocumentReference');
    const described = (description: string): Element[] =>
      references.filter((reference) =>
        children(reference, 'cbc:DocumentDescription').some((element) => stringOf(element) === description),
      );
    const postalGreek = ubl
      .all(seller, 'cac:PostalAddress/cac:Country/cbc:IdentificationCode')
      .some((code) => stringOf(code) === 'GR');
    if (postalGreek) {
      const marks = described(MARK);
      if (marks.length !== 1)
        report.fatal(
          'GR-R-004-1',
          `/${kind}`,
          `A Greek seller gives exactly one MARK number (document reference described ${MARK}); found ${marks.length}.`,
          `Гръцки продавач посочва точно един номер MARK (препратка с описание ${MARK}); намерени: ${marks.length}.`,
        );
      for (const mark of marks)
        for (const id of children(mark, 'cbc:ID'))
          if (!/^[1-9]([0-9]*)/.test(stringOf(id)))
            report.fatal(
              'GR-R-004-2',
              id,
              `The MARK number is a positive integer; found "${stringOf(id)}".`,
              `Номерът MARK е цяло положително число; намерено "${stringOf(id)}".`,
            );
      if (described(INVOICE_URL).length > 1)
        report.fatal(
          'GR-R-008-2',
          `/${kind}`,
          'A Greek seller gives at most one invoice URL document reference.',
          'Гръцки продавач посочва най-много една препратка с URL на фактурата.',
        );
    }
    for (const reference of described(INVOICE_URL))
      if (normalizeSpace(stringOf(ubl.one(reference, 'cac:Attachment/cac:ExternalReference/cbc:URI'))) === '')
        report.fatal(
          'GR-R-008-3',
          reference,
          'The invoice URL document reference gives its URI (cac:Attachment/cac:ExternalReference/cbc:URI).',
          'Препратката с URL на фактурата посочва адреса (cac:Attachment/cac:ExternalReference/cbc:URI).',
        );
    if (buyer && stringOf(ubl.one(buyer, 'cac:PartyName/cbc:Name')).length === 0)
      report.fatal(
        'GR-R-005',
        buyer,
        "A Greek seller gives the buyer's full name (cac:PartyName/cbc:Name).",
        'Гръцки продавач посочва пълното име на купувача (cac:PartyName/cbc:Name).',
      );
  }
  // GR-R-009 infers the seller's country without the tax representative.
  const sellerCountry = inferredCountryOf(document.sellers);
  if (isGreek(sellerCountry))
    for (const endpoint of children(seller, 'cbc:EndpointID'))
      checkEndpoint('GR-R-009', endpoint, 'seller', 'продавача', report);
  if (greekSender && isGreek(document.customerCountry) && buyer) {
    const buyerVat = vatNumbersOf(buyer);
    const value = stringOf(buyerVat[0]);
    if (!(buyerVat.length === 1 && value.startsWith('EL') && hasValidGreekTinCheckDigit(value.slice(2))))
      report.fatal(
        'GR-R-006',
        buyer,
        `A Greek seller gives the Greek buyer's VAT number ("EL" and a valid AFM); found "${value}".`,
        `Гръцки продавач посочва ДДС номера на гръцкия купувач ("EL" и валиден AFM); намерено "${value}".`,
      );
    for (const endpoint of children(buyer, 'cbc:EndpointID'))
      checkEndpoint('GR-R-010', endpoint, 'buyer', 'купувача', report);
  }
}

/** CompanyID of PartyTaxScheme[normalize-space(cac:TaxScheme/cbc:ID) = 'VAT'] (the Greek rules normalize). */
const vatNumbersOf = (party: Element | undefined): Element[] =>
  ubl
    .all(party, 'cac:PartyTaxScheme')
    .filter((scheme) => normalizeSpace(stringOf(ubl.one(scheme, 'cac:TaxScheme/cbc:ID'))) === 'VAT')
    .flatMap((scheme) => children(scheme, 'cbc:CompanyID'));

function checkEndpoint(
  ruleId: string,
  endpoint: Element,
  who: string,
  whoBg: string,
  report: PeppolReport,
): void {
  if (!(endpoint.getAttribute('schemeID') === '9933' && hasValidGreekTinCheckDigit(stringOf(endpoint))))
    report.fatal(
      ruleId,
      endpoint,
      `The Greek ${who}'s electronic address is its AFM with scheme 9933; found "${stringOf(endpoint)}" (scheme ${endpoint.getAttribute('schemeID') ?? 'none'}).`,
      `Електронният адрес на гръцкия ${whoBg} е неговият AFM със схема 9933; намерено "${stringOf(endpoint)}" (схема ${endpoint.getAttribute('schemeID') ?? 'няма'}).`,
    );
}

/** GR-R-001-*: a Greek invoice number is AFM|date|branch|document type|series|number. */
function checkInvoiceNumber(document: PeppolDocument, id: Element, report: PeppolReport): void {
  const segments = stringOf(id) === '' ? [] : stringOf(id).split('|');
  const issueDate = stringOf(children(document.root, 'cbc:IssueDate')[0]).split('-');
  const fail = (ruleId: string, message: string, messageBg: string): void =>
    report.fatal(ruleId, id, message, messageBg);
  if (segments.length !== 6)
    fail(
      'GR-R-001-1',
      `A Greek seller's invoice number has 6 segments separated by "|"; found ${segments.length}.`,
      `Номерът на фактура на гръцки продавач има 6 сегмента, разделени с "|"; намерени: ${segments.length}.`,
    );
  const [afm = '', date = '', branch = '', type = '', series = '', number = ''] = segments;
  const vatTail = (party: Element | undefined): string[] =>
    vatSchemesOf(party).map((scheme) => stringOf(ubl.one(scheme, 'cbc:CompanyID')).slice(2, 11));
  const sellerAfms = [...vatTail(document.seller), ...vatTail(document.taxRepresentative)];
  if (!(normalizeSpace(afm).length === 9 && hasValidGreekTinCheckDigit(afm) && sellerAfms.includes(afm)))
    fail(
      'GR-R-001-2',
      `The first segment of the invoice number is the AFM of the seller or its tax representative; found "${afm}".`,
      `Първият сегмент на номера на фактурата е AFM на продавача или на данъчния му представител; намерено "${afm}".`,
    );
  const dateParts = date.split('/');
  if (!(
    normalizeSpace(date).length > 0 &&
    ID_DATE.test(date) &&
    dateParts[0] === issueDate[2] &&
    dateParts[1] === issueDate[1] &&
    dateParts[2] === issueDate[0]
  ))
    fail(
      'GR-R-001-3',
      `The second segment of the invoice number is the issue date as DD/MM/YYYY; found "${date}".`,
      `Вторият сегмент на номера на фактурата е датата на издаване като ДД/ММ/ГГГГ; намерено "${date}".`,
    );
  if (!(
    normalizeSpace(branch).length > 0 &&
    !Number.isNaN(numberOf(branch)) &&
    /^[ \t\r\n]*[+-]?\d+[ \t\r\n]*$/.test(branch) &&
    Number(branch) >= 0
  ))
    fail(
      'GR-R-001-4',
      `The third segment of the invoice number is a non-negative integer; found "${branch}".`,
      `Третият сегмент на номера на фактурата е цяло неотрицателно число; намерено "${branch}".`,
    );
  if (!(normalizeSpace(type).length > 0 && GREEK_DOCUMENT_TYPES.includes(type)))
    fail(
      'GR-R-001-5',
      `The fourth segment of the invoice number is a Greek document type (${GREEK_DOCUMENT_TYPES.join(', ')}); found "${type}".`,
      `Четвъртият сегмент на номера на фактурата е гръцки вид документ (${GREEK_DOCUMENT_TYPES.join(', ')}); намерено "${type}".`,
    );
  if (series.length === 0)
    fail(
      'GR-R-001-6',
      'The fifth segment of the invoice number is empty.',
      'Петият сегмент на номера на фактурата е празен.',
    );
  if (number.length === 0)
    fail(
      'GR-R-001-7',
      'The sixth segment of the invoice number is empty.',
      'Шестият сегмент на номера на фактурата е празен.',
    );
}

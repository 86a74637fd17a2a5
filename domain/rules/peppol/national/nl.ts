/** Dutch rules of Peppol BIS Billing 3.0 (NL-R-*): addresses, KvK/OIN numbers, payment means, references. */
import type { Element } from '@xmldom/xmldom';
import {
  type PeppolDocument,
  type PeppolReport,
  children,
  decimalOf,
  normalizeSpace,
  type Parties,
  postalIs,
  stringOf,
  ubl,
} from '../document';

const isDutch = (parties: Parties): boolean => postalIs(parties, 'NL');

export function checkDutchRules(document: PeppolDocument, report: PeppolReport): void {
  const { root, seller, buyer, taxRepresentative, kind } = document;
  if (!isDutch(document.sellers)) return;
  const buyerIsDutch = isDutch(document.buyers);
  if (
    children(root, 'cbc:CreditNoteTypeCode').length > 0 &&
    ubl.count(root, 'cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID') === 0
  )
    report.fatal(
      'NL-R-001',
      `/${kind}`,
      "A Dutch seller's credit note refers to the invoice it credits (BT-25, cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID).",
      'Кредитно известие на холандски продавач сочи фактурата, която кредитира (BT-25, cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID).',
    );
  const checkAddress = (ruleId: string, party: Element | undefined, who: string, whoBg: string): void => {
    for (const address of ubl.all(party, 'cac:PostalAddress'))
      if (
        !['cbc:StreetName', 'cbc:CityName', 'cbc:PostalZone'].every(
          (name) => children(address, name).length > 0,
        )
      )
        report.fatal(
          ruleId,
          address,
          `The ${who}'s address gives street (cbc:StreetName), city (cbc:CityName) and post code (cbc:PostalZone).`,
          `Адресът на ${whoBg} посочва улица (cbc:StreetName), град (cbc:CityName) и пощенски код (cbc:PostalZone).`,
        );
  };
  const checkLegalId = (ruleId: string, party: Element | undefined, who: string, whoBg: string): void => {
    for (const id of ubl.all(party, 'cac:PartyLegalEntity/cbc:CompanyID')) {
      const schemes = ` ${id.getAttribute('schemeID') ?? ''} `;
      if (!(
        (schemes.includes(' 0106 ') || schemes.includes(' 0190 ')) &&
        normalizeSpace(stringOf(id)) !== ''
      ))
        report.fatal(
          ruleId,
          id,
          `The ${who}'s legal entity identifier is a KvK or OIN number (schemeID 0106 or 0190).`,
          `Идентификаторът на правния субект на ${whoBg} е номер KvK или OIN (schemeID 0106 или 0190).`,
        );
    }
  };
  checkAddress('NL-R-002', seller, 'Dutch seller', 'холандския продавач');
  checkLegalId('NL-R-003', seller, 'Dutch seller', 'холандския продавач');
  if (buyerIsDutch) {
    checkAddress('NL-R-004', buyer, 'Dutch buyer', 'холандския купувач');
    checkLegalId('NL-R-005', buyer, 'Dutch buyer', 'холандския купувач');
  }
  if (isDutch(ubl.all(root, 'cac:TaxRepresentativeParty')))
    for (const address of children(taxRepresentative, 'cac:PostalAddress'))
      if (
        !['cbc:StreetName', 'cbc:CityName', 'cbc:PostalZone'].every(
          (name) => children(address, name).length > 0,
        )
      )
        report.fatal(
          'NL-R-006',
          address,
          "The Dutch tax representative's address gives street (cbc:StreetName), city (cbc:CityName) and post code (cbc:PostalZone).",
          'Адресът на холандския данъчен представител посочва улица (cbc:StreetName), град (cbc:CityName) и пощенски код (cbc:PostalZone).',
        );
  const hasPaymentMeans = children(root, 'cac:PaymentMeans').length > 0;
  for (const totals of children(root, 'cac:LegalMonetaryTotal')) {
    const payable = decimalOf(stringOf(ubl.one(totals, 'cbc:PayableAmount')));
    const nothingToPay = payable !== undefined && (kind === 'Invoice' ? payable.lte(0) : payable.gte(0));
    if (!nothingToPay && !hasPaymentMeans)
      report.fatal(
        'NL-R-007',
        totals,
        'A Dutch seller gives the payment means (BG-16) when the buyer has to pay.',
        'Холандски продавач посочва начина на плащане (BG-16), когато купувачът дължи плащане.',
      );
  }
  if (buyerIsDutch)
    for (const means of children(root, 'cac:PaymentMeans')) {
      const code = normalizeSpace(stringOf(ubl.one(means, 'cbc:PaymentMeansCode')));
      if (!['30', '48', '49', '57', '58', '59'].includes(code))
        report.fatal(
          'NL-R-008',
          means,
          `Between Dutch parties the payment means code (BT-81) is one of 30, 48, 49, 57, 58, 59; found "${code}".`,
          `Между холандски страни кодът на начина на плащане (BT-81) е един от 30, 48, 49, 57, 58, 59; намерено "${code}".`,
        );
    }
  if (ubl.count(root, 'cac:OrderReference/cbc:ID') === 0)
    for (const line of document.lines)
      for (const lineId of ubl.all(line, 'cac:OrderLineReference/cbc:LineID'))
        report.fatal(
          'NL-R-009',
          lineId,
          'A Dutch seller who refers to an order line (BT-132) gives the order reference (BT-13) too.',
          'Холандски продавач, който сочи ред от поръчка (BT-132), посочва и номера на поръчката (BT-13).',
        );
}

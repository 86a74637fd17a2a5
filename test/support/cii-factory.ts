/**
 * Makes complete UN/CEFACT CII D16B invoices (rsm:CrossIndustryInvoice, the XML of a Factur-X / ZUGFeRD PDF) that
 * satisfy EN 16931 and the Bulgarian rules, for tests. The same InvoiceSpec gives the same invoice as makeUblInvoice:
 * parties, lines, totals, due date, payment account and buyer e-mail, in the CII binding (CEN/TS 16931-3-3).
 * Elements follow the D16B schema order, so the Factur-X EN 16931 XSD accepts the document too.
 */
import type { InvoiceSpec } from './invoice-factory';

export const CII_EN16931_GUIDELINE = 'urn:cen.eu:en16931:2017';

const money = (cents: number) => (cents / 100).toFixed(2);
const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** CII dates are format 102: YYYYMMDD. */
const date102 = (iso: string) => iso.replace(/-/g, '');

export function makeCiiInvoice(spec: InvoiceSpec): string {
  // The lines and totals are computed exactly as makeUblInvoice computes them, in cents.
  const lineCount = spec.lines ?? 2;
  const currency = spec.currency ?? 'EUR';
  const price = spec.linePriceCents ?? ((n: number) => 1000 + 137 * n);
  const lines = Array.from({ length: lineCount }, (_, i) => {
    const quantity = (i % 3) + 1;
    return { id: i + 1, quantity, priceCents: price(i + 1), netCents: quantity * price(i + 1) };
  });
  const net = lines.reduce((sum, l) => sum + l.netCents, 0);
  const vat = Math.round(net * 0.2);
  const gross = net + vat;
  const sellerVat = spec.sellerVat ?? 'BG123456786';
  const buyerVat = spec.buyerVat ?? 'BG987654322';
  const buyerEmail = spec.buyerEmail ?? 'accounts@buyer.example';
  const number = escapeXml(spec.number);

  // TradeParty children in schema order: Name, SpecifiedLegalOrganization, DefinedTradeContact, PostalTradeAddress,
  // URIUniversalCommunication, SpecifiedTaxRegistration. The buyer's e-mail is both its electronic address (BT-49,
  // scheme EM) and its contact e-mail (BT-58), as the UBL factory gives EndpointID and Contact/ElectronicMail.
  const party = (tag: string, name: string, vatId: string, street: string, city: string, email?: string) => `
      <ram:${tag}>
        <ram:Name>${escapeXml(name)}</ram:Name>
        <ram:SpecifiedLegalOrganization><ram:ID>${escapeXml(vatId.replace(/^BG/, ''))}</ram:ID></ram:SpecifiedLegalOrganization>${
          email
            ? `
        <ram:DefinedTradeContact>
          <ram:EmailURIUniversalCommunication><ram:URIID>${escapeXml(email)}</ram:URIID></ram:EmailURIUniversalCommunication>
        </ram:DefinedTradeContact>`
            : ''
        }
        <ram:PostalTradeAddress>
          <ram:PostcodeCode>1000</ram:PostcodeCode>
          <ram:LineOne>${street}</ram:LineOne>
          <ram:CityName>${city}</ram:CityName>
          <ram:CountryID>BG</ram:CountryID>
        </ram:PostalTradeAddress>${
          email
            ? `
        <ram:URIUniversalCommunication><ram:URIID schemeID="EM">${escapeXml(email)}</ram:URIID></ram:URIUniversalCommunication>`
            : ''
        }
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">${escapeXml(vatId)}</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:${tag}>`;

  const vatCategory = `<ram:TypeCode>VAT</ram:TypeCode>
          <ram:CategoryCode>S</ram:CategoryCode>
          <ram:RateApplicablePercent>20</ram:RateApplicablePercent>`;

  return `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
    xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
    xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
    xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>${CII_EN16931_GUIDELINE}</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>${number}</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">${date102(spec.issueDate ?? '2026-11-20')}</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>${lines
    .map(
      (l) => `
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>${l.id}</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>Услуга ${l.id} / Service ${l.id}</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement>
        <ram:NetPriceProductTradePrice><ram:ChargeAmount>${money(l.priceCents)}</ram:ChargeAmount></ram:NetPriceProductTradePrice>
      </ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">${l.quantity}</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:ApplicableTradeTax>
          ${vatCategory}
        </ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>${money(l.netCents)}</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>`,
    )
    .join('')}
    <ram:ApplicableHeaderTradeAgreement>
      <ram:BuyerReference>PO-${number}</ram:BuyerReference>${party('SellerTradeParty', spec.sellerName ?? 'Електроснабдяване ЕАД', sellerVat, 'ул. Витоша 1', 'София')}${party('BuyerTradeParty', spec.buyerName ?? 'Buyer Ltd', buyerVat, 'бул. Марица 5', 'Пловдив', buyerEmail || undefined)}
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:PaymentReference>${number}</ram:PaymentReference>
      <ram:InvoiceCurrencyCode>${currency}</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementPaymentMeans>
        <ram:TypeCode>58</ram:TypeCode>
        <ram:PayeePartyCreditorFinancialAccount><ram:IBANID>${escapeXml(spec.payeeIban ?? 'BG80BNBG96611020345678')}</ram:IBANID></ram:PayeePartyCreditorFinancialAccount>
        <ram:PayeeSpecifiedCreditorFinancialInstitution><ram:BICID>BNBGBGSD</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>
      </ram:SpecifiedTradeSettlementPaymentMeans>
      <ram:ApplicableTradeTax>
        <ram:CalculatedAmount>${money(vat)}</ram:CalculatedAmount>
        <ram:TypeCode>VAT</ram:TypeCode>
        <ram:BasisAmount>${money(net)}</ram:BasisAmount>
        <ram:CategoryCode>S</ram:CategoryCode>
        <ram:RateApplicablePercent>20</ram:RateApplicablePercent>
      </ram:ApplicableTradeTax>
      <ram:SpecifiedTradePaymentTerms>
        <ram:DueDateDateTime><udt:DateTimeString format="102">${date102(spec.dueDate ?? '2026-12-20')}</udt:DateTimeString></ram:DueDateDateTime>
      </ram:SpecifiedTradePaymentTerms>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>${money(net)}</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount>${money(net)}</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="${currency}">${money(vat)}</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>${money(gross)}</ram:GrandTotalAmount>
        <ram:DuePayableAmount>${money(gross)}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
`;
}

/** The payable amount (BT-115) the factory puts in a CII invoice, like payableOf for UBL. */
export function ciiPayableOf(xml: string): string {
  const match = /<ram:DuePayableAmount>([\d.]+)<\/ram:DuePayableAmount>/.exec(xml);
  if (!match) throw new Error('no DuePayableAmount');
  return match[1];
}

/**
 * Makes complete UBL 2.1 invoices that satisfy EN 16931 and the Bulgarian rules, for tests and benchmarks.
 * Amounts are computed in cents so the totals always add up.
 */
import crypto from 'node:crypto';

export interface InvoiceSpec {
  number: string;
  issueDate?: string;
  dueDate?: string;
  buyerEmail?: string;
  buyerName?: string;
  sellerName?: string;
  sellerVat?: string;
  buyerVat?: string;
  currency?: string;
  lines?: number;
  /** The account the invoice asks to be paid to (BT-84); default the factory's one. */
  payeeIban?: string;
  /** Price of each line in cents (default 1000 + 137 × line number). */
  linePriceCents?: (line: number) => number;
}

const money = (cents: number) => (cents / 100).toFixed(2);
const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function makeUblInvoice(spec: InvoiceSpec): string {
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
  const amount = (tag: string, cents: number) =>
    `<cbc:${tag} currencyID="${currency}">${money(cents)}</cbc:${tag}>`;
  const party = (name: string, vatId: string, street: string, city: string, email?: string) => `
      <cac:Party>
        ${email ? `<cbc:EndpointID schemeID="EM">${escapeXml(email)}</cbc:EndpointID>` : ''}
        <cac:PostalAddress>
          <cbc:StreetName>${street}</cbc:StreetName>
          <cbc:CityName>${city}</cbc:CityName>
          <cbc:PostalZone>1000</cbc:PostalZone>
          <cac:Country><cbc:IdentificationCode>BG</cbc:IdentificationCode></cac:Country>
        </cac:PostalAddress>
        <cac:PartyTaxScheme>
          <cbc:CompanyID>${vatId}</cbc:CompanyID>
          <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
        </cac:PartyTaxScheme>
        <cac:PartyLegalEntity>
          <cbc:RegistrationName>${escapeXml(name)}</cbc:RegistrationName>
          <cbc:CompanyID>${vatId.replace(/^BG/, '')}</cbc:CompanyID>
        </cac:PartyLegalEntity>
        ${email ? `<cac:Contact><cbc:ElectronicMail>${escapeXml(email)}</cbc:ElectronicMail></cac:Contact>` : ''}
      </cac:Party>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
         xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
         xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>${spec.number}</cbc:ID>
  <cbc:IssueDate>${spec.issueDate ?? '2026-11-20'}</cbc:IssueDate>
  <cbc:DueDate>${spec.dueDate ?? '2026-12-20'}</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>${currency}</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>PO-${spec.number}</cbc:BuyerReference>
  <cac:AccountingSupplierParty>${party(spec.sellerName ?? 'Електроснабдяване ЕАД', sellerVat, 'ул. Витоша 1', 'София')}
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty>${party(spec.buyerName ?? 'Buyer Ltd', buyerVat, 'бул. Марица 5', 'Пловдив', buyerEmail || undefined)}
  </cac:AccountingCustomerParty>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>
    <cbc:PaymentID>${spec.number}</cbc:PaymentID>
    <cac:PayeeFinancialAccount>
      <cbc:ID>${spec.payeeIban ?? 'BG80BNBG96611020345678'}</cbc:ID>
      <cac:FinancialInstitutionBranch><cbc:ID>BNBGBGSD</cbc:ID></cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:TaxTotal>
    ${amount('TaxAmount', vat)}
    <cac:TaxSubtotal>
      ${amount('TaxableAmount', net)}
      ${amount('TaxAmount', vat)}
      <cac:TaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>20</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    ${amount('LineExtensionAmount', net)}
    ${amount('TaxExclusiveAmount', net)}
    ${amount('TaxInclusiveAmount', gross)}
    ${amount('PayableAmount', gross)}
  </cac:LegalMonetaryTotal>${lines
    .map(
      (l) => `
  <cac:InvoiceLine>
    <cbc:ID>${l.id}</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">${l.quantity}</cbc:InvoicedQuantity>
    ${amount('LineExtensionAmount', l.netCents)}
    <cac:Item>
      <cbc:Name>Услуга ${l.id} / Service ${l.id}</cbc:Name>
      <cac:ClassifiedTaxCategory>
        <cbc:ID>S</cbc:ID>
        <cbc:Percent>20</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price>${amount('PriceAmount', l.priceCents)}</cac:Price>
  </cac:InvoiceLine>`,
    )
    .join('')}
</Invoice>
`;
}

/** The payable amount the factory puts in an invoice, as the API and mails show it. */
export function payableOf(xml: string): string {
  const match = /<cbc:PayableAmount currencyID="\w+">([\d.]+)<\/cbc:PayableAmount>/.exec(xml);
  if (!match) throw new Error('no PayableAmount');
  return match[1];
}

// A random start per test file: suites share one database, and numbers counted up from the clock
// overlapped between suites started a few seconds apart.
let sequence = crypto.randomInt(100_000_000);
/** A fresh 10-digit invoice number per call. */
export function nextInvoiceNumber(): string {
  sequence += 1;
  return String(sequence).padStart(10, '0');
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvoiceFormatError, parseInvoice, summarizeInvoice } from '../../domain/invoice';
import { XmlInputError } from '../../domain/xml';

const fixture = fs.readFileSync(path.join(__dirname, 'fixtures/bg-invoice.xml'), 'utf8');

const CII = `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext><ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID></ram:GuidelineSpecifiedDocumentContextParameter></rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument><ram:ID>0000000007</ram:ID><ram:TypeCode>381</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20260115</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
      <ram:SpecifiedTradeProduct><ram:Name>Refund</ram:Name></ram:SpecifiedTradeProduct>
      <ram:SpecifiedLineTradeAgreement><ram:NetPriceProductTradePrice><ram:ChargeAmount>10.00</ram:ChargeAmount></ram:NetPriceProductTradePrice></ram:SpecifiedLineTradeAgreement>
      <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">1</ram:BilledQuantity></ram:SpecifiedLineTradeDelivery>
      <ram:SpecifiedLineTradeSettlement>
        <ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode><ram:RateApplicablePercent>20</ram:RateApplicablePercent></ram:ApplicableTradeTax>
        <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>10.00</ram:LineTotalAmount></ram:SpecifiedTradeSettlementLineMonetarySummation>
      </ram:SpecifiedLineTradeSettlement>
    </ram:IncludedSupplyChainTradeLineItem>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Seller</ram:Name><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">BG175074752</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Buyer</ram:Name><ram:URIUniversalCommunication><ram:URIID schemeID="EM">buyer@example.bg</ram:URIID></ram:URIUniversalCommunication></ram:BuyerTradeParty>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:LineTotalAmount>10.00</ram:LineTotalAmount><ram:TaxBasisTotalAmount>10.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">2.00</ram:TaxTotalAmount><ram:GrandTotalAmount>12.00</ram:GrandTotalAmount>
        <ram:DuePayableAmount>12.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`;

describe('parseInvoice', () => {
  it('reads a UBL Invoice into the EN 16931 model', () => {
    const invoice = parseInvoice(fixture);
    expect(invoice).toMatchObject({
      syntax: 'UBL',
      kind: 'Invoice',
      number: '0000000042',
      issueDate: '2026-02-10',
      typeCode: '380',
      currency: 'EUR',
    });
    expect(invoice.seller).toMatchObject({
      name: 'Dostavchik OOD',
      vatId: 'BG175074752',
      legalRegistrationId: { value: '175074752' },
    });
    expect(invoice.lines).toHaveLength(2);
    expect(invoice.lines[1]).toMatchObject({
      quantity: '1',
      unitCode: 'DAY',
      netAmount: '80.00',
      netPrice: '80.00',
      vatCategoryCode: 'S',
      vatRate: '9',
    });
    expect(invoice.totals).toMatchObject({
      lineNetTotal: '180.00',
      vatTotal: '27.20',
      taxInclusive: '207.20',
      payable: '207.20',
    });
    expect(invoice.vatBreakdown.map((vat) => vat.rate)).toEqual(['20', '9']);
    expect(invoice.payment?.creditTransfers[0].accountId).toBe('BG80BNBG96611020345678');
  });

  it('reads a UBL CreditNote with its lines and its reference to the original invoice', () => {
    const creditNote = fixture
      .replace(/Invoice-2/, 'CreditNote-2')
      .replace(/<Invoice /, '<CreditNote ')
      .replace('</Invoice>', '</CreditNote>')
      .replace(
        '<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>',
        '<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>',
      )
      .replace('<cbc:DueDate>2026-03-10</cbc:DueDate>', '')
      .replace(
        '<cac:AccountingSupplierParty>',
        '<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>0000000041</cbc:ID><cbc:IssueDate>2026-02-01</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference><cac:AccountingSupplierParty>',
      )
      .replace(/InvoiceLine>/g, 'CreditNoteLine>')
      .replace(/InvoicedQuantity/g, 'CreditedQuantity');
    const invoice = parseInvoice(Buffer.from(creditNote));
    expect(invoice).toMatchObject({ kind: 'CreditNote', typeCode: '381' });
    expect(invoice.precedingInvoices).toEqual([{ number: '0000000041', issueDate: '2026-02-01' }]);
    expect(invoice.lines.map((line) => line.quantity)).toEqual(['2', '1']);
  });

  it('reads a CII CrossIndustryInvoice, turning format-102 dates into ISO dates', () => {
    const invoice = parseInvoice(CII);
    expect(invoice).toMatchObject({
      syntax: 'CII',
      kind: 'CreditNote',
      typeCode: '381',
      number: '0000000007',
      issueDate: '2026-01-15',
      currency: 'EUR',
    });
    expect(invoice.totals).toMatchObject({
      taxExclusive: '10.00',
      vatTotal: '2.00',
      taxInclusive: '12.00',
      payable: '12.00',
    });
    expect(invoice.lines[0]).toMatchObject({
      itemName: 'Refund',
      quantity: '1',
      netAmount: '10.00',
      vatRate: '20',
    });
    expect(invoice.seller.vatId).toBe('BG175074752');
  });

  it('refuses another UBL document and says what the root was and what is accepted', () => {
    const order = '<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>';
    expect(() => parseInvoice(order)).toThrow(InvoiceFormatError);
    expect(() => parseInvoice(order)).toThrow(
      /\{urn:oasis:names:specification:ubl:schema:xsd:Order-2\}Order.*expected UBL 2\.1 Invoice/,
    );
  });

  it('refuses an Invoice element in the wrong namespace or none', () => {
    expect(() => parseInvoice('<Invoice><ID>1</ID></Invoice>')).toThrow(/<Invoice> without a namespace/);
    try {
      parseInvoice('<x:Invoice xmlns:x="urn:example"/>');
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(InvoiceFormatError);
      expect((error as InvoiceFormatError).code).toBe('UNSUPPORTED_DOCUMENT');
    }
  });

  it('passes unsafe XML errors through as XmlInputError', () => {
    expect(() => parseInvoice('<!DOCTYPE x><x/>')).toThrow(XmlInputError);
  });
});

describe('summarizeInvoice', () => {
  it('takes the customer e-mail from the buyer contact (BT-58) first', () => {
    const summary = summarizeInvoice(parseInvoice(fixture));
    expect(summary).toMatchObject({
      number: '0000000042',
      total: '207.20',
      currency: 'EUR',
      dueDate: '2026-03-10',
    });
    expect(summary.supplier).toEqual({ name: 'Dostavchik OOD', vatId: 'BG175074752', id: '175074752' });
    expect(summary.customer).toMatchObject({
      name: 'Poluchatel EOOD',
      id: '831650349',
      email: 'accounts@poluchatel.bg',
    });
  });

  it('falls back to the buyer electronic address (BT-49) only when its scheme is EM', () => {
    const withoutContact = fixture.replace(/<cac:Contact>[\s\S]*?<\/cac:Contact>/, '');
    expect(summarizeInvoice(parseInvoice(withoutContact)).customer.email).toBe('ap@poluchatel.bg');
    const peppolAddress = withoutContact.replace(
      'schemeID="EM">ap@poluchatel.bg',
      'schemeID="9926">BG831650349',
    );
    expect(summarizeInvoice(parseInvoice(peppolAddress)).customer.email).toBeUndefined();
    expect(summarizeInvoice(parseInvoice(CII)).customer.email).toBe('buyer@example.bg');
  });
});

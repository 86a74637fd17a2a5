import { parseInvoice } from '../../domain/invoice';
import { validateInvoice } from '../../domain/rules';
import { makeCiiInvoice } from '../support/cii-factory';
import { makeUblInvoice } from '../support/invoice-factory';

const ubl = makeUblInvoice({ number: 'SYN-1' });
const cii = makeCiiInvoice({ number: 'SYN-1' });

/** The fatal rule ids of the syntax family (and the schema checks) the hub finds in the XML. */
const syntaxIds = (xml: string): string[] =>
  validateInvoice(parseInvoice(xml))
    .filter((finding) => finding.severity === 'fatal' && /^(UBL|CII)-(SR|DT|CR|SCHEMA)/.test(finding.ruleId))
    .map((finding) => finding.ruleId);

const findingsOf = (xml: string, ruleId: string) =>
  validateInvoice(parseInvoice(xml)).filter((finding) => finding.ruleId === ruleId);

/** Replaces the first occurrence of `from`, failing loudly when the factory's XML no longer has it. */
function edit(xml: string, from: string | RegExp, to: string): string {
  const edited = xml.replace(from, to);
  if (edited === xml) throw new Error(`test fixture has no ${String(from)}`);
  return edited;
}

describe('UBL syntax rules (rules/syntax/ubl.ts)', () => {
  it('finds nothing in a valid invoice', () => {
    expect(syntaxIds(ubl)).toEqual([]);
  });

  it('UBL-SR-48: a line without a classified tax category, or with two, is refused', () => {
    const withoutCategory = edit(ubl, /<cac:ClassifiedTaxCategory>[\s\S]*?<\/cac:ClassifiedTaxCategory>/, '');
    expect(syntaxIds(withoutCategory)).toContain('UBL-SR-48');
    const twice = edit(ubl, /(<cac:ClassifiedTaxCategory>[\s\S]*?<\/cac:ClassifiedTaxCategory>)/, '$1$1');
    expect(syntaxIds(twice)).toContain('UBL-SR-48');
  });

  it('UBL-DT-01: an amount with three decimals is refused, with the value in both languages', () => {
    const xml = edit(
      ubl,
      '<cbc:LineExtensionAmount currencyID="EUR">11.37<',
      '<cbc:LineExtensionAmount currencyID="EUR">11.370<',
    );
    const [finding] = findingsOf(xml, 'UBL-DT-01');
    expect(finding?.path).toMatch(/cac:InvoiceLine\[1\]\/cbc:LineExtensionAmount$/);
    expect(finding?.message).toContain('"11.370"');
    expect(finding?.messageBg).toContain('"11.370"');
  });

  it('UBL-SR-53: a party tax scheme without its company identifier is refused', () => {
    const xml = edit(ubl, /<cbc:CompanyID>[^<]*<\/cbc:CompanyID>(\s*<cac:TaxScheme>)/, '$1');
    expect(syntaxIds(xml)).toContain('UBL-SR-53');
  });

  it('UBL-SR-26: a payment means with two payment references is refused', () => {
    const xml = edit(
      ubl,
      '<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>',
      '<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cbc:PaymentID>A</cbc:PaymentID><cbc:PaymentID>B</cbc:PaymentID>',
    );
    expect(syntaxIds(xml)).toEqual(expect.arrayContaining(['UBL-SR-26', 'UBL-SR-44']));
  });

  it('UBL-SR-19 to 21: a payee named like the seller is refused', () => {
    const sellerName = /<cbc:RegistrationName>([^<]*)<\/cbc:RegistrationName>/.exec(ubl)![1]!;
    const xml = edit(
      ubl,
      '<cac:PaymentMeans>',
      `<cac:PayeeParty><cac:PartyName><cbc:Name>${sellerName}</cbc:Name></cac:PartyName></cac:PayeeParty><cac:PaymentMeans>`,
    );
    expect(syntaxIds(xml)).toEqual(expect.arrayContaining(['UBL-SR-19', 'UBL-SR-20', 'UBL-SR-21']));
  });

  it('UBL-SCHEMA: a blank amount, a date that is no date and a blank charge indicator are refused, naming element and value', () => {
    const blankAmount = edit(
      ubl,
      '<cbc:LineExtensionAmount currencyID="EUR">11.37<',
      '<cbc:LineExtensionAmount currencyID="EUR"><',
    );
    const [amount] = findingsOf(blankAmount, 'UBL-SCHEMA');
    expect(amount?.path).toMatch(/cbc:LineExtensionAmount$/);
    expect(amount?.message).toMatch(/must be a decimal number .* but it is ""/);
    expect(amount?.messageBg).toContain('десетично число');
    const badDate = edit(ubl, '<cbc:IssueDate>2026-11-20<', '<cbc:IssueDate>2026-02-30<');
    expect(findingsOf(badDate, 'UBL-SCHEMA').map((finding) => finding.path)).toEqual([
      '/Invoice/cbc:IssueDate',
    ]);
    const charge = edit(
      ubl,
      '<cac:PaymentMeans>',
      '<cac:AllowanceCharge><cbc:ChargeIndicator> </cbc:ChargeIndicator><cbc:Amount currencyID="EUR">1.00</cbc:Amount></cac:AllowanceCharge><cac:PaymentMeans>',
    );
    expect(findingsOf(charge, 'UBL-SCHEMA').map((finding) => finding.path)).toContain(
      '/Invoice/cac:AllowanceCharge/cbc:ChargeIndicator',
    );
  });

  it('UBL-SCHEMA: an element the UBL 2.1 schema allows once, twice, is refused; repeatable ones are not', () => {
    const twice = edit(
      ubl,
      /(<cbc:LineExtensionAmount currencyID="EUR">11.37<\/cbc:LineExtensionAmount>)/,
      '$1$1',
    );
    expect(findingsOf(twice, 'UBL-SCHEMA').map((finding) => finding.path)).toEqual([
      '/Invoice/cac:InvoiceLine[1]/cbc:LineExtensionAmount[2]',
    ]);
    const notes = edit(
      ubl,
      '<cbc:IssueDate>2026-11-20</cbc:IssueDate>',
      '<cbc:IssueDate>2026-11-20</cbc:IssueDate><cbc:Note>a</cbc:Note><cbc:Note>b</cbc:Note>',
    );
    expect(findingsOf(notes, 'UBL-SCHEMA')).toEqual([]);
  });
});

describe('CII syntax rules (rules/syntax/cii.ts)', () => {
  it('leaves the XML signature to the signature verifier: a signed invoice’s ds:Signature (two references, two transforms) is not judged by the CII schema', () => {
    const ds = 'http://www.w3.org/2000/09/xmldsig#';
    const reference =
      '<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="a"/><ds:Transform Algorithm="b"/></ds:Transforms></ds:Reference>';
    const signed = edit(
      cii,
      '</rsm:CrossIndustryInvoice>',
      `<ds:Signature xmlns:ds="${ds}"><ds:SignedInfo>${reference}${reference}</ds:SignedInfo></ds:Signature></rsm:CrossIndustryInvoice>`,
    );
    expect(syntaxIds(signed)).toEqual([]);
  });

  it('finds nothing in a valid invoice', () => {
    expect(syntaxIds(cii)).toEqual([]);
  });

  it('CII-DT-037: a tax type code other than VAT is refused', () => {
    const xml = edit(cii, '<ram:TypeCode>VAT</ram:TypeCode>', '<ram:TypeCode>GST</ram:TypeCode>');
    const [finding] = findingsOf(xml, 'CII-DT-037');
    expect(finding?.message).toContain('"GST"');
  });

  it('CII-DT-097: a date in format 102 that is not YYYYMMDD is refused', () => {
    for (const value of ['', '201304100', '20261301'])
      expect(
        syntaxIds(
          edit(cii, /<udt:DateTimeString format="102">\d{8}</, `<udt:DateTimeString format="102">${value}<`),
        ),
      ).toContain('CII-DT-097');
  });

  it('CII-SR-439 and 441: a line needs exactly one net price', () => {
    const without = edit(cii, /<ram:NetPriceProductTradePrice>.*?<\/ram:NetPriceProductTradePrice>/, '');
    expect(syntaxIds(without)).toContain('CII-SR-439');
    const twice = edit(
      cii,
      /<ram:ChargeAmount>11.37<\/ram:ChargeAmount>/,
      '<ram:ChargeAmount>11.37</ram:ChargeAmount><ram:ChargeAmount>11.37</ram:ChargeAmount>',
    );
    expect(syntaxIds(twice)).toEqual(expect.arrayContaining(['CII-SR-439', 'CII-SR-441']));
  });

  it('CII-SR-009 and 010: the specification identifier must be there once', () => {
    const xml = edit(
      cii,
      /<ram:GuidelineSpecifiedDocumentContextParameter>.*?<\/ram:GuidelineSpecifiedDocumentContextParameter>/,
      '',
    );
    expect(syntaxIds(xml)).toEqual(expect.arrayContaining(['CII-SR-009', 'CII-SR-010']));
  });

  it('CII-SR-467: payment means with different type codes are refused', () => {
    const means =
      /<ram:SpecifiedTradeSettlementPaymentMeans>[\s\S]*?<\/ram:SpecifiedTradeSettlementPaymentMeans>/.exec(
        cii,
      )![0];
    const xml = edit(
      cii,
      means,
      `${means}${means.replace(/<ram:TypeCode>\d+<\/ram:TypeCode>/, '<ram:TypeCode>31</ram:TypeCode>')}`,
    );
    expect(syntaxIds(xml)).toContain('CII-SR-467');
  });

  it('CII-DT-031: an amount with a currency attribute is refused (the tax total may have one)', () => {
    const xml = edit(cii, '<ram:ChargeAmount>11.37<', '<ram:ChargeAmount currencyID="EUR">11.37<');
    expect(syntaxIds(xml)).toContain('CII-DT-031');
    expect(syntaxIds(cii.replace(/<ram:TaxTotalAmount>/g, '<ram:TaxTotalAmount currencyID="EUR">'))).toEqual(
      [],
    );
  });

  it('CII-SCHEMA: a blank amount and a second element where the schema allows one are refused', () => {
    const blank = edit(cii, '<ram:ChargeAmount>11.37<', '<ram:ChargeAmount><');
    const [amount] = findingsOf(blank, 'CII-SCHEMA');
    expect(amount?.path).toMatch(/ram:ChargeAmount$/);
    expect(amount?.message).toContain('must be a decimal number');
    const currency = edit(
      cii,
      '<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>',
      '<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>',
    );
    expect(findingsOf(currency, 'CII-SCHEMA').map((finding) => finding.path)).toEqual([
      '/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/ram:InvoiceCurrencyCode[2]',
    ]);
  });

  it('CII-SCHEMA: a seller may have two tax registrations, an item one standard identifier', () => {
    const registration =
      '<ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">BG123456786</ram:ID></ram:SpecifiedTaxRegistration>';
    const twoRegistrations = edit(
      cii,
      registration,
      `${registration}<ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">123456786</ram:ID></ram:SpecifiedTaxRegistration>`,
    );
    expect(findingsOf(twoRegistrations, 'CII-SCHEMA')).toEqual([]);
    const globalId = '<ram:GlobalID schemeID="0160">4000001123452</ram:GlobalID>';
    const twoIds = edit(
      cii,
      '<ram:SpecifiedTradeProduct>',
      `<ram:SpecifiedTradeProduct>${globalId}${globalId}`,
    );
    expect(findingsOf(twoIds, 'CII-SCHEMA').map((finding) => finding.path)).toEqual([
      '/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem[1]/ram:SpecifiedTradeProduct/ram:GlobalID[2]',
    ]);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseInvoice } from '../../domain/invoice';
import { validateInvoice } from '../../domain/rules';

const fixture = fs.readFileSync(path.join(__dirname, 'fixtures/bg-invoice.xml'), 'utf8');

/** The fixture with each [from, to] replaced once (each `from` must occur). */
function ublWith(...changes: [string, string][]): string {
  return changes.reduce((xml, [from, to]) => {
    expect(xml).toContain(from);
    return xml.replace(from, to);
  }, fixture);
}

/** The code-list findings of a document, as "rule path". */
const codeListFindings = (xml: string): string[] =>
  validateInvoice(parseInvoice(xml))
    .filter((finding) => finding.ruleId.startsWith('BR-CL-'))
    .map((finding) => `${finding.ruleId} ${finding.path}`);

const SELLER = '/Invoice/cac:AccountingSupplierParty[1]/cac:Party[1]';
const LINE_1 = '/Invoice/cac:InvoiceLine[1]';

/** A small CII invoice, enough for the code-list rules: `settlement` and `agreement` go into the header. */
function cii(settlement: string, agreement = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocument><ram:ID>1</ram:ID><ram:TypeCode>380</ram:TypeCode></rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>${agreement}</ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>${settlement}
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>`;
}
const CII_SETTLEMENT =
  '/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeSettlement[1]';

describe('EN 16931 code-list rules (BR-CL), as the CEN 1.3.16 artefacts check them', () => {
  it('finds nothing in the valid fixture', () => {
    expect(codeListFindings(fixture)).toEqual([]);
  });

  it('BR-CL-03: checks the currencyID of every amount, and an amount without one fails', () => {
    const xml = ublWith(
      ['<cbc:TaxableAmount currencyID="EUR">100.00', '<cbc:TaxableAmount currencyID="EURO">100.00'],
      ['<cbc:PriceAmount currencyID="EUR">50.00', '<cbc:PriceAmount>50.00'],
    );
    expect(codeListFindings(xml)).toEqual([
      'BR-CL-03 /Invoice/cac:TaxTotal[1]/cac:TaxSubtotal[1]/cbc:TaxableAmount[1]/@currencyID',
      `BR-CL-03 ${LINE_1}/cac:Price[1]/cbc:PriceAmount[1]/@currencyID`,
    ]);
  });

  it('BR-CL-04: refuses BGN, which the 1.3.16 ISO 4217 list no longer has, and says to use EUR', () => {
    const finding = validateInvoice(
      parseInvoice(ublWith(['<cbc:DocumentCurrencyCode>EUR', '<cbc:DocumentCurrencyCode>BGN'])),
    ).find((candidate) => candidate.ruleId === 'BR-CL-04');
    expect(finding).toMatchObject({ path: '/Invoice/cbc:DocumentCurrencyCode[1]', severity: 'fatal' });
    expect(finding!.message).toMatch(/"BGN" .* is not in ISO 4217.*use EUR/);
    expect(finding!.messageBg).toMatch(/"BGN" .* не е от ISO 4217.*използвайте EUR/);
  });

  it('BR-CL-23: each quantity names a UN/ECE Rec 20/21 unit', () => {
    expect(codeListFindings(ublWith(['unitCode="C62"', 'unitCode="PCS"']))).toEqual([
      `BR-CL-23 ${LINE_1}/cbc:InvoicedQuantity[1]/@unitCode`,
    ]);
  });

  it('BR-CL-14 and BR-CL-18: a blank code fails as a code outside the list', () => {
    const xml = ublWith(
      [
        '<cbc:IdentificationCode>BG</cbc:IdentificationCode>',
        '<cbc:IdentificationCode> </cbc:IdentificationCode>',
      ],
      [
        '<cbc:ID>S</cbc:ID>\n        <cbc:Percent>20</cbc:Percent>\n        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>\n      </cac:ClassifiedTaxCategory>',
        '<cbc:ID></cbc:ID>\n        <cbc:Percent>20</cbc:Percent>\n        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>\n      </cac:ClassifiedTaxCategory>',
      ],
    );
    expect(codeListFindings(xml)).toEqual([
      `BR-CL-14 ${SELLER}/cac:PostalAddress[1]/cac:Country[1]/cbc:IdentificationCode[1]`,
      `BR-CL-18 ${LINE_1}/cac:Item[1]/cac:ClassifiedTaxCategory[1]/cbc:ID[1]`,
    ]);
  });

  it('BR-CL-10: a party identifier scheme is an ISO 6523 ICD, or SEPA for the seller and payee only', () => {
    const sepa =
      '<cac:PartyIdentification><cbc:ID schemeID="SEPA">BG00ZZZ123</cbc:ID></cac:PartyIdentification>';
    const xml = ublWith(
      [
        '<cbc:EndpointID schemeID="9926">BG175074752</cbc:EndpointID>',
        `<cbc:EndpointID schemeID="9926">BG175074752</cbc:EndpointID>${sepa}`,
      ],
      [
        '<cbc:EndpointID schemeID="EM">ap@poluchatel.bg</cbc:EndpointID>',
        `<cbc:EndpointID schemeID="EM">ap@poluchatel.bg</cbc:EndpointID>${sepa}`,
      ],
    );
    expect(codeListFindings(xml)).toEqual([
      'BR-CL-10 /Invoice/cac:AccountingCustomerParty[1]/cac:Party[1]/cac:PartyIdentification[1]/cbc:ID[1]/@schemeID',
    ]);
  });

  it('BR-CL-19 and BR-CL-20: a reason code is checked against the allowance or the charge list by its indicator', () => {
    const allowanceCharge = (indicator: string, code: string): string =>
      `<cac:AllowanceCharge><cbc:ChargeIndicator>${indicator}</cbc:ChargeIndicator><cbc:AllowanceChargeReasonCode>${code}</cbc:AllowanceChargeReasonCode><cbc:Amount currencyID="EUR">0</cbc:Amount></cac:AllowanceCharge>`;
    const xml = ublWith([
      '<cac:TaxTotal>',
      allowanceCharge('true', 'FC') +
        allowanceCharge('false', 'FC') +
        allowanceCharge('true', '95') +
        '<cac:TaxTotal>',
    ]);
    expect(codeListFindings(xml)).toEqual([
      'BR-CL-19 /Invoice/cac:AllowanceCharge[2]/cbc:AllowanceChargeReasonCode[1]',
      'BR-CL-20 /Invoice/cac:AllowanceCharge[3]/cbc:AllowanceChargeReasonCode[1]',
    ]);
  });

  it('BR-CL-08: a UBL note subject is the three letters between the first two "#", from UNTDID 4451', () => {
    const notes = ['#AAI#general', '#XYZ#unknown', 'no subject', '#TOOLONG#text']
      .map((note) => `<cbc:Note>${note}</cbc:Note>`)
      .join('');
    expect(
      codeListFindings(ublWith(['<cbc:DocumentCurrencyCode>', `${notes}<cbc:DocumentCurrencyCode>`])),
    ).toEqual(['BR-CL-08 /Invoice/cbc:Note[2]']);
  });

  it('BR-CL-16: a blank payment means code fails, an absent one is left to other rules', () => {
    expect(codeListFindings(ublWith(['<cbc:PaymentMeansCode>58<', '<cbc:PaymentMeansCode><']))).toEqual([
      'BR-CL-16 /Invoice/cac:PaymentMeans[1]',
    ]);
    expect(codeListFindings(ublWith(['<cbc:PaymentMeansCode>58</cbc:PaymentMeansCode>', '']))).toEqual([]);
  });

  it('BR-CL-24 and BR-CL-25: MIME codes compare exactly, electronic address schemes come from EAS', () => {
    const attachment = (mime: string): string =>
      `<cac:AdditionalDocumentReference><cbc:ID>A</cbc:ID><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="${mime}" filename="a">AA==</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>`;
    const xml = ublWith(
      [
        '<cac:AccountingSupplierParty>',
        `${attachment('application/pdf')}${attachment('application/PDF')}<cac:AccountingSupplierParty>`,
      ],
      ['schemeID="EM"', 'schemeID="XX"'],
    );
    expect(codeListFindings(xml)).toEqual([
      'BR-CL-24 /Invoice/cac:AdditionalDocumentReference[2]/cac:Attachment[1]/cbc:EmbeddedDocumentBinaryObject[1]/@mimeCode',
      'BR-CL-25 /Invoice/cac:AccountingCustomerParty[1]/cac:Party[1]/cbc:EndpointID[1]/@schemeID',
    ]);
  });

  it('names the value and where it is, in English and Bulgarian', () => {
    const [finding] = validateInvoice(parseInvoice(ublWith(['unitCode="DAY"', 'unitCode="QQQ"']))).filter(
      (candidate) => candidate.ruleId === 'BR-CL-23',
    );
    expect(finding.message).toContain(
      `"QQQ" at /Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity[1]/@unitCode`,
    );
    expect(finding.messageBg).toContain(
      `"QQQ" в /Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity[1]/@unitCode`,
    );
  });

  describe('in CII', () => {
    const tax = (category: string): string =>
      `<ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>${category}</ram:CategoryCode></ram:ApplicableTradeTax>`;

    it('reports the breakdown category under BR-CL-18 and the allowance category under BR-CL-17', () => {
      const allowance =
        '<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>false</udt:Indicator></ram:ChargeIndicator><ram:ActualAmount>0</ram:ActualAmount><ram:CategoryTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>X</ram:CategoryCode></ram:CategoryTradeTax></ram:SpecifiedTradeAllowanceCharge>';
      expect(codeListFindings(cii(tax('X') + allowance))).toEqual([
        `BR-CL-18 ${CII_SETTLEMENT}/ram:ApplicableTradeTax[1]/ram:CategoryCode[1]`,
        `BR-CL-17 ${CII_SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge[1]/ram:CategoryTradeTax[1]/ram:CategoryCode[1]`,
      ]);
    });

    it('checks the country codes of the CII artefact: AN is in its list, SS is not', () => {
      const seller = (country: string): string =>
        `<ram:SellerTradeParty><ram:PostalTradeAddress><ram:CountryID>${country}</ram:CountryID></ram:PostalTradeAddress></ram:SellerTradeParty>`;
      expect(codeListFindings(cii(tax('S'), seller('AN')))).toEqual([]);
      expect(codeListFindings(cii(tax('S'), seller('SS')))).toEqual([
        'BR-CL-14 /rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeAgreement[1]/ram:SellerTradeParty[1]/ram:PostalTradeAddress[1]/ram:CountryID[1]',
      ]);
    });

    it('BR-CL-11: any identifier with a scheme is an ISO 6523 ICD one, but a tax registration', () => {
      const seller =
        '<ram:SellerTradeParty><ram:ID schemeID="ZZ">1</ram:ID><ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">BG1</ram:ID></ram:SpecifiedTaxRegistration></ram:SellerTradeParty>';
      expect(codeListFindings(cii(tax('S'), seller))).toEqual([
        'BR-CL-11 /rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction[1]/ram:ApplicableHeaderTradeAgreement[1]/ram:SellerTradeParty[1]/ram:ID[1]/@schemeID',
      ]);
    });

    it('BR-CL-22: exemption reason codes compare case-insensitively', () => {
      const exempt = (code: string): string =>
        `<ram:ApplicableTradeTax><ram:TypeCode>VAT</ram:TypeCode><ram:ExemptionReasonCode>${code}</ram:ExemptionReasonCode><ram:CategoryCode>E</ram:CategoryCode></ram:ApplicableTradeTax>`;
      expect(codeListFindings(cii(exempt('vatex-eu-132-1a')))).toEqual([]);
      expect(codeListFindings(cii(exempt('VATEX-EU-999')))).toEqual([
        `BR-CL-22 ${CII_SETTLEMENT}/ram:ApplicableTradeTax[1]/ram:ExemptionReasonCode[1]`,
      ]);
    });
  });
});

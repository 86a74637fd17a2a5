import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  hasValidAbnCheckDigits,
  hasValidBelgianCheckDigits,
  hasValidGreekTinCheckDigit,
  hasValidGs1CheckDigit,
  hasValidMod11CheckDigit,
  hasValidSwedishCheckDigit,
} from '../../domain/identifiers/schemes';
import { parseInvoice } from '../../domain/invoice';
import { validateInvoice } from '../../domain/rules';

const fixtureXml = fs.readFileSync(path.join(__dirname, 'fixtures/bg-invoice.xml'), 'utf8');

/** The Bulgarian fixture as a Peppol BIS 3 invoice (profile 01, a Peppol scheme for the buyer's address), edited. */
function peppolIds(edit: (xml: string) => string = (xml) => xml): string[] {
  const xml = fixtureXml
    .replace(
      '<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>',
      '<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID><cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>',
    )
    .replace('schemeID="EM"', 'schemeID="9959"');
  return validateInvoice(parseInvoice(edit(xml)))
    .filter((finding) => finding.severity === 'fatal')
    .map((finding) => finding.ruleId);
}

/** The seller moved to another country: postal country, VAT number and legal registration identifier. */
const sellerIn =
  (country: string, vatId: string, legalId: string, legalScheme?: string) =>
  (xml: string): string =>
    xml
      .replace(
        '<cbc:IdentificationCode>BG</cbc:IdentificationCode>',
        `<cbc:IdentificationCode>${country}</cbc:IdentificationCode>`,
      )
      .replace('<cbc:CompanyID>BG175074752</cbc:CompanyID>', `<cbc:CompanyID>${vatId}</cbc:CompanyID>`)
      .replace(
        '<cbc:CompanyID>175074752</cbc:CompanyID>',
        `<cbc:CompanyID${legalScheme ? ` schemeID="${legalScheme}"` : ''}>${legalId}</cbc:CompanyID>`,
      );

describe('identifier check digits of the Peppol schemes', () => {
  it('GLN (0088): GS1 weights 3 and 1 from the right', () => {
    expect(hasValidGs1CheckDigit('7350039110021')).toBe(true);
    expect(hasValidGs1CheckDigit('7350039110022')).toBe(false);
  });

  it('Norwegian organisation number (0192): modulus 11', () => {
    expect(hasValidMod11CheckDigit('974760673')).toBe(true);
    expect(hasValidMod11CheckDigit('974760674')).toBe(false);
  });

  it('Belgian enterprise number (0208): 97 minus the first eight digits mod 97', () => {
    expect(hasValidBelgianCheckDigits('0403170701')).toBe(true);
    expect(hasValidBelgianCheckDigits('0403170702')).toBe(false);
  });

  it('Swedish organisation number (0007): Luhn over ten digits', () => {
    expect(hasValidSwedishCheckDigit('2021004508')).toBe(true);
    expect(hasValidSwedishCheckDigit('9876543210')).toBe(false);
    expect(hasValidSwedishCheckDigit('202100450')).toBe(false);
  });

  it('Australian Business Number (0151) and Greek AFM', () => {
    expect(hasValidAbnCheckDigits('51824753556')).toBe(true);
    expect(hasValidAbnCheckDigits('51824753557')).toBe(false);
    expect(hasValidGreekTinCheckDigit('094259216')).toBe(true);
    expect(hasValidGreekTinCheckDigit('094259217')).toBe(false);
  });
});

describe('Peppol BIS 3 rules over the document', () => {
  it('accepts the fixture as a Peppol invoice', () => {
    expect(peppolIds()).toEqual([]);
  });

  it('R001 only when cbc:ProfileID is absent; a blank one is R007 (and R008)', () => {
    const blank = peppolIds((xml) => xml.replace(/(<cbc:ProfileID>)[^<]*/, '$1'));
    expect(blank).toEqual(expect.arrayContaining(['PEPPOL-EN16931-R007', 'PEPPOL-EN16931-R008']));
    expect(blank).not.toContain('PEPPOL-EN16931-R001');
    expect(peppolIds((xml) => xml.replace(/<cbc:ProfileID>[^<]*<\/cbc:ProfileID>/, ''))).toEqual(
      expect.arrayContaining(['PEPPOL-EN16931-R001', 'PEPPOL-EN16931-R007']),
    );
  });

  it('P0100: the invoice type code must suit profile 01, and is not checked under an unknown profile', () => {
    const typed = (code: string) => (xml: string) =>
      xml.replace(
        '<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>',
        `<cbc:InvoiceTypeCode>${code}</cbc:InvoiceTypeCode>`,
      );
    expect(peppolIds(typed('999'))).toContain('PEPPOL-EN16931-P0100');
    const unknownProfile = peppolIds((xml) => typed('999')(xml).replace(/(<cbc:ProfileID>)[^<]*/, '$1x'));
    expect(unknownProfile).toContain('PEPPOL-EN16931-R007');
    expect(unknownProfile).not.toContain('PEPPOL-EN16931-P0100');
  });

  it('R020: a blank seller EndpointID is an empty element (R008), not a missing one', () => {
    const ids = peppolIds((xml) => xml.replace('BG175074752</cbc:EndpointID>', '</cbc:EndpointID>'));
    expect(ids).toContain('PEPPOL-EN16931-R008');
    expect(ids).not.toContain('PEPPOL-EN16931-R020');
  });

  it('R051 and CL007: every amount in the document currency, with an ISO 4217 code', () => {
    const ids = peppolIds((xml) =>
      xml.replace('<cbc:TaxableAmount currencyID="EUR">', '<cbc:TaxableAmount currencyID="0088">'),
    );
    expect(ids).toEqual(expect.arrayContaining(['PEPPOL-EN16931-R051', 'PEPPOL-EN16931-CL007']));
  });

  it('CL008: the electronic address scheme must be a Peppol EAS code', () => {
    expect(peppolIds((xml) => xml.replace('schemeID="9959"', 'schemeID="EM"'))).toEqual([
      'PEPPOL-EN16931-CL008',
    ]);
  });

  it('PEPPOL-COMMON-R040 and R042: GLN check digit and Danish CVR format wherever a party identifier has the scheme', () => {
    expect(
      peppolIds((xml) =>
        xml.replace(
          '<cbc:EndpointID schemeID="9926">BG175074752',
          '<cbc:EndpointID schemeID="0088">7350039110022',
        ),
      ),
    ).toEqual(['PEPPOL-COMMON-R040']);
    expect(
      peppolIds((xml) =>
        xml.replace('<cbc:EndpointID schemeID="9926">BG175074752', '<cbc:EndpointID schemeID="0184">DK1234'),
      ),
    ).toEqual(['PEPPOL-COMMON-R042']);
  });

  it('Swedish seller: R049 on a 0007 identifier, SE-R-004 and SE-R-013 on the organisation number', () => {
    const swedish = sellerIn('SE', 'SE202100450801', '2021004508');
    // The fixture's 20 % is no Swedish rate (SE-R-006); the identifiers themselves are right.
    expect([...new Set(peppolIds(swedish))]).toEqual(['SE-R-006']);
    const wrong = peppolIds((xml) =>
      sellerIn(
        'SE',
        'SE202100450801',
        '9876543210',
        '0007',
      )(xml).replace(
        '<cbc:EndpointID schemeID="9926">BG175074752',
        '<cbc:EndpointID schemeID="0007">5678956789',
      ),
    );
    expect(wrong).toEqual(expect.arrayContaining(['PEPPOL-COMMON-R049', 'SE-R-013']));
    expect(peppolIds(sellerIn('SE', 'SE202100450801', '-2021004508'))).toEqual(
      expect.arrayContaining(['SE-R-004', 'SE-R-013']),
    );
  });

  it('Danish seller: the CVR number with scheme 0184 (DK-R-002, DK-R-014), domestic payment means (DK-R-005)', () => {
    const danish = sellerIn('DK', 'DK12345678', '12345678', '0184');
    expect(peppolIds(danish)).toEqual([]);
    expect(peppolIds(sellerIn('DK', 'DK12345678', '12345678'))).toEqual(['DK-R-014']);
    const domestic = (xml: string): string =>
      danish(xml).replace(/(<cac:AccountingCustomerParty>[\s\S]*?<cbc:IdentificationCode>)BG/, '$1DK');
    expect(peppolIds(domestic)).not.toContain('DK-R-005');
    expect(
      peppolIds((xml) => domestic(xml).replace(/<cbc:PaymentMeansCode>[^<]*</, '<cbc:PaymentMeansCode>57<')),
    ).toContain('DK-R-005');
  });

  it('where the artefact cannot infer the seller country (two VAT numbers), its country rules do not apply', () => {
    const norwegian = sellerIn('NO', 'NO974760674MVA', '974760673');
    expect(peppolIds(norwegian)).toContain('NO-R-001');
    const twoVatNumbers = (xml: string): string =>
      norwegian(xml).replace(
        '<cbc:CompanyID>NO974760674MVA</cbc:CompanyID>',
        '<cbc:CompanyID>NO974760674MVA</cbc:CompanyID><cbc:CompanyID>NO974760674MVA</cbc:CompanyID>',
      );
    expect(peppolIds(twoVatNumbers)).not.toContain('NO-R-001');
  });

  it('R110/R111: an empty line period date is outside the invoicing period', () => {
    const withPeriods = (xml: string): string =>
      xml.replace(
        '<cbc:BuyerReference>PO-2026-7</cbc:BuyerReference>',
        '<cbc:BuyerReference>PO-2026-7</cbc:BuyerReference><cac:InvoicePeriod><cbc:StartDate>2026-01-01</cbc:StartDate></cac:InvoicePeriod>',
      );
    const linePeriod = (date: string) => (xml: string) =>
      withPeriods(xml).replace(
        /(<cac:InvoiceLine>\s*<cbc:ID>[^<]*<\/cbc:ID>)/,
        `$1<cac:InvoicePeriod><cbc:StartDate>${date}</cbc:StartDate></cac:InvoicePeriod>`,
      );
    expect(peppolIds(linePeriod('2026-01-02'))).toEqual([]);
    expect(peppolIds(linePeriod('2025-12-31'))).toContain('PEPPOL-EN16931-R110');
    expect(peppolIds(linePeriod(''))).toContain('PEPPOL-EN16931-R110');
  });

  it('Norwegian seller: the VAT number is NO, a valid organisation number and MVA (NO-R-001)', () => {
    expect(peppolIds(sellerIn('NO', 'NO974760673MVA', '974760673'))).toEqual([]);
    expect(peppolIds(sellerIn('NO', 'NO974760674MVA', '974760673'))).toEqual(['NO-R-001']);
  });

  it('Dutch seller: the legal identifier is a KvK or OIN number (NL-R-003)', () => {
    expect(peppolIds(sellerIn('NL', 'NL123456789B01', '12345678', '0106'))).toEqual([]);
    expect(peppolIds(sellerIn('NL', 'NL123456789B01', '12345678'))).toEqual(['NL-R-003']);
  });
});

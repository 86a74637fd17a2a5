/**
 * The EN 16931 core rules (BR, BR-CO, BR-DEC) as the CEN 1.3.16 artefacts check them: some test that an element
 * is there (empty or not), VAT categories count only under scheme VAT, the totals rules live in the totals
 * group's context, and UBL and CII round and compare in their own ways.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseInvoice } from '../../domain/invoice';
import { validateInvoice } from '../../domain/rules';
import { corpusDir, corpusPresent } from './corpus-support';

const ubl = fs.readFileSync(path.join(__dirname, 'fixtures/bg-invoice.xml'), 'utf8');
const ciiFile = path.join(corpusDir, 'en16931/cii-examples/CII_example1.xml');
const cii = corpusPresent ? fs.readFileSync(ciiFile, 'utf8') : '';
const describeCii = corpusPresent ? describe : describe.skip;

/** The fatal rule ids for the document after replacing `from` by `to` (once; the text must be there). */
function fatalIds(xml: string, from: string | RegExp, to: string): string[] {
  const changed = xml.replace(from, to);
  if (changed === xml) throw new Error(`"${String(from)}" not found`);
  return validateInvoice(parseInvoice(changed))
    .filter((finding) => finding.severity === 'fatal')
    .map((finding) => finding.ruleId);
}

describe('EN 16931 core rules, UBL', () => {
  it('the fixture passes them all', () => {
    expect(validateInvoice(parseInvoice(ubl)).filter((f) => /^BR-/.test(f.ruleId))).toEqual([]);
  });

  it('BR-22 wants the quantity element: an empty quantity is not missing', () => {
    expect(
      fatalIds(ubl, '<cbc:InvoicedQuantity unitCode="C62">2<', '<cbc:InvoicedQuantity unitCode="C62"><'),
    ).not.toContain('BR-22');
  });

  it('BR-22 and BR-23 both fail for a missing quantity (its unitCode is missing too)', () => {
    expect(fatalIds(ubl, '<cbc:InvoicedQuantity unitCode="C62">2</cbc:InvoicedQuantity>', '')).toEqual(
      expect.arrayContaining(['BR-22', 'BR-23']),
    );
  });

  it('BR-23 wants the unitCode attribute, blank or not', () => {
    expect(fatalIds(ubl, 'unitCode="C62"', 'unitCode=" "')).not.toContain('BR-23');
  });

  it('BR-26 and BR-27 both fail for a missing price ("price >= 0" fails on nothing)', () => {
    expect(
      fatalIds(ubl, '<cac:Price><cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount></cac:Price>', ''),
    ).toEqual(expect.arrayContaining(['BR-26', 'BR-27']));
  });

  it('BR-CO-04 wants a category code under scheme VAT: an empty code passes, another scheme does not', () => {
    const line =
      /<cbc:ID>S<\/cbc:ID>\s*<cbc:Percent>20<\/cbc:Percent>\s*<cac:TaxScheme><cbc:ID>VAT<\/cbc:ID><\/cac:TaxScheme>\s*<\/cac:ClassifiedTaxCategory>/;
    const emptyCode =
      '<cbc:ID></cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>';
    const otherScheme =
      '<cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>GST</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>';
    expect(fatalIds(ubl, line, emptyCode)).not.toContain('BR-CO-04');
    expect(fatalIds(ubl, line, otherScheme)).toContain('BR-CO-04');
  });

  it('BR-47, BR-48 and BR-CO-17: a breakdown whose category is of another scheme has no VAT category or rate', () => {
    const subtotal = '<cbc:Percent>20</cbc:Percent>\n        <cac:TaxScheme><cbc:ID>VAT</cbc:ID>';
    expect(
      fatalIds(ubl, subtotal, '<cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>GST</cbc:ID>'),
    ).toEqual(expect.arrayContaining(['BR-47', 'BR-48', 'BR-CO-17']));
  });

  it('BR-12 to BR-15 and the totals rules apply only when the totals group is there', () => {
    const ids = fatalIds(ubl, /<cac:LegalMonetaryTotal>[\s\S]*<\/cac:LegalMonetaryTotal>/, '');
    expect(ids.filter((id) => /^BR-(1[2-5]|CO-1[0-36])$/.test(id))).toEqual([]);
    expect(ids).toContain('BR-CO-15');
  });

  it('BR-CO-10 and BR-CO-13 fail when the amounts they compare are missing', () => {
    expect(
      fatalIds(ubl, '<cbc:LineExtensionAmount currencyID="EUR">180.00</cbc:LineExtensionAmount>', ''),
    ).toEqual(expect.arrayContaining(['BR-12', 'BR-CO-10', 'BR-CO-13']));
  });

  it('BR-CO-15 applies to an empty currency code (it matches no VAT total)', () => {
    expect(fatalIds(ubl, '<cbc:DocumentCurrencyCode>EUR<', '<cbc:DocumentCurrencyCode><')).toContain(
      'BR-CO-15',
    );
  });

  it('BR-CO-16 compares exactly when there is neither paid amount nor rounding', () => {
    expect(
      fatalIds(
        ubl,
        '<cbc:PayableAmount currencyID="EUR">207.20<',
        '<cbc:PayableAmount currencyID="EUR">207.201<',
      ),
    ).toContain('BR-CO-16');
  });

  it('BR-DEC-13 never fails in UBL (the artefact selects the VAT totals by a path that finds none)', () => {
    expect(
      fatalIds(ubl, '<cbc:TaxAmount currencyID="EUR">27.20<', '<cbc:TaxAmount currencyID="EUR">27.200<'),
    ).not.toContain('BR-DEC-13');
  });

  it('BR-61 wants an account identifier element for a credit transfer: an empty one passes', () => {
    expect(fatalIds(ubl, '<cbc:ID>BG80BNBG96611020345678</cbc:ID>', '<cbc:ID></cbc:ID>')).not.toContain(
      'BR-61',
    );
  });

  it('BR-CO-09: an empty VAT identifier passes in UBL', () => {
    expect(
      fatalIds(ubl, /<cbc:CompanyID>BG\d+<\/cbc:CompanyID>/, '<cbc:CompanyID></cbc:CompanyID>'),
    ).not.toContain('BR-CO-09');
  });

  it('BR-57 wants the deliver-to country code element, empty or not', () => {
    const withDelivery = ubl.replace(
      '<cac:TaxTotal>',
      '<cac:Delivery><cac:DeliveryLocation><cac:Address><cac:Country><cbc:IdentificationCode>BG</cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation></cac:Delivery><cac:TaxTotal>',
    );
    expect(
      fatalIds(
        withDelivery,
        '<cbc:IdentificationCode>BG</cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation>',
        '<cbc:IdentificationCode></cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation>',
      ),
    ).not.toContain('BR-57');
    expect(
      fatalIds(
        withDelivery,
        '<cac:Country><cbc:IdentificationCode>BG</cbc:IdentificationCode></cac:Country></cac:Address></cac:DeliveryLocation>',
        '</cac:Address></cac:DeliveryLocation>',
      ),
    ).toContain('BR-57');
  });

  it('BR-CO-25 is not a rule of the 1.3.16 artefacts', () => {
    const ids = fatalIds(ubl, /<cbc:DueDate>[^<]*<\/cbc:DueDate>/, '');
    expect(ids).not.toContain('BR-CO-25');
  });
});

describeCii('EN 16931 core rules, CII', () => {
  it('the example passes them all', () => {
    expect(validateInvoice(parseInvoice(cii)).filter((f) => /^BR-/.test(f.ruleId))).toEqual([]);
  });

  it('BR-03 reads the issue date only from a DateTimeString of format 102', () => {
    expect(
      fatalIds(
        cii,
        '<udt:DateTimeString format="102">20150109<',
        '<udt:DateTimeString format="203">20150109<',
      ),
    ).toContain('BR-03');
  });

  it('BR-09 is checked from the root: no seller address means no seller country', () => {
    expect(
      fatalIds(
        cii,
        /<ram:SellerTradeParty>([\s\S]*?)<ram:PostalTradeAddress>[\s\S]*?<\/ram:PostalTradeAddress>/,
        '<ram:SellerTradeParty>$1',
      ),
    ).toEqual(expect.arrayContaining(['BR-08', 'BR-09']));
  });

  it('BR-CO-15 counts only VAT totals whose currencyID is the invoice currency', () => {
    expect(
      fatalIds(cii, '<ram:TaxTotalAmount currencyID="EUR">20.73<', '<ram:TaxTotalAmount>20.73<'),
    ).toContain('BR-CO-15');
  });

  it('BR-CO-09: an empty VAT identifier fails in CII', () => {
    expect(fatalIds(cii, /(<ram:ID schemeID="VA">)[^<]+</, '$1<')).toContain('BR-CO-09');
  });

  it('a breakdown of category O is left to its category rules: BR-DEC-20 does not see it', () => {
    const ids = fatalIds(
      cii,
      /(<ram:ApplicableHeaderTradeSettlement>[\s\S]*?<ram:ApplicableTradeTax>\s*)<ram:CalculatedAmount>([^<]*)</,
      '$1<ram:CalculatedAmount>$2000<',
    );
    expect(ids).toContain('BR-DEC-20');
    const asO = (xml: string) =>
      xml.replace(
        /(<ram:ApplicableHeaderTradeSettlement>[\s\S]*?<ram:ApplicableTradeTax>[\s\S]*?<ram:CategoryCode>)S</,
        '$1O<',
      );
    expect(
      fatalIds(
        asO(cii),
        /(<ram:ApplicableHeaderTradeSettlement>[\s\S]*?<ram:ApplicableTradeTax>\s*)<ram:CalculatedAmount>([^<]*)</,
        '$1<ram:CalculatedAmount>$2000<',
      ),
    ).not.toContain('BR-DEC-20');
  });

  it('BR-CO-04 wants a line category code under type code VAT', () => {
    expect(fatalIds(cii, '<ram:TypeCode>VAT</ram:TypeCode>', '<ram:TypeCode>GST</ram:TypeCode>')).toContain(
      'BR-CO-04',
    );
  });
});

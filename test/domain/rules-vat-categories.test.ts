/**
 * The VAT category families as the CEN 1.3.16 artefacts check them, where they differ between UBL and CII or
 * from a plain reading of EN 16931.
 */
import type { Invoice } from '../../domain/invoice';
import { invoiceWith, oneLineWithoutVat, ruleIds } from './invoice-model-fixture';

/** Makes the whole invoice one category without VAT: one line of 100.00 and its breakdown. */
function onlyCategory(invoice: Invoice, categoryCode: string, exemptionReason?: string): void {
  oneLineWithoutVat(invoice, {
    taxableAmount: '100.00',
    taxAmount: '0.00',
    categoryCode,
    rate: '0',
    exemptionReason,
  });
}

describe('VAT category families as the CEN artefacts report them', () => {
  it('reports IGIC (L) as BR-AF and IPSI (M) as BR-AG, the ids of the CEN 1.3.16 artefacts', () => {
    const igic = ruleIds(invoiceWith((invoice) => (invoice.lines[0].vatCategoryCode = 'L')));
    expect(igic).toContain('BR-AF-01');
    const ipsi = ruleIds(invoiceWith((invoice) => (invoice.lines[0].vatCategoryCode = 'M')));
    expect(ipsi).toContain('BR-AG-01');
    expect([...igic, ...ipsi].filter((id) => /^BR-I[GP]-/.test(id))).toEqual([]);
  });

  it('wants an IGIC rate above zero in CII but accepts zero in UBL (BR-AF-05)', () => {
    const zeroRatedIgic = (invoice: Invoice): void => {
      onlyCategory(invoice, 'L');
    };
    expect(ruleIds(invoiceWith(zeroRatedIgic, 'UBL'))).not.toContain('BR-AF-05');
    expect(ruleIds(invoiceWith(zeroRatedIgic, 'CII'))).toContain('BR-AF-05');
  });

  it('checks the standard rated taxable amount within 1 in UBL but exactly in CII (BR-S-08)', () => {
    const halfOff = (invoice: Invoice): void => {
      invoice.vatBreakdown[0].taxableAmount = '100.50';
    };
    expect(ruleIds(invoiceWith(halfOff, 'UBL'))).not.toContain('BR-S-08');
    expect(ruleIds(invoiceWith(halfOff, 'CII'))).toContain('BR-S-08');
  });

  it('asks for the "not subject" breakdown from a line of O in UBL only (BR-O-01)', () => {
    const lineOfO = (invoice: Invoice): void => {
      invoice.lines[1].vatCategoryCode = 'O';
      invoice.lines[1].vatRate = undefined;
    };
    expect(ruleIds(invoiceWith(lineOfO, 'UBL'))).toContain('BR-O-01');
    expect(ruleIds(invoiceWith(lineOfO, 'CII'))).not.toContain('BR-O-01');
  });

  it('in CII reports a breakdown of O with a line of another category as both BR-O-11 and BR-O-12', () => {
    const mixed = (invoice: Invoice): void => {
      onlyCategory(invoice, 'O', 'Not subject to VAT');
      invoice.lines.push({ ...invoice.lines[0], vatCategoryCode: 'S', vatRate: '20' });
    };
    const ubl = ruleIds(invoiceWith(mixed, 'UBL'));
    expect(ubl).toContain('BR-O-12');
    expect(ubl).not.toContain('BR-O-11');
    expect(ruleIds(invoiceWith(mixed, 'CII'))).toEqual(expect.arrayContaining(['BR-O-11', 'BR-O-12']));
  });

  it('takes an exemption reason element that is there but empty as given (BR-E-10)', () => {
    expect(ruleIds(invoiceWith((invoice) => onlyCategory(invoice, 'E', '')))).not.toContain('BR-E-10');
    expect(ruleIds(invoiceWith((invoice) => onlyCategory(invoice, 'E')))).toContain('BR-E-10');
  });

  it('fails a breakdown without its VAT amount (BR-E-09)', () => {
    const ids = ruleIds(
      invoiceWith((invoice) => {
        onlyCategory(invoice, 'E', 'Exempt');
        invoice.vatBreakdown[0].taxAmount = '';
      }),
    );
    expect(ids).toContain('BR-E-09');
  });
  it('counts an allowance or charge without its charge indicator as neither in the taxable amount (BR-S-08)', () => {
    const allowance = { isCharge: false, amount: '10.00', vatCategoryCode: 'S', vatRate: '20' };
    const lessTen = (invoice: Invoice): void => {
      invoice.vatBreakdown[0].taxableAmount = '90.00';
    };
    const withIndicator = invoiceWith((invoice) => {
      lessTen(invoice);
      invoice.allowanceCharges = [allowance];
    });
    expect(ruleIds(withIndicator)).not.toContain('BR-S-08');
    const withoutIndicator = invoiceWith((invoice) => {
      lessTen(invoice);
      invoice.allowanceCharges = [{ ...allowance, absent: ['isCharge'] }];
    });
    expect(ruleIds(withoutIndicator)).toContain('BR-S-08');
  });
});

describe('split payment (category B)', () => {
  const splitPayment = (invoice: Invoice): void => {
    invoice.lines[1].vatCategoryCode = 'B';
  };

  it('BR-B-01: is only for invoices whose every country code is IT', () => {
    expect(ruleIds(invoiceWith(splitPayment))).toContain('BR-B-01');
    const italian = invoiceWith((invoice) => {
      splitPayment(invoice);
      invoice.countryCodes = ['IT', 'IT'];
    });
    expect(ruleIds(italian)).not.toContain('BR-B-01');
  });

  it('BR-B-02: is not mixed with standard rated supplies', () => {
    expect(ruleIds(invoiceWith(splitPayment))).toContain('BR-B-02');
    const allSplit = invoiceWith((invoice) => {
      for (const line of invoice.lines) line.vatCategoryCode = 'B';
      for (const vat of invoice.vatBreakdown) vat.categoryCode = 'B';
    });
    expect(ruleIds(allSplit)).not.toContain('BR-B-02');
  });
});

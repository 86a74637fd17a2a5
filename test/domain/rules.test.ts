import { type Invoice, parseInvoice } from '../../domain/invoice';
import { checkNumbering, validateInvoice } from '../../domain/rules';
import { amount, round2, show } from '../../domain/rules/amounts';
import { base, fixtureXml, invoiceWith, oneLineWithoutVat, ruleIds } from './invoice-model-fixture';

const findingFor = (invoice: Invoice, ruleId: string) =>
  validateInvoice(invoice).find((finding) => finding.ruleId === ruleId);

/** A non-Bulgarian seller, so only EN 16931 rules apply. */
function foreign(invoice: Invoice): void {
  invoice.seller.vatId = 'DE123456789';
  invoice.seller.address = { ...invoice.seller.address, countryCode: 'DE' };
}

describe('the valid fixture', () => {
  it('has no findings at all', () => {
    expect(validateInvoice(base)).toEqual([]);
  });
});

describe('EN 16931 core rules', () => {
  it('BR-02: reports a missing invoice number with the XPath and both languages', () => {
    const finding = findingFor(
      invoiceWith((invoice) => (invoice.number = '')),
      'BR-02',
    );
    expect(finding).toMatchObject({ severity: 'fatal', path: '/Invoice/cbc:ID' });
    expect(finding?.message).toMatch(/invoice number \(BT-1\) is missing/);
    expect(finding?.messageBg).toMatch(/номерът на фактурата/);
  });

  it('BR-16: an invoice needs at least one line', () => {
    expect(ruleIds(invoiceWith((invoice) => (invoice.lines = [])))).toContain('BR-16');
  });

  it('BR-25 and BR-27: each line names its item and has a non-negative price', () => {
    const ids = ruleIds(
      invoiceWith((invoice) => {
        invoice.lines[0].itemName = '';
        invoice.lines[1].netPrice = '-1';
      }),
    );
    expect(ids).toEqual(expect.arrayContaining(['BR-25', 'BR-27']));
    expect(
      findingFor(
        invoiceWith((invoice) => (invoice.lines[1].netPrice = '-1')),
        'BR-27',
      )?.path,
    ).toBe('/Invoice/cac:InvoiceLine[2]/cac:Price/cbc:PriceAmount');
  });

  it('BR-29: the invoicing period cannot end before it starts', () => {
    expect(
      ruleIds(
        invoiceWith((invoice) => (invoice.invoicingPeriod = { start: '2026-02-10', end: '2026-02-01' })),
      ),
    ).toContain('BR-29');
    expect(
      ruleIds(
        invoiceWith((invoice) => (invoice.invoicingPeriod = { start: '2026-02-01', end: '2026-02-10' })),
      ),
    ).not.toContain('BR-29');
  });

  it('BR-CO-26: the seller must be identifiable', () => {
    const ids = ruleIds(
      invoiceWith((invoice) => {
        foreign(invoice);
        invoice.seller.vatId = undefined;
        invoice.seller.legalRegistrationId = undefined;
      }),
    );
    expect(ids).toContain('BR-CO-26');
  });

  it('BR-CL-16: payment means codes come from UNTDID 4461', () => {
    expect(ruleIds(invoiceWith((invoice) => (invoice.paymentMeans![0].meansCode = '999')))).toContain(
      'BR-CL-16',
    );
  });
});

describe('EN 16931 calculation rules', () => {
  it('BR-CO-10: the line total is the sum of the line net amounts, and the message says what was expected', () => {
    const finding = findingFor(
      invoiceWith((invoice) => (invoice.totals.lineNetTotal = '181.00')),
      'BR-CO-10',
    );
    expect(finding?.message).toMatch(/is 181\.00 but .* gives 180\.00/);
  });

  it('BR-CO-15 and BR-CO-16: totals with VAT and amount due add up', () => {
    const ids = ruleIds(
      invoiceWith((invoice) => {
        invoice.totals.taxInclusive = '207.21';
      }),
    );
    expect(ids).toEqual(expect.arrayContaining(['BR-CO-15', 'BR-CO-16']));
    const prepaid = invoiceWith((invoice) => {
      invoice.totals.prepaid = '7.20';
      invoice.totals.payable = '200.00';
    });
    expect(ruleIds(prepaid)).not.toContain('BR-CO-16');
  });

  it('BR-CO-14 and BR-CO-17: the VAT total and each VAT amount match the breakdown', () => {
    const ids = ruleIds(
      invoiceWith((invoice) => {
        invoice.vatBreakdown[0].taxAmount = '25.00';
      }),
    );
    expect(ids).toEqual(expect.arrayContaining(['BR-CO-14', 'BR-CO-17', 'BR-S-09']));
  });

  it('rounds to 2 decimals half up like the CEN artefacts', () => {
    expect(show(round2(amount('2.345')!))).toBe('2.35');
    expect(show(round2(amount('2.344')!))).toBe('2.34');
    // XPath round(): halves go towards positive infinity.
    expect(show(round2(amount('-2.345')!))).toBe('-2.34');
    expect(show(round2(amount('0.005')!))).toBe('0.01');
  });

  it('BR-DEC-23: amounts carry at most two decimals', () => {
    expect(ruleIds(invoiceWith((invoice) => (invoice.lines[0].netAmount = '100.001')))).toContain(
      'BR-DEC-23',
    );
  });
});

describe('VAT category rules', () => {
  /** One exempt line and its breakdown, seller outside Bulgaria. */
  function exempt(change: (invoice: Invoice) => void = () => undefined): Invoice {
    return invoiceWith((invoice) => {
      foreign(invoice);
      oneLineWithoutVat(invoice, {
        taxableAmount: '100.00',
        taxAmount: '0.00',
        categoryCode: 'E',
        rate: '0',
        exemptionReason: 'Art. 132 Directive 2006/112',
      });
      change(invoice);
    });
  }

  it('accepts a correct exempt invoice', () => {
    expect(validateInvoice(exempt())).toEqual([]);
  });

  it('BR-E-10: an exempt breakdown needs its exemption reason', () => {
    expect(ruleIds(exempt((invoice) => (invoice.vatBreakdown[0].exemptionReason = undefined)))).toContain(
      'BR-E-10',
    );
  });

  it('BR-E-05 and BR-E-08: exempt lines have rate 0 and the taxable amount adds up', () => {
    const ids = ruleIds(
      exempt((invoice) => {
        invoice.lines[0].vatRate = '20';
        invoice.vatBreakdown[0].taxableAmount = '90.00';
      }),
    );
    expect(ids).toEqual(expect.arrayContaining(['BR-E-05', 'BR-E-08']));
  });

  it('BR-Z-10: a zero-rated breakdown carries no exemption reason', () => {
    const ids = ruleIds(
      exempt((invoice) => {
        invoice.lines[0].vatCategoryCode = 'Z';
        invoice.vatBreakdown[0].categoryCode = 'Z';
      }),
    );
    expect(ids).toContain('BR-Z-10');
  });

  it('BR-AE-02: reverse charge needs the buyer VAT or legal registration identifier', () => {
    const ids = ruleIds(
      exempt((invoice) => {
        invoice.lines[0].vatCategoryCode = 'AE';
        invoice.vatBreakdown[0].categoryCode = 'AE';
        invoice.buyer.legalRegistrationId = undefined;
        invoice.buyer.vatId = undefined;
      }),
    );
    expect(ids).toContain('BR-AE-02');
  });

  it('BR-IC-11 and BR-IC-12: an intra-community supply states delivery date and country', () => {
    const ids = ruleIds(
      exempt((invoice) => {
        invoice.lines[0].vatCategoryCode = 'K';
        invoice.vatBreakdown[0].categoryCode = 'K';
        invoice.buyer.vatId = 'FR12345678901';
      }),
    );
    expect(ids).toEqual(expect.arrayContaining(['BR-IC-11', 'BR-IC-12']));
  });

  it('BR-O-11: "not subject to VAT" is not mixed with other categories', () => {
    const ids = ruleIds(
      invoiceWith((invoice) => {
        foreign(invoice);
        invoice.vatBreakdown.push({
          taxableAmount: '0.00',
          taxAmount: '0.00',
          categoryCode: 'O',
          exemptionReason: 'Not subject',
        });
      }),
    );
    expect(ids).toContain('BR-O-11');
  });

  it('BR-S-08: the standard-rated taxable amount per rate matches the lines', () => {
    expect(ruleIds(invoiceWith((invoice) => (invoice.vatBreakdown[1].taxableAmount = '85.00')))).toContain(
      'BR-S-08',
    );
  });
});

describe('Peppol BIS 3 rules', () => {
  const peppol = (change: (invoice: Invoice) => void = () => undefined): Invoice =>
    invoiceWith((invoice) => {
      invoice.customizationId = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
      invoice.profileId = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';
      change(invoice);
    });

  it('accepts the fixture as a Peppol invoice', () => {
    expect(validateInvoice(peppol())).toEqual([]);
  });

  it('applies only when the CustomizationID names Peppol', () => {
    expect(
      ruleIds(invoiceWith((invoice) => (invoice.buyerReference = undefined))).some((id) =>
        id.startsWith('PEPPOL'),
      ),
    ).toBe(false);
  });

  // The Peppol rules read the document itself (as the artefact's XPath does), so these start from the XML.
  const peppolXml = (edit: (xml: string) => string = (xml) => xml): Invoice =>
    parseInvoice(
      edit(
        fixtureXml
          .replace(
            '<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>',
            '<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID><cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>',
          )
          .replace('schemeID="EM"', 'schemeID="9959"'),
      ),
    );

  it('R001, R003, R010: business process, buyer reference and buyer electronic address are required', () => {
    const ids = ruleIds(
      peppolXml((xml) =>
        xml
          .replace(/<cbc:ProfileID>[^<]*<\/cbc:ProfileID>/, '')
          .replace('<cbc:BuyerReference>PO-2026-7</cbc:BuyerReference>', '')
          .replace('<cbc:EndpointID schemeID="9959">ap@poluchatel.bg</cbc:EndpointID>', ''),
      ),
    );
    expect(ids).toEqual(
      expect.arrayContaining(['PEPPOL-EN16931-R001', 'PEPPOL-EN16931-R003', 'PEPPOL-EN16931-R010']),
    );
  });

  it('R120: the line net amount is quantity × price (within 0.02)', () => {
    const withPrice = (price: string): Invoice =>
      peppolXml((xml) =>
        xml.replace(
          '<cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount>',
          `<cbc:PriceAmount currencyID="EUR">${price}</cbc:PriceAmount>`,
        ),
      );
    expect(ruleIds(peppolXml())).toEqual([]);
    expect(ruleIds(withPrice('50.10'))).toContain('PEPPOL-EN16931-R120');
    expect(ruleIds(withPrice('50.005'))).not.toContain('PEPPOL-EN16931-R120');
  });

  it('R008: empty elements are refused in a Peppol document', () => {
    const xml = fixtureXml
      .replace(
        '<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>',
        '<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID><cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>',
      )
      .replace(
        '<cbc:BuyerReference>PO-2026-7</cbc:BuyerReference>',
        '<cbc:BuyerReference>PO-2026-7</cbc:BuyerReference><cbc:AccountingCost></cbc:AccountingCost>',
      );
    const finding = findingFor(parseInvoice(xml), 'PEPPOL-EN16931-R008');
    expect(finding?.path).toBe('/Invoice/cbc:AccountingCost[1]');
  });
});

describe('Bulgarian rules', () => {
  it('BG-01: the number is exactly 10 Arabic digits', () => {
    const finding = findingFor(
      invoiceWith((invoice) => (invoice.number = 'INV-2026-1')),
      'BG-01',
    );
    expect(finding?.message).toMatch(/exactly 10 Arabic digits.*"INV-2026-1"/);
    expect(finding?.messageBg).toMatch(/10 арабски цифри/);
  });

  it('BG-02 and BG-03: supplier and customer identifiers have valid checksums', () => {
    expect(ruleIds(invoiceWith((invoice) => (invoice.seller.vatId = 'BG175074751')))).toContain('BG-02');
    expect(
      ruleIds(invoiceWith((invoice) => (invoice.seller.legalRegistrationId = { value: '175074751' }))),
    ).toContain('BG-02');
    expect(
      ruleIds(invoiceWith((invoice) => (invoice.buyer.legalRegistrationId = { value: '831650348' }))),
    ).toContain('BG-03');
    expect(
      ruleIds(invoiceWith((invoice) => (invoice.buyer.legalRegistrationId = { value: '7523169263' }))),
    ).not.toContain('BG-03');
  });

  it('BG-04: only the rates 20, 9 and 0 exist', () => {
    const ids = ruleIds(
      invoiceWith((invoice) => {
        invoice.lines[1].vatRate = '10';
        invoice.vatBreakdown[1].rate = '10';
        invoice.vatBreakdown[1].taxAmount = '8.00';
      }),
    );
    expect(ids).toContain('BG-04');
  });

  it('BG-05: a supply without VAT states its legal ground', () => {
    const zeroRated = (note: string[]) =>
      invoiceWith((invoice) => {
        oneLineWithoutVat(invoice, {
          taxableAmount: '100.00',
          taxAmount: '0.00',
          categoryCode: 'Z',
          rate: '0',
        });
        invoice.notes = note;
      });
    expect(ruleIds(zeroRated([]))).toContain('BG-05');
    expect(validateInvoice(zeroRated(['Доставка по чл. 28 ЗДДС']))).toEqual([]);
  });

  it('BG-06: EUR from 2026-01-01, BGN before', () => {
    expect(ruleIds(invoiceWith((invoice) => (invoice.currency = 'BGN')))).toContain('BG-06');
    const beforeEuro = invoiceWith((invoice) => {
      invoice.issueDate = '2025-12-31';
      invoice.dueDate = '2026-01-31';
      invoice.currency = 'BGN';
      invoice.vatAmounts = [{ amount: '27.20', currency: 'BGN' }];
    });
    expect(ruleIds(beforeEuro)).not.toContain('BG-06');
    expect(ruleIds(invoiceWith((invoice) => (invoice.issueDate = '2025-06-01')))).toContain('BG-06');
  });

  it('BG-07: credit and debit notes reference the original invoice number and date', () => {
    const note = (references: Invoice['precedingInvoices']) =>
      invoiceWith((invoice) => {
        invoice.typeCode = '383';
        invoice.precedingInvoices = references;
      });
    expect(findingFor(note([]), 'BG-07')?.message).toMatch(
      /debit note does not reference the original invoice/,
    );
    expect(findingFor(note([{ number: '0000000041' }]), 'BG-07')?.message).toMatch(/without its issue date/);
    expect(ruleIds(note([{ number: '0000000041', issueDate: '2026-02-01' }]))).not.toContain('BG-07');
  });

  it('apply only when the seller is Bulgarian', () => {
    expect(
      ruleIds(
        invoiceWith((invoice) => {
          foreign(invoice);
          invoice.number = 'INV-1';
        }),
      ).some((id) => id.startsWith('BG-')),
    ).toBe(false);
  });
});

describe('checkNumbering', () => {
  const history = [
    { number: '0000000001', issueDate: '2026-01-05' },
    { number: '0000000002', issueDate: '2026-01-10' },
    { number: '1000000001', issueDate: '2026-01-03' },
  ];

  it('accepts the next number of a series', () => {
    expect(checkNumbering('0000000003', '2026-01-11', history)).toEqual([]);
    expect(checkNumbering('1000000002', '2026-01-04', history)).toEqual([]);
  });

  it('refuses a duplicate number', () => {
    const [finding] = checkNumbering('0000000002', '2026-01-12', history);
    expect(finding).toMatchObject({ ruleId: 'BG-NUM-01', severity: 'fatal' });
    expect(finding.message).toMatch(/already used.*2026-01-10/);
  });

  it('reports a gap within a series and names the missing numbers', () => {
    const [finding] = checkNumbering('0000000005', '2026-01-12', history);
    expect(finding).toMatchObject({ ruleId: 'BG-NUM-02', severity: 'warning' });
    expect(finding.message).toMatch(/0000000003…0000000004 are missing/);
  });

  it('reports dates that go backwards while numbers go forwards', () => {
    expect(checkNumbering('0000000003', '2026-01-08', history).map((finding) => finding.ruleId)).toEqual([
      'BG-NUM-03',
    ]);
  });

  it('treats the first number of a new series as a fresh start', () => {
    expect(checkNumbering('2000000001', '2026-01-12', history)).toEqual([]);
  });
});

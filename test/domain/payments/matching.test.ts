import { convert } from '../../../domain/payments/currency';
import { decideEntry, decideStatement } from '../../../domain/payments/matching';
import type {
  BankStatement,
  EntryDecision,
  MatchContext,
  OpenInvoice,
  ProviderOrder,
  RecordedPayment,
  StatementEntry,
} from '../../../domain/payments/model';
import { entryKey } from '../../../domain/payments/model';
import { joinLines, readText } from '../../../domain/payments/references';

const ACME = 'vat:BG175074752';
const OTHER = 'vat:BG831650349';
const ACME_IBAN = 'BG80BNBG96611020345678';
const OTHER_IBAN = 'BG18RZBB91550123456789';
const NEW_IBAN = 'BG27STSA93000012345678';

function invoice(number: string, outstanding: string, fields: Partial<OpenInvoice> = {}): OpenInvoice {
  return {
    invoiceId: `id-${number}`,
    issuerId: 'issuer-1',
    number,
    issueDate: '2026-01-10',
    currency: 'EUR',
    total: outstanding,
    outstanding,
    status: 'viewed',
    customerKey: ACME,
    customerName: 'Акме ООД',
    payerIbans: [ACME_IBAN],
    ...fields,
  };
}

function context(
  invoices: OpenInvoice[],
  more: { providerOrders?: ProviderOrder[]; recordedPayments?: RecordedPayment[] } = {},
): MatchContext {
  return { issuerId: 'issuer-1', invoices, providerOrders: [], recordedPayments: [], ...more };
}

let nextReference = 1;
function entry(amount: string, fields: Partial<StatementEntry> = {}): StatementEntry {
  return {
    index: 0,
    bankReference: `REF${nextReference++}`,
    bookingDate: '2026-01-20',
    amount,
    currency: 'EUR',
    direction: 'credit',
    reversal: false,
    status: 'BOOK',
    counterparty: { name: 'Акме ООД', iban: ACME_IBAN },
    remittance: [],
    ...fields,
  };
}

function statement(entries: StatementEntry[]): BankStatement {
  return {
    format: 'camt.053',
    version: '02',
    id: 'STMT-1',
    account: { iban: 'BG11UNCR70001512345678', currency: 'EUR' },
    entries: entries.map((e, index) => ({ ...e, index })),
  };
}

function decide(ctx: MatchContext, e: StatementEntry): EntryDecision {
  return decideEntry(statement([e]), e, ctx);
}

function matched(decision: EntryDecision) {
  if (decision.kind !== 'matched')
    throw new Error(`expected a match, got ${decision.kind}: ${decision.reason}`);
  return decision;
}

function shares(decision: EntryDecision): [string, string][] {
  return matched(decision).allocations.map((a) => [a.number, a.amount]);
}

const text = (line: string) => ({ remittance: [line] });

describe('entries that are not payments', () => {
  const ctx = context([invoice('0000001234', '100.00')]);

  it.each(['PDNG', 'INFO'])('a %s entry is not a payment, whatever it names', (status) => {
    const decision = decide(ctx, entry('100.00', { status, ...text('ф-ра 1234') }));
    expect(decision.kind).toBe('not-a-payment');
    expect(decision.reason).toContain(status);
  });

  it('a zero amount is not a payment', () => {
    const decision = decide(ctx, entry('0.00', text('ф-ра 1234')));
    expect(decision).toMatchObject({ kind: 'not-a-payment', reason: expect.stringContaining('zero') });
  });

  it('a debit that reverses nothing (a fee, a supplier paid) is not a payment, even when it names an invoice number', () => {
    const fee = decide(
      ctx,
      entry('2.50', { direction: 'debit', counterparty: undefined, ...text('Такса за превод') }),
    );
    expect(fee.kind).toBe('not-a-payment');
    const supplier = decide(ctx, entry('100.00', { direction: 'debit', ...text('Плащане по ф-ра 1234') }));
    expect(supplier).toMatchObject({
      kind: 'not-a-payment',
      reason: expect.stringContaining('reverses no recorded payment'),
    });
  });
});

describe("a payment provider's order", () => {
  const order: ProviderOrder = {
    provider: 'epay',
    orderId: '1000042',
    invoiceId: 'id-0000001234',
    amount: '100.00',
    currency: 'EUR',
  };
  const epay = { counterparty: { name: 'ИЗИПЕЙ АД', iban: 'BG22UBBS80021089742310' } };

  it('an ePay settlement line naming the order pays that order’s invoice', () => {
    const ctx = context([invoice('0000001234', '100.00')], { providerOrders: [order] });
    const decision = matched(
      decide(ctx, entry('100.00', { ...epay, ...text('EPAY SETTLEMENT INVOICE=1000042 STAN=123456') })),
    );
    expect(decision.rule).toBe('provider-order');
    expect(shares(decision)).toEqual([['0000001234', '100.00']]);
    expect(decision.reason).toContain('epay order 1000042');
  });

  it('finds the order in the bank’s additional information too', () => {
    const ctx = context([invoice('0000001234', '100.00')], { providerOrders: [order] });
    const decision = decide(
      ctx,
      entry('100.00', { ...epay, additionalInfo: 'IZIPEY AD; INVOICE=1000042; BCODE=000111' }),
    );
    expect(shares(decision)).toEqual([['0000001234', '100.00']]);
  });

  it('a settlement of another amount than the order goes to review (a fee, another order?)', () => {
    const ctx = context([invoice('0000001234', '100.00')], { providerOrders: [order] });
    const decision = decide(ctx, entry('98.20', { ...epay, ...text('EPAY INVOICE=1000042') }));
    expect(decision).toMatchObject({ kind: 'review', reason: expect.stringContaining('was for 100.00 EUR') });
  });

  it('an order the provider’s notification already recorded is confirmed and pays nothing again', () => {
    const ctx = context([invoice('0000001234', '0.00', { status: 'paid', total: '100.00' })], {
      providerOrders: [{ ...order, recorded: true }],
    });
    const decision = matched(decide(ctx, entry('100.00', { ...epay, ...text('EPAY INVOICE=1000042') })));
    expect(decision.allocations).toEqual([]);
    expect(decision.reason).toContain('pays nothing again');
  });
});

describe('references: RF creditor references', () => {
  const ctx = context([
    invoice('0000001234', '100.00', { paymentReference: 'RF18 5390 0754 7034' }),
    invoice('0000001235', '80.00'),
  ]);

  it('an RF reference in the structured reference equal to the invoice’s payment reference pays it', () => {
    const decision = matched(decide(ctx, entry('100.00', { structuredReference: 'RF18539007547034' })));
    expect(decision.rule).toBe('reference');
    expect(shares(decision)).toEqual([['0000001234', '100.00']]);
    expect(decision.reason).toContain('creditor reference RF18539007547034');
    expect(decision.reason).toContain('exactly what it owes');
  });

  it('an RF reference in the remittance text is found too, spaced and in lower case', () => {
    const decision = decide(ctx, entry('100.00', text('плащане rf18 5390 0754 7034 благодарим')));
    expect(shares(decision)).toEqual([['0000001234', '100.00']]);
  });

  it('an RF reference ends with its word, even when the next word’s first letters would fit its check digits', () => {
    // "RF250000001271" + "YC" (the folded "ус" of "услуги") passes the ISO 11649 check as well.
    const rf = context([invoice('0000001271', '30.00', { paymentReference: 'RF250000001271' })]);
    expect(shares(decide(rf, entry('30.00', text('RF25 0000 0012 71 услуги'))))).toEqual([
      ['0000001271', '30.00'],
    ]);
    expect(shares(decide(rf, entry('30.00', text('RF25 0000 0012 71 YC'))))).toEqual([
      ['0000001271', '30.00'],
    ]);
  });

  it('an RF reference that fails its check digits is not used, and the review says so', () => {
    const decision = decide(
      ctx,
      entry('100.00', { counterparty: { iban: NEW_IBAN }, ...text('RF18 5390 0754 7035') }),
    );
    expect(decision).toMatchObject({
      kind: 'review',
      reason: expect.stringContaining('fails its check digits'),
    });
  });
});

describe('references: invoice numbers as payers write them', () => {
  const ctx = context([
    invoice('0000001234', '100.00'),
    invoice('0000000015', '15.00'),
    invoice('0000002026', '20.26'),
    invoice('0000000045', '45.00'),
  ]);

  it('reads a number without its leading zeros after an invoice word, and says where', () => {
    const decision = matched(decide(ctx, entry('100.00', text('ПЛАЩАНЕ ПО Ф-РА 1234'))));
    expect(decision.allocations[0]).toMatchObject({ number: '0000001234', amount: '100.00' });
    expect(decision.reason).toContain(
      'invoice number 0000001234 found in the remittance text "ПЛАЩАНЕ ПО Ф-РА 1234"',
    );
  });

  it.each([
    'Плащане по ф-ра 1234',
    'ф.1234/15.01.2026',
    'Фактура № 1234 от 15.01.2026г.',
    'по фактура No 1234',
    'по фактура No.0001234',
    'INV 1234',
    'Invoice 1234 dated 2026-01-10',
    'inv#1234',
    'fak. 1234 za uslugi',
    'faktura 1234',
    'ф-ра1234',
    'ф - ра  1234',
    'Ф.РА:1234',
    'ф-ра N:1234',
    'ФАКТУРА N 1234',
    'фак. 00001234',
    'сметка-фактура 1234',
    '0000001234',
    'Плащане 0000001234',
  ])('finds invoice 0000001234 in "%s"', (line) => {
    expect(shares(decide(ctx, entry('100.00', text(line))))).toEqual([['0000001234', '100.00']]);
  });

  it.each([
    ['Latin P and A in "ф-ра"', 'Ф-PA 1234'],
    ['a Latin a in "фактура"', 'фaктура 1234'],
    ['Latin letters all through', 'ФAKTУPA № 1234'],
    ['a Cyrillic Н and О in "No"', 'по фактура Nо 1234'],
  ])('reads look-alike letters: %s', (_, line) => {
    expect(shares(decide(ctx, entry('100.00', text(line))))).toEqual([['0000001234', '100.00']]);
  });

  it('takes the number from the structured reference field, even short', () => {
    expect(shares(decide(ctx, entry('100.00', { structuredReference: '1234' })))).toEqual([
      ['0000001234', '100.00'],
    ]);
  });

  it('does not take a short number without an invoice word', () => {
    const decision = decide(
      ctx,
      entry('100.00', { counterparty: { iban: NEW_IBAN }, ...text('Плащане 1234') }),
    );
    expect(decision.kind).toBe('review');
  });

  it.each([
    ['an IBAN holding the digits', 'превод от BG80 BNBG 9661 1000 0012 34', 'BG80BNBG96611000001234'],
    ['an IBAN holding the full number', 'сметка BG43UNCR70000000001234', 'BG43UNCR70000000001234'],
    ['a date holding 15 and 2026', 'плащане ф-ра от 15.01.2026', NEW_IBAN],
    ['an amount holding 1234', 'Плащане по ф-ра сума 1 234,50 лв', NEW_IBAN],
    ['an amount before a currency', 'Плащане 1234 лв', NEW_IBAN],
    ['a phone number', 'тел. 0888 001 234', NEW_IBAN],
    ['a company id', 'ЕИК 000001234', NEW_IBAN],
    ["a contract's number", 'по договор № 45', NEW_IBAN],
    ["a proforma's number", 'по проформа фактура 1234', NEW_IBAN],
  ])('never reads an invoice number out of %s', (_, line, iban) => {
    const decision = decide(ctx, entry('100.00', { counterparty: { iban }, ...text(line) }));
    expect(decision.kind).toBe('review');
    expect(
      decision.kind === 'review' &&
        decision.candidates.every((c) => c.evidence.startsWith('an open invoice owing')),
    ).toBe(true);
  });

  it('reads a number the bank cut across two full-width lines, and keeps apart numbers on shorter lines', () => {
    const cut = 'Плащане по ф-ра за доставка 0000001'; // 35 characters: the bank's field width
    expect(cut).toHaveLength(35);
    expect(shares(decide(ctx, entry('100.00', { remittance: [cut, '234'] })))).toEqual([
      ['0000001234', '100.00'],
    ]);
    expect(joinLines(['ф-ри 0000001234', '0000000015'])).toBe('ф-ри 0000001234 0000000015');
  });

  it('a range of invoices is not expanded: review', () => {
    const decision = decide(ctx, entry('100.00', text('ф-ри 1234-1236')));
    expect(decision).toMatchObject({ kind: 'review', reason: expect.stringContaining('range') });
  });

  it('two invoices with the same number (two series) go to review', () => {
    const twice = context([
      invoice('0000001234', '100.00'),
      invoice('1234', '100.00', { invoiceId: 'id-other-1234' }),
    ]);
    const decision = decide(twice, entry('100.00', text('ф-ра 1234')));
    expect(decision).toMatchObject({
      kind: 'review',
      reason: expect.stringContaining('more than one invoice'),
    });
  });

  it('reads invoice numbers with letters as whole tokens, look-alikes folded', () => {
    const lettered = context([invoice('INV-2026-0042', '50.00')]);
    expect(shares(decide(lettered, entry('50.00', text('payment for INV-2026-0042 thanks'))))).toEqual([
      ['INV-2026-0042', '50.00'],
    ]);
    expect(shares(decide(lettered, entry('50.00', text('ІNV-2026-0042'))))).toEqual([
      ['INV-2026-0042', '50.00'],
    ]);
  });
});

describe('references: amounts that differ from what is owed', () => {
  it('a payment below what the invoice owes is a partial payment: the balance stays open', () => {
    const ctx = context([invoice('0000001234', '100.00')]);
    const decision = matched(decide(ctx, entry('50.00', text('ф-ра 1234'))));
    expect(shares(decision)).toEqual([['0000001234', '50.00']]);
    expect(decision.credit).toBeUndefined();
    expect(decision.reason).toContain('a partial payment, 50.00 EUR stays open');
  });

  it('a payment above what the invoice owes pays it, and the rest is the customer’s credit', () => {
    const ctx = context([invoice('0000001234', '100.00')]);
    const decision = matched(decide(ctx, entry('120.00', text('ф-ра 1234'))));
    expect(shares(decision)).toEqual([['0000001234', '100.00']]);
    expect(decision.credit).toEqual({ customerKey: ACME, amount: '20.00', currency: 'EUR' });
    expect(decision.reason).toContain('20.00 EUR is credit for Акме ООД');
  });

  it('one transfer for several invoices is split in the order named, the rest to credit', () => {
    const ctx = context([
      invoice('0000001234', '100.00'),
      invoice('0000001235', '150.00'),
      invoice('0000001236', '80.00'),
    ]);
    const exact = decide(ctx, entry('330.00', text('ф-ри 1236, 1234 и 1235')));
    expect(shares(exact)).toEqual([
      ['0000001236', '80.00'],
      ['0000001234', '100.00'],
      ['0000001235', '150.00'],
    ]);
    const more = matched(decide(ctx, entry('340.00', text('ф-ри 1234 1235 1236'))));
    expect(more.credit).toEqual({ customerKey: ACME, amount: '10.00', currency: 'EUR' });
    const less = decide(ctx, entry('300.00', text('INV 1234; INV 1235; INV 1236')));
    expect(shares(less)).toEqual([
      ['0000001234', '100.00'],
      ['0000001235', '150.00'],
      ['0000001236', '50.00'],
    ]);
  });

  it('an amount that is exactly what a one-digit-off invoice owes goes to review with both', () => {
    const ctx = context([
      invoice('0000001234', '100.00'),
      invoice('0000001243', '250.00', { customerKey: OTHER, payerIbans: [] }),
    ]);
    const decision = decide(ctx, entry('100.00', { counterparty: { iban: NEW_IBAN }, ...text('ф-ра 1243') }));
    expect(decision.kind).toBe('review');
    expect(decision.kind === 'review' && decision.candidates.map((c) => c.number).sort()).toEqual([
      '0000001234',
      '0000001243',
    ]);
  });

  it('an overpayment whose rest is exactly another open invoice of the customer goes to review', () => {
    const ctx = context([invoice('0000001234', '100.00'), invoice('0000001300', '40.00')]);
    const decision = decide(ctx, entry('140.00', text('ф-ра 1234')));
    expect(decision).toMatchObject({ kind: 'review', reason: expect.stringContaining('0000001300') });
  });
});

describe('references: invoices that must not be matched automatically', () => {
  it.each(['cancelled', 'rejected'])('a %s invoice named goes to review, saying so', (status) => {
    const ctx = context([invoice('0000001234', '100.00', { status })]);
    const decision = decide(ctx, entry('100.00', text('ф-ра 1234')));
    expect(decision).toMatchObject({ kind: 'review', reason: expect.stringContaining(`is ${status}`) });
  });

  it('a paid invoice named again goes to review: already paid', () => {
    const ctx = context([invoice('0000001234', '0.00', { status: 'paid', total: '100.00' })]);
    const decision = decide(ctx, entry('100.00', text('ф-ра 1234')));
    expect(decision).toMatchObject({ kind: 'review', reason: expect.stringContaining('already paid') });
  });

  it('invoices of two customers in one transfer go to review', () => {
    const ctx = context([
      invoice('0000001234', '100.00'),
      invoice('0000001235', '50.00', { customerKey: OTHER }),
    ]);
    expect(decide(ctx, entry('150.00', text('ф-ри 1234, 1235'))).kind).toBe('review');
  });

  it('a payer account known for another customer naming this customer’s invoice goes to review', () => {
    const ctx = context([
      invoice('0000001234', '100.00', { payerIbans: [] }),
      invoice('0000009999', '10.00', {
        customerKey: OTHER,
        customerName: 'Друга ЕООД',
        payerIbans: [OTHER_IBAN],
      }),
    ]);
    const decision = decide(
      ctx,
      entry('100.00', { counterparty: { iban: OTHER_IBAN }, ...text('ф-ра 1234') }),
    );
    expect(decision).toMatchObject({
      kind: 'review',
      reason: expect.stringContaining('has paid for Друга ЕООД'),
    });
  });

  it('an invoice word followed by a number that is no invoice’s goes to review, with what was found', () => {
    const ctx = context([invoice('0000001234', '100.00'), invoice('0000001235', '40.00')]);
    const decision = decide(ctx, entry('140.00', text('ф-ри 1234 и 9999')));
    expect(decision).toMatchObject({ kind: 'review', reason: expect.stringContaining('9999') });
  });
});

describe('payer and amount', () => {
  it('the only open invoice of the payer owing exactly the amount is matched', () => {
    const ctx = context([invoice('0000001234', '100.00'), invoice('0000001235', '80.00')]);
    const decision = matched(decide(ctx, entry('80.00', text('Плащане за услуги'))));
    expect(decision.rule).toBe('payer-and-amount');
    expect(shares(decision)).toEqual([['0000001235', '80.00']]);
    expect(decision.reason).toContain(ACME_IBAN);
  });

  it('two open invoices of that amount go to review listing both (never the oldest silently)', () => {
    const ctx = context([
      invoice('0000000012', '120.00'),
      invoice('0000000015', '120.00', { issueDate: '2025-12-01' }),
    ]);
    const decision = decide(ctx, entry('120.00', text('Плащане')));
    expect(decision.kind).toBe('review');
    expect(decision.reason).toContain('2 open invoices of 120.00 EUR from this payer');
    expect(decision.kind === 'review' && decision.candidates.map((c) => c.number)).toEqual([
      '0000000012',
      '0000000015',
    ]);
  });

  it('an unknown payer without a reference goes to review, with the invoices owing that amount as candidates', () => {
    const ctx = context([invoice('0000001234', '100.00')]);
    const decision = decide(ctx, entry('100.00', { counterparty: { iban: NEW_IBAN } }));
    expect(decision).toMatchObject({ kind: 'review', candidates: [{ number: '0000001234' }] });
    expect(decision.reason).toContain('has not paid this issuer before');
  });

  it('no open invoice of the payer owing the amount goes to review, saying when it is the total of them all', () => {
    const ctx = context([invoice('0000001234', '100.00'), invoice('0000001235', '80.00')]);
    const decision = decide(ctx, entry('180.00'));
    expect(decision).toMatchObject({ kind: 'review', reason: expect.stringContaining('total of the payer') });
  });
});

describe('reversals', () => {
  const paid = invoice('0000001234', '0.00', { status: 'paid', total: '100.00' });
  const earlier: RecordedPayment = {
    entryKey: 'BG11UNCR70001512345678|2026-01-05|REF-OLD',
    invoiceId: paid.invoiceId,
    amount: '100.00',
    currency: 'EUR',
    bankReference: 'REF-OLD',
    endToEndId: 'E2E-77',
    counterpartyIban: ACME_IBAN,
    bookingDate: '2026-01-05',
  };
  const ctx = context([paid], { recordedPayments: [earlier] });

  it('a reversal with the same end-to-end id is matched with a negative allocation', () => {
    const decision = matched(
      decide(ctx, entry('100.00', { direction: 'debit', reversal: true, endToEndId: 'E2E-77' })),
    );
    expect(decision.rule).toBe('reversal');
    expect(shares(decision)).toEqual([['0000001234', '-100.00']]);
    expect(decision.reason).toContain('end-to-end id E2E-77');
  });

  it('a debit with the bank reference of a recorded payment reverses it', () => {
    const decision = decide(ctx, entry('100.00', { direction: 'debit', bankReference: 'REF-OLD' }));
    expect(shares(decision)).toEqual([['0000001234', '-100.00']]);
  });

  it('a debit whose text says it returns a payment, from the payer’s account with its amount, reverses it', () => {
    const decision = decide(ctx, entry('100.00', { direction: 'debit', ...text('СТОРНО НА ПРЕВОД') }));
    expect(shares(decision)).toEqual([['0000001234', '-100.00']]);
  });

  it('reverses every share of a split payment', () => {
    const second = invoice('0000001235', '0.00', { status: 'paid', total: '50.00' });
    const split = context([paid, second], {
      recordedPayments: [earlier, { ...earlier, invoiceId: second.invoiceId, amount: '50.00' }],
    });
    const decision = decide(
      split,
      entry('150.00', { direction: 'debit', reversal: true, endToEndId: 'E2E-77' }),
    );
    expect(shares(decision)).toEqual([
      ['0000001234', '-100.00'],
      ['0000001235', '-50.00'],
    ]);
  });

  it('a reversal with nothing to reverse goes to review', () => {
    const decision = decide(
      ctx,
      entry('70.00', { direction: 'debit', reversal: true, endToEndId: 'E2E-UNKNOWN' }),
    );
    expect(decision).toMatchObject({ kind: 'review', reason: expect.stringContaining('nothing to reverse') });
  });

  it('"NOTPROVIDED" is no end-to-end id', () => {
    const none = context([paid], {
      recordedPayments: [{ ...earlier, endToEndId: 'NOTPROVIDED', counterpartyIban: undefined }],
    });
    const decision = decide(
      none,
      entry('100.00', { direction: 'debit', reversal: true, endToEndId: 'NOTPROVIDED', bankReference: 'R2' }),
    );
    expect(decision.kind).toBe('review');
  });

  it('a reversal of another amount than the payment goes to review', () => {
    const decision = decide(
      ctx,
      entry('60.00', { direction: 'debit', reversal: true, endToEndId: 'E2E-77' }),
    );
    expect(decision).toMatchObject({ kind: 'review', reason: expect.stringContaining('is not that amount') });
  });
});

describe('currencies', () => {
  it('converts BGN to EUR only at the fixed rate 1.95583, rounding half up to the cent', () => {
    expect(convert(19558n, 'BGN', 'EUR')).toEqual({
      cents: 10000n,
      text: 'BGN 195.58 at the fixed rate 1.95583 = EUR 100.00',
    });
    expect(convert(100n, 'BGN', 'EUR')?.cents).toBe(51n); // 0.5113 → 0.51
    expect(convert(1n, 'BGN', 'EUR')?.cents).toBe(1n); // 0.0051 → 0.01
    expect(convert(10000n, 'EUR', 'BGN')?.cents).toBe(19558n); // 195.583 → 195.58
    expect(convert(50n, 'EUR', 'BGN')?.cents).toBe(98n); // 0.977915 → 0.98
    expect(convert(100n, 'USD', 'EUR')).toBeUndefined();
  });

  it('a BGN payment of an EUR invoice is converted and says so', () => {
    const ctx = context([invoice('0000001234', '100.00')]);
    const decision = matched(decide(ctx, entry('195.58', { currency: 'BGN', ...text('ф-ра 1234') })));
    expect(shares(decision)).toEqual([['0000001234', '100.00']]);
    expect(decision.conversion).toBe('BGN 195.58 at the fixed rate 1.95583 = EUR 100.00');
  });

  it('a USD payment goes to review: no rate the hub may apply', () => {
    const ctx = context([invoice('0000001234', '100.00')]);
    for (const e of [
      entry('110.00', { currency: 'USD', ...text('ф-ра 1234') }),
      entry('110.00', { currency: 'USD' }),
    ]) {
      expect(decide(ctx, e)).toMatchObject({
        kind: 'review',
        reason: expect.stringContaining('foreign currency USD: no rate the hub may apply'),
      });
    }
  });
});

describe('a whole statement, in order', () => {
  it('what an entry paid is no longer owed by the next: instalments, then "already paid"', () => {
    const ctx = context([invoice('0000001234', '100.00')]);
    const entries = [
      entry('60.00', text('ф-ра 1234')),
      entry('40.00', text('ф-ра 1234')),
      entry('40.00', text('ф-ра 1234')),
    ];
    const [first, second, third] = decideStatement(statement(entries), ctx);
    expect(shares(first)).toEqual([['0000001234', '60.00']]);
    expect(matched(second).reason).toContain('40.00 EUR paid, exactly what it owes');
    expect(third).toMatchObject({ kind: 'review', reason: expect.stringContaining('already paid') });
    expect(ctx.invoices[0].outstanding).toBe('100.00');
  });

  it('a payer IBAN proved by a reference is known for the next entry of the same payer', () => {
    const ctx = context([
      invoice('0000001234', '100.00', { payerIbans: [] }),
      invoice('0000001235', '75.00', { payerIbans: [] }),
    ]);
    const fromNew = { counterparty: { iban: NEW_IBAN } };
    const before = decide(ctx, entry('75.00', fromNew));
    expect(before.kind).toBe('review');
    const [, later] = decideStatement(
      statement([entry('100.00', { ...fromNew, ...text('ф-ра 1234') }), entry('75.00', fromNew)]),
      ctx,
    );
    expect(matched(later).rule).toBe('payer-and-amount');
    expect(shares(later)).toEqual([['0000001235', '75.00']]);
  });

  it('a payment made earlier in the statement can be reversed later in it, and opens the invoice again', () => {
    const ctx = context([invoice('0000001234', '100.00')]);
    const paying = entry('100.00', { endToEndId: 'E2E-1', ...text('ф-ра 1234') });
    const entries = [
      paying,
      entry('100.00', { direction: 'debit', reversal: true, endToEndId: 'E2E-1' }),
      entry('100.00', text('ф-ра 1234')),
    ];
    const decisions = decideStatement(statement(entries), ctx);
    expect(decisions.map((d) => d.kind)).toEqual(['matched', 'matched', 'matched']);
    expect(shares(decisions[1])).toEqual([['0000001234', '-100.00']]);
    expect(entryKey(statement(entries), entries[0])).toContain('REF');
  });
});

describe('reading remittance text', () => {
  it('reads every number of a list after one invoice word, and stops at an amount', () => {
    expect(readText('ф-ри 1234, 1235 и 1236').numbers.map((n) => n.digits)).toEqual(['1234', '1235', '1236']);
    expect(readText('ф-ра 1234, 100 лв').numbers.map((n) => n.digits)).toEqual(['1234']);
    expect(readText('ф-ра 1234 2 бр.').numbers.map((n) => n.digits)).toEqual(['1234']);
  });

  it('joins a full-width number written in groups', () => {
    expect(readText('00000 01234').numbers.map((n) => n.digits)).toEqual(['0000001234']);
    expect(readText('ф-ри 12345 12346').numbers.map((n) => n.digits)).toEqual(['12345', '12346']);
  });

  it('reads two RF references side by side', () => {
    expect(readText('RF18 5390 0754 7034 RF18 5390 0754 7034').rf.map((r) => r.valid)).toEqual([true, true]);
  });
});

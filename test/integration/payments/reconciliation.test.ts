import crypto from 'node:crypto';
import { withTransaction } from '../../../db';
import { ensureUser } from '../../../db/users';
import type { Issuer } from '../../../db/issuers';
import {
  getPayment,
  paymentsOfInvoice,
  statementPaymentKey,
  writeDecidedEntries,
} from '../../../db/payments/ledger';
import { matchEntry, type Clerk } from '../../../db/payments/reconciliation';
import { recordStatementImport } from '../../../db/payments/statement-imports';
import type { EntryDecision, StatementEntry } from '../../../domain/payments/model';
import { createReconciliationActions } from '../../../gateway/payments/reconciliation-actions';
import { applyPayment } from '../../../intake/payments';
import { cancelInvoiceUpdate } from '../../../workflows/messages';
import { deliverInvoice, reaches, stateOf } from '../../support/dispute-hub';
import {
  addTestIssuer,
  eventually,
  randomEik,
  startTestHub,
  uniqueEmail,
  type TestHub,
} from '../../support/hub';

/**
 * A clerk's decisions on statement entries, on a real worker and Temporal server: a manual match and a split write
 * their payments and reach the invoices' lifecycles; ignore keeps the entry with the note; undo — of a clerk's match or
 * of the matcher's — withdraws pending payments, reverses recorded ones (reopening a paid invoice) and withdraws the
 * credit. Every decision is one row of an append-only audit trail with who, when, the note and what it replaced; a
 * decision that cannot be right is refused with a specific reason and writes nothing.
 */
let hub: TestHub;
let issuer: Issuer;
let otherIssuer: Issuer;
let clerk: Clerk;
let colleague: Clerk;
let actions: ReturnType<typeof createReconciliationActions>;

beforeAll(async () => {
  hub = await startTestHub({ REMINDER_DELAYS: '1h' });
  ({ issuer } = await addTestIssuer(hub.db));
  ({ issuer: otherIssuer } = await addTestIssuer(hub.db));
  const person = async (name: string): Promise<Clerk> => {
    const user = await ensureUser(hub.db, uniqueEmail(name));
    return { userId: user.id, email: user.email };
  };
  clerk = await person('clerk');
  colleague = await person('colleague');
  actions = createReconciliationActions(hub);
});
afterAll(() => hub?.stop());

async function invoiceOf(spec: { buyerVat?: string; currency?: string; to?: Issuer } = {}) {
  const { invoice } = await deliverInvoice(hub, spec.to ?? issuer, uniqueEmail('buyer'), {
    buyerVat: spec.buyerVat,
    currency: spec.currency,
  });
  const total = (await stateOf(hub, invoice.workflowId)).summary?.total as string;
  return { ...invoice, total };
}

const plus = (amount: string, cents: number) => ((Math.round(Number(amount) * 100) + cents) / 100).toFixed(2);

/** One entry written to the ledger as a statement import would, with the decision given (the matcher's). */
async function entryOf(
  amount: string,
  decision: EntryDecision,
  fields: Partial<StatementEntry> = {},
): Promise<{ id: string; key: string; decidedAt: string }> {
  const { record } = await recordStatementImport(hub.db, {
    issuerId: issuer.id,
    source: 'cli',
    fileName: 'statement.xml',
    content: Buffer.from(crypto.randomUUID()),
  });
  const entry: StatementEntry = {
    index: 0,
    bankReference: crypto.randomUUID(),
    bookingDate: '2026-11-30',
    amount,
    currency: 'EUR',
    direction: 'credit',
    reversal: false,
    status: 'BOOK',
    counterparty: { name: 'Купувач ООД', iban: 'BG80BNBG96611020345678' },
    remittance: ['плащане по договор'],
    ...fields,
  };
  const key = `BG80BNBG96611020345679|2026-11-30|${entry.bankReference}`;
  await withTransaction(hub.db, (client) =>
    writeDecidedEntries(client, issuer.id, record.id, [{ key, position: 0, entry, decision }]),
  );
  const { rows } = await hub.db.query<{ id: string; decided_at: Date }>(
    'select id, decided_at from statement_entries where entry_key = $1',
    [key],
  );
  return { id: rows[0].id, key, decidedAt: rows[0].decided_at.toISOString() };
}

const review = (...invoices: { id: string; number: string; total: string }[]): EntryDecision => ({
  kind: 'review',
  reason: 'no invoice number or reference in the remittance text',
  candidates: invoices.map((i) => ({
    invoiceId: i.id,
    number: i.number,
    outstanding: i.total,
    evidence: 'the payer paid this customer’s invoices before',
  })),
});

async function auditRows(entryId: string) {
  const { rows } = await hub.db.query<{
    id: string;
    action: string;
    note: string;
    decided_by: string;
    undoes: string | null;
    previous: { state: string; decision: EntryDecision };
  }>(
    'select id, action, note, decided_by, undoes, previous from reconciliation_decisions where entry_id = $1 order by decided_at',
    [entryId],
  );
  return rows;
}

describe('manual decisions', () => {
  it('a match pays the invoice from a review entry: recorded in its lifecycle, the entry matched "by" the clerk, one audit row', async () => {
    const invoice = await invoiceOf();
    const entry = await entryOf('10.00', review(invoice));

    const result = await actions.match(clerk, issuer.id, entry.id, {
      invoiceId: invoice.id,
      note: 'the payer wrote the contract number instead of the invoice number',
      decidedAt: entry.decidedAt,
    });

    const reason = `matched by ${clerk.email}: the payer wrote the contract number instead of the invoice number`;
    expect(result.entry).toMatchObject({
      state: 'matched',
      decidedBy: clerk.email,
      decision: { rule: 'manual', reason },
    });
    expect(result.entry.manual).toMatchObject({ action: 'match', by: clerk.email });
    expect(result.entry.actions).toEqual(['undo']);
    const key = `manual:${result.decision.id}:${invoice.id}`;
    expect(result.delivery).toEqual({ recorded: [key], pending: [], refused: [], withdrawn: [] });
    expect(result.payments).toEqual([
      expect.objectContaining({ key, amount: '10.00', source: 'manual', state: 'recorded', reason }),
    ]);

    const state = await stateOf(hub, invoice.workflowId);
    expect(state.payments).toEqual([
      expect.objectContaining({ paymentId: key, amount: '10.00', source: 'manual', reason }),
    ]);
    expect(state.amountPaid).toBe('10.00');
    expect(state.status).toBe('awaiting view'); // partly paid: still open

    expect(result.history).toHaveLength(1);
    expect(result.history[0]).toMatchObject({
      action: 'match',
      by: clerk.email,
      note: 'the payer wrote the contract number instead of the invoice number',
      undoes: null,
      previous: { state: 'review', kind: 'review', by: null },
      shares: [expect.objectContaining({ invoiceId: invoice.id, amount: '10.00', paymentKey: key })],
    });
    expect(result.automatic).toMatchObject({ state: 'review', kind: 'review' });
    expect((await actions.review(issuer.id)).entries.map((e) => e.id)).not.toContain(entry.id);
  });

  it("a match of more than the invoice owes pays it in full and makes the rest the customer's credit", async () => {
    const invoice = await invoiceOf();
    const entry = await entryOf(plus(invoice.total, 500), {
      kind: 'not-a-payment',
      reason: 'no invoice named',
    });
    const result = await actions.match(clerk, issuer.id, entry.id, {
      invoiceId: invoice.id,
      note: 'paid with a tip',
    });
    expect(result.payments.map((p) => [p.amount, p.state])).toEqual([[invoice.total, 'recorded']]);
    expect(result.credits).toEqual([
      expect.objectContaining({ amount: '5.00', currency: 'EUR', withdrawnAt: null }),
    ]);
    expect(result.history[0].previous).toMatchObject({ state: 'not-a-payment', kind: 'not-a-payment' });
    const handle = hub.temporal.workflow.getHandle(invoice.workflowId);
    expect((await handle.result()).status).toBe('paid');
  });

  it('a split pays each invoice its share; what the shares leave is the customer’s credit', async () => {
    const a = await invoiceOf();
    const b = await invoiceOf();
    const entry = await entryOf('35.00', review(a, b));
    const result = await actions.split(clerk, issuer.id, entry.id, {
      allocations: [
        { invoiceId: a.id, amount: '10.00' },
        { invoiceId: b.id, amount: '20.00' },
      ],
      note: 'one transfer for two invoices, see the e-mail of 30 Nov',
    });
    expect(result.entry.state).toBe('matched');
    expect(result.history[0]).toMatchObject({ action: 'split' });
    expect(result.payments.map((p) => [p.invoiceNumber, p.amount, p.state])).toEqual(
      expect.arrayContaining([
        [a.number, '10.00', 'recorded'],
        [b.number, '20.00', 'recorded'],
      ]),
    );
    expect(result.credits.map((c) => c.amount)).toEqual(['5.00']);
    expect((await stateOf(hub, a.workflowId)).amountPaid).toBe('10.00');
    expect((await stateOf(hub, b.workflowId)).amountPaid).toBe('20.00');
  });

  it('ignore keeps the entry with the note, out of the review queue, and pays nothing', async () => {
    const invoice = await invoiceOf();
    const entry = await entryOf('12.00', review(invoice));
    const result = await actions.ignore(clerk, issuer.id, entry.id, {
      note: 'a loan repayment from the owner',
    });
    expect(result.entry).toMatchObject({
      state: 'ignored',
      decision: {
        kind: 'not-a-payment',
        reason: `ignored by ${clerk.email}: a loan repayment from the owner`,
      },
    });
    expect(result.payments).toEqual([]);
    expect(result.history.map((d) => d.action)).toEqual(['ignore']);
    expect((await stateOf(hub, invoice.workflowId)).payments).toHaveLength(0);
  });
});

describe('undo', () => {
  it('of a manual match with its payment recorded: reversed in the lifecycle, the paid invoice reopened, the credit withdrawn', async () => {
    const invoice = await invoiceOf();
    const entry = await entryOf(plus(invoice.total, 300), review(invoice));
    const match = await actions.match(clerk, issuer.id, entry.id, {
      invoiceId: invoice.id,
      note: 'by the amount',
    });
    const handle = hub.temporal.workflow.getHandle(invoice.workflowId);
    expect((await handle.result()).status).toBe('paid');

    const undo = await actions.undo(colleague, issuer.id, entry.id, {
      note: 'wrong customer: the transfer is from the sister company',
      decidedAt: match.entry.decidedAt,
    });
    const paid = `manual:${match.decision.id}:${invoice.id}`;
    const reversal = `manual:${undo.decision.id}:${invoice.id}`;
    expect(undo.delivery).toEqual({ recorded: [reversal], pending: [], refused: [], withdrawn: [] });
    expect(undo.entry).toMatchObject({ state: 'review', decidedBy: colleague.email });
    expect(undo.entry.decision).toMatchObject({
      kind: 'review',
      reason: `undone by ${colleague.email}: wrong customer: the transfer is from the sister company`,
      candidates: [expect.objectContaining({ invoiceId: invoice.id, outstanding: invoice.total })],
    });
    expect(undo.decision).toMatchObject({
      action: 'undo',
      by: colleague.email,
      undoes: match.decision.id,
      previous: { state: 'matched', kind: 'matched', by: clerk.email },
      shares: [expect.objectContaining({ paymentKey: paid, outcome: 'reversed', undoneBy: reversal })],
    });
    expect(undo.payments.map((p) => [p.key, p.amount, p.state, p.reversalOf])).toEqual([
      [paid, invoice.total, 'recorded', null],
      [reversal, `-${invoice.total}`, 'recorded', paid],
    ]);
    expect(undo.credits).toEqual([
      expect.objectContaining({ amount: '3.00', withdrawnAt: expect.any(String) }),
    ]);

    const reopened = await reaches(hub, invoice.workflowId, 'awaiting view');
    expect(reopened.amountPaid).toBe('0.00');
    expect(reopened.outstanding).toBe(invoice.total);
    expect(reopened.timeline.map((e) => e.type)).toContain('payment reversed');

    // Both rows kept, in order, with who made each.
    expect((await auditRows(entry.id)).map((r) => [r.action, r.decided_by])).toEqual([
      ['match', clerk.userId],
      ['undo', colleague.userId],
    ]);
    // Back in the queue, a new decision may follow; the ledger's sum counts only what stands.
    const again = await actions.match(clerk, issuer.id, entry.id, {
      invoiceId: invoice.id,
      note: 'it was right after all',
    });
    expect(again.history.map((d) => d.action)).toEqual(['match', 'undo', 'match']);
    expect((await handle.result()).status).toBe('paid');
  });

  it('of a manual match whose payment is still pending: withdrawn, the lifecycle never sees it', async () => {
    const invoice = await invoiceOf();
    const entry = await entryOf('7.00', review(invoice));
    // The decision without its sending (as when the gateway died right after the transaction).
    const made = await matchEntry(hub.db, clerk, issuer.id, entry.id, {
      invoiceId: invoice.id,
      note: 'by the payer',
    });
    expect(made.toSend.map((p) => p.state)).toEqual(['pending']);

    const undo = await actions.undo(clerk, issuer.id, entry.id, { note: 'matched the wrong entry' });
    expect(undo.delivery).toEqual({
      recorded: [],
      pending: [],
      refused: [],
      withdrawn: [made.toSend[0].key],
    });
    expect(undo.decision.shares).toEqual([expect.objectContaining({ outcome: 'withdrawn', amount: '7.00' })]);
    expect((await getPayment(hub.db, made.toSend[0].key))?.state).toBe('withdrawn');
    expect((await stateOf(hub, invoice.workflowId)).payments).toHaveLength(0);
    // The recovery pass sends pending payments only: a withdrawn one is never sent later.
    expect((await paymentsOfInvoice(hub.db, invoice.id)).filter((p) => p.state === 'pending')).toHaveLength(
      0,
    );
  });

  it("of the matcher's decision: recorded payments reversed, pending ones withdrawn, its decision kept as the previous one", async () => {
    const a = await invoiceOf();
    const b = await invoiceOf();
    const automatic: EntryDecision = {
      kind: 'matched',
      rule: 'reference',
      allocations: [
        {
          invoiceId: a.id,
          number: a.number,
          amount: '4.00',
          reason: `invoice number ${a.number} in the remittance text`,
        },
        {
          invoiceId: b.id,
          number: b.number,
          amount: '6.00',
          reason: `invoice number ${b.number} in the remittance text`,
        },
      ],
      reason: `invoice numbers ${a.number} and ${b.number} in the remittance text`,
    };
    const entry = await entryOf('10.00', automatic);
    const payA = (await getPayment(hub.db, statementPaymentKey(entry.key, a.id)))!;
    expect((await applyPayment(hub.temporal, hub.config, hub.db, payA)).outcome).toBe('recorded');
    const payB = statementPaymentKey(entry.key, b.id); // still pending

    const before = await actions.entry(issuer.id, entry.id);
    expect(before.entry).toMatchObject({
      state: 'matched',
      decidedBy: null,
      manual: null,
      actions: ['undo'],
    });
    const undo = await actions.undo(clerk, issuer.id, entry.id, {
      note: 'the numbers are of another issuer',
      decidedAt: before.entry.decidedAt,
    });

    expect(undo.decision.undoes).toBeNull();
    expect(undo.decision.previous).toMatchObject({
      state: 'matched',
      kind: 'matched',
      by: null,
      reason: automatic.reason,
    });
    const rows = await auditRows(entry.id);
    expect(rows[0].previous.decision).toEqual(automatic);
    expect(undo.delivery.withdrawn).toEqual([payB]);
    expect(undo.delivery.recorded).toEqual([`manual:${undo.decision.id}:${a.id}`]);
    expect((await getPayment(hub.db, payB))?.state).toBe('withdrawn');
    expect((await stateOf(hub, a.workflowId)).amountPaid).toBe('0.00');
    expect((await stateOf(hub, b.workflowId)).payments).toHaveLength(0);
    expect(undo.automatic).toMatchObject({ kind: 'matched', reason: automatic.reason });
  });

  it('a payment the ledger still had as pending but that had reached its lifecycle is found and reversed', async () => {
    const invoice = await invoiceOf();
    const entry = await entryOf('5.00', {
      kind: 'matched',
      rule: 'payer-and-amount',
      allocations: [
        { invoiceId: invoice.id, number: invoice.number, amount: '5.00', reason: 'the payer and the amount' },
      ],
      reason: 'the payer and the amount',
    });
    const key = statementPaymentKey(entry.key, invoice.id);
    await applyPayment(hub.temporal, hub.config, hub.db, (await getPayment(hub.db, key))!);
    // As if the import crashed between the lifecycle's answer and writing "recorded".
    await hub.db.query(
      `update invoice_payments set state = 'pending', recorded_at = null where payment_key = $1`,
      [key],
    );

    const undo = await actions.undo(clerk, issuer.id, entry.id, { note: 'not this customer' });
    expect(undo.delivery.withdrawn).toEqual([key]);
    expect(undo.delivery.recorded).toEqual([`manual:${undo.decision.id}:${invoice.id}`]);
    expect((await getPayment(hub.db, key))?.state).toBe('recorded');
    const state = await stateOf(hub, invoice.workflowId);
    expect(state.amountPaid).toBe('0.00');
    expect(state.payments.map((p) => p.amount)).toEqual(['5.00', '-5.00']);
  });
});

describe('refusals: nothing is written', () => {
  const refused = (promise: Promise<unknown>, code: string, status: number) =>
    expect(promise).rejects.toMatchObject({ code, status });

  async function unchanged(entryId: string, state: string) {
    const detail = await actions.entry(issuer.id, entryId);
    expect(detail.entry.state).toBe(state);
    expect(detail.history).toEqual([]);
    expect(detail.payments).toEqual([]);
  }

  it('shares that add up to more than the entry, or to more than an invoice owes, a share given twice, a bad amount', async () => {
    const a = await invoiceOf();
    const b = await invoiceOf();
    const entry = await entryOf('10.00', review(a, b));
    const split = (allocations: { invoiceId: string; amount: string }[]) =>
      actions.split(clerk, issuer.id, entry.id, { allocations, note: 'split' });
    await refused(
      split([
        { invoiceId: a.id, amount: '6.00' },
        { invoiceId: b.id, amount: '5.00' },
      ]),
      'AMOUNTS_DO_NOT_ADD_UP',
      422,
    );
    const big = await entryOf(plus(a.total, 10_000), review(a));
    await refused(
      actions.split(clerk, issuer.id, big.id, {
        allocations: [{ invoiceId: a.id, amount: plus(a.total, 1) }],
        note: 'x',
      }),
      'OVER_OUTSTANDING',
      422,
    );
    await refused(
      split([
        { invoiceId: a.id, amount: '1.00' },
        { invoiceId: a.id, amount: '2.00' },
      ]),
      'DUPLICATE_INVOICE',
      422,
    );
    await refused(split([{ invoiceId: a.id, amount: '-1.00' }]), 'BAD_AMOUNT', 422);
    await refused(split([{ invoiceId: a.id, amount: '1.005' }]), 'BAD_AMOUNT', 422);
    await unchanged(entry.id, 'review');
    await unchanged(big.id, 'review');
  });

  it("a remainder when the invoices are different customers' (no one to credit it to)", async () => {
    const a = await invoiceOf({ buyerVat: `BG${randomEik()}` });
    const b = await invoiceOf({ buyerVat: `BG${randomEik()}` });
    const entry = await entryOf('30.00', review(a, b));
    await refused(
      actions.split(clerk, issuer.id, entry.id, {
        allocations: [
          { invoiceId: a.id, amount: '10.00' },
          { invoiceId: b.id, amount: '10.00' },
        ],
        note: 'two customers',
      }),
      'CREDIT_CUSTOMER_UNCLEAR',
      422,
    );
    await unchanged(entry.id, 'review');
  });

  it('an invoice of another issuer answers as a missing one; a cancelled invoice; another currency; money out', async () => {
    const foreign = await invoiceOf({ to: otherIssuer });
    const entry = await entryOf('10.00', review());
    await refused(
      actions.match(clerk, issuer.id, entry.id, { invoiceId: foreign.id, note: 'x' }),
      'INVOICE_NOT_FOUND',
      422,
    );
    await refused(
      actions.match(clerk, issuer.id, entry.id, { invoiceId: crypto.randomUUID(), note: 'x' }),
      'INVOICE_NOT_FOUND',
      422,
    );

    const cancelled = await invoiceOf();
    await hub.temporal.workflow
      .getHandle(cancelled.workflowId)
      .executeUpdate(cancelInvoiceUpdate, { args: [{ reason: 'issued twice', requestedBy: issuer.email }] });
    await eventually(
      async () => {
        const { rows } = await hub.db.query('select 1 from invoices where id = $1 and status = $2', [
          cancelled.id,
          'cancelled',
        ]);
        return rows.length === 1;
      },
      20_000,
      'the cancellation in the database',
    );
    await refused(
      actions.match(clerk, issuer.id, entry.id, { invoiceId: cancelled.id, note: 'x' }),
      'INVOICE_NOT_PAYABLE',
      422,
    );

    const invoice = await invoiceOf();
    const dollars = await entryOf('10.00', review(invoice), { currency: 'USD' });
    await refused(
      actions.match(clerk, issuer.id, dollars.id, { invoiceId: invoice.id, note: 'x' }),
      'CURRENCY_MISMATCH',
      422,
    );
    const debit = await entryOf(
      '10.00',
      { kind: 'not-a-payment', reason: 'a debit' },
      { direction: 'debit' },
    );
    await refused(
      actions.match(clerk, issuer.id, debit.id, { invoiceId: invoice.id, note: 'x' }),
      'NOT_A_CREDIT',
      422,
    );
    await refused(
      actions.match(clerk, issuer.id, entry.id, { invoiceId: invoice.id, note: '   ' }),
      'NOTE_REQUIRED',
      422,
    );
    await refused(actions.undo(clerk, issuer.id, entry.id, { note: 'x' }), 'NOTHING_TO_UNDO', 409);
    await refused(actions.entry(otherIssuer.id, entry.id), 'ENTRY_NOT_FOUND', 404);
    await refused(actions.ignore(clerk, otherIssuer.id, entry.id, { note: 'x' }), 'ENTRY_NOT_FOUND', 404);
    await unchanged(entry.id, 'review');
    await unchanged(dollars.id, 'review');
    expect((await stateOf(hub, invoice.workflowId)).payments).toHaveLength(0);
  });

  it('an entry someone else decided meanwhile: refused with who decided, whether the page was stale or two clicked at once', async () => {
    const invoice = await invoiceOf();
    const entry = await entryOf('3.00', review(invoice));
    const seen = (await actions.entry(issuer.id, entry.id)).entry.decidedAt;
    await actions.ignore(colleague, issuer.id, entry.id, { note: 'a bank fee refund', decidedAt: seen });
    await expect(
      actions.match(clerk, issuer.id, entry.id, { invoiceId: invoice.id, note: 'x', decidedAt: seen }),
    ).rejects.toMatchObject({
      code: 'ENTRY_CHANGED',
      status: 409,
      message: expect.stringContaining(colleague.email),
    });
    await expect(
      actions.match(clerk, issuer.id, entry.id, { invoiceId: invoice.id, note: 'x' }),
    ).rejects.toMatchObject({
      code: 'ENTRY_ALREADY_DECIDED',
      message: expect.stringContaining(colleague.email),
    });
    // An undo against a page that showed an older decision does not undo the newer one.
    await refused(
      actions.undo(clerk, issuer.id, entry.id, { note: 'x', decidedAt: seen }),
      'ENTRY_CHANGED',
      409,
    );

    const race = await entryOf('3.00', review(invoice));
    const outcomes = await Promise.allSettled([
      actions.match(clerk, issuer.id, race.id, { invoiceId: invoice.id, note: 'first' }),
      actions.match(colleague, issuer.id, race.id, { invoiceId: invoice.id, note: 'second' }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({
      reason: { code: 'ENTRY_ALREADY_DECIDED' },
    });
    expect((await auditRows(race.id)).map((r) => r.action)).toEqual(['match']);
    expect((await paymentsOfInvoice(hub.db, invoice.id)).filter((p) => p.entryId === race.id)).toHaveLength(
      1,
    );
  });
});

describe('the audit trail', () => {
  it('is append-only: the database refuses to change or delete a decision', async () => {
    const invoice = await invoiceOf();
    const entry = await entryOf('2.00', review(invoice));
    await actions.ignore(clerk, issuer.id, entry.id, { note: 'a fee' });
    const [row] = await auditRows(entry.id);
    await expect(
      hub.db.query(`update reconciliation_decisions set note = 'rewritten' where id = $1`, [row.id]),
    ).rejects.toThrow(/kept as made/);
    await expect(
      hub.db.query('delete from reconciliation_decisions where id = $1', [row.id]),
    ).rejects.toThrow(/kept as made/);
    expect((await auditRows(entry.id))[0]).toMatchObject({
      note: 'a fee',
      action: 'ignore',
      decided_by: clerk.userId,
    });
  });
});

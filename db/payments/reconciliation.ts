import crypto from 'node:crypto';
import type { PoolClient } from 'pg';
import { fromCents, toCents } from '../../domain/money';
import { convert } from '../../domain/payments/currency';
import type { Allocation, EntryDecision, StatementEntry } from '../../domain/payments/model';
import type { InvoiceSummary } from '../../domain/invoice/model';
import { withTransaction, type Db } from '../index';
import {
  getPayment,
  insertPayment,
  writeDecisionMoney,
  type EntryState,
  type InvoicePayment,
  type NewPayment,
  type PaymentState,
} from './ledger';
import { customerKeyOf } from './match-context';

/**
 * A clerk's decisions on statement entries (the reconciliation view): match an entry to one invoice, split it across
 * several, ignore it (a fee, a loan repayment), or undo any decision, the matcher's as well as a clerk's. Each is one
 * transaction that locks the entry, changes its decision, writes or undoes its money in the ledger and appends its row
 * to `reconciliation_decisions` (who, when, the note, the decision it replaced); that table refuses UPDATE and DELETE,
 * so the history is the record. Sending the payments to the invoices' lifecycles is the caller's next step
 * (gateway/payments/reconciliation-actions.ts): the ledger rows are `pending` until then, and the recovery pass sends
 * any a crash left behind.
 *
 * Money rules:
 * - a match pays the invoice what it still owes, up to the entry's amount; a split pays each invoice the share the
 *   clerk gives, never more than it owes. What the entry brought beyond the shares is the customer's credit (the
 *   clerk's "overpayment as credit"), which needs every invoice of the decision to be the same customer's: a
 *   remainder over several customers is refused rather than credited to a guess.
 * - amounts are in the invoices' currency: the entry's, or EUR for a BGN entry at the fixed rate 1.95583 (as the
 *   matcher does); any other pair of currencies is refused.
 * - only money in (a credit that the bank did not mark as a reversal) pays invoices.
 */

export type ReconciliationAction = 'match' | 'split' | 'ignore' | 'undo';

/** The signed-in person deciding. */
export interface Clerk {
  userId: string;
  email: string;
}

export interface DecisionRequest {
  /** Why: required, kept with the decision. */
  note: string;
  /**
   * The entry's `decidedAt` as the clerk saw it: when given, a decision made by someone else since refuses this one
   * (ENTRY_CHANGED) instead of acting on an entry the clerk has not seen.
   */
  decidedAt?: string;
}

export interface MatchRequest extends DecisionRequest {
  invoiceId: string;
}

export interface SplitRequest extends DecisionRequest {
  /** Each invoice once, with the share it gets in the invoice's currency. */
  allocations: { invoiceId: string; amount: string }[];
}

/** One share of a decision: what a match or split paid, or (for an undo) what became of a payment undone. */
export interface DecisionShare extends Allocation {
  currency?: string;
  paymentKey?: string;
  /** For an undo: a pending payment withdrawn, a recorded one reversed, a recorded reversal paid again. */
  outcome?: 'withdrawn' | 'reversed' | 'repaid';
  /** For an undo: the key of the reversal (or new payment) that undoes the recorded one. */
  undoneBy?: string;
}

/** What the entry was before a decision: kept in the decision's row. */
export interface PreviousDecision {
  state: EntryState;
  decision: EntryDecision;
  decidedAt: string;
  /** The clerk's user id, or absent for the matcher's decision. */
  decidedBy?: string;
}

export interface ManualDecision {
  id: string;
  entryId: string;
  action: ReconciliationAction;
  allocations: DecisionShare[];
  note: string;
  previous: PreviousDecision;
  decidedBy: { userId: string; email: string };
  decidedAt: string;
  /** For an undo of a clerk's decision: that decision's id (an undo of the matcher's names none). */
  undoes?: string;
}

export type ReconciliationRefusal =
  | 'ENTRY_NOT_FOUND'
  | 'ENTRY_CHANGED'
  | 'ENTRY_ALREADY_DECIDED'
  | 'NOTHING_TO_UNDO'
  | 'NOTE_REQUIRED'
  | 'NOT_A_CREDIT'
  | 'INVOICE_NOT_FOUND'
  | 'INVOICE_NOT_PAYABLE'
  | 'INVOICE_PAID'
  | 'CURRENCY_MISMATCH'
  | 'BAD_AMOUNT'
  | 'DUPLICATE_INVOICE'
  | 'AMOUNTS_DO_NOT_ADD_UP'
  | 'OVER_OUTSTANDING'
  | 'CREDIT_CUSTOMER_UNCLEAR'
  | 'CANNOT_REVERSE';

/** Why a decision was refused: a stable code and a sentence for the clerk. Nothing was written. */
export class ReconciliationError extends Error {
  constructor(
    readonly code: ReconciliationRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'ReconciliationError';
  }
}

/** What a decision wrote: the payments to send to the lifecycles, and (undo) the pending ones withdrawn. */
export interface DecisionOutcome {
  decision: ManualDecision;
  toSend: InvoicePayment[];
  withdrawn: InvoicePayment[];
}

export const MAX_NOTE_LENGTH = 1000;
export const MAX_SHARES = 50;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SHARE_AMOUNT = /^\d{1,15}(\.\d{1,2})?$/;
/** States a clerk may match, split or ignore from; a matched or ignored entry is undone first. */
const OPEN_STATES: readonly EntryState[] = ['review', 'not-a-payment'];

// ---------------------------------------------------------------------------------------------------------------
// Decisions

export async function matchEntry(
  db: Db,
  clerk: Clerk,
  issuerId: string,
  entryId: string,
  request: MatchRequest,
): Promise<DecisionOutcome> {
  return allocate(db, clerk, issuerId, entryId, 'match', [{ invoiceId: request.invoiceId }], request);
}

export async function splitEntry(
  db: Db,
  clerk: Clerk,
  issuerId: string,
  entryId: string,
  request: SplitRequest,
): Promise<DecisionOutcome> {
  if (request.allocations.length === 0 || request.allocations.length > MAX_SHARES) {
    throw new ReconciliationError('BAD_AMOUNT', `a split names 1 to ${MAX_SHARES} invoices`);
  }
  return allocate(db, clerk, issuerId, entryId, 'split', request.allocations, request);
}

/** Not an invoice's payment after all (a fee, a loan repayment, an owner's deposit): kept, with why. */
export async function ignoreEntry(
  db: Db,
  clerk: Clerk,
  issuerId: string,
  entryId: string,
  request: DecisionRequest,
): Promise<DecisionOutcome> {
  const note = requireNote(request.note);
  return withTransaction(db, async (client) => {
    const entry = await lockEntry(client, issuerId, entryId);
    requireUnchanged(entry, request.decidedAt);
    requireOpen(entry);
    const decision: EntryDecision = { kind: 'not-a-payment', reason: `ignored by ${clerk.email}: ${note}` };
    const row = await recordDecision(client, entry, clerk, {
      action: 'ignore',
      note,
      allocations: [],
      decision,
      state: 'ignored',
    });
    return { decision: row, toSend: [], withdrawn: [] };
  });
}

/**
 * Undoes the entry's current decision, whoever made it: the entry goes back to the review queue, each live payment it
 * made is withdrawn (still pending: the lifecycle never had it) or reversed (recorded: a negative payment naming it,
 * which the lifecycle accepts even on a paid invoice and which reopens it), and its credit is withdrawn.
 */
export async function undoDecision(
  db: Db,
  clerk: Clerk,
  issuerId: string,
  entryId: string,
  request: DecisionRequest,
): Promise<DecisionOutcome> {
  const note = requireNote(request.note);
  return withTransaction(db, async (client) => {
    const entry = await lockEntry(client, issuerId, entryId);
    requireUnchanged(entry, request.decidedAt);
    if (entry.state === 'review') {
      throw new ReconciliationError(
        'NOTHING_TO_UNDO',
        'the entry is waiting in the review queue: there is no decision to undo',
      );
    }
    const latest = await latestDecisionRow(client, entry.id);
    const undoes = latest && latest.action !== 'undo' ? latest : undefined;
    const undoId = crypto.randomUUID();
    const reason = `undone by ${clerk.email}: ${note}`;
    const live = await livePaymentsOfEntry(client, entry.id);
    const invoices = await lockInvoices(
      client,
      live.map((p) => p.invoiceId),
    );
    for (const payment of live) {
      const invoice = invoices.get(payment.invoiceId);
      const closed = ['cancelled', 'rejected'].includes(invoice?.status ?? '');
      const paidAgainAfterReversal = toCents(payment.amount) < 0n && invoice?.status === 'paid';
      if (payment.state === 'recorded' && (closed || paidAgainAfterReversal)) {
        throw new ReconciliationError(
          'CANNOT_REVERSE',
          `invoice ${invoice?.number ?? payment.invoiceId} is ${invoice?.status}: the payment ${payment.key} ` +
            'recorded on it cannot be undone here any more',
        );
      }
    }

    const shares: DecisionShare[] = [];
    const toSendKeys: string[] = [];
    const withdrawn: InvoicePayment[] = [];
    for (const payment of live) {
      const number = invoices.get(payment.invoiceId)?.number ?? '';
      const share = {
        invoiceId: payment.invoiceId,
        number,
        amount: payment.amount,
        currency: payment.currency,
      };
      if (payment.state === 'pending') {
        await client.query(`update invoice_payments set state = 'withdrawn' where payment_key = $1`, [
          payment.key,
        ]);
        withdrawn.push({ ...payment, state: 'withdrawn' });
        shares.push({
          ...share,
          paymentKey: payment.key,
          outcome: 'withdrawn',
          reason: `withdrawn: ${reason}`,
        });
        continue;
      }
      const cents = toCents(payment.amount);
      const undoing: NewPayment = {
        key: `manual:${undoId}:${payment.invoiceId}`,
        invoiceId: payment.invoiceId,
        source: 'manual',
        amount: fromCents(-cents),
        currency: payment.currency,
        paidAt: today(),
        // A recorded reversal is undone by paying the money again; anything else by reversing it.
        reason: cents < 0n ? `the reversal ${payment.key} is ${reason}` : reason,
        reversalOf: cents < 0n ? undefined : payment.key,
        decisionId: undoId,
      };
      await insertPayment(client, issuerId, entry.id, undoing);
      toSendKeys.push(undoing.key);
      shares.push({
        ...share,
        paymentKey: payment.key,
        outcome: cents < 0n ? 'repaid' : 'reversed',
        undoneBy: undoing.key,
        reason: undoing.reason,
      });
    }
    await client.query(
      'update customer_credits set withdrawn_at = now() where entry_id = $1 and withdrawn_at is null',
      [entry.id],
    );

    const candidates = await candidatesAfterUndo(client, issuerId, entry, undoes?.previous);
    const row = await recordDecision(client, entry, clerk, {
      id: undoId,
      action: 'undo',
      note,
      allocations: shares,
      decision: { kind: 'review', reason, candidates },
      state: 'review',
      undoes: undoes?.id,
    });
    const toSend: InvoicePayment[] = [];
    for (const key of toSendKeys) {
      const stored = await getPayment(client, key);
      if (stored) toSend.push(stored);
    }
    return { decision: row, toSend, withdrawn };
  });
}

/**
 * A payment an undo withdrew as pending that had reached its lifecycle after all (sent an instant before the undo,
 * its `recorded` mark not yet written): it counts again, and a reversal under the undo's id undoes it. Returns the
 * reversal to send, or undefined when the payment is not withdrawn any more.
 */
export async function reverseLateWithdrawal(
  db: Db,
  undo: ManualDecision,
  payment: InvoicePayment,
): Promise<InvoicePayment | undefined> {
  return withTransaction(db, async (client) => {
    const { rowCount } = await client.query(
      `update invoice_payments set state = 'recorded', recorded_at = now() where payment_key = $1 and state = 'withdrawn'`,
      [payment.key],
    );
    if (rowCount !== 1) return undefined;
    const key = `manual:${undo.id}:${payment.invoiceId}`;
    await insertPayment(client, payment.issuerId, undo.entryId, {
      key,
      invoiceId: payment.invoiceId,
      source: 'manual',
      amount: fromCents(-toCents(payment.amount)),
      currency: payment.currency,
      paidAt: today(),
      reason: `undone by ${undo.decidedBy.email}: ${undo.note} (the payment had reached the invoice)`,
      reversalOf: payment.key,
      decisionId: undo.id,
    });
    return getPayment(client, key);
  });
}

/**
 * An undone entry is back in the queue with the invoices it had been given (and, if a clerk's decision is undone,
 * the candidates the queue showed before it), with what each owes now.
 */
async function candidatesAfterUndo(
  client: PoolClient,
  issuerId: string,
  entry: LockedEntry,
  beforeManual: PreviousDecision | undefined,
): Promise<Extract<EntryDecision, { kind: 'review' }>['candidates']> {
  const wanted = new Map<string, string>();
  if (entry.decision.kind === 'matched') {
    for (const a of entry.decision.allocations) {
      if (toCents(a.amount) > 0n) wanted.set(a.invoiceId, `matched before, then undone: ${a.reason}`);
    }
  }
  if (beforeManual?.decision.kind === 'review') {
    for (const c of beforeManual.decision.candidates)
      if (!wanted.has(c.invoiceId)) wanted.set(c.invoiceId, c.evidence);
  }
  if (wanted.size === 0) return [];
  const facts = await invoiceFacts(client, issuerId, { ids: [...wanted.keys()] });
  return facts.map((f) => ({
    invoiceId: f.invoiceId,
    number: f.number,
    outstanding: f.outstanding,
    evidence: wanted.get(f.invoiceId) ?? '',
  }));
}

async function allocate(
  db: Db,
  clerk: Clerk,
  issuerId: string,
  entryId: string,
  action: 'match' | 'split',
  requested: { invoiceId: string; amount?: string }[],
  request: DecisionRequest,
): Promise<DecisionOutcome> {
  const note = requireNote(request.note);
  const seen = new Set<string>();
  for (const share of requested) {
    if (seen.has(share.invoiceId)) {
      throw new ReconciliationError(
        'DUPLICATE_INVOICE',
        `invoice ${share.invoiceId} is named twice: give it one share`,
      );
    }
    seen.add(share.invoiceId);
    if (share.amount !== undefined && (!SHARE_AMOUNT.test(share.amount) || toCents(share.amount) <= 0n)) {
      throw new ReconciliationError(
        'BAD_AMOUNT',
        `"${share.amount}" is not an amount to pay: write a positive amount with at most two decimals, e.g. 120.50`,
      );
    }
  }
  return withTransaction(db, async (client) => {
    const entry = await lockEntry(client, issuerId, entryId);
    requireUnchanged(entry, request.decidedAt);
    requireOpen(entry);
    const { entry: money } = entry;
    if (money.direction !== 'credit' || money.reversal) {
      throw new ReconciliationError(
        'NOT_A_CREDIT',
        money.reversal
          ? 'the bank marked this entry as a reversal: it pays no invoice. Undo the decision on the entry it reverses, then ignore both'
          : 'this entry is money out of the account (a debit): it pays no invoice',
      );
    }
    const invoices = await lockInvoices(
      client,
      requested.map((s) => s.invoiceId),
    );
    const payable = requested.map((share) => {
      const invoice = invoices.get(share.invoiceId);
      if (!invoice || invoice.issuerId !== issuerId) {
        throw new ReconciliationError(
          'INVOICE_NOT_FOUND',
          `there is no invoice ${share.invoiceId} of this issuer`,
        );
      }
      requirePayable(invoice);
      return { share, invoice };
    });

    const currency = payable[0].invoice.summary.currency;
    if (payable.some((p) => p.invoice.summary.currency !== currency)) {
      throw new ReconciliationError(
        'CURRENCY_MISMATCH',
        `the invoices are in different currencies (${[...new Set(payable.map((p) => p.invoice.summary.currency))].join(', ')}): split an entry among invoices of one currency`,
      );
    }
    const converted = convertEntry(money, currency);
    let allocatedCents = 0n;
    const allocations: Allocation[] = [];
    const reason = `matched by ${clerk.email}: ${note}`;
    for (const { share, invoice } of payable) {
      const outstanding = invoice.outstandingCents;
      let cents: bigint;
      if (share.amount === undefined) {
        cents = converted.cents < outstanding ? converted.cents : outstanding;
      } else {
        cents = toCents(share.amount);
        if (cents > outstanding) {
          throw new ReconciliationError(
            'OVER_OUTSTANDING',
            `invoice ${invoice.number} owes ${fromCents(outstanding)} ${currency}; ${share.amount} is more. ` +
              "Leave what is beyond it unallocated: it becomes the customer's credit",
          );
        }
      }
      allocatedCents += cents;
      allocations.push({ invoiceId: invoice.id, number: invoice.number, amount: fromCents(cents), reason });
    }
    if (allocatedCents > converted.cents) {
      throw new ReconciliationError(
        'AMOUNTS_DO_NOT_ADD_UP',
        `the shares add up to ${fromCents(allocatedCents)} ${currency}, more than the entry's ${fromCents(converted.cents)} ${currency}`,
      );
    }
    const restCents = converted.cents - allocatedCents;
    let credit: { customerKey: string; amount: string; currency: string } | undefined;
    if (restCents > 0n) {
      const customers = new Set(payable.map((p) => p.invoice.customerKey));
      if (customers.size > 1) {
        throw new ReconciliationError(
          'CREDIT_CUSTOMER_UNCLEAR',
          `${fromCents(restCents)} ${currency} of the entry is not allocated and the invoices are of different customers: ` +
            "allocate the whole amount, or split it among one customer's invoices so the rest becomes that customer's credit",
        );
      }
      credit = { customerKey: [...customers][0], amount: fromCents(restCents), currency };
    }
    const decision: Extract<EntryDecision, { kind: 'matched' }> = {
      kind: 'matched',
      rule: 'manual',
      allocations,
      ...(credit ? { credit } : {}),
      ...(converted.text ? { conversion: converted.text } : {}),
      reason,
    };
    const decisionId = crypto.randomUUID();
    const row = await recordDecision(client, entry, clerk, {
      id: decisionId,
      action,
      note,
      allocations: allocations.map((a) => ({
        ...a,
        currency,
        paymentKey: manualPaymentKey(decisionId, a.invoiceId),
      })),
      decision,
      state: 'matched',
    });
    await writeDecisionMoney(client, issuerId, entry.id, entry.key, money, decision, decisionId);
    const toSend: InvoicePayment[] = [];
    for (const a of allocations) {
      const stored = await getPayment(client, manualPaymentKey(decisionId, a.invoiceId));
      if (stored) toSend.push(stored);
    }
    return { decision: row, toSend, withdrawn: [] };
  });
}

/** The key a manual decision's share for one invoice is recorded under (ledger.writeDecisionMoney makes the same). */
export function manualPaymentKey(decisionId: string, invoiceId: string): string {
  return `manual:${decisionId}:${invoiceId}`;
}

function convertEntry(entry: StatementEntry, invoiceCurrency: string): { cents: bigint; text?: string } {
  const cents = toCents(entry.amount);
  // The ledger writes a converted decision's payments in EUR: BGN to EUR is the one conversion a clerk's match gets.
  const allowed =
    entry.currency === invoiceCurrency || (entry.currency === 'BGN' && invoiceCurrency === 'EUR');
  const converted = allowed ? convert(cents, entry.currency, invoiceCurrency) : undefined;
  if (!converted) {
    throw new ReconciliationError(
      'CURRENCY_MISMATCH',
      `the entry is in ${entry.currency} and the invoice in ${invoiceCurrency}: the hub converts only BGN to EUR, at the fixed rate 1.95583`,
    );
  }
  return converted;
}

function requireNote(note: string | undefined): string {
  const trimmed = (note ?? '').trim();
  if (!trimmed)
    throw new ReconciliationError('NOTE_REQUIRED', 'say why in the note: it is kept with the decision');
  if (trimmed.length > MAX_NOTE_LENGTH) {
    throw new ReconciliationError('NOTE_REQUIRED', `the note is longer than ${MAX_NOTE_LENGTH} characters`);
  }
  return trimmed;
}

function requireUnchanged(entry: LockedEntry, seenDecidedAt: string | undefined): void {
  if (seenDecidedAt === undefined) return;
  if (Date.parse(seenDecidedAt) === entry.decidedAt.getTime()) return;
  throw new ReconciliationError(
    'ENTRY_CHANGED',
    `the entry was decided again since you opened it (${describeDecider(entry)}, ${entry.decidedAt.toISOString()}, now ${entry.state}): look at it again`,
  );
}

function requireOpen(entry: LockedEntry): void {
  if (OPEN_STATES.includes(entry.state)) return;
  throw new ReconciliationError(
    'ENTRY_ALREADY_DECIDED',
    `the entry is already ${entry.state} (${describeDecider(entry)}, ${entry.decidedAt.toISOString()}): undo that decision first`,
  );
}

function describeDecider(entry: LockedEntry): string {
  return entry.decidedByEmail ? `by ${entry.decidedByEmail}` : 'by the matcher';
}

function requirePayable(invoice: LockedInvoice): void {
  const refuse = (why: string): never => {
    throw new ReconciliationError('INVOICE_NOT_PAYABLE', `invoice ${invoice.number} ${why}`);
  };
  if (invoice.status === 'cancelled' || invoice.status === 'rejected')
    refuse(`is ${invoice.status}: it takes no payment`);
  if (!invoice.archived || !invoice.summary?.total) refuse('has not been delivered yet: it takes no payment');
  if (invoice.summary.kind === 'CreditNote') refuse('is a credit note: it is not paid');
  if (invoice.outstandingCents <= 0n) {
    throw new ReconciliationError(
      'INVOICE_PAID',
      `invoice ${invoice.number} is paid in full: it owes nothing`,
    );
  }
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------------------------
// Rows

interface LockedEntry {
  id: string;
  issuerId: string;
  importId: string;
  key: string;
  entry: StatementEntry;
  decision: EntryDecision;
  state: EntryState;
  decidedAt: Date;
  decidedBy: string | null;
  decidedByEmail: string | null;
}

async function lockEntry(client: PoolClient, issuerId: string, entryId: string): Promise<LockedEntry> {
  const missing = () =>
    new ReconciliationError('ENTRY_NOT_FOUND', 'there is no such statement entry among yours');
  if (!UUID.test(entryId)) throw missing();
  const { rows } = await client.query<{
    id: string;
    issuer_id: string;
    import_id: string;
    entry_key: string;
    entry: StatementEntry;
    decision: EntryDecision;
    state: EntryState;
    decided_at: Date;
    decided_by: string | null;
  }>(
    `select id, issuer_id, import_id, entry_key, entry, decision, state, decided_at, decided_by
       from statement_entries where id = $1 and issuer_id = $2 for update`,
    [entryId, issuerId],
  );
  const row = rows[0];
  if (!row) throw missing();
  const emails = await userEmails(client, row.decided_by ? [row.decided_by] : []);
  return {
    id: row.id,
    issuerId: row.issuer_id,
    importId: row.import_id,
    key: row.entry_key,
    entry: row.entry,
    decision: row.decision,
    state: row.state,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    decidedByEmail: row.decided_by ? (emails.get(row.decided_by) ?? null) : null,
  };
}

interface LockedInvoice {
  id: string;
  issuerId: string;
  number: string;
  status: string;
  summary: InvoiceSummary;
  archived: boolean;
  customerKey: string;
  outstandingCents: bigint;
}

/**
 * The invoices a decision pays, locked until it commits: two clerks paying the same invoice at once are taken one
 * after the other, so the second sees what the first left owing.
 */
async function lockInvoices(client: PoolClient, ids: string[]): Promise<Map<string, LockedInvoice>> {
  const valid = [...new Set(ids.filter((id) => UUID.test(id)))];
  if (valid.length === 0) return new Map();
  const { rows } = await client.query<{
    id: string;
    issuer_id: string;
    number: string;
    status: string;
    summary: InvoiceSummary;
    recipient_email: string | null;
    archived: boolean;
  }>(
    `select i.id, i.issuer_id, i.number, i.status, i.summary, i.recipient_email,
            exists (select 1 from invoice_archive a where a.invoice_id = i.id) as archived
       from invoices i where i.id = any($1::uuid[]) order by i.id for update of i`,
    [valid],
  );
  const paid = await paidByInvoice(client, valid);
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        issuerId: row.issuer_id,
        number: row.number,
        status: row.status,
        summary: row.summary,
        archived: row.archived,
        customerKey: customerKeyOf(row.summary?.customer, row.recipient_email),
        outstandingCents: toCents(row.summary?.total ?? '0') - (paid.get(row.id) ?? 0n),
      },
    ]),
  );
}

/** What the ledger's live payments (pending or recorded) add up to per invoice, in hundredths. */
async function paidByInvoice(client: Db | PoolClient, ids: string[]): Promise<Map<string, bigint>> {
  const { rows } = await client.query<{ invoice_id: string; paid: string }>(
    `select invoice_id, sum(amount::numeric)::text as paid from invoice_payments
      where invoice_id = any($1::uuid[]) and state in ('pending', 'recorded') group by invoice_id`,
    [ids],
  );
  return new Map(rows.map((r) => [r.invoice_id, toCents(r.paid)]));
}

/**
 * The payments the entry's current decision made that still count: pending or recorded, not yet reversed, and not
 * themselves the work of an undo (an earlier undo's reversals stay as they are).
 */
async function livePaymentsOfEntry(client: PoolClient, entryId: string): Promise<InvoicePayment[]> {
  const { rows } = await client.query<{ payment_key: string }>(
    `select p.payment_key from invoice_payments p
      where p.entry_id = $1 and p.state in ('pending', 'recorded')
        and not exists (select 1 from invoice_payments r
                         where r.reversal_of = p.payment_key and r.state in ('pending', 'recorded'))
        and (p.decision_id is null or p.decision_id not in
              (select d.id from reconciliation_decisions d where d.entry_id = $1 and d.action = 'undo'))
      order by p.created_at, p.payment_key
      for update of p`,
    [entryId],
  );
  const payments: InvoicePayment[] = [];
  for (const row of rows) {
    const payment = await getPayment(client, row.payment_key);
    if (payment) payments.push(payment);
  }
  return payments;
}

async function latestDecisionRow(client: PoolClient, entryId: string): Promise<ManualDecision | undefined> {
  const rows = await decisionRows(client, entryId);
  return rows[rows.length - 1];
}

async function recordDecision(
  client: PoolClient,
  entry: LockedEntry,
  clerk: Clerk,
  made: {
    id?: string;
    action: ReconciliationAction;
    note: string;
    allocations: DecisionShare[];
    decision: EntryDecision;
    state: EntryState;
    undoes?: string;
  },
): Promise<ManualDecision> {
  const id = made.id ?? crypto.randomUUID();
  const previous: PreviousDecision = {
    state: entry.state,
    decision: entry.decision,
    decidedAt: entry.decidedAt.toISOString(),
    ...(entry.decidedBy ? { decidedBy: entry.decidedBy } : {}),
  };
  // now() is the transaction's time: the entry's decided_at and the row's decided_at are the same instant.
  await client.query(
    `update statement_entries set decision = $2::jsonb, state = $3, decided_at = now(), decided_by = $4 where id = $1`,
    [entry.id, JSON.stringify(made.decision), made.state, clerk.userId],
  );
  const { rows } = await client.query<{ decided_at: Date }>(
    `insert into reconciliation_decisions (id, issuer_id, entry_id, action, allocations, note, previous, decided_by, undoes)
     values ($1, $2, $3, $4, $5::jsonb, $6, $7::jsonb, $8, $9)
     returning decided_at`,
    [
      id,
      entry.issuerId,
      entry.id,
      made.action,
      JSON.stringify(made.allocations),
      made.note,
      JSON.stringify(previous),
      clerk.userId,
      made.undoes ?? null,
    ],
  );
  return {
    id,
    entryId: entry.id,
    action: made.action,
    allocations: made.allocations,
    note: made.note,
    previous,
    decidedBy: { userId: clerk.userId, email: clerk.email },
    decidedAt: rows[0].decided_at.toISOString(),
    undoes: made.undoes,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reading: history, payments, candidates

/** Every clerk's decision on the entry, oldest first, with who made it. */
export async function decisionHistory(db: Db | PoolClient, entryId: string): Promise<ManualDecision[]> {
  return decisionRows(db, entryId);
}

async function decisionRows(db: Db | PoolClient, entryId: string): Promise<ManualDecision[]> {
  const { rows } = await db.query<{
    id: string;
    entry_id: string;
    action: ReconciliationAction;
    allocations: DecisionShare[];
    note: string;
    previous: PreviousDecision;
    decided_by: string;
    email: string | null;
    decided_at: Date;
    undoes: string | null;
  }>(
    `select d.id, d.entry_id, d.action, d.allocations, d.note, d.previous, d.decided_by, u.email, d.decided_at, d.undoes
       from reconciliation_decisions d left join users u on u.id = d.decided_by
      where d.entry_id = $1 order by d.decided_at, d.id`,
    [entryId],
  );
  return rows.map((r) => ({
    id: r.id,
    entryId: r.entry_id,
    action: r.action,
    allocations: r.allocations,
    note: r.note,
    previous: r.previous,
    decidedBy: { userId: r.decided_by, email: r.email ?? '' },
    decidedAt: r.decided_at.toISOString(),
    undoes: r.undoes ?? undefined,
  }));
}

/** The latest clerk's decision of each of these entries (what made their current state, unless the matcher did). */
export async function latestDecisions(
  db: Db | PoolClient,
  entryIds: string[],
): Promise<Map<string, ManualDecision>> {
  if (entryIds.length === 0) return new Map();
  const { rows } = await db.query<{ entry_id: string }>(
    `select distinct entry_id from reconciliation_decisions where entry_id = any($1::uuid[])`,
    [entryIds],
  );
  const latest = new Map<string, ManualDecision>();
  for (const { entry_id } of rows) {
    const history = await decisionRows(db, entry_id);
    latest.set(entry_id, history[history.length - 1]);
  }
  return latest;
}

export interface EntryPayment {
  key: string;
  invoiceId: string;
  invoiceNumber: string;
  source: InvoicePayment['source'];
  amount: string;
  currency: string;
  paidAt: string;
  reason: string;
  reversalOf?: string;
  state: PaymentState;
  refusal?: string;
  createdAt: string;
}

/** Every payment the entry made or undid, whatever became of it, oldest first. */
export async function paymentsOfEntry(db: Db | PoolClient, entryId: string): Promise<EntryPayment[]> {
  const { rows } = await db.query<{
    payment_key: string;
    invoice_id: string;
    number: string;
    source: InvoicePayment['source'];
    amount: string;
    currency: string;
    paid_at: string;
    reason: string;
    reversal_of: string | null;
    state: PaymentState;
    refusal: string | null;
    created_at: Date;
  }>(
    `select p.payment_key, p.invoice_id, i.number, p.source, p.amount, p.currency, p.paid_at, p.reason, p.reversal_of,
            p.state, p.refusal, p.created_at
       from invoice_payments p join invoices i on i.id = p.invoice_id
      where p.entry_id = $1 order by p.created_at, p.payment_key`,
    [entryId],
  );
  return rows.map((r) => ({
    key: r.payment_key,
    invoiceId: r.invoice_id,
    invoiceNumber: r.number,
    source: r.source,
    amount: r.amount,
    currency: r.currency,
    paidAt: r.paid_at,
    reason: r.reason,
    reversalOf: r.reversal_of ?? undefined,
    state: r.state,
    refusal: r.refusal ?? undefined,
    createdAt: r.created_at.toISOString(),
  }));
}

export interface EntryCredit {
  customerKey: string;
  amount: string;
  currency: string;
  reason: string;
  createdAt: string;
  withdrawnAt?: string;
}

/** The customer's credit the entry made (withdrawn ones too: an undo withdraws it). */
export async function creditsOfEntry(db: Db | PoolClient, entryId: string): Promise<EntryCredit[]> {
  const { rows } = await db.query<{
    customer_key: string;
    amount: string;
    currency: string;
    reason: string;
    created_at: Date;
    withdrawn_at: Date | null;
  }>(
    `select customer_key, amount, currency, reason, created_at, withdrawn_at from customer_credits
      where entry_id = $1 order by created_at`,
    [entryId],
  );
  return rows.map((r) => ({
    customerKey: r.customer_key,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
    withdrawnAt: r.withdrawn_at?.toISOString(),
  }));
}

/** An invoice as a clerk weighs it for an entry: what it owes now, and whether a decision may pay it. */
export interface InvoiceFacts {
  invoiceId: string;
  number: string;
  status: string;
  issueDate: string;
  dueDate?: string;
  currency: string;
  total: string;
  outstanding: string;
  customerName?: string;
  customerEmail?: string;
  /** Why a decision may not pay it (cancelled, rejected, a credit note, paid in full), or undefined when it may. */
  notPayable?: 'cancelled' | 'rejected' | 'credit note' | 'not delivered' | 'paid';
}

export interface InvoiceQuery {
  ids?: string[];
  /** Part of the invoice number. */
  number?: string;
  /** The invoice's total or what it still owes. */
  amount?: string;
  /** Part of the customer's name, VAT number or e-mail address. */
  customer?: string;
  /** Only invoices a decision may pay (for the clerk's search). */
  payableOnly?: boolean;
  limit?: number;
}

/** The issuer's invoices for the review queue and the clerk's search, newest first. */
export async function invoiceFacts(
  db: Db | PoolClient,
  issuerId: string,
  query: InvoiceQuery,
): Promise<InvoiceFacts[]> {
  const ids = query.ids?.filter((id) => UUID.test(id));
  if (query.ids && ids?.length === 0) return [];
  const like = (text: string | undefined) =>
    text?.trim() ? `%${text.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const amount = query.amount?.trim().replace(',', '.');
  const { rows } = await db.query<{
    id: string;
    number: string;
    status: string;
    summary: InvoiceSummary;
    recipient_email: string | null;
    archived: boolean;
    paid: string | null;
  }>(
    `select i.id, i.number, i.status, i.summary, i.recipient_email,
            exists (select 1 from invoice_archive a where a.invoice_id = i.id) as archived, p.paid
       from invoices i
       left join lateral (select sum(amount::numeric)::text as paid from invoice_payments
                           where invoice_id = i.id and state in ('pending', 'recorded')) p on true
      where i.issuer_id = $1
        and ($2::uuid[] is null or i.id = any($2::uuid[]))
        and ($3::text is null or i.number ilike $3)
        and ($4::numeric is null or (i.summary ->> 'total')::numeric = $4::numeric
             or (i.summary ->> 'total')::numeric - coalesce(p.paid::numeric, 0) = $4::numeric)
        and ($5::text is null or i.summary -> 'customer' ->> 'name' ilike $5
             or i.summary -> 'customer' ->> 'vatId' ilike $5 or i.recipient_email ilike $5)
        and (not $6 or (i.status not in ('cancelled', 'rejected') and i.summary ->> 'kind' = 'Invoice'
             and exists (select 1 from invoice_archive a where a.invoice_id = i.id)
             and (i.summary ->> 'total')::numeric - coalesce(p.paid::numeric, 0) > 0))
      order by i.received_at desc, i.id
      limit $7`,
    [
      issuerId,
      ids ?? null,
      like(query.number),
      amount && SHARE_AMOUNT.test(amount) ? amount : null,
      like(query.customer),
      query.payableOnly ?? false,
      Math.min(query.limit ?? 20, 100),
    ],
  );
  return rows.map((row) => {
    const total = row.summary?.total ?? '0.00';
    const owed = toCents(total) - toCents(row.paid ?? '0');
    const notPayable: InvoiceFacts['notPayable'] =
      row.status === 'cancelled' || row.status === 'rejected'
        ? row.status
        : row.summary?.kind === 'CreditNote'
          ? 'credit note'
          : !row.archived
            ? 'not delivered'
            : owed <= 0n
              ? 'paid'
              : undefined;
    return {
      invoiceId: row.id,
      number: row.number,
      status: row.status,
      issueDate: row.summary?.issueDate ?? '',
      dueDate: row.summary?.dueDate,
      currency: row.summary?.currency ?? '',
      total,
      outstanding: fromCents(owed > 0n ? owed : 0n),
      customerName: row.summary?.customer?.name,
      customerEmail: row.summary?.customer?.email ?? row.recipient_email ?? undefined,
      notPayable,
    };
  });
}

/** The addresses of these users (who decided), by id. */
export async function userEmails(db: Db | PoolClient, ids: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const { rows } = await db.query<{ id: string; email: string }>(
    'select id, email from users where id = any($1::uuid[])',
    [wanted],
  );
  return new Map(rows.map((r) => [r.id, r.email]));
}

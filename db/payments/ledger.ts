import crypto from 'node:crypto';
import type { PoolClient } from 'pg';
import { fromCents, toCents } from '../../domain/money';
import type { EntryDecision, StatementEntry } from '../../domain/payments/model';
import type { Db } from '../index';

/**
 * The payments ledger: statement entries with their decision, the money applied to invoices (`invoice_payments`),
 * customers' credits. A payment row is written with its entry in one transaction, `pending`, and becomes `recorded`
 * once the invoice's lifecycle has taken it under the same key: whatever crashes between, the key makes it once.
 */

export type PaymentSource = 'statement' | 'provider' | 'manual';
export type PaymentState = 'pending' | 'recorded' | 'refused' | 'withdrawn';
export type EntryState = 'matched' | 'review' | 'not-a-payment' | 'ignored';

export interface NewPayment {
  key: string;
  invoiceId: string;
  source: PaymentSource;
  amount: string;
  currency: string;
  paidAt: string;
  reason: string;
  /** The key of the payment this one reverses. */
  reversalOf?: string;
  orderId?: string;
  decisionId?: string;
}

export interface InvoicePayment extends NewPayment {
  id: string;
  issuerId: string;
  entryId?: string;
  state: PaymentState;
  refusal?: string;
  createdAt: string;
  recordedAt?: string;
}

export interface DecidedEntry {
  key: string;
  position: number;
  entry: StatementEntry;
  decision: EntryDecision;
}

/** The key under which an entry's share for one invoice is recorded in that invoice's lifecycle. */
export function statementPaymentKey(entryKey: string, invoiceId: string): string {
  return `statement:${entryKey}:${invoiceId}`;
}

export function stateOfDecision(decision: EntryDecision): EntryState {
  return decision.kind === 'matched' ? 'matched' : decision.kind;
}

/** The keys among `keys` that this issuer's ledger already holds (an overlapping or repeated statement). */
export async function knownEntryKeys(
  db: Db | PoolClient,
  issuerId: string,
  keys: string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await db.query<{ entry_key: string }>(
    'select entry_key from statement_entries where issuer_id = $1 and entry_key = any($2::text[])',
    [issuerId, keys],
  );
  return new Set(rows.map((r) => r.entry_key));
}

/**
 * Writes decided entries, each once, with the payments and credit their decision makes: one multi-row insert for the
 * entries, one for their payments. An entry whose key is already there (another import took it first) writes nothing.
 * Returns how many entries were new.
 */
export async function writeDecidedEntries(
  client: PoolClient,
  issuerId: string,
  importId: string,
  decided: DecidedEntry[],
): Promise<number> {
  if (decided.length === 0) return 0;
  const inserted = await client.query<{ id: string; entry_key: string }>(
    `insert into statement_entries (id, issuer_id, import_id, entry_key, position, booking_date, amount, currency,
                                    direction, reversal, counterparty_name, counterparty_iban, entry, decision, state)
     select r.id, $1, $2, r.entry_key, r.position, r.booking_date, r.amount, r.currency, r.direction, r.reversal,
            r.counterparty_name, r.counterparty_iban, r.entry, r.decision, r.state
       from unnest($3::uuid[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[], $10::boolean[],
                   $11::text[], $12::text[], $13::jsonb[], $14::jsonb[], $15::text[])
            as r(id, entry_key, position, booking_date, amount, currency, direction, reversal, counterparty_name,
                 counterparty_iban, entry, decision, state)
     on conflict (issuer_id, entry_key) do nothing
     returning id, entry_key`,
    [
      issuerId,
      importId,
      decided.map(() => crypto.randomUUID()),
      decided.map((d) => d.key),
      decided.map((d) => d.position),
      decided.map((d) => d.entry.bookingDate),
      decided.map((d) => d.entry.amount),
      decided.map((d) => d.entry.currency),
      decided.map((d) => d.entry.direction),
      decided.map((d) => d.entry.reversal),
      decided.map((d) => d.entry.counterparty?.name ?? null),
      decided.map((d) => d.entry.counterparty?.iban ?? null),
      decided.map((d) => JSON.stringify(d.entry)),
      decided.map((d) => JSON.stringify(d.decision)),
      decided.map((d) => stateOfDecision(d.decision)),
    ],
  );
  const idOf = new Map(inserted.rows.map((row) => [row.entry_key, row.id]));
  const money = new DecisionMoney();
  for (const item of decided) {
    const entryId = idOf.get(item.key);
    if (entryId && item.decision.kind === 'matched') {
      await money.add(client, entryId, item.key, item.entry, item.decision);
    }
  }
  await money.write(client, issuerId);
  return idOf.size;
}

/** The payments (and the credit) a matched decision makes for one entry. */
export async function writeDecisionMoney(
  client: PoolClient,
  issuerId: string,
  entryId: string,
  entryKey: string,
  entry: StatementEntry,
  decision: Extract<EntryDecision, { kind: 'matched' }>,
  decisionId?: string,
): Promise<void> {
  const money = new DecisionMoney();
  await money.add(client, entryId, entryKey, entry, decision, decisionId);
  await money.write(client, issuerId);
}

/** Payments and credits collected from decisions, written with one insert each. */
class DecisionMoney {
  /** Payments reversed by decisions collected here: two reversals in one chunk never undo the same payment. */
  private readonly reversed = new Set<string>();
  private readonly payments: { entryId: string; payment: NewPayment }[] = [];
  private readonly credits: {
    entryId: string;
    customerKey: string;
    amount: string;
    currency: string;
    reason: string;
  }[] = [];

  async add(
    client: PoolClient,
    entryId: string,
    entryKey: string,
    entry: StatementEntry,
    decision: Extract<EntryDecision, { kind: 'matched' }>,
    decisionId?: string,
  ): Promise<void> {
    for (const allocation of decision.allocations) {
      const reversalOf =
        toCents(allocation.amount) < 0n
          ? await reversedPaymentKey(client, allocation.invoiceId, allocation.amount, this.reversed)
          : undefined;
      if (reversalOf) this.reversed.add(reversalOf);
      this.payments.push({
        entryId,
        payment: {
          key: decisionId
            ? `manual:${decisionId}:${allocation.invoiceId}`
            : statementPaymentKey(entryKey, allocation.invoiceId),
          invoiceId: allocation.invoiceId,
          source: decisionId ? 'manual' : 'statement',
          amount: allocation.amount,
          currency: invoiceCurrencyOf(entry, decision),
          paidAt: entry.valueDate ?? entry.bookingDate,
          reason: decision.conversion ? `${allocation.reason}; ${decision.conversion}` : allocation.reason,
          reversalOf,
          decisionId,
        },
      });
    }
    if (decision.credit && toCents(decision.credit.amount) > 0n) {
      this.credits.push({ entryId, ...decision.credit, reason: `overpayment: ${decision.reason}` });
    }
  }

  async write(client: PoolClient, issuerId: string): Promise<void> {
    if (this.payments.length > 0) await insertPayments(client, issuerId, this.payments);
    if (this.credits.length === 0) return;
    await client.query(
      `insert into customer_credits (id, issuer_id, customer_key, amount, currency, entry_id, reason)
       select gen_random_uuid(), $1, c.customer_key, c.amount, c.currency, c.entry_id, c.reason
         from unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::text[])
              as c(customer_key, amount, currency, entry_id, reason)`,
      [
        issuerId,
        this.credits.map((c) => c.customerKey),
        this.credits.map((c) => c.amount),
        this.credits.map((c) => c.currency),
        this.credits.map((c) => c.entryId),
        this.credits.map((c) => c.reason),
      ],
    );
  }
}

/** Entries in BGN pay EUR invoices (converted at the fixed rate); every other match is in the entry's currency. */
function invoiceCurrencyOf(
  entry: StatementEntry,
  decision: Extract<EntryDecision, { kind: 'matched' }>,
): string {
  return decision.conversion ? 'EUR' : entry.currency;
}

/** The latest live payment of the invoice that a reversal of `amount` (negative) undoes. */
async function reversedPaymentKey(
  client: PoolClient,
  invoiceId: string,
  amount: string,
  taken: ReadonlySet<string> = new Set(),
): Promise<string | undefined> {
  const { rows } = await client.query<{ payment_key: string; amount: string }>(
    `select p.payment_key, p.amount from invoice_payments p
      where p.invoice_id = $1 and p.state in ('pending', 'recorded') and p.reversal_of is null
        and not exists (select 1 from invoice_payments r where r.reversal_of = p.payment_key)
      order by p.created_at desc`,
    [invoiceId],
  );
  const wanted = -toCents(amount);
  const open = rows.filter((r) => !taken.has(r.payment_key));
  return (open.find((r) => toCents(r.amount) === wanted) ?? open[0])?.payment_key;
}

/** Many payments in one insert; a key already there writes nothing. */
async function insertPayments(
  client: Db | PoolClient,
  issuerId: string,
  rows: { entryId: string | undefined; payment: NewPayment }[],
): Promise<void> {
  await client.query(
    `insert into invoice_payments (id, payment_key, invoice_id, issuer_id, source, entry_id, order_id, decision_id,
                                   amount, currency, paid_at, reason, reversal_of)
     select gen_random_uuid(), p.payment_key, p.invoice_id, $1, p.source, p.entry_id, p.order_id, p.decision_id,
            p.amount, p.currency, p.paid_at, p.reason, p.reversal_of
       from unnest($2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[], $8::text[], $9::text[],
                   $10::text[], $11::text[], $12::text[])
            as p(payment_key, invoice_id, source, entry_id, order_id, decision_id, amount, currency, paid_at, reason,
                 reversal_of)
     on conflict (payment_key) do nothing`,
    [
      issuerId,
      rows.map((r) => r.payment.key),
      rows.map((r) => r.payment.invoiceId),
      rows.map((r) => r.payment.source),
      rows.map((r) => r.entryId ?? null),
      rows.map((r) => r.payment.orderId ?? null),
      rows.map((r) => r.payment.decisionId ?? null),
      rows.map((r) => r.payment.amount),
      rows.map((r) => r.payment.currency),
      rows.map((r) => r.payment.paidAt),
      rows.map((r) => r.payment.reason),
      rows.map((r) => r.payment.reversalOf ?? null),
    ],
  );
}

export async function insertPayment(
  client: Db | PoolClient,
  issuerId: string,
  entryId: string | undefined,
  payment: NewPayment,
): Promise<boolean> {
  const { rowCount } = await client.query(
    `insert into invoice_payments (id, payment_key, invoice_id, issuer_id, source, entry_id, order_id, decision_id,
                                   amount, currency, paid_at, reason, reversal_of)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
     on conflict (payment_key) do nothing`,
    [
      crypto.randomUUID(),
      payment.key,
      payment.invoiceId,
      issuerId,
      payment.source,
      entryId ?? null,
      payment.orderId ?? null,
      payment.decisionId ?? null,
      payment.amount,
      payment.currency,
      payment.paidAt,
      payment.reason,
      payment.reversalOf ?? null,
    ],
  );
  return rowCount === 1;
}

interface PaymentRow {
  id: string;
  payment_key: string;
  invoice_id: string;
  issuer_id: string;
  source: PaymentSource;
  entry_id: string | null;
  order_id: string | null;
  decision_id: string | null;
  amount: string;
  currency: string;
  paid_at: string;
  reason: string;
  reversal_of: string | null;
  state: PaymentState;
  refusal: string | null;
  created_at: Date;
  recorded_at: Date | null;
}

const PAYMENT_COLUMNS =
  'id, payment_key, invoice_id, issuer_id, source, entry_id, order_id, decision_id, amount, currency, paid_at, reason, reversal_of, state, refusal, created_at, recorded_at';

const toPayment = (row: PaymentRow): InvoicePayment => ({
  id: row.id,
  key: row.payment_key,
  invoiceId: row.invoice_id,
  issuerId: row.issuer_id,
  source: row.source,
  entryId: row.entry_id ?? undefined,
  orderId: row.order_id ?? undefined,
  decisionId: row.decision_id ?? undefined,
  amount: row.amount,
  currency: row.currency,
  paidAt: row.paid_at,
  reason: row.reason,
  reversalOf: row.reversal_of ?? undefined,
  state: row.state,
  refusal: row.refusal ?? undefined,
  createdAt: row.created_at.toISOString(),
  recordedAt: row.recorded_at?.toISOString(),
});

/** Payments of an import's entries that the lifecycles have not taken yet, in statement order. */
export async function pendingPaymentsOfImport(
  db: Db | PoolClient,
  importId: string,
): Promise<InvoicePayment[]> {
  const { rows } = await db.query<PaymentRow>(
    `select ${PAYMENT_COLUMNS.split(', ')
      .map((c) => `p.${c}`)
      .join(', ')}
       from invoice_payments p join statement_entries e on e.id = p.entry_id
      where e.import_id = $1 and p.state = 'pending'
      order by e.position, p.created_at, p.payment_key`,
    [importId],
  );
  return rows.map(toPayment);
}

/** Every pending payment of an issuer (manual decisions, provider notifications, statements). */
export async function pendingPaymentsOfIssuer(
  db: Db | PoolClient,
  issuerId: string,
): Promise<InvoicePayment[]> {
  const { rows } = await db.query<PaymentRow>(
    `select ${PAYMENT_COLUMNS} from invoice_payments where issuer_id = $1 and state = 'pending' order by created_at`,
    [issuerId],
  );
  return rows.map(toPayment);
}

export async function getPayment(db: Db | PoolClient, key: string): Promise<InvoicePayment | undefined> {
  const { rows } = await db.query<PaymentRow>(
    `select ${PAYMENT_COLUMNS} from invoice_payments where payment_key = $1`,
    [key],
  );
  return rows[0] && toPayment(rows[0]);
}

export async function paymentsOfInvoice(db: Db | PoolClient, invoiceId: string): Promise<InvoicePayment[]> {
  const { rows } = await db.query<PaymentRow>(
    `select ${PAYMENT_COLUMNS} from invoice_payments where invoice_id = $1 order by created_at, payment_key`,
    [invoiceId],
  );
  return rows.map(toPayment);
}

export async function markPaymentRecorded(db: Db | PoolClient, key: string): Promise<void> {
  await db.query(
    `update invoice_payments set state = 'recorded', recorded_at = now() where payment_key = $1 and state = 'pending'`,
    [key],
  );
}

/** The lifecycle refused the payment (the invoice was cancelled meanwhile…): kept with the reason, for review. */
export async function markPaymentRefused(db: Db | PoolClient, key: string, refusal: string): Promise<void> {
  await db.query(
    `update invoice_payments set state = 'refused', refusal = $2 where payment_key = $1 and state = 'pending'`,
    [key, refusal],
  );
}

/** Sum of an invoice's live payments (pending or recorded), as an exact decimal. */
export function sumOf(payments: Pick<InvoicePayment, 'amount' | 'state'>[]): string {
  return fromCents(
    payments
      .filter((p) => p.state === 'pending' || p.state === 'recorded')
      .reduce((sum, p) => sum + toCents(p.amount), 0n),
  );
}

/** A matched entry whose payment the lifecycle refused goes back to the review queue, saying why. */
export async function returnEntryToReview(
  db: Db | PoolClient,
  entryId: string,
  reason: string,
): Promise<void> {
  await db.query(
    `update statement_entries
        set state = 'review',
            decision = jsonb_build_object('kind', 'review', 'reason', $2::text, 'candidates', '[]'::jsonb,
                                          'previous', decision),
            decided_at = now()
      where id = $1 and state = 'matched'`,
    [entryId, reason],
  );
}

export interface ImportCounts {
  entries: number;
  matched: number;
  review: number;
  notAPayment: number;
  ignored: number;
}

/** How the entries an import brought were decided, as they stand now. */
export async function countImportEntries(db: Db | PoolClient, importId: string): Promise<ImportCounts> {
  const { rows } = await db.query<{ state: EntryState; n: string }>(
    'select state, count(*) as n from statement_entries where import_id = $1 group by state',
    [importId],
  );
  const of = (state: EntryState) => Number(rows.find((r) => r.state === state)?.n ?? 0);
  const counts = {
    matched: of('matched'),
    review: of('review'),
    notAPayment: of('not-a-payment'),
    ignored: of('ignored'),
  };
  return { entries: counts.matched + counts.review + counts.notAPayment + counts.ignored, ...counts };
}

export interface LedgerEntry {
  id: string;
  importId: string;
  key: string;
  position: number;
  entry: StatementEntry;
  decision: EntryDecision;
  state: EntryState;
  decidedAt: string;
  decidedBy?: string;
}

interface EntryRow {
  id: string;
  import_id: string;
  entry_key: string;
  position: number;
  entry: StatementEntry;
  decision: EntryDecision;
  state: EntryState;
  decided_at: Date;
  decided_by: string | null;
}

const ENTRY_COLUMNS = 'id, import_id, entry_key, position, entry, decision, state, decided_at, decided_by';

const toLedgerEntry = (row: EntryRow): LedgerEntry => ({
  id: row.id,
  importId: row.import_id,
  key: row.entry_key,
  position: row.position,
  entry: row.entry,
  decision: row.decision,
  state: row.state,
  decidedAt: row.decided_at.toISOString(),
  decidedBy: row.decided_by ?? undefined,
});

/** An import's entries in statement order, optionally of one state. */
export async function entriesOfImport(
  db: Db | PoolClient,
  importId: string,
  options: { state?: EntryState; limit?: number } = {},
): Promise<LedgerEntry[]> {
  const { rows } = await db.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from statement_entries
      where import_id = $1 and ($2::text is null or state = $2) order by position limit $3`,
    [importId, options.state ?? null, options.limit ?? 1000],
  );
  return rows.map(toLedgerEntry);
}

/** The issuer's review queue: entries no rule could decide, oldest booking first. */
export async function reviewQueue(
  db: Db | PoolClient,
  issuerId: string,
  limit = 200,
): Promise<LedgerEntry[]> {
  const { rows } = await db.query<EntryRow>(
    `select ${ENTRY_COLUMNS} from statement_entries where issuer_id = $1 and state = 'review'
      order by booking_date, id limit $2`,
    [issuerId, limit],
  );
  return rows.map(toLedgerEntry);
}

export async function getLedgerEntry(
  db: Db | PoolClient,
  id: string,
): Promise<(LedgerEntry & { issuerId: string }) | undefined> {
  const { rows } = await db.query<EntryRow & { issuer_id: string }>(
    `select ${ENTRY_COLUMNS}, issuer_id from statement_entries where id = $1`,
    [id],
  );
  return rows[0] && { ...toLedgerEntry(rows[0]), issuerId: rows[0].issuer_id };
}

export interface CustomerCredit {
  id: string;
  customerKey: string;
  amount: string;
  currency: string;
  reason: string;
  createdAt: string;
}

/** The live credits of the customer an invoice is addressed to (overpayments), for both sides to see. */
export async function creditsOfCustomer(
  db: Db | PoolClient,
  issuerId: string,
  customerKey: string,
): Promise<CustomerCredit[]> {
  const { rows } = await db.query<{
    id: string;
    customer_key: string;
    amount: string;
    currency: string;
    reason: string;
    created_at: Date;
  }>(
    `select id, customer_key, amount, currency, reason, created_at from customer_credits
      where issuer_id = $1 and customer_key = $2 and withdrawn_at is null order by created_at`,
    [issuerId, customerKey],
  );
  return rows.map((r) => ({
    id: r.id,
    customerKey: r.customer_key,
    amount: r.amount,
    currency: r.currency,
    reason: r.reason,
    createdAt: r.created_at.toISOString(),
  }));
}

/** Provider and manual payments left pending for a while (the gateway that wrote them died before recording them). */
export async function stalePendingPayments(
  db: Db | PoolClient,
  olderThanSeconds: number,
): Promise<InvoicePayment[]> {
  const { rows } = await db.query<PaymentRow>(
    `select ${PAYMENT_COLUMNS} from invoice_payments
      where state = 'pending' and source <> 'statement' and created_at < now() - make_interval(secs => $1)
      order by created_at limit 500`,
    [olderThanSeconds],
  );
  return rows.map(toPayment);
}

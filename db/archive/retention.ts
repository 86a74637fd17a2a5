import type { PoolClient } from 'pg';
import { countByType, type InvoiceReference, type PurgeListing } from '../../domain/archive/retention';
import { withTransaction, type Db } from '../index';

/**
 * Legal holds and purges (db/migrations/013_retention.sql). The database decides what may be deleted: these queries
 * only choose what to ask for, in the order foreign keys need, inside the one transaction the database checks.
 */

export interface ArchivedInvoice {
  id: string;
  number: string;
  issuerEik: string;
  retainUntil: string;
  workflowId: string;
}

const INVOICE_COLUMNS = `a.invoice_id as id, i.number, s.eik as issuer_eik,
  to_char(a.retain_until, 'YYYY-MM-DD') as retain_until, i.workflow_id`;
const INVOICE_FROM = `invoice_archive a join invoices i on i.id = a.invoice_id join issuers s on s.id = i.issuer_id`;

interface InvoiceRow {
  id: string;
  number: string;
  issuer_eik: string;
  retain_until: string;
  workflow_id: string;
}

const toInvoice = (row: InvoiceRow): ArchivedInvoice => ({
  id: row.id,
  number: row.number,
  issuerEik: row.issuer_eik,
  retainUntil: row.retain_until,
  workflowId: row.workflow_id,
});

export async function findArchivedInvoice(
  db: Db | PoolClient,
  reference: InvoiceReference,
): Promise<ArchivedInvoice | undefined> {
  const [where, params] =
    'id' in reference
      ? ['a.invoice_id = $1', [reference.id]]
      : ['s.eik = $1 and i.number = $2', [reference.issuerEik, reference.number]];
  const { rows } = await db.query<InvoiceRow>(
    `select ${INVOICE_COLUMNS} from ${INVOICE_FROM} where ${where}`,
    params,
  );
  return rows[0] && toInvoice(rows[0]);
}

/** The database's date: the one its triggers compare retention dates with. */
export async function databaseToday(db: Db | PoolClient): Promise<string> {
  const { rows } = await db.query<{ today: string }>(`select to_char(current_date, 'YYYY-MM-DD') as today`);
  return rows[0].today;
}

// ---- Legal holds

export interface HoldAction {
  id: number;
  invoiceId: string;
  invoiceNumber: string;
  issuerEik: string;
  action: 'hold' | 'release';
  reason: string;
  by: string;
  at: Date;
}

interface HoldRow {
  id: string;
  invoice_id: string;
  invoice_number: string;
  issuer_eik: string;
  action: 'hold' | 'release';
  reason: string;
  acted_by: string;
  acted_at: Date;
}

const toHold = (row: HoldRow): HoldAction => ({
  id: Number(row.id),
  invoiceId: row.invoice_id,
  invoiceNumber: row.invoice_number,
  issuerEik: row.issuer_eik,
  action: row.action,
  reason: row.reason,
  by: row.acted_by,
  at: row.acted_at,
});

/** The database refuses a hold on a held invoice, a release of one not held, and either on one not archived. */
export async function recordHoldAction(
  db: Db,
  entry: { invoiceId: string; action: 'hold' | 'release'; reason: string; by: string },
): Promise<HoldAction> {
  const { rows } = await db.query<HoldRow>(
    `insert into archive_holds (invoice_id, invoice_number, issuer_eik, action, reason, acted_by)
     values ($1, '', '', $2, $3, $4) returning *`,
    [entry.invoiceId, entry.action, entry.reason, entry.by],
  );
  return toHold(rows[0]);
}

/** Holds in force: invoices whose latest hold action is a hold, oldest first. */
export async function liveHolds(db: Db | PoolClient): Promise<HoldAction[]> {
  const { rows } = await db.query<HoldRow>(
    `select h.* from archive_holds h
      where h.action = 'hold' and h.id = (select max(x.id) from archive_holds x where x.invoice_id = h.invoice_id)
      order by h.id`,
  );
  return rows.map(toHold);
}

// ---- Purges

export interface PurgePlan {
  /** Past retention, free to go. */
  purgeable: ArchivedInvoice[];
  /** Past retention, kept: on hold, or named as the credit note of a dispute on an invoice that is kept. */
  kept: (ArchivedInvoice & { why: string })[];
}

/** Invoices whose retention date is before `before` and before today, with their live hold if any. */
export async function planPurge(db: Db | PoolClient, before: string): Promise<PurgePlan> {
  const { rows } = await db.query<
    InvoiceRow & { hold_reason: string | null; held_by: string; held_at: Date }
  >(
    `select ${INVOICE_COLUMNS}, h.reason as hold_reason, h.acted_by as held_by, h.acted_at as held_at
       from ${INVOICE_FROM}
       left join lateral (select * from archive_holds x where x.invoice_id = a.invoice_id order by x.id desc limit 1) h
         on h.action = 'hold'
      where a.retain_until < $1::date and a.retain_until < current_date
      order by a.retain_until, s.eik, i.number`,
    [before],
  );
  const kept = rows
    .filter((r) => r.hold_reason !== null)
    .map((r) => ({
      ...toInvoice(r),
      why: `on hold since ${r.held_at.toISOString()} by ${r.held_by}: ${r.hold_reason}`,
    }));
  let purgeable = rows.filter((r) => r.hold_reason === null).map(toInvoice);
  // A credit note named in the dispute thread of an invoice that stays must stay with it (the thread refers to it).
  for (;;) {
    const named = await creditNotesNamedByKeptDisputes(
      db,
      purgeable.map((i) => i.id),
    );
    if (named.size === 0) break;
    for (const invoice of purgeable.filter((i) => named.has(i.id)))
      kept.push({
        ...invoice,
        why: `the credit note in a dispute on invoice ${named.get(invoice.id)}, which is kept`,
      });
    purgeable = purgeable.filter((i) => !named.has(i.id));
  }
  return { purgeable, kept };
}

async function creditNotesNamedByKeptDisputes(
  db: Db | PoolClient,
  ids: string[],
): Promise<Map<string, string>> {
  const { rows } = await db.query<{ credit_note_id: string; number: string }>(
    `select e.credit_note_id, i.number
       from dispute_entries e join disputes d on d.id = e.dispute_id join invoices i on i.id = d.invoice_id
      where e.credit_note_id = any($1::uuid[]) and not d.invoice_id = any($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.credit_note_id, r.number]));
}

/** Every archived record of the invoices in `purged_invoices`, by type and key (the chain's), with its invoice. */
const ARCHIVED_RECORDS_OF_PURGED = `
  select invoice_id, 'invoice' as type, invoice_id::text as key from invoice_archive
   where invoice_id in (select id from purged_invoices)
  union all select invoice_id, 'view', id::text from invoice_views where invoice_id in (select id from purged_invoices)
  union all select invoice_id, 'mail', idempotency_key from sent_mail where invoice_id in (select id from purged_invoices)
  union all select invoice_id, 'dispute', id::text from disputes where invoice_id in (select id from purged_invoices)
  union all select d.invoice_id, 'dispute-entry', e.id::text from dispute_entries e join disputes d on d.id = e.dispute_id
   where d.invoice_id in (select id from purged_invoices)
  union all select d.invoice_id, 'dispute-attachment', t.id::text
    from dispute_attachments t join disputes d on d.id = t.dispute_id where d.invoice_id in (select id from purged_invoices)
  union all select invoice_id, 'payment', payment_key from invoice_payments
   where invoice_id in (select id from purged_invoices)
  union all select invoice_id, 'event', id::text from invoice_events where invoice_id in (select id from purged_invoices)
  union all select invoice_id, 'view-receipt', invoice_id::text from view_receipts
   where invoice_id in (select id from purged_invoices)`;

const IN_PURGED = 'in (select id from purged_invoices)';
const IN_PURGED_DELIVERIES = 'in (select id from purged_deliveries)';

/**
 * The rows that hold an invoice's data, deleted in the order their foreign keys need: archived records (each checked
 * by its table's trigger against the purge record), then the rest. Deliveries are those that brought the invoice
 * (and any duplicate of it); the invoice and its deliveries refer to each other, so they go last, in one statement.
 * test/integration/archive/retention.test.ts checks that every table referring to these is listed.
 */
export const PURGE_STEPS: readonly { table: string; sql: string }[] = [
  { table: 'view_receipts', sql: `delete from view_receipts where invoice_id ${IN_PURGED}` },
  {
    table: 'dispute_attachments',
    sql: `delete from dispute_attachments t using disputes d where d.id = t.dispute_id and d.invoice_id ${IN_PURGED}`,
  },
  {
    table: 'dispute_entries',
    sql: `delete from dispute_entries e using disputes d where d.id = e.dispute_id and d.invoice_id ${IN_PURGED}`,
  },
  { table: 'disputes', sql: `delete from disputes where invoice_id ${IN_PURGED}` },
  { table: 'dispute_uploads', sql: `delete from dispute_uploads where invoice_id ${IN_PURGED}` },
  { table: 'invoice_payments', sql: `delete from invoice_payments where invoice_id ${IN_PURGED}` },
  { table: 'payment_orders', sql: `delete from payment_orders where invoice_id ${IN_PURGED}` },
  { table: 'payment_claims', sql: `delete from payment_claims where invoice_id ${IN_PURGED}` },
  { table: 'invoice_views', sql: `delete from invoice_views where invoice_id ${IN_PURGED}` },
  { table: 'sent_mail', sql: `delete from sent_mail where invoice_id ${IN_PURGED}` },
  { table: 'invoice_events', sql: `delete from invoice_events where invoice_id ${IN_PURGED}` },
  // The webhook outbox holds copies of the invoice's events (their bodies name it): they go with it.
  { table: 'webhook_deliveries', sql: `delete from webhook_deliveries where invoice_id ${IN_PURGED}` },
  { table: 'invitations', sql: `delete from invitations where invoice_id ${IN_PURGED}` },
  { table: 'invoice_archive', sql: `delete from invoice_archive where invoice_id ${IN_PURGED}` },
  {
    table: 'sftp_pickup_pushes',
    sql: `delete from sftp_pickup_pushes p using channel_answers a
           where a.id = p.answer_id and a.delivery_id ${IN_PURGED_DELIVERIES}`,
  },
  { table: 'channel_answers', sql: `delete from channel_answers where delivery_id ${IN_PURGED_DELIVERIES}` },
  { table: 'as2_messages', sql: `delete from as2_messages where delivery_id ${IN_PURGED_DELIVERIES}` },
];

const DELETE_INVOICES_AND_DELIVERIES = `
  with deliveries_gone as (delete from deliveries where id ${IN_PURGED_DELIVERIES} returning 1),
       invoices_gone as (delete from invoices where id ${IN_PURGED} returning 1)
  select (select count(*) from deliveries_gone) as deliveries, (select count(*) from invoices_gone) as invoices`;

/** Every table a purge deletes from. */
export const PURGED_TABLES = [...PURGE_STEPS.map((step) => step.table), 'deliveries', 'invoices'];

export interface PurgeOutcome {
  purge: number;
  purgedAt: Date;
  before: string;
  by: string;
  invoices: ArchivedInvoice[];
  /** Archived records removed, by type. */
  records: Record<string, number>;
  /** Rows removed, by table (archived records and the rest). */
  rows: Record<string, number>;
  /** Asked for but kept after all (a hold placed since the plan), with why. */
  kept: PurgePlan['kept'];
}

/**
 * Purges, in one transaction, the invoices of `candidates` that are still past retention before `before` and free to
 * go now (the plan is made again under the retention lock, so a hold placed meanwhile keeps its invoice). The purge
 * row goes in first and the transaction names it (`hub.archive_purge`): the delete triggers let a record go only
 * under it. The chain appends the purge record when the transaction commits.
 */
export async function purgeArchive(
  db: Db,
  request: { before: string; by: string; candidates: string[] },
): Promise<PurgeOutcome | undefined> {
  return withTransaction(db, async (client) => {
    await client.query('select archive_retention_lock()');
    const plan = await planPurge(client, request.before);
    const asked = new Set(request.candidates);
    const invoices = plan.purgeable.filter((i) => asked.has(i.id));
    if (invoices.length === 0) return undefined;
    await client.query('create temporary table purged_invoices (id uuid primary key) on commit drop');
    await client.query('insert into purged_invoices select unnest($1::uuid[])', [invoices.map((i) => i.id)]);
    // Nothing may be added to these invoices while they are purged (a new record's foreign key waits on this lock).
    await client.query(`select 1 from invoices where id ${IN_PURGED} for update`);
    await client.query(
      `create temporary table purged_deliveries on commit drop as
         select id from deliveries where invoice_id ${IN_PURGED}
         union select delivery_id from invoices where id ${IN_PURGED} and delivery_id is not null`,
    );
    const { rows } = await client.query<{ purge: string; purged_at: Date; invoices: PurgeListing }>(
      `with removed as (${ARCHIVED_RECORDS_OF_PURGED}),
            listed as (
              select r.invoice_id,
                     jsonb_agg(jsonb_build_object('seq', c.seq, 'type', r.type, 'key', r.key)
                               order by c.seq nulls last, r.type, r.key) as records
                from removed r left join archive_chain c on c.record_type = r.type and c.record_key = r.key
               group by r.invoice_id)
       insert into archive_purges (before, purged_by, invoices)
       select $1::date, $2, jsonb_object_agg(a.invoice_id::text, jsonb_build_object(
                'number', i.number, 'issuer', s.eik, 'retain_until', to_char(a.retain_until, 'YYYY-MM-DD'),
                'records', l.records))
         from ${INVOICE_FROM} join listed l on l.invoice_id = a.invoice_id
        where a.invoice_id ${IN_PURGED}
       returning purge, purged_at, invoices`,
      [request.before, request.by],
    );
    const purge = rows[0];
    await client.query(`select set_config('hub.archive_purge', $1, true)`, [purge.purge]);
    const removed: Record<string, number> = {};
    for (const step of PURGE_STEPS) removed[step.table] = (await client.query(step.sql)).rowCount ?? 0;
    const last = await client.query<{ deliveries: string; invoices: string }>(DELETE_INVOICES_AND_DELIVERIES);
    removed.deliveries = Number(last.rows[0].deliveries);
    removed.invoices = Number(last.rows[0].invoices);
    return {
      purge: Number(purge.purge),
      purgedAt: purge.purged_at,
      before: request.before,
      by: request.by,
      invoices,
      records: countByType(Object.values(purge.invoices).flatMap((invoice) => invoice.records)),
      rows: removed,
      kept: plan.kept.filter((i) => asked.has(i.id)),
    };
  });
}

export interface PurgeReference {
  purge: number;
  purgedAt: Date;
  before: string;
}

/** The purge that removed an invoice, or undefined when none did (it is archived still, or was never archived). */
export async function purgeOf(db: Db | PoolClient, invoiceId: string): Promise<PurgeReference | undefined> {
  const { rows } = await db.query<{ purge: string; purged_at: Date; before: string }>(
    `select purge, purged_at, to_char(before, 'YYYY-MM-DD') as before from archive_purges where invoices ? $1`,
    [invoiceId],
  );
  return rows[0] && { purge: Number(rows[0].purge), purgedAt: rows[0].purged_at, before: rows[0].before };
}

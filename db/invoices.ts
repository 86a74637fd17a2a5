import type { PoolClient } from 'pg';
import type { Invoice, InvoiceSummary } from '../domain/invoice/model';
import { numberingSeriesRange, type IssuedInvoice } from '../domain/rules/numbering';
import type { Db } from './index';
import { webhookEventTypeOf } from '../domain/webhooks/events';
import { queueWebhookDeliveries } from './webhooks';

export interface InvoiceRecord {
  id: string;
  issuerId: string;
  number: string;
  workflowId: string;
  channel: string;
  sha256: string;
  summary: InvoiceSummary;
  recipientEmail?: string;
  status: string;
  verification?: unknown;
  receivedAt: string;
  viewedAt?: string;
  /** The channel delivery (SFTP file, AS2 message) that brought it; none for the REST API. */
  deliveryId?: string;
}

interface InvoiceRow {
  id: string;
  issuer_id: string;
  number: string;
  workflow_id: string;
  channel: string;
  sha256: string;
  summary: InvoiceSummary;
  recipient_email: string | null;
  status: string;
  verification: unknown;
  received_at: Date;
  viewed_at: Date | null;
  delivery_id: string | null;
}

const COLUMNS =
  'id, issuer_id, number, workflow_id, channel, sha256, summary, recipient_email, status, verification, received_at, viewed_at, delivery_id';

const toRecord = (row: InvoiceRow): InvoiceRecord => ({
  id: row.id,
  issuerId: row.issuer_id,
  number: row.number,
  workflowId: row.workflow_id,
  channel: row.channel,
  sha256: row.sha256,
  summary: row.summary,
  recipientEmail: row.recipient_email ?? undefined,
  status: row.status,
  verification: row.verification ?? undefined,
  receivedAt: row.received_at.toISOString(),
  viewedAt: row.viewed_at?.toISOString(),
  deliveryId: row.delivery_id ?? undefined,
});

export interface ReceivedInvoice {
  id: string;
  issuerId: string;
  number: string;
  workflowId: string;
  channel: string;
  idempotencyKey?: string;
  deliveryId?: string;
  original: Buffer;
  sha256: string;
  summary: InvoiceSummary;
}

/**
 * Records a delivered invoice once. A second delivery of the same issuer and number (or idempotency key)
 * inserts nothing and returns the first record with `created: false`.
 */
export async function recordReceivedInvoice(
  db: Db,
  invoice: ReceivedInvoice,
): Promise<{ record: InvoiceRecord; created: boolean }> {
  const inserted = await db.query<InvoiceRow>(
    `insert into invoices (id, issuer_id, number, workflow_id, channel, idempotency_key, original, sha256, summary, recipient_email, delivery_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict do nothing
     returning ${COLUMNS}`,
    [
      invoice.id,
      invoice.issuerId,
      invoice.number,
      invoice.workflowId,
      invoice.channel,
      invoice.idempotencyKey ?? null,
      invoice.original,
      invoice.sha256,
      invoice.summary,
      invoice.summary.customer.email?.toLowerCase() ?? null,
      invoice.deliveryId ?? null,
    ],
  );
  if (inserted.rows[0]) return { record: toRecord(inserted.rows[0]), created: true };
  const existing = await db.query<InvoiceRow>(
    `select ${COLUMNS} from invoices
      where issuer_id = $1 and (number = $2 or ($3::text is not null and idempotency_key = $3))
      order by received_at limit 1`,
    [invoice.issuerId, invoice.number, invoice.idempotencyKey ?? null],
  );
  if (!existing.rows[0])
    throw new Error(`invoice ${invoice.number} conflicts with a record that cannot be found`);
  return { record: toRecord(existing.rows[0]), created: false };
}

export async function getInvoice(db: Db | PoolClient, id: string): Promise<InvoiceRecord | undefined> {
  const { rows } = await db.query<InvoiceRow>(`select ${COLUMNS} from invoices where id = $1`, [id]);
  return rows[0] && toRecord(rows[0]);
}

/** The record and its original bytes in one read. */
export async function getInvoiceWithOriginal(
  db: Db,
  id: string,
): Promise<{ record: InvoiceRecord; original: Buffer } | undefined> {
  const { rows } = await db.query<InvoiceRow & { original: Buffer }>(
    `select ${COLUMNS}, original from invoices where id = $1`,
    [id],
  );
  return rows[0] && { record: toRecord(rows[0]), original: rows[0].original };
}

export async function getOriginal(db: Db, id: string): Promise<Buffer | undefined> {
  const { rows } = await db.query<{ original: Buffer }>('select original from invoices where id = $1', [id]);
  return rows[0]?.original;
}

export async function saveVerification(
  db: Db,
  id: string,
  verification: unknown,
  summary?: InvoiceSummary,
): Promise<void> {
  await db.query(
    `update invoices set verification = $2, summary = coalesce($3, summary),
            recipient_email = coalesce(lower($3::jsonb -> 'customer' ->> 'email'), recipient_email)
      where id = $1`,
    [id, verification, summary ?? null],
  );
}

export interface TimelineEntry {
  at: string;
  type: string;
  status: string;
  detail: Record<string, unknown>;
}

/**
 * Writes a lifecycle event and the status it leads to; the event key makes a retried write harmless. Keys begin with
 * the event's place in the timeline ("12:paid in full"): a workflow writes several events at once (a payment noted by
 * its handler while the main flow closes the invoice as paid), so the status is taken only from an event no later one
 * has overtaken. The invoice row is locked first, so two such writes are decided one after the other.
 */
export async function recordInvoiceEvent(
  db: Db,
  invoiceId: string,
  event: { key: string; type: string; status: string; at: string; detail?: Record<string, unknown> },
): Promise<{ queuedForWebhooks: boolean }> {
  // One round trip (db/migrations/018_record_invoice_event.sql); a second only for an issuer with webhooks.
  const webhookType = webhookEventTypeOf(event.type) ?? null;
  const { rows } = await db.query<{ number: string; endpoint_ids: string[] | null }>(
    'select number, endpoint_ids from record_invoice_event($1, $2, $3, $4, $5, $6, $7)',
    [
      invoiceId,
      event.key,
      event.type,
      event.at,
      { ...(event.detail ?? {}), status: event.status },
      event.status,
      webhookType,
    ],
  );
  const { number, endpoint_ids: endpointIds } = rows[0];
  if (!webhookType || !endpointIds?.length) return { queuedForWebhooks: false };
  await queueWebhookDeliveries(db, endpointIds, invoiceId, number, webhookType, event);
  return { queuedForWebhooks: true };
}

export async function listInvoiceEvents(db: Db, invoiceId: string): Promise<TimelineEntry[]> {
  const { rows } = await db.query<{ at: Date; type: string; detail: Record<string, unknown> }>(
    'select at, type, detail from invoice_events where invoice_id = $1 order by at, id',
    [invoiceId],
  );
  return rows.map(({ at, type, detail }) => {
    const { status, ...rest } = detail;
    return { at: at.toISOString(), type, status: String(status ?? ''), detail: rest };
  });
}

/**
 * What the numbering check needs of the issuer's other accepted invoices: the one with this number, if any, and, in
 * the number's series, its neighbours (the highest number below it, the lowest above it). Index lookups on
 * (issuer, number), so the cost does not grow with the invoices the issuer has sent.
 */
export async function issuerNumberingNeighbours(
  db: Db,
  issuerId: string,
  exceptInvoiceId: string,
  number: string,
): Promise<IssuedInvoice[]> {
  const others = `select number, summary ->> 'issueDate' as issue_date from invoices
    where issuer_id = $1 and id <> $2 and status <> 'rejected' and status <> 'received'`;
  const range = numberingSeriesRange(number);
  const { rows } = await db.query<{ number: string; issue_date: string }>(
    range
      ? `(${others} and number = $3 limit 1)
         union all
         (${others} and number >= $4 and number < $3 and length(number) = $6 order by number desc limit 1)
         union all
         (${others} and number > $3 and number <= $5 and length(number) = $6 order by number limit 1)`
      : `${others} and number = $3 limit 1`,
    range
      ? [issuerId, exceptInvoiceId, number, range.first, range.last, number.length]
      : [issuerId, exceptInvoiceId, number],
  );
  return rows.map((r) => ({ number: r.number, issueDate: r.issue_date }));
}

/**
 * Archives the invoice once: original bytes, digest, model, summary and verification report (by default the one
 * kept with the invoice). Never updated: a second call answers with the first archiving.
 */
export async function archiveInvoice(
  db: Db,
  invoiceId: string,
  entry: { model: Invoice; summary: InvoiceSummary; report?: unknown; retainUntil: string },
): Promise<{ sha256: string; archivedAt: string; retainUntil: string }> {
  const { rows } = await db.query<{ sha256: string; archived_at: Date; retain_until: string }>(
    `with archived as (
       insert into invoice_archive (invoice_id, sha256, original, model, summary, report, retain_until)
       select id, sha256, original, $2, $3, coalesce($4::jsonb, verification, '{}'::jsonb), $5 from invoices where id = $1
       on conflict (invoice_id) do nothing
       returning sha256, archived_at, retain_until)
     select sha256, archived_at, to_char(retain_until, 'YYYY-MM-DD') as retain_until from archived
     union all
     select sha256, archived_at, to_char(retain_until, 'YYYY-MM-DD') from invoice_archive
      where invoice_id = $1 and not exists (select 1 from archived)`,
    [invoiceId, entry.model, entry.summary, entry.report ?? null, entry.retainUntil],
  );
  if (!rows[0]) throw new Error(`invoice ${invoiceId} does not exist, so it cannot be archived`);
  return {
    sha256: rows[0].sha256,
    archivedAt: rows[0].archived_at.toISOString(),
    retainUntil: rows[0].retain_until,
  };
}

export async function getArchivedModel(db: Db, invoiceId: string): Promise<Invoice | undefined> {
  const { rows } = await db.query<{ model: Invoice }>(
    'select model from invoice_archive where invoice_id = $1',
    [invoiceId],
  );
  return rows[0]?.model;
}

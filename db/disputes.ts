import type { DisputeCategory, DisputeEntryKind, DisputeSide, DisputeStatus } from '../domain/disputes';
import { withTransaction, type Db } from './index';

/**
 * The dispute record (migration 006): disputes, their thread entries and attachments, append-only; and the staging
 * table of uploads waiting for the message that carries them. The invoice's lifecycle workflow writes entries
 * (activities/disputes.ts); the gateway reads them.
 */

export interface DisputeAuthorRecord {
  side: DisputeSide;
  /** The person; null for an issuer's system (API key, a delivered credit note). */
  userId: string | null;
  /** The person's address as it was, or the issuer's name. */
  name: string;
}

export interface NewDisputeEntry {
  id: string;
  disputeId: string;
  invoiceId: string;
  seq: number;
  kind: DisputeEntryKind;
  status: DisputeStatus;
  author: DisputeAuthorRecord;
  text: string | null;
  at: string;
  /** Staged uploads (dispute_uploads) this entry carries; they become its attachments. */
  attachmentIds: string[];
  /** The opening entry (seq 1) creates the dispute with its category. */
  category?: DisputeCategory;
  creditNote?: { id: string; number: string };
}

/** An upload an entry named that is no longer staged: nothing was recorded. */
export class MissingUploadError extends Error {
  constructor(readonly missing: string[]) {
    super(`uploads ${missing.join(', ')} are no longer staged`);
    this.name = 'MissingUploadError';
  }
}

/**
 * Records one entry, with its attachments, in one transaction. Idempotent by entry id: a retried activity finds the
 * entry and records nothing twice.
 */
export async function recordDisputeEntry(db: Db, entry: NewDisputeEntry): Promise<{ recorded: boolean }> {
  return withTransaction(db, async (client) => {
    if (entry.seq === 1) {
      if (!entry.category || !entry.author.userId) {
        throw new Error(`dispute ${entry.disputeId} is opened without a category or a person`);
      }
      await client.query(
        `insert into disputes (id, invoice_id, category, opened_by, opened_at) values ($1, $2, $3, $4, $5)
         on conflict (id) do nothing`,
        [entry.disputeId, entry.invoiceId, entry.category, entry.author.userId, entry.at],
      );
    }
    const inserted = await client.query(
      `insert into dispute_entries
         (id, dispute_id, seq, kind, status, author_side, author_user_id, author_name, text,
          credit_note_id, credit_note_number, at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       on conflict (id) do nothing returning id`,
      [
        entry.id,
        entry.disputeId,
        entry.seq,
        entry.kind,
        entry.status,
        entry.author.side,
        entry.author.userId,
        entry.author.name,
        entry.text,
        entry.creditNote?.id ?? null,
        entry.creditNote?.number ?? null,
        entry.at,
      ],
    );
    if (inserted.rowCount === 0) return { recorded: false };
    if (entry.attachmentIds.length > 0) {
      const moved = await client.query<{ id: string }>(
        `insert into dispute_attachments (id, entry_id, dispute_id, file_name, content_type, size, sha256, content)
         select id, $2, $3, file_name, content_type, size, sha256, content from dispute_uploads
          where id = any($1::uuid[]) and invoice_id = $4
         returning id`,
        [entry.attachmentIds, entry.id, entry.disputeId, entry.invoiceId],
      );
      const found = new Set(moved.rows.map((r) => r.id));
      const missing = entry.attachmentIds.filter((id) => !found.has(id));
      if (missing.length) throw new MissingUploadError(missing);
      await client.query('delete from dispute_uploads where id = any($1::uuid[])', [entry.attachmentIds]);
    }
    return { recorded: true };
  });
}

export interface DisputeSummaryRecord {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  issuerId: string;
  recipientEmail: string | null;
  customerName: string | null;
  category: DisputeCategory;
  status: DisputeStatus;
  openedAt: string;
  openedBy: string;
  lastEntryAt: string;
  lastEntrySide: DisputeSide;
  lastEntryKind: DisputeEntryKind;
  entries: number;
  reopens: number;
  creditNote: { id: string | null; number: string } | null;
}

interface SummaryRow {
  id: string;
  invoice_id: string;
  number: string;
  issuer_id: string;
  recipient_email: string | null;
  customer_name: string | null;
  category: DisputeCategory;
  status: DisputeStatus;
  opened_at: Date;
  opened_by: string;
  last_at: Date;
  last_side: DisputeSide;
  last_kind: DisputeEntryKind;
  entries: number;
  reopens: number;
  credit_note_id: string | null;
  credit_note_number: string | null;
}

const SUMMARY_SELECT = `
  select d.id, d.invoice_id, i.number, i.issuer_id, i.recipient_email, i.summary -> 'customer' ->> 'name' as customer_name,
         d.category, last.status, d.opened_at, first.author_name as opened_by,
         last.at as last_at, last.author_side as last_side, last.kind as last_kind, last.seq as entries,
         (select count(*)::int from dispute_entries r where r.dispute_id = d.id and r.kind = 'reopened') as reopens,
         closing.credit_note_id, closing.credit_note_number
    from disputes d
    join invoices i on i.id = d.invoice_id
    join dispute_entries first on first.dispute_id = d.id and first.seq = 1
    join lateral (select status, at, author_side, kind, seq from dispute_entries e
                   where e.dispute_id = d.id order by seq desc limit 1) last on true
    left join lateral (select credit_note_id, credit_note_number from dispute_entries c
                        where c.dispute_id = d.id and c.credit_note_number is not null
                        order by seq desc limit 1) closing on true`;

const toSummary = (row: SummaryRow): DisputeSummaryRecord => ({
  id: row.id,
  invoiceId: row.invoice_id,
  invoiceNumber: row.number,
  issuerId: row.issuer_id,
  recipientEmail: row.recipient_email,
  customerName: row.customer_name,
  category: row.category,
  status: row.status,
  openedAt: row.opened_at.toISOString(),
  openedBy: row.opened_by,
  lastEntryAt: row.last_at.toISOString(),
  lastEntrySide: row.last_side,
  lastEntryKind: row.last_kind,
  entries: row.entries,
  reopens: row.reopens,
  creditNote: row.credit_note_number ? { id: row.credit_note_id, number: row.credit_note_number } : null,
});

/** An invoice's disputes, oldest first. */
export async function listInvoiceDisputes(db: Db, invoiceId: string): Promise<DisputeSummaryRecord[]> {
  const { rows } = await db.query<SummaryRow>(
    `${SUMMARY_SELECT} where d.invoice_id = $1 order by d.opened_at, d.id`,
    [invoiceId],
  );
  return rows.map(toSummary);
}

/**
 * An issuer's disputes, the most recently active first; `statuses` narrows them (e.g. open ones to answer).
 * At most `limit`, which is plenty for a page of work; the search engineer's archive search finds older ones.
 */
export async function listIssuerDisputes(
  db: Db,
  issuerId: string,
  statuses: DisputeStatus[] | undefined,
  limit = 200,
): Promise<DisputeSummaryRecord[]> {
  const { rows } = await db.query<SummaryRow>(
    `${SUMMARY_SELECT} where i.issuer_id = $1 and ($2::text[] is null or last.status = any($2::text[]))
      order by last.at desc, d.id limit $3`,
    [issuerId, statuses ?? null, limit],
  );
  return rows.map(toSummary);
}

export interface DisputeAttachmentInfo {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
}

export interface DisputeEntryView {
  id: string;
  seq: number;
  kind: DisputeEntryKind;
  status: DisputeStatus;
  author: { side: DisputeSide; name: string; userId: string | null };
  text: string | null;
  at: string;
  creditNote: { id: string | null; number: string } | null;
  attachments: DisputeAttachmentInfo[];
}

export interface DisputeThreadRecord {
  dispute: DisputeSummaryRecord;
  entries: DisputeEntryView[];
}

/** One dispute of the invoice with its whole thread in order; undefined when the invoice has no such dispute. */
export async function getDisputeThread(
  db: Db,
  invoiceId: string,
  disputeId: string,
): Promise<DisputeThreadRecord | undefined> {
  const found = await db.query<SummaryRow>(`${SUMMARY_SELECT} where d.invoice_id = $1 and d.id = $2`, [
    invoiceId,
    disputeId,
  ]);
  if (!found.rows[0]) return undefined;
  const { rows } = await db.query<{
    id: string;
    seq: number;
    kind: DisputeEntryKind;
    status: DisputeStatus;
    author_side: DisputeSide;
    author_name: string;
    author_user_id: string | null;
    text: string | null;
    at: Date;
    credit_note_id: string | null;
    credit_note_number: string | null;
    attachments: DisputeAttachmentInfo[] | null;
  }>(
    `select e.id, e.seq, e.kind, e.status, e.author_side, e.author_name, e.author_user_id, e.text, e.at,
            e.credit_note_id, e.credit_note_number,
            (select json_agg(json_build_object('id', a.id, 'fileName', a.file_name, 'contentType', a.content_type,
                                               'size', a.size, 'sha256', a.sha256) order by a.file_name, a.id)
               from dispute_attachments a where a.entry_id = e.id) as attachments
       from dispute_entries e where e.dispute_id = $1 order by e.seq`,
    [disputeId],
  );
  return {
    dispute: toSummary(found.rows[0]),
    entries: rows.map((row) => ({
      id: row.id,
      seq: row.seq,
      kind: row.kind,
      status: row.status,
      author: { side: row.author_side, name: row.author_name, userId: row.author_user_id },
      text: row.text,
      at: row.at.toISOString(),
      creditNote: row.credit_note_number ? { id: row.credit_note_id, number: row.credit_note_number } : null,
      attachments: row.attachments ?? [],
    })),
  };
}

/** One entry with its dispute and invoice, for the e-mail about it. */
export async function getDisputeEntry(
  db: Db,
  entryId: string,
): Promise<{ dispute: DisputeSummaryRecord; entry: DisputeEntryView } | undefined> {
  const { rows } = await db.query<{ dispute_id: string; invoice_id: string }>(
    `select e.dispute_id, d.invoice_id from dispute_entries e join disputes d on d.id = e.dispute_id where e.id = $1`,
    [entryId],
  );
  if (!rows[0]) return undefined;
  const thread = await getDisputeThread(db, rows[0].invoice_id, rows[0].dispute_id);
  const entry = thread?.entries.find((e) => e.id === entryId);
  return thread && entry ? { dispute: thread.dispute, entry } : undefined;
}

/** An attachment of one of the invoice's disputes, with its bytes. */
export async function getDisputeAttachment(
  db: Db,
  invoiceId: string,
  disputeId: string,
  attachmentId: string,
): Promise<{ fileName: string; contentType: string; content: Buffer } | undefined> {
  const { rows } = await db.query<{ file_name: string; content_type: string; content: Buffer }>(
    `select a.file_name, a.content_type, a.content from dispute_attachments a join disputes d on d.id = a.dispute_id
      where a.id = $1 and a.dispute_id = $2 and d.invoice_id = $3`,
    [attachmentId, disputeId, invoiceId],
  );
  const row = rows[0];
  return row && { fileName: row.file_name, contentType: row.content_type, content: row.content };
}

/** Who staged an upload, and so who may attach it: a person, or (API) an issuer. */
export type UploadOwner =
  | { invoiceId: string; side: DisputeSide; userId: string }
  | { invoiceId: string; side: 'issuer'; issuerId: string };

export interface StagedUpload extends DisputeAttachmentInfo {
  uploadedAt: string;
}

const STAGED_FOR_HOURS = 24;
/** Waiting uploads one owner may have per invoice: four full messages' worth, so nobody fills the disk. */
export const MAX_STAGED_UPLOADS = 20;

/** The owner already has MAX_STAGED_UPLOADS files waiting for this invoice. */
export class TooManyUploadsError extends Error {
  constructor() {
    super(`at most ${MAX_STAGED_UPLOADS} files may wait to be sent; send or drop some first`);
    this.name = 'TooManyUploadsError';
  }
}

/** Stages a checked file; uploads nobody attached within a day are swept on the way. */
export async function stageUpload(
  db: Db,
  owner: UploadOwner,
  file: { id: string; fileName: string; contentType: string; sha256: string; content: Buffer },
): Promise<StagedUpload> {
  await db.query('delete from dispute_uploads where uploaded_at < now() - make_interval(hours => $1)', [
    STAGED_FOR_HOURS,
  ]);
  const waiting = await db.query<{ n: number }>(
    `select count(*)::int as n from dispute_uploads
      where invoice_id = $1 and author_side = $2 and (uploaded_by = $3 or uploaded_by_issuer = $4)`,
    [
      owner.invoiceId,
      owner.side,
      'userId' in owner ? owner.userId : null,
      'issuerId' in owner ? owner.issuerId : null,
    ],
  );
  if (waiting.rows[0].n >= MAX_STAGED_UPLOADS) throw new TooManyUploadsError();
  const { rows } = await db.query<{ uploaded_at: Date }>(
    `insert into dispute_uploads
       (id, invoice_id, author_side, uploaded_by, uploaded_by_issuer, file_name, content_type, size, sha256, content)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning uploaded_at`,
    [
      file.id,
      owner.invoiceId,
      owner.side,
      'userId' in owner ? owner.userId : null,
      'issuerId' in owner ? owner.issuerId : null,
      file.fileName,
      file.contentType,
      file.content.length,
      file.sha256,
      file.content,
    ],
  );
  return {
    id: file.id,
    fileName: file.fileName,
    contentType: file.contentType,
    size: file.content.length,
    sha256: file.sha256,
    uploadedAt: rows[0].uploaded_at.toISOString(),
  };
}

/** The staged uploads among `ids` that this owner made for this invoice (others' or unknown ids are left out). */
export async function findOwnUploads(db: Db, owner: UploadOwner, ids: string[]): Promise<StagedUpload[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.query<{
    id: string;
    file_name: string;
    content_type: string;
    size: number;
    sha256: string;
    uploaded_at: Date;
  }>(
    `select id, file_name, content_type, size, sha256, uploaded_at from dispute_uploads
      where id = any($1::uuid[]) and invoice_id = $2 and author_side = $3
        and (uploaded_by = $4 or uploaded_by_issuer = $5)`,
    [
      ids,
      owner.invoiceId,
      owner.side,
      'userId' in owner ? owner.userId : null,
      'issuerId' in owner ? owner.issuerId : null,
    ],
  );
  return rows.map((row) => ({
    id: row.id,
    fileName: row.file_name,
    contentType: row.content_type,
    size: row.size,
    sha256: row.sha256,
    uploadedAt: row.uploaded_at.toISOString(),
  }));
}

/** The issuer's invoice with this number, other than `exceptId` (the credit note naming it). */
export async function findCorrectedInvoice(
  db: Db,
  issuerId: string,
  number: string,
  exceptId: string,
): Promise<{ id: string; workflowId: string } | undefined> {
  const { rows } = await db.query<{ id: string; workflow_id: string }>(
    'select id, workflow_id from invoices where issuer_id = $1 and number = $2 and id <> $3',
    [issuerId, number, exceptId],
  );
  return rows[0] && { id: rows[0].id, workflowId: rows[0].workflow_id };
}

import { createHash } from 'node:crypto';

/**
 * The archived records and how each is reduced to its chain entry. The same field lists, in the same order, are
 * written into the chain by the database (archive_record_fields: db/migrations/010_archive_integrity.sql, 012 and
 * 013); this module is what `archive verify` recomputes them with.
 *
 * A field's canonical bytes: bytea as stored; text as UTF-8; jsonb as PostgreSQL prints it (`jsonb::text`, fixed for
 * a stored value); an instant as UTC `YYYY-MM-DDTHH:MI:SS.uuuuuuZ` (microseconds, as stored); a date as
 * `YYYY-MM-DD`; uuids and integers as text. A null field has no digest ("-").
 */
export type FieldKind = 'bytea' | 'text' | 'jsonb' | 'instant' | 'date' | 'uuid' | 'integer';

export interface RecordField {
  /** The column, and the name the chain entry gives the field. */
  name: string;
  kind: FieldKind;
  /** What a report calls it: "original of invoice …". */
  label: string;
}

export type ArchiveRecordType =
  | 'invoice'
  | 'view'
  | 'mail'
  | 'dispute'
  | 'dispute-entry'
  | 'dispute-attachment'
  | 'payment'
  | 'reconciliation-decision'
  | 'event'
  | 'view-receipt'
  | 'hold'
  | 'purge';

export interface ArchiveRecordSpec {
  type: ArchiveRecordType;
  table: string;
  /** The column that identifies a record (the chain's record key, as text). */
  keyColumn: string;
  /** A record in words: "invoice", "view", "mail". */
  noun: string;
  fields: readonly RecordField[];
  /** Content-addressed records: this bytea field's SHA-256 must equal this text field. */
  contentAddress?: { content: string; digest: string };
}

const field = (name: string, kind: FieldKind, label = name.replace(/_/g, ' ')): RecordField => ({
  name,
  kind,
  label,
});

export const ARCHIVE_RECORDS: readonly ArchiveRecordSpec[] = [
  {
    type: 'invoice',
    table: 'invoice_archive',
    keyColumn: 'invoice_id',
    noun: 'invoice',
    fields: [
      field('original', 'bytea'),
      field('sha256', 'text', 'content address (SHA-256)'),
      field('model', 'jsonb'),
      field('summary', 'jsonb'),
      field('report', 'jsonb', 'verification report'),
      field('archived_at', 'instant', 'archiving time'),
      field('retain_until', 'date', 'retention date'),
    ],
    contentAddress: { content: 'original', digest: 'sha256' },
  },
  {
    type: 'view',
    table: 'invoice_views',
    keyColumn: 'id',
    noun: 'view',
    fields: [
      field('invoice_id', 'uuid', 'invoice'),
      field('recipient_id', 'uuid', 'viewer'),
      field('viewed_at', 'instant', 'time'),
      field('user_agent', 'text'),
      field('ip', 'text', 'IP address'),
    ],
  },
  {
    type: 'mail',
    table: 'sent_mail',
    keyColumn: 'idempotency_key',
    noun: 'mail',
    fields: [
      field('invoice_id', 'uuid', 'invoice'),
      field('recipient', 'text'),
      field('kind', 'text'),
      field('message_id', 'text', 'Message-ID'),
      field('created_at', 'instant', 'time'),
    ],
  },
  {
    type: 'dispute',
    table: 'disputes',
    keyColumn: 'id',
    noun: 'dispute',
    fields: [
      field('invoice_id', 'uuid', 'invoice'),
      field('category', 'text'),
      field('opened_by', 'uuid', 'opener'),
      field('opened_at', 'instant', 'opening time'),
    ],
  },
  {
    type: 'dispute-entry',
    table: 'dispute_entries',
    keyColumn: 'id',
    noun: 'dispute entry',
    fields: [
      field('dispute_id', 'uuid', 'dispute'),
      field('seq', 'integer', 'place in the thread'),
      field('kind', 'text'),
      field('status', 'text'),
      field('author_side', 'text'),
      field('author_user_id', 'uuid', 'author'),
      field('author_name', 'text'),
      field('text', 'text'),
      field('credit_note_id', 'uuid', 'credit note'),
      field('credit_note_number', 'text'),
      field('at', 'instant', 'time'),
    ],
  },
  {
    type: 'dispute-attachment',
    table: 'dispute_attachments',
    keyColumn: 'id',
    noun: 'dispute attachment',
    fields: [
      field('entry_id', 'uuid', 'entry'),
      field('dispute_id', 'uuid', 'dispute'),
      field('file_name', 'text'),
      field('content_type', 'text'),
      field('size', 'integer'),
      field('sha256', 'text', 'content address (SHA-256)'),
      field('content', 'bytea'),
    ],
    contentAddress: { content: 'content', digest: 'sha256' },
  },
  {
    type: 'payment',
    table: 'invoice_payments',
    keyColumn: 'payment_key',
    noun: 'payment',
    fields: [
      field('id', 'uuid'),
      field('invoice_id', 'uuid', 'invoice'),
      field('issuer_id', 'uuid', 'issuer'),
      field('source', 'text'),
      field('entry_id', 'uuid', 'statement entry'),
      field('order_id', 'uuid', 'card order'),
      field('decision_id', 'uuid', 'decision'),
      field('amount', 'text'),
      field('currency', 'text'),
      field('paid_at', 'text', 'payment date'),
      field('reason', 'text'),
      field('reversal_of', 'text', 'reversed payment'),
      field('created_at', 'instant', 'time'),
    ],
  },
  {
    type: 'reconciliation-decision',
    table: 'reconciliation_decisions',
    keyColumn: 'id',
    noun: 'reconciliation decision',
    fields: [
      field('issuer_id', 'uuid', 'issuer'),
      field('entry_id', 'uuid', 'statement entry'),
      field('action', 'text'),
      field('allocations', 'jsonb'),
      field('note', 'text'),
      field('previous', 'jsonb', 'decision it replaced'),
      field('decided_by', 'uuid', 'clerk'),
      field('decided_at', 'instant', 'time'),
      field('undoes', 'uuid', 'undone decision'),
    ],
  },
  {
    type: 'event',
    table: 'invoice_events',
    keyColumn: 'id',
    noun: 'timeline event',
    fields: [
      field('invoice_id', 'uuid', 'invoice'),
      field('event_key', 'text', 'event key'),
      field('type', 'text'),
      field('at', 'instant', 'time'),
      field('detail', 'jsonb'),
    ],
  },
  {
    type: 'view-receipt',
    table: 'view_receipts',
    keyColumn: 'invoice_id',
    noun: 'signed receipt',
    fields: [
      field('view_id', 'integer', 'view'),
      field('document', 'bytea', 'signed document'),
      field('sha256', 'text', 'content address (SHA-256)'),
      field('signed_at', 'instant', 'signing time'),
    ],
    contentAddress: { content: 'document', digest: 'sha256' },
  },
  {
    type: 'hold',
    table: 'archive_holds',
    keyColumn: 'id',
    noun: 'legal hold action',
    fields: [
      field('invoice_id', 'uuid', 'invoice'),
      field('invoice_number', 'text', 'invoice number'),
      field('issuer_eik', 'text', 'issuer EIK'),
      field('action', 'text'),
      field('reason', 'text'),
      field('acted_by', 'text', 'operator'),
      field('acted_at', 'instant', 'time'),
    ],
  },
  {
    type: 'purge',
    table: 'archive_purges',
    keyColumn: 'purge',
    noun: 'purge',
    fields: [
      field('before', 'date', 'retention cut-off'),
      field('purged_at', 'instant', 'time'),
      field('purged_by', 'text', 'operator'),
      field('invoices', 'jsonb', 'list of what was removed'),
    ],
  },
];

export function recordSpec(type: string): ArchiveRecordSpec | undefined {
  return ARCHIVE_RECORDS.find((spec) => spec.type === type);
}

/** A field's value in its canonical form: the bytes themselves, or the text whose UTF-8 is hashed; null when null. */
export type CanonicalValue = Buffer | string | null;

/** One field of a chain entry: its name and the hex SHA-256 of its canonical bytes (null for a null field). */
export type FieldDigest = [name: string, digest: string | null];

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function fieldDigest(value: CanonicalValue): string | null {
  return value === null ? null : sha256Hex(value);
}

/** The field digests of a record, in its type's order, from its canonical values by field name. */
export function fieldDigests(spec: ArchiveRecordSpec, values: Record<string, CanonicalValue>): FieldDigest[] {
  return spec.fields.map((f) => [f.name, fieldDigest(values[f.name] ?? null)]);
}

const RECORD_HEADER = 'einvoice-hub archive record v1';
const LINK_HEADER = 'einvoice-hub archive link v1';
/** The previous link of the first record. */
export const GENESIS_LINK = '0'.repeat(64);

/** SHA-256 over the record's type, key and field digests, one line each. */
export function recordDigest(type: string, key: string, fields: readonly FieldDigest[]): string {
  const lines = [RECORD_HEADER, `type ${type}`, `key ${key}`, ...fields.map(([n, d]) => `${n} ${d ?? '-'}`)];
  return sha256Hex(lines.join('\n') + '\n');
}

/** A link covers the one before it and its record's digest. */
export function linkHash(previousLink: string, recordSha256: string): string {
  return sha256Hex(`${LINK_HEADER}\n${previousLink}\n${recordSha256}\n`);
}

/** "invoice 0000000123 (id …)", "view 42": a record as a report names it. */
export function describeRecord(type: string, key: string, context?: string): string {
  const noun = recordSpec(type)?.noun ?? type;
  return context ? `${noun} ${context}` : `${noun} ${key}`;
}

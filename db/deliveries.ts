import type { PoolClient } from 'pg';
import type { Db } from './index';

/** What an issuer's system used to deliver a file. The REST API records no delivery row: its request is the delivery. */
export type Channel = 'api' | 'sftp' | 'sftp-pickup' | 'as2' | 'cli';

/** Where answer files for a delivery go: the hub's own SFTP server, or the issuer's server the hub picks up from. */
export type Mailbox = 'sftp' | 'pickup';

export type DeliveryStatus = 'received' | 'accepted' | 'duplicate' | 'quarantined' | 'batch';

export interface DeliveryRecord {
  id: string;
  issuerId: string;
  channel: Channel;
  key: string;
  mailbox?: Mailbox;
  fileName: string;
  parentId?: string;
  sha256: string;
  size: number;
  status: DeliveryStatus;
  invoiceId?: string;
  reason?: { code: string; message: string };
  receivedAt: string;
  processedAt?: string;
}

interface DeliveryRow {
  id: string;
  issuer_id: string;
  channel: Channel;
  delivery_key: string;
  mailbox: Mailbox | null;
  file_name: string;
  parent_id: string | null;
  sha256: string;
  size: string;
  status: DeliveryStatus;
  invoice_id: string | null;
  reason_code: string | null;
  reason: string | null;
  received_at: Date;
  processed_at: Date | null;
}

const COLUMNS =
  'id, issuer_id, channel, delivery_key, mailbox, file_name, parent_id, sha256, size, status, invoice_id, reason_code, reason, received_at, processed_at';

const toRecord = (row: DeliveryRow): DeliveryRecord => ({
  id: row.id,
  issuerId: row.issuer_id,
  channel: row.channel,
  key: row.delivery_key,
  mailbox: row.mailbox ?? undefined,
  fileName: row.file_name,
  parentId: row.parent_id ?? undefined,
  sha256: row.sha256,
  size: Number(row.size),
  status: row.status,
  invoiceId: row.invoice_id ?? undefined,
  reason: row.reason_code ? { code: row.reason_code, message: row.reason ?? '' } : undefined,
  receivedAt: row.received_at.toISOString(),
  processedAt: row.processed_at?.toISOString(),
});

export interface NewDelivery {
  id: string;
  issuerId: string;
  channel: Channel;
  key: string;
  mailbox?: Mailbox;
  fileName: string;
  parentId?: string;
  sha256: string;
  content: Buffer;
}

/**
 * Records a delivery once by its business key. Recording it again (a retry, a crash recovery, a resent message)
 * inserts nothing and returns the first record.
 */
export async function recordDelivery(
  db: Db | PoolClient,
  delivery: NewDelivery,
): Promise<{ record: DeliveryRecord; created: boolean }> {
  const inserted = await db.query<DeliveryRow>(
    `insert into deliveries (id, issuer_id, channel, delivery_key, mailbox, file_name, parent_id, sha256, size, content)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     on conflict (delivery_key) do nothing
     returning ${COLUMNS}`,
    [
      delivery.id,
      delivery.issuerId,
      delivery.channel,
      delivery.key,
      delivery.mailbox ?? null,
      delivery.fileName,
      delivery.parentId ?? null,
      delivery.sha256,
      delivery.content.length,
      delivery.content,
    ],
  );
  if (inserted.rows[0]) return { record: toRecord(inserted.rows[0]), created: true };
  const existing = await findDeliveryByKey(db, delivery.key);
  if (!existing) throw new Error(`delivery ${delivery.key} conflicts with a record that cannot be found`);
  return { record: existing, created: false };
}

export async function findDeliveryByKey(
  db: Db | PoolClient,
  key: string,
): Promise<DeliveryRecord | undefined> {
  const { rows } = await db.query<DeliveryRow>(`select ${COLUMNS} from deliveries where delivery_key = $1`, [
    key,
  ]);
  return rows[0] && toRecord(rows[0]);
}

export async function getDelivery(db: Db | PoolClient, id: string): Promise<DeliveryRecord | undefined> {
  const { rows } = await db.query<DeliveryRow>(`select ${COLUMNS} from deliveries where id = $1`, [id]);
  return rows[0] && toRecord(rows[0]);
}

export async function getDeliveryContent(db: Db | PoolClient, id: string): Promise<Buffer | undefined> {
  const { rows } = await db.query<{ content: Buffer | null }>(
    'select content from deliveries where id = $1',
    [id],
  );
  return rows[0]?.content ?? undefined;
}

export async function listBatchEntries(db: Db | PoolClient, parentId: string): Promise<DeliveryRecord[]> {
  const { rows } = await db.query<DeliveryRow>(
    `select ${COLUMNS} from deliveries where parent_id = $1 order by received_at, delivery_key`,
    [parentId],
  );
  return rows.map(toRecord);
}

export interface DeliveryResult {
  status: Exclude<DeliveryStatus, 'received'>;
  invoiceId?: string;
  reason?: { code: string; message: string };
}

/**
 * Writes what became of a delivery, once: only a delivery still `received` changes, so a retry after a crash cannot
 * overwrite an earlier result. Accepted bytes now live with the invoice, so the delivery's copy is dropped; a
 * quarantined delivery keeps its bytes as the evidence of what was refused. Returns false when it was already written.
 */
export async function recordDeliveryResult(
  db: Db | PoolClient,
  id: string,
  result: DeliveryResult,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `update deliveries
        set status = $2, invoice_id = $3, reason_code = $4, reason = $5, processed_at = now(),
            content = case when $2 = 'quarantined' then content else null end
      where id = $1 and status = 'received'`,
    [
      id,
      result.status,
      result.invoiceId ?? null,
      result.reason?.code ?? null,
      result.reason?.message ?? null,
    ],
  );
  return rowCount === 1;
}

/**
 * Takes an unprocessed delivery for `seconds`, unless another process holds it. A holder that dies lets go when its
 * lease ends. Returns the delivery when the caller now holds it.
 */
export async function leaseDelivery(
  db: Db | PoolClient,
  id: string,
  seconds: number,
): Promise<DeliveryRecord | undefined> {
  const { rows } = await db.query<DeliveryRow>(
    `update deliveries set lease_until = now() + make_interval(secs => $2)
      where id = $1 and status = 'received' and (lease_until is null or lease_until < now())
      returning ${COLUMNS}`,
    [id, seconds],
  );
  return rows[0] && toRecord(rows[0]);
}

/** The holder of a delivery's lease keeps it for another `seconds` (a long batch, entry by entry). */
export async function renewDeliveryLease(db: Db | PoolClient, id: string, seconds: number): Promise<void> {
  await db.query(
    `update deliveries set lease_until = now() + make_interval(secs => $2) where id = $1 and status = 'received'`,
    [id, seconds],
  );
}

/** Deliveries recorded but not processed for a while, and held by nobody: a node that recorded them died. */
export async function unprocessedDeliveries(
  db: Db,
  olderThanSeconds: number,
  limit = 100,
): Promise<DeliveryRecord[]> {
  const { rows } = await db.query<DeliveryRow>(
    `select ${COLUMNS} from deliveries
      where status = 'received' and parent_id is null and received_at < now() - make_interval(secs => $1)
        and (lease_until is null or lease_until < now())
      order by received_at limit $2`,
    [olderThanSeconds, limit],
  );
  return rows.map(toRecord);
}

/** The issuer's recent deliveries, newest first (for the CLI and operators). */
export async function listDeliveries(
  db: Db,
  issuerId: string,
  options: { status?: DeliveryStatus; limit?: number } = {},
): Promise<DeliveryRecord[]> {
  const { rows } = await db.query<DeliveryRow>(
    `select ${COLUMNS} from deliveries
      where issuer_id = $1 and ($2::text is null or status = $2)
      order by received_at desc limit $3`,
    [issuerId, options.status ?? null, options.limit ?? 100],
  );
  return rows.map(toRecord);
}

/** Files of one mailbox (own SFTP server) received and not yet processed: they still show in the issuer's /inbox. */
export async function listUnprocessedFiles(
  db: Db,
  issuerId: string,
  mailbox: Mailbox,
): Promise<{ name: string; size: number; receivedAt: Date }[]> {
  const { rows } = await db.query<{ file_name: string; size: string; received_at: Date }>(
    `select file_name, size, received_at from deliveries
      where issuer_id = $1 and mailbox = $2 and status = 'received' and parent_id is null
      order by received_at`,
    [issuerId, mailbox],
  );
  return rows.map((r) => ({ name: r.file_name, size: Number(r.size), receivedAt: r.received_at }));
}

/** The newest unprocessed file of that name in the mailbox, if any. */
export async function findUnprocessedFile(
  db: Db,
  issuerId: string,
  mailbox: Mailbox,
  name: string,
): Promise<{ size: number; receivedAt: Date } | undefined> {
  const { rows } = await db.query<{ size: string; received_at: Date }>(
    `select size, received_at from deliveries
      where issuer_id = $1 and mailbox = $2 and file_name = $3 and status = 'received' and parent_id is null
      order by received_at desc limit 1`,
    [issuerId, mailbox, name],
  );
  return rows[0] && { size: Number(rows[0].size), receivedAt: rows[0].received_at };
}

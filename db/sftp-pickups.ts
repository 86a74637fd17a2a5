import type { Db } from './index';

/** An issuer's own SFTP server that the hub polls for invoices and writes its answers to. */
export interface SftpPickup {
  issuerId: string;
  host: string;
  port: number;
  username: string;
  /** The private key the hub logs in with, sealed with the hub secret (platform/sealing.ts); never in clear. */
  privateKeySealed: string;
  /** OpenSSH's `SHA256:…` fingerprint of the server's host key: pinned by the operator or on first connection. */
  hostKeySha256?: string;
  remoteInbox: string;
  remoteOutbox: string;
  pollSeconds: number;
  enabled: boolean;
  /** Why the pickup stopped by itself (a changed host key); it stays stopped until set again. */
  haltedReason?: string;
  haltedAt?: string;
  lastPolledAt?: string;
  lastError?: string;
  updatedAt: string;
}

interface SftpPickupRow {
  issuer_id: string;
  host: string;
  port: number;
  username: string;
  private_key_sealed: string;
  host_key_sha256: string | null;
  remote_inbox: string;
  remote_outbox: string;
  poll_seconds: number;
  enabled: boolean;
  halted_reason: string | null;
  halted_at: Date | null;
  last_polled_at: Date | null;
  last_error: string | null;
  updated_at: Date;
}

const toPickup = (row: SftpPickupRow): SftpPickup => ({
  issuerId: row.issuer_id,
  host: row.host,
  port: row.port,
  username: row.username,
  privateKeySealed: row.private_key_sealed,
  hostKeySha256: row.host_key_sha256 ?? undefined,
  remoteInbox: row.remote_inbox,
  remoteOutbox: row.remote_outbox,
  pollSeconds: row.poll_seconds,
  enabled: row.enabled,
  haltedReason: row.halted_reason ?? undefined,
  haltedAt: row.halted_at?.toISOString(),
  lastPolledAt: row.last_polled_at?.toISOString(),
  lastError: row.last_error ?? undefined,
  updatedAt: row.updated_at.toISOString(),
});

/**
 * What an operator sets. `hostKeySha256` given: pinned; not given: the known key is kept while host and port stay
 * the same, else it is learnt on first use.
 */
export type SftpPickupSettings = Pick<
  SftpPickup,
  | 'issuerId'
  | 'host'
  | 'port'
  | 'username'
  | 'privateKeySealed'
  | 'hostKeySha256'
  | 'remoteInbox'
  | 'remoteOutbox'
  | 'pollSeconds'
>;

/** Creates or replaces an issuer's pickup settings and enables it; a halt (changed host key) is lifted. */
export async function saveSftpPickup(db: Db, settings: SftpPickupSettings): Promise<SftpPickup> {
  const { rows } = await db.query<SftpPickupRow>(
    `insert into sftp_pickups (issuer_id, host, port, username, private_key_sealed, host_key_sha256,
                               remote_inbox, remote_outbox, poll_seconds, enabled)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, true)
     on conflict (issuer_id) do update set
       host = excluded.host, port = excluded.port, username = excluded.username,
       private_key_sealed = excluded.private_key_sealed,
       host_key_sha256 = coalesce(
         excluded.host_key_sha256,
         case when sftp_pickups.host = excluded.host and sftp_pickups.port = excluded.port
              then sftp_pickups.host_key_sha256 end),
       remote_inbox = excluded.remote_inbox, remote_outbox = excluded.remote_outbox,
       poll_seconds = excluded.poll_seconds, enabled = true,
       halted_reason = null, halted_at = null, last_error = null, updated_at = now()
     returning *`,
    [
      settings.issuerId,
      settings.host,
      settings.port,
      settings.username,
      settings.privateKeySealed,
      settings.hostKeySha256 ?? null,
      settings.remoteInbox,
      settings.remoteOutbox,
      settings.pollSeconds,
    ],
  );
  return toPickup(rows[0]);
}

export async function getSftpPickup(db: Db, issuerId: string): Promise<SftpPickup | undefined> {
  const { rows } = await db.query<SftpPickupRow>('select * from sftp_pickups where issuer_id = $1', [
    issuerId,
  ]);
  return rows[0] && toPickup(rows[0]);
}

/** Pickups that should have a poller running: enabled and not halted. */
export async function listActiveSftpPickups(db: Db): Promise<SftpPickup[]> {
  const { rows } = await db.query<SftpPickupRow>(
    'select * from sftp_pickups where enabled and halted_reason is null order by issuer_id',
  );
  return rows.map(toPickup);
}

export async function disableSftpPickup(db: Db, issuerId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'update sftp_pickups set enabled = false, updated_at = now() where issuer_id = $1',
    [issuerId],
  );
  return rowCount === 1;
}

/**
 * Trust on first use: stores the host key's fingerprint unless one is known, and returns the one now stored, so two
 * first connections racing each other agree on one key.
 */
export async function pinHostKey(db: Db, issuerId: string, fingerprint: string): Promise<string | undefined> {
  await db.query(
    'update sftp_pickups set host_key_sha256 = $2 where issuer_id = $1 and host_key_sha256 is null',
    [issuerId, fingerprint],
  );
  const { rows } = await db.query<{ host_key_sha256: string | null }>(
    'select host_key_sha256 from sftp_pickups where issuer_id = $1',
    [issuerId],
  );
  return rows[0]?.host_key_sha256 ?? undefined;
}

export async function haltSftpPickup(db: Db, issuerId: string, reason: string): Promise<void> {
  await db.query(
    'update sftp_pickups set halted_reason = $2, halted_at = now(), last_error = $2 where issuer_id = $1',
    [issuerId, reason],
  );
}

/** What the last poll did: no error, or the reason it failed (the activity is retried). */
export async function recordPollOutcome(db: Db, issuerId: string, error?: string): Promise<void> {
  await db.query('update sftp_pickups set last_polled_at = now(), last_error = $2 where issuer_id = $1', [
    issuerId,
    error ?? null,
  ]);
}

/** An answer's temporary file is complete on the issuer's server; what remains is the rename. */
export async function recordAnswerUploaded(db: Db, answerId: number, temporaryName: string): Promise<void> {
  await db.query(
    `insert into sftp_pickup_pushes (answer_id, temporary_name) values ($1, $2)
     on conflict (answer_id) do update set temporary_name = excluded.temporary_name, uploaded_at = now()`,
    [answerId, temporaryName],
  );
}

export async function uploadedAnswer(db: Db, answerId: number): Promise<string | undefined> {
  const { rows } = await db.query<{ temporary_name: string }>(
    'select temporary_name from sftp_pickup_pushes where answer_id = $1',
    [answerId],
  );
  return rows[0]?.temporary_name;
}

export async function forgetUploadedAnswer(db: Db, answerId: number): Promise<void> {
  await db.query('delete from sftp_pickup_pushes where answer_id = $1', [answerId]);
}

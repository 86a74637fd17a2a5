import crypto from 'node:crypto';
import type { Db } from './index';

/** An SFTP login key of an issuer, in SSH wire format with its OpenSSH SHA-256 fingerprint. */
export interface SftpKey {
  id: string;
  issuerId: string;
  algorithm: string;
  publicKey: Buffer;
  fingerprint: string;
  comment?: string;
  createdAt: string;
}

interface SftpKeyRow {
  id: string;
  issuer_id: string;
  algorithm: string;
  public_key: Buffer;
  fingerprint: string;
  comment: string | null;
  created_at: Date;
}

const toKey = (row: SftpKeyRow): SftpKey => ({
  id: row.id,
  issuerId: row.issuer_id,
  algorithm: row.algorithm,
  publicKey: row.public_key,
  fingerprint: row.fingerprint,
  comment: row.comment ?? undefined,
  createdAt: row.created_at.toISOString(),
});

export class DuplicateSftpKeyError extends Error {
  constructor(readonly fingerprint: string) {
    super(`the key ${fingerprint} is already registered for this issuer`);
  }
}

export async function addSftpKey(
  db: Db,
  key: { issuerId: string; algorithm: string; publicKey: Buffer; fingerprint: string; comment?: string },
): Promise<SftpKey> {
  try {
    const { rows } = await db.query<SftpKeyRow>(
      `insert into sftp_keys (id, issuer_id, algorithm, public_key, fingerprint, comment)
       values ($1, $2, $3, $4, $5, $6) returning *`,
      [crypto.randomUUID(), key.issuerId, key.algorithm, key.publicKey, key.fingerprint, key.comment ?? null],
    );
    return toKey(rows[0]);
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new DuplicateSftpKeyError(key.fingerprint);
    throw error;
  }
}

export async function listSftpKeys(db: Db, issuerId: string): Promise<SftpKey[]> {
  const { rows } = await db.query<SftpKeyRow>(
    'select * from sftp_keys where issuer_id = $1 order by created_at',
    [issuerId],
  );
  return rows.map(toKey);
}

/** Removes a key by its id or fingerprint; returns whether one was removed. */
export async function removeSftpKey(db: Db, issuerId: string, idOrFingerprint: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'delete from sftp_keys where issuer_id = $1 and (id::text = $2 or fingerprint = $2)',
    [issuerId, idOrFingerprint],
  );
  return (rowCount ?? 0) > 0;
}

/** The key an issuer presents at login, if it is one of its registered keys. */
export async function findSftpKey(
  db: Db,
  issuerId: string,
  fingerprint: string,
): Promise<SftpKey | undefined> {
  const { rows } = await db.query<SftpKeyRow>(
    'select * from sftp_keys where issuer_id = $1 and fingerprint = $2',
    [issuerId, fingerprint],
  );
  return rows[0] && toKey(rows[0]);
}

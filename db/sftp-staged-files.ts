import type { PoolClient } from 'pg';
import type { Db } from './index';

/** Uploads complete under a temporary name, waiting for the rename that delivers them. */
export interface StagedFile {
  name: string;
  size: number;
  sha256: string;
  stagedAt: Date;
}

export async function stageFile(
  db: Db,
  file: { issuerId: string; name: string; content: Buffer; sha256: string },
): Promise<void> {
  // A new upload under the same temporary name replaces the old one, as it would on a disk.
  await db.query(
    `insert into sftp_staged_files (issuer_id, name, content, sha256, size) values ($1, $2, $3, $4, $5)
     on conflict (issuer_id, name) do update
       set content = excluded.content, sha256 = excluded.sha256, size = excluded.size, staged_at = now()`,
    [file.issuerId, file.name, file.content, file.sha256, file.content.length],
  );
}

export async function listStagedFiles(db: Db, issuerId: string): Promise<StagedFile[]> {
  const { rows } = await db.query<{ name: string; size: string; sha256: string; staged_at: Date }>(
    'select name, size, sha256, staged_at from sftp_staged_files where issuer_id = $1 order by name',
    [issuerId],
  );
  return rows.map((r) => ({ name: r.name, size: Number(r.size), sha256: r.sha256, stagedAt: r.staged_at }));
}

export async function findStagedFile(
  db: Db,
  issuerId: string,
  name: string,
): Promise<StagedFile | undefined> {
  const { rows } = await db.query<{ name: string; size: string; sha256: string; staged_at: Date }>(
    'select name, size, sha256, staged_at from sftp_staged_files where issuer_id = $1 and name = $2',
    [issuerId, name],
  );
  return (
    rows[0] && {
      name: rows[0].name,
      size: Number(rows[0].size),
      sha256: rows[0].sha256,
      stagedAt: rows[0].staged_at,
    }
  );
}

/** Takes a staged file out (inside the caller's transaction, so taking and delivering are one step). */
export async function takeStagedFile(
  client: PoolClient,
  issuerId: string,
  name: string,
): Promise<{ content: Buffer; sha256: string } | undefined> {
  const { rows } = await client.query<{ content: Buffer; sha256: string }>(
    'delete from sftp_staged_files where issuer_id = $1 and name = $2 returning content, sha256',
    [issuerId, name],
  );
  return rows[0];
}

export async function renameStagedFile(db: Db, issuerId: string, from: string, to: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'update sftp_staged_files set name = $3 where issuer_id = $1 and name = $2',
    [issuerId, from, to],
  );
  return rowCount === 1;
}

export async function removeStagedFile(db: Db, issuerId: string, name: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from sftp_staged_files where issuer_id = $1 and name = $2', [
    issuerId,
    name,
  ]);
  return rowCount === 1;
}

/** Staged files nobody renamed within the retention: an abandoned upload. */
export async function dropAbandonedStagedFiles(db: Db, olderThanHours: number): Promise<number> {
  const { rowCount } = await db.query(
    'delete from sftp_staged_files where staged_at < now() - make_interval(hours => $1)',
    [olderThanHours],
  );
  return rowCount ?? 0;
}

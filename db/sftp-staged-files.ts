import type { PoolClient } from 'pg';
import type { Db } from './index';

/** The folders of an issuer's SFTP tree that take uploads. */
export type UploadFolder = 'inbox' | 'statements';

/** Uploads complete under a temporary name, waiting for the rename that delivers them. */
export interface StagedFile {
  name: string;
  size: number;
  sha256: string;
  stagedAt: Date;
}

interface StagedRow {
  name: string;
  size: string;
  sha256: string;
  staged_at: Date;
}

const toStaged = (r: StagedRow): StagedFile => ({
  name: r.name,
  size: Number(r.size),
  sha256: r.sha256,
  stagedAt: r.staged_at,
});

export async function stageFile(
  db: Db,
  file: { issuerId: string; folder: UploadFolder; name: string; content: Buffer; sha256: string },
): Promise<void> {
  // A new upload under the same temporary name replaces the old one, as it would on a disk.
  await db.query(
    `insert into sftp_staged_files (issuer_id, folder, name, content, sha256, size) values ($1, $2, $3, $4, $5, $6)
     on conflict (issuer_id, folder, name) do update
       set content = excluded.content, sha256 = excluded.sha256, size = excluded.size, staged_at = now()`,
    [file.issuerId, file.folder, file.name, file.content, file.sha256, file.content.length],
  );
}

export async function listStagedFiles(db: Db, issuerId: string, folder: UploadFolder): Promise<StagedFile[]> {
  const { rows } = await db.query<StagedRow>(
    'select name, size, sha256, staged_at from sftp_staged_files where issuer_id = $1 and folder = $2 order by name',
    [issuerId, folder],
  );
  return rows.map(toStaged);
}

export async function findStagedFile(
  db: Db,
  issuerId: string,
  folder: UploadFolder,
  name: string,
): Promise<StagedFile | undefined> {
  const { rows } = await db.query<StagedRow>(
    `select name, size, sha256, staged_at from sftp_staged_files
      where issuer_id = $1 and folder = $2 and name = $3`,
    [issuerId, folder, name],
  );
  return rows[0] && toStaged(rows[0]);
}

/** A staged file's bytes, left in place (for a rename that must hand them on before taking them out). */
export async function readStagedFile(
  db: Db,
  issuerId: string,
  folder: UploadFolder,
  name: string,
): Promise<{ content: Buffer; sha256: string } | undefined> {
  const { rows } = await db.query<{ content: Buffer; sha256: string }>(
    'select content, sha256 from sftp_staged_files where issuer_id = $1 and folder = $2 and name = $3',
    [issuerId, folder, name],
  );
  return rows[0];
}

/** Takes a staged file out (inside the caller's transaction, so taking and delivering are one step). */
export async function takeStagedFile(
  client: PoolClient,
  issuerId: string,
  folder: UploadFolder,
  name: string,
): Promise<{ content: Buffer; sha256: string } | undefined> {
  const { rows } = await client.query<{ content: Buffer; sha256: string }>(
    'delete from sftp_staged_files where issuer_id = $1 and folder = $2 and name = $3 returning content, sha256',
    [issuerId, folder, name],
  );
  return rows[0];
}

export async function renameStagedFile(
  db: Db,
  issuerId: string,
  folder: UploadFolder,
  from: string,
  to: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'update sftp_staged_files set name = $4 where issuer_id = $1 and folder = $2 and name = $3',
    [issuerId, folder, from, to],
  );
  return rowCount === 1;
}

export async function removeStagedFile(
  db: Db,
  issuerId: string,
  folder: UploadFolder,
  name: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    'delete from sftp_staged_files where issuer_id = $1 and folder = $2 and name = $3',
    [issuerId, folder, name],
  );
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

import type { PoolClient } from 'pg';
import type { Db } from './index';

/** One statement file an issuer put into its SFTP /statements under a final name, and the import it is. */
export interface StatementUpload {
  id: number;
  issuerId: string;
  name: string;
  importId: string;
  /** The hub had these bytes before this upload: the import is the earlier one's. */
  repeated: boolean;
  uploadedAt: Date;
}

interface UploadRow {
  id: string;
  issuer_id: string;
  name: string;
  import_id: string;
  repeated: boolean;
  uploaded_at: Date;
}

const toUpload = (row: UploadRow): StatementUpload => ({
  id: Number(row.id),
  issuerId: row.issuer_id,
  name: row.name,
  importId: row.import_id,
  repeated: row.repeated,
  uploadedAt: row.uploaded_at,
});

export async function recordStatementUpload(
  db: Db | PoolClient,
  upload: { issuerId: string; name: string; importId: string; repeated: boolean },
): Promise<StatementUpload> {
  const { rows } = await db.query<UploadRow>(
    `insert into sftp_statement_uploads (issuer_id, name, import_id, repeated) values ($1, $2, $3, $4)
     returning *`,
    [upload.issuerId, upload.name, upload.importId, upload.repeated],
  );
  return toUpload(rows[0]);
}

/** The newest upload under one name (the one its answer in /outbox describes). */
export async function findStatementUpload(
  db: Db | PoolClient,
  issuerId: string,
  name: string,
): Promise<StatementUpload | undefined> {
  const { rows } = await db.query<UploadRow>(
    `select * from sftp_statement_uploads where issuer_id = $1 and name = $2 order by id desc limit 1`,
    [issuerId, name],
  );
  return rows[0] && toUpload(rows[0]);
}

/** The newest upload under each name since a time, for the outbox listing. */
export async function recentStatementUploads(
  db: Db | PoolClient,
  issuerId: string,
  since: Date,
): Promise<StatementUpload[]> {
  const { rows } = await db.query<UploadRow>(
    `select distinct on (name) * from sftp_statement_uploads
      where issuer_id = $1 and uploaded_at >= $2 order by name, id desc`,
    [issuerId, since],
  );
  return rows.map(toUpload);
}

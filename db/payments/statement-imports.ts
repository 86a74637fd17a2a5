import crypto from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Db } from '../index';

/** How a statement file reached the hub. */
export type StatementSource = 'sftp' | 'api' | 'cli';

export type ImportStatus = 'received' | 'imported' | 'refused';

export interface StatementImport {
  id: string;
  issuerId: string;
  source: StatementSource;
  fileName: string;
  sha256: string;
  workflowId: string;
  status: ImportStatus;
  format?: string;
  statementIds: string[];
  account?: string;
  refusal?: { code: string; message: string };
  entryCount: number;
  newEntries: number;
  receivedAt: string;
  importedAt?: string;
}

interface ImportRow {
  id: string;
  issuer_id: string;
  source: StatementSource;
  file_name: string;
  sha256: string;
  workflow_id: string;
  status: ImportStatus;
  format: string | null;
  statement_ids: string[];
  account: string | null;
  refusal_code: string | null;
  refusal: string | null;
  entry_count: number;
  new_entries: number;
  received_at: Date;
  imported_at: Date | null;
}

const COLUMNS =
  'id, issuer_id, source, file_name, sha256, workflow_id, status, format, statement_ids, account, refusal_code, refusal, entry_count, new_entries, received_at, imported_at';

const toImport = (row: ImportRow): StatementImport => ({
  id: row.id,
  issuerId: row.issuer_id,
  source: row.source,
  fileName: row.file_name,
  sha256: row.sha256,
  workflowId: row.workflow_id,
  status: row.status,
  format: row.format ?? undefined,
  statementIds: row.statement_ids,
  account: row.account ?? undefined,
  refusal: row.refusal_code ? { code: row.refusal_code, message: row.refusal ?? '' } : undefined,
  entryCount: row.entry_count,
  newEntries: row.new_entries,
  receivedAt: row.received_at.toISOString(),
  importedAt: row.imported_at?.toISOString(),
});

/** The import workflow's id: one per issuer and file content, so the same file sent twice is one import. */
export function statementImportWorkflowId(issuerId: string, sha256: string): string {
  return `statement-import-${issuerId}-${sha256.slice(0, 32)}`;
}

/**
 * Records a statement file once per issuer and content, before anything is read from it. The same bytes again (by
 * any channel) return the first record with `created: false`.
 */
export async function recordStatementImport(
  db: Db | PoolClient,
  file: { issuerId: string; source: StatementSource; fileName: string; content: Buffer },
): Promise<{ record: StatementImport; created: boolean }> {
  const sha256 = crypto.createHash('sha256').update(file.content).digest('hex');
  const inserted = await db.query<ImportRow>(
    `insert into statement_imports (id, issuer_id, source, file_name, sha256, content, workflow_id)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (issuer_id, sha256) do nothing
     returning ${COLUMNS}`,
    [
      crypto.randomUUID(),
      file.issuerId,
      file.source,
      file.fileName,
      sha256,
      file.content,
      statementImportWorkflowId(file.issuerId, sha256),
    ],
  );
  if (inserted.rows[0]) return { record: toImport(inserted.rows[0]), created: true };
  const { rows } = await db.query<ImportRow>(
    `select ${COLUMNS} from statement_imports where issuer_id = $1 and sha256 = $2`,
    [file.issuerId, sha256],
  );
  return { record: toImport(rows[0]), created: false };
}

export async function getStatementImport(
  db: Db | PoolClient,
  id: string,
): Promise<StatementImport | undefined> {
  const { rows } = await db.query<ImportRow>(`select ${COLUMNS} from statement_imports where id = $1`, [id]);
  return rows[0] && toImport(rows[0]);
}

export async function statementImportContent(db: Db | PoolClient, id: string): Promise<Buffer> {
  const { rows } = await db.query<{ content: Buffer }>(
    'select content from statement_imports where id = $1',
    [id],
  );
  if (!rows[0]) throw new Error(`statement import ${id} does not exist`);
  return rows[0].content;
}

export async function listStatementImports(
  db: Db | PoolClient,
  issuerId: string,
  limit = 50,
): Promise<StatementImport[]> {
  const { rows } = await db.query<ImportRow>(
    `select ${COLUMNS} from statement_imports where issuer_id = $1 order by received_at desc, id limit $2`,
    [issuerId, limit],
  );
  return rows.map(toImport);
}

/** What was read from the file, written before its entries are. */
export async function describeStatementImport(
  db: Db | PoolClient,
  id: string,
  facts: { format: string; statementIds: string[]; account?: string; entryCount: number },
): Promise<void> {
  await db.query(
    `update statement_imports set format = $2, statement_ids = $3, account = $4, entry_count = $5 where id = $1`,
    [id, facts.format, facts.statementIds, facts.account ?? null, facts.entryCount],
  );
}

/** The file could not be read: kept with its bytes and the reason (the quarantine of statements). */
export async function refuseStatementImport(
  db: Db | PoolClient,
  id: string,
  reason: { code: string; message: string },
): Promise<void> {
  await db.query(
    `update statement_imports set status = 'refused', refusal_code = $2, refusal = $3, imported_at = now()
      where id = $1 and status = 'received'`,
    [id, reason.code, reason.message],
  );
}

export async function completeStatementImport(db: Db | PoolClient, id: string): Promise<void> {
  await db.query(
    `update statement_imports
        set status = 'imported', imported_at = now(),
            new_entries = (select count(*) from statement_entries where import_id = $1)
      where id = $1 and status = 'received'`,
    [id],
  );
}

/** Imports recorded but not finished for a while: their workflow may never have started (a crash right after). */
export async function unfinishedStatementImports(
  db: Db | PoolClient,
  olderThanSeconds: number,
): Promise<StatementImport[]> {
  const { rows } = await db.query<ImportRow>(
    `select ${COLUMNS} from statement_imports
      where status = 'received' and received_at < now() - make_interval(secs => $1) order by received_at limit 100`,
    [olderThanSeconds],
  );
  return rows.map(toImport);
}

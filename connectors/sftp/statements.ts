import type { Client } from '@temporalio/client';
import { withTransaction, type Db } from '../../db';
import { countImportEntries } from '../../db/payments/ledger';
import { getStatementImport } from '../../db/payments/statement-imports';
import {
  findStatementUpload,
  recentStatementUploads,
  recordStatementUpload,
  type StatementUpload,
} from '../../db/sftp-statement-uploads';
import { readStagedFile, takeStagedFile } from '../../db/sftp-staged-files';
import { answerNames, isStatementAnswerName, jsonFile, statementAnswer } from '../../intake/answers';
import { receiveStatement } from '../../intake/statements';
import type { HubConfig } from '../../platform/config';

/**
 * An issuer's `/statements`: bank statement files in, through the one door for statements (`receiveStatement`), and
 * their answers out, as `/outbox/NAME.statement.json`. A file under its final name is recorded (and refused at once
 * when it cannot be read, or handed to its import workflow) before its CLOSE or RENAME is answered, so an OK always
 * means the hub has it. The same bytes twice are one import: the second upload's answer says so and names the first.
 */
export interface StatementFolderDeps {
  db: Db;
  temporal: Client;
  config: HubConfig;
}

/** A file closed under a final name in /statements. */
export async function receiveStatementUpload(
  deps: StatementFolderDeps,
  issuerId: string,
  name: string,
  content: Buffer,
): Promise<StatementUpload> {
  const { record, created } = await receiveStatement(deps, {
    issuerId,
    source: 'sftp',
    fileName: name,
    content,
  });
  return recordStatementUpload(deps.db, { issuerId, name, importId: record.id, repeated: !created });
}

/**
 * A staged file renamed to a final name in /statements. The statement is received before the staged copy is taken
 * out: a crash between the two leaves the staged file, and the client's repeated rename finds the import already
 * there (by content), so nothing is lost and nothing imported twice.
 */
export async function receiveRenamedStatement(
  deps: StatementFolderDeps,
  issuerId: string,
  from: string,
  to: string,
): Promise<StatementUpload | undefined> {
  const staged = await readStagedFile(deps.db, issuerId, 'statements', from);
  if (!staged) return undefined;
  const { record, created } = await receiveStatement(deps, {
    issuerId,
    source: 'sftp',
    fileName: to,
    content: staged.content,
  });
  return withTransaction(deps.db, async (client) => {
    const taken = await takeStagedFile(client, issuerId, 'statements', from);
    // Another rename took it first (and recorded its own upload), or a new upload replaced it meanwhile.
    if (!taken || taken.sha256 !== staged.sha256) return undefined;
    return recordStatementUpload(client, { issuerId, name: to, importId: record.id, repeated: !created });
  });
}

export interface StatementAnswer {
  /** NAME.statement.json */
  name: string;
  content: Buffer;
  /** When the answer last changed: the upload, or the import's end when that came later. */
  modified: Date;
}

/** `/outbox/NAME.statement.json`: the answer to the newest upload under NAME, as its import stands now. */
export async function findStatementAnswer(
  deps: StatementFolderDeps,
  issuerId: string,
  answerName: string,
): Promise<StatementAnswer | undefined> {
  if (!isStatementAnswerName(answerName)) return undefined;
  const uploadName = answerName.slice(0, -'.statement.json'.length);
  const upload = await findStatementUpload(deps.db, issuerId, uploadName);
  return upload && renderAnswer(deps, upload);
}

/** The statement answers of uploads since a time, for the outbox listing. */
export async function recentStatementAnswers(
  deps: StatementFolderDeps,
  issuerId: string,
  since: Date,
): Promise<StatementAnswer[]> {
  const uploads = await recentStatementUploads(deps.db, issuerId, since);
  const answers: StatementAnswer[] = [];
  for (const upload of uploads) {
    const answer = await renderAnswer(deps, upload);
    if (answer) answers.push(answer);
  }
  return answers;
}

async function renderAnswer(
  deps: StatementFolderDeps,
  upload: StatementUpload,
): Promise<StatementAnswer | undefined> {
  const record = await getStatementImport(deps.db, upload.importId);
  if (!record) return undefined;
  const counts = await countImportEntries(deps.db, record.id);
  const answer = statementAnswer(upload, record, counts, deps.config.publicUrl);
  const imported = record.importedAt ? new Date(record.importedAt) : undefined;
  return {
    name: answerNames.statement(upload.name),
    content: jsonFile(answer),
    modified: imported && imported > upload.uploadedAt ? imported : upload.uploadedAt,
  };
}

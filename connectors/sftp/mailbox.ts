import crypto from 'node:crypto';
import type { Client } from '@temporalio/client';
import { withTransaction, type Db } from '../../db';
import { findOutboxFile, listOutbox, readOutboxFile } from '../../db/channel-answers';
import { findUnprocessedFile, listUnprocessedFiles, recordDelivery } from '../../db/deliveries';
import type { Issuer } from '../../db/issuers';
import {
  findStagedFile,
  listStagedFiles,
  removeStagedFile,
  renameStagedFile,
  stageFile,
  takeStagedFile,
  type UploadFolder,
} from '../../db/sftp-staged-files';
import { MAX_STATEMENT_BYTES } from '../../domain/payments/statements';
import { isStatementAnswerName } from '../../intake/answers';
import { receiveFile } from '../../intake/deliveries';
import type { HubConfig } from '../../platform/config';
import { isTemporaryName, resolveMailboxPath, type Folder, type MailboxPath } from './paths';
import {
  findStatementAnswer,
  receiveRenamedStatement,
  receiveStatementUpload,
  recentStatementAnswers,
} from './statements';
import { Upload, UploadError } from './upload';

/** A request the mailbox refuses: the SFTP status and a sentence the client shows its user. */
export class SftpFailure extends Error {
  constructor(
    readonly status: 'NO_SUCH_FILE' | 'PERMISSION_DENIED' | 'FAILURE' | 'OP_UNSUPPORTED',
    message: string,
  ) {
    super(message);
  }
}

export interface MailboxEntry {
  name: string;
  kind: 'folder' | 'file';
  size: number;
  modified: Date;
  writable: boolean;
}

export interface MailboxDeps {
  db: Db;
  /** For statements, which go to their import workflow before the client hears OK. */
  temporal: Client;
  config: HubConfig;
  maxUploadBytes: number;
  /** Days of answers the outbox lists (older ones stay in the database). */
  outboxDays: number;
  /** Called once a file is durably received, to process it in the background. */
  onReceived(deliveryId: string): void;
}

/**
 * One issuer's SFTP tree as a view of the database, the same on every gateway node:
 *   /inbox       invoices: files being uploaded under a temporary name (staged), and files received but not yet
 *                processed; once processed a file leaves /inbox and its acknowledgement is in /outbox, in one
 *                transaction, so a client that lost its connection can always tell what arrived: look in /inbox and
 *                /outbox.
 *   /statements  bank statements: only files still staged under a temporary name. A file under its final name is
 *                received (recorded, and refused or handed to its import) before CLOSE is answered, so it is never
 *                seen here: its answer is in /outbox at once.
 *   /outbox      the hub's answers (read only): the invoice answers written by intake and the lifecycle, and
 *                NAME.statement.json for each statement, rendered from its import as it stands.
 */
export class IssuerMailbox {
  constructor(
    private readonly deps: MailboxDeps,
    readonly issuer: Issuer,
  ) {}

  resolve(raw: string): MailboxPath {
    return resolveMailboxPath(raw);
  }

  async stat(raw: string): Promise<MailboxEntry> {
    const target = this.resolve(raw);
    if (target.kind === 'root') return folderEntry('/', false);
    if (target.kind === 'folder') return folderEntry(target.folder, target.folder !== 'outbox');
    const entry = await this.entry(target.folder, target.name);
    if (!entry) throw new SftpFailure('NO_SUCH_FILE', `${target.path} does not exist`);
    return entry;
  }

  async exists(raw: string): Promise<boolean> {
    const target = this.resolve(raw);
    return target.kind !== 'file' || (await this.entry(target.folder, target.name)) !== undefined;
  }

  /** One file by name (clients stat every file they put: this must not read the whole folder). */
  private async entry(folder: Folder, name: string): Promise<MailboxEntry | undefined> {
    if (folder === 'outbox') {
      if (isStatementAnswerName(name)) {
        const statement = await findStatementAnswer(this.deps, this.issuer.id, name);
        return statement && answerEntry(statement.name, statement.content.length, statement.modified);
      }
      const answer = await findOutboxFile(this.deps.db, this.issuer.id, 'sftp', name);
      return answer && answerEntry(name, answer.size, answer.createdAt);
    }
    const staged = await findStagedFile(this.deps.db, this.issuer.id, folder, name);
    if (staged) return stagedEntry(staged);
    if (folder === 'statements') return undefined;
    const received = await findUnprocessedFile(this.deps.db, this.issuer.id, 'sftp', name);
    return (
      received && { name, kind: 'file', size: received.size, modified: received.receivedAt, writable: false }
    );
  }

  async list(folder: Folder | 'root'): Promise<MailboxEntry[]> {
    if (folder === 'root') {
      return [folderEntry('inbox', true), folderEntry('outbox', false), folderEntry('statements', true)];
    }
    if (folder === 'outbox') {
      const since = Date.now() - this.deps.outboxDays * 86_400_000;
      const answers = (await listOutbox(this.deps.db, this.issuer.id, 'sftp'))
        .filter((a) => a.createdAt.getTime() >= since)
        .map((a) => answerEntry(a.name, a.size, a.createdAt));
      const statements = (await recentStatementAnswers(this.deps, this.issuer.id, new Date(since))).map((a) =>
        answerEntry(a.name, a.content.length, a.modified),
      );
      return [...answers, ...statements];
    }
    const staged = await listStagedFiles(this.deps.db, this.issuer.id, folder);
    if (folder === 'statements') return staged.map(stagedEntry);
    const received = await listUnprocessedFiles(this.deps.db, this.issuer.id, 'sftp');
    return [
      ...staged.map(stagedEntry),
      ...received.map((f) => ({
        name: f.name,
        kind: 'file' as const,
        size: f.size,
        modified: f.receivedAt,
        writable: false,
      })),
    ];
  }

  async read(raw: string): Promise<Buffer> {
    const target = this.file(raw);
    if (target.folder === 'inbox') {
      throw new SftpFailure(
        'PERMISSION_DENIED',
        'files in /inbox cannot be read back; answers are in /outbox',
      );
    }
    if (target.folder === 'statements') {
      throw new SftpFailure(
        'PERMISSION_DENIED',
        `files in /statements cannot be read back; the answer to each is /outbox/NAME.statement.json`,
      );
    }
    if (isStatementAnswerName(target.name)) {
      const statement = await findStatementAnswer(this.deps, this.issuer.id, target.name);
      if (!statement) throw new SftpFailure('NO_SUCH_FILE', `${target.path} does not exist`);
      return statement.content;
    }
    const answer = await readOutboxFile(this.deps.db, this.issuer.id, 'sftp', target.name);
    if (!answer) throw new SftpFailure('NO_SUCH_FILE', `${target.path} does not exist`);
    return answer.content;
  }

  openUpload(raw: string): Upload {
    const target = this.file(raw);
    if (target.folder === 'outbox') throw new SftpFailure('PERMISSION_DENIED', '/outbox is read only');
    if (target.folder === 'statements') {
      return new Upload('statements', target.name, Math.min(this.deps.maxUploadBytes, MAX_STATEMENT_BYTES));
    }
    return new Upload('inbox', target.name, this.deps.maxUploadBytes);
  }

  /**
   * CLOSE after writing: a temporary name is staged until renamed; a final name is a delivery. Either is in the
   * database before the client hears OK, so an OK always means the hub has the file.
   */
  async completeUpload(upload: Upload): Promise<void> {
    let content: Buffer;
    try {
      content = upload.assemble();
    } catch (error) {
      if (error instanceof UploadError) throw new SftpFailure('FAILURE', error.message);
      throw error;
    }
    const sha256 = crypto.createHash('sha256').update(content).digest('hex');
    if (isTemporaryName(upload.name)) {
      await stageFile(this.deps.db, {
        issuerId: this.issuer.id,
        folder: upload.folder,
        name: upload.name,
        content,
        sha256,
      });
      return;
    }
    if (upload.folder === 'statements') {
      await receiveStatementUpload(this.deps, this.issuer.id, upload.name, content);
      return;
    }
    const delivery = await receiveFile(this.deps, {
      issuer: this.issuer,
      channel: 'sftp',
      key: `sftp:${crypto.randomUUID()}`,
      mailbox: 'sftp',
      fileName: upload.name,
      bytes: content,
    });
    this.deps.onReceived(delivery.id);
  }

  /** A staged upload renamed to its final name is delivered, in one transaction with leaving the staging area. */
  async rename(rawFrom: string, rawTo: string): Promise<void> {
    const from = this.file(rawFrom);
    const to = this.file(rawTo);
    if (from.folder === 'outbox' || to.folder === 'outbox') {
      throw new SftpFailure('PERMISSION_DENIED', '/outbox is read only');
    }
    if (from.folder !== to.folder) {
      throw new SftpFailure(
        'PERMISSION_DENIED',
        `a file cannot move between /${from.folder} and /${to.folder}: upload it to the folder it belongs in ` +
          '(invoices to /inbox, bank statements to /statements)',
      );
    }
    const folder: UploadFolder = from.folder;
    const source = await this.entry(folder, from.name);
    if (!source) throw new SftpFailure('NO_SUCH_FILE', `${from.path} does not exist`);
    if (!source.writable) {
      throw new SftpFailure('PERMISSION_DENIED', `${from.path} is already delivered and being processed`);
    }
    if ((await this.entry(folder, to.name))?.writable) {
      // SFTP v3: a rename never replaces an existing file.
      throw new SftpFailure('FAILURE', `${to.path} already exists`);
    }
    if (isTemporaryName(to.name)) {
      await renameStagedFile(this.deps.db, this.issuer.id, folder, from.name, to.name);
      return;
    }
    if (folder === 'statements') {
      const upload = await receiveRenamedStatement(this.deps, this.issuer.id, from.name, to.name);
      if (!upload) throw new SftpFailure('NO_SUCH_FILE', `${from.path} does not exist`);
      return;
    }
    const deliveryId = await withTransaction(this.deps.db, async (client) => {
      const staged = await takeStagedFile(client, this.issuer.id, 'inbox', from.name);
      if (!staged) throw new SftpFailure('NO_SUCH_FILE', `${from.path} does not exist`);
      const { record } = await recordDelivery(client, {
        id: crypto.randomUUID(),
        issuerId: this.issuer.id,
        channel: 'sftp',
        key: `sftp:${crypto.randomUUID()}`,
        mailbox: 'sftp',
        fileName: to.name,
        sha256: staged.sha256,
        content: staged.content,
      });
      return record.id;
    });
    this.deps.onReceived(deliveryId);
  }

  async remove(raw: string): Promise<void> {
    const target = this.file(raw);
    if (target.folder === 'outbox') throw new SftpFailure('PERMISSION_DENIED', '/outbox is read only');
    if (await removeStagedFile(this.deps.db, this.issuer.id, target.folder, target.name)) return;
    const received = target.folder === 'inbox' ? await this.entry('inbox', target.name) : undefined;
    throw received
      ? new SftpFailure('PERMISSION_DENIED', `${target.path} is already delivered and cannot be removed`)
      : new SftpFailure('NO_SUCH_FILE', `${target.path} does not exist`);
  }

  private file(raw: string): Extract<MailboxPath, { kind: 'file' }> {
    const target = this.resolve(raw);
    if (target.kind !== 'file') throw new SftpFailure('PERMISSION_DENIED', `${target.path} is a folder`);
    return target;
  }
}

function folderEntry(name: string, writable: boolean): MailboxEntry {
  return { name, kind: 'folder', size: 0, modified: new Date(0), writable };
}

function answerEntry(name: string, size: number, modified: Date): MailboxEntry {
  return { name, kind: 'file', size, modified, writable: false };
}

function stagedEntry(file: { name: string; size: number; stagedAt: Date }): MailboxEntry {
  return { name: file.name, kind: 'file', size: file.size, modified: file.stagedAt, writable: true };
}

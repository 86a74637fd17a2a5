import type { AddressInfo } from 'node:net';
import { Server, utils, type Attributes, type AuthContext, type Connection, type SFTPWrapper } from 'ssh2';
import { getIssuer } from '../../db/issuers';
import { findSftpKey } from '../../db/sftp-keys';
import type { IntakeDeps } from '../../intake';
import { processDelivery } from '../../intake/deliveries';
import { logger } from '../../platform/logger';
import { fingerprintOf } from './keys';
import { IssuerMailbox, SftpFailure, type MailboxEntry } from './mailbox';
import { PathRefused, TREE_FOLDERS, type Folder } from './paths';
import type { Upload } from './upload';

const { OPEN_MODE, STATUS_CODE } = utils.sftp;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const log = logger.child({ component: 'sftp' });

export interface SftpServerOptions {
  port: number;
  host?: string;
  hostKey: Buffer;
  maxUploadBytes: number;
  outboxDays: number;
  /** How many received files one node processes at once. */
  concurrency?: number;
}

export interface RunningSftpServer {
  port: number;
  close(): Promise<void>;
}

/**
 * The hub's own SFTP server (ssh2, SFTP v3). Issuers log in with their issuer id and a registered public key, and see
 * only their own /inbox, /statements and /outbox. Every file closed under a final name is recorded before the client
 * hears OK; an invoice is then processed in the background (a file this node could not finish is picked up by the
 * delivery recovery), a statement is refused or handed to its import workflow before the OK.
 */
export async function startSftpServer(
  deps: IntakeDeps,
  options: SftpServerOptions,
): Promise<RunningSftpServer> {
  const processing = new BackgroundQueue(options.concurrency ?? 8, (deliveryId) =>
    processDelivery(deps, deliveryId).then(() => undefined),
  );
  const connections = new Set<Connection>();
  const server = new Server({ hostKeys: [options.hostKey] }, (client, info) => {
    connections.add(client);
    client.once('close', () => connections.delete(client));
    let mailbox: IssuerMailbox | undefined;
    client.on('authentication', (ctx) => {
      authenticate(deps, ctx).then(
        (issuer) => {
          if (!issuer) return ctx.reject(['publickey']);
          if (!ctx.method || ctx.method !== 'publickey' || !(ctx as { signature?: Buffer }).signature) {
            return ctx.accept(); // a key probe: the key is acceptable; the client signs next
          }
          mailbox = new IssuerMailbox(
            {
              db: deps.db,
              temporal: deps.temporal,
              config: deps.config,
              maxUploadBytes: options.maxUploadBytes,
              outboxDays: options.outboxDays,
              onReceived: (id) => processing.push(id),
            },
            issuer,
          );
          log.info({ issuer: issuer.id, address: info.ip }, 'issuer logged in');
          ctx.accept();
        },
        (error: unknown) => {
          log.error({ err: error }, 'authentication failed with an error');
          ctx.reject(['publickey']);
        },
      );
    });
    client.on('ready', () => {
      client.on('session', (accept) => {
        const session = accept();
        session.on('sftp', (acceptSftp) => {
          if (mailbox) serveMailbox(acceptSftp(), mailbox);
        });
      });
    });
    client.on('error', (error) => log.debug({ err: error, address: info.ip }, 'SFTP connection error'));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, 'SFTP server listening');
  return {
    port,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const connection of connections) connection.end();
      });
      await processing.drain();
    },
  };
}

/** The issuer a login is for, when the presented key is one of its registered keys (and, when signed, verifies). */
async function authenticate(deps: IntakeDeps, ctx: AuthContext) {
  if (ctx.method !== 'publickey' || !UUID.test(ctx.username)) return undefined;
  const key = await findSftpKey(deps.db, ctx.username, fingerprintOf(ctx.key.data));
  if (!key) {
    log.warn({ user: ctx.username, key: fingerprintOf(ctx.key.data) }, 'login refused: unknown key');
    return undefined;
  }
  if (ctx.signature && ctx.blob) {
    const parsed = utils.parseKey(`${key.algorithm} ${key.publicKey.toString('base64')}`);
    if (parsed instanceof Error || parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) {
      log.warn({ user: ctx.username }, 'login refused: the key signature does not verify');
      return undefined;
    }
  }
  const issuer = await getIssuer(deps.db, ctx.username);
  if (issuer?.deactivatedAt) {
    log.warn({ user: ctx.username }, 'login refused: the issuer is deactivated');
    return undefined; // refused like an unknown key: a deactivated issuer has no mailbox here
  }
  return issuer;
}

type Handle =
  | { kind: 'upload'; upload: Upload; failed?: string }
  | { kind: 'read'; content: Buffer }
  | { kind: 'folder'; folder: Folder | 'root'; listed: boolean };

/** Answers the SFTP requests of one session from the issuer's mailbox. */
function serveMailbox(sftp: SFTPWrapper, mailbox: IssuerMailbox): void {
  const handles = new Map<number, Handle>();
  let nextHandle = 1;
  const open = (handle: Handle) => {
    const id = nextHandle++;
    handles.set(id, handle);
    const buffer = Buffer.alloc(4);
    buffer.writeUInt32BE(id);
    return buffer;
  };
  const lookup = (buffer: Buffer) => (buffer.length === 4 ? handles.get(buffer.readUInt32BE()) : undefined);

  /** Runs one request; a refusal answers with its status and reason, anything else with a generic failure. */
  const answer = (reqId: number, work: () => Promise<void> | void) => {
    Promise.resolve()
      .then(work)
      .catch((error: unknown) => {
        if (error instanceof SftpFailure || error instanceof PathRefused) {
          sftp.status(reqId, STATUS_CODE[error.status], error.message);
          return;
        }
        log.error({ err: error, issuer: mailbox.issuer.id }, 'SFTP request failed');
        sftp.status(reqId, STATUS_CODE.FAILURE, 'the hub could not complete the request; it has been logged');
      });
  };
  const ok = (reqId: number) => sftp.status(reqId, STATUS_CODE.OK);
  // The client closed its side (end of a batch): close ours, or its `sftp` would wait for the channel forever.
  sftp.on('end', () => sftp.end());

  sftp.on('REALPATH', (reqId, path) =>
    answer(reqId, () => {
      const resolved = mailbox.resolve(path).path;
      sftp.name(reqId, [{ filename: resolved, longname: resolved, attrs: {} as Attributes }]);
    }),
  );
  const stat = (reqId: number, path: string) =>
    answer(reqId, async () => sftp.attrs(reqId, attributes(await mailbox.stat(path))));
  sftp.on('STAT', stat);
  sftp.on('LSTAT', stat);

  sftp.on('OPENDIR', (reqId, path) =>
    answer(reqId, () => {
      const target = mailbox.resolve(path);
      if (target.kind === 'file') throw new SftpFailure('FAILURE', `${target.path} is not a folder`);
      sftp.handle(
        reqId,
        open({ kind: 'folder', folder: target.kind === 'root' ? 'root' : target.folder, listed: false }),
      );
    }),
  );
  sftp.on('READDIR', (reqId, buffer) =>
    answer(reqId, async () => {
      const handle = lookup(buffer);
      if (handle?.kind !== 'folder') throw new SftpFailure('FAILURE', 'not an open folder');
      if (handle.listed) return void sftp.status(reqId, STATUS_CODE.EOF);
      handle.listed = true;
      const entries = await mailbox.list(handle.folder);
      if (!entries.length) return void sftp.status(reqId, STATUS_CODE.EOF);
      sftp.name(
        reqId,
        entries.map((e) => ({ filename: e.name, longname: longName(e), attrs: attributes(e) })),
      );
    }),
  );

  sftp.on('OPEN', (reqId, path, flags) =>
    answer(reqId, async () => {
      if (flags & OPEN_MODE.APPEND) {
        throw new SftpFailure('OP_UNSUPPORTED', 'appending is not supported: upload the whole file');
      }
      if (flags & OPEN_MODE.WRITE) {
        if (flags & OPEN_MODE.EXCL && (await mailbox.exists(path))) {
          throw new SftpFailure('FAILURE', `${path} already exists`);
        }
        return void sftp.handle(reqId, open({ kind: 'upload', upload: mailbox.openUpload(path) }));
      }
      sftp.handle(reqId, open({ kind: 'read', content: await mailbox.read(path) }));
    }),
  );
  sftp.on('WRITE', (reqId, buffer, offset, data) =>
    answer(reqId, () => {
      const handle = lookup(buffer);
      if (handle?.kind !== 'upload') throw new SftpFailure('FAILURE', 'not a file open for writing');
      if (handle.failed) throw new SftpFailure('FAILURE', handle.failed);
      try {
        handle.upload.write(offset, data);
      } catch (error) {
        handle.failed = (error as Error).message;
        throw new SftpFailure('FAILURE', handle.failed);
      }
      ok(reqId);
    }),
  );
  sftp.on('READ', (reqId, buffer, offset, length) =>
    answer(reqId, () => {
      const handle = lookup(buffer);
      if (handle?.kind !== 'read') throw new SftpFailure('FAILURE', 'not a file open for reading');
      if (offset >= handle.content.length) return void sftp.status(reqId, STATUS_CODE.EOF);
      sftp.data(reqId, handle.content.subarray(offset, offset + length));
    }),
  );
  sftp.on('FSTAT', (reqId, buffer) =>
    answer(reqId, () => {
      const handle = lookup(buffer);
      if (!handle || handle.kind === 'folder') throw new SftpFailure('FAILURE', 'not an open file');
      const size = handle.kind === 'upload' ? handle.upload.size : handle.content.length;
      sftp.attrs(reqId, attributes({ name: '', kind: 'file', size, modified: new Date(), writable: true }));
    }),
  );
  // Permissions and times are the hub's to keep; accepting the request lets `put -p` and friends go on.
  sftp.on('FSETSTAT', (reqId) => ok(reqId));
  sftp.on('SETSTAT', (reqId, path) =>
    answer(reqId, async () => {
      await mailbox.stat(path);
      ok(reqId);
    }),
  );
  sftp.on('CLOSE', (reqId, buffer) =>
    answer(reqId, async () => {
      const handle = lookup(buffer);
      if (!handle) throw new SftpFailure('FAILURE', 'not an open handle');
      handles.delete(buffer.readUInt32BE());
      if (handle.kind === 'upload') {
        if (handle.failed) throw new SftpFailure('FAILURE', `${handle.failed}; nothing was delivered`);
        await mailbox.completeUpload(handle.upload);
      }
      ok(reqId);
    }),
  );
  sftp.on('RENAME', (reqId, from, to) =>
    answer(reqId, async () => {
      await mailbox.rename(from, to);
      ok(reqId);
    }),
  );
  sftp.on('REMOVE', (reqId, path) =>
    answer(reqId, async () => {
      await mailbox.remove(path);
      ok(reqId);
    }),
  );
  const noFolders = (reqId: number) =>
    sftp.status(
      reqId,
      STATUS_CODE.PERMISSION_DENIED,
      `your tree is ${TREE_FOLDERS}: no folders can be made or removed`,
    );
  sftp.on('MKDIR', noFolders);
  sftp.on('RMDIR', noFolders);
  sftp.on('SYMLINK', (reqId) =>
    sftp.status(reqId, STATUS_CODE.PERMISSION_DENIED, 'symbolic links are not allowed'),
  );
  sftp.on('READLINK', (reqId) => sftp.status(reqId, STATUS_CODE.NO_SUCH_FILE, 'there are no symbolic links'));
  sftp.on('EXTENDED', (reqId) =>
    sftp.status(reqId, STATUS_CODE.OP_UNSUPPORTED, 'no extensions are supported'),
  );
}

function attributes(entry: MailboxEntry): Attributes {
  const type = entry.kind === 'folder' ? 0o040000 : 0o100000;
  const permissions =
    entry.kind === 'folder' ? (entry.writable ? 0o755 : 0o555) : entry.writable ? 0o644 : 0o444;
  const seconds = Math.floor(entry.modified.getTime() / 1000);
  return { mode: type | permissions, uid: 0, gid: 0, size: entry.size, atime: seconds, mtime: seconds };
}

/** The `ls -l` line OpenSSH's client prints. */
function longName(entry: MailboxEntry): string {
  const kind = entry.kind === 'folder' ? 'd' : '-';
  const perms =
    entry.kind === 'folder'
      ? entry.writable
        ? 'rwxr-xr-x'
        : 'r-xr-xr-x'
      : entry.writable
        ? 'rw-r--r--'
        : 'r--r--r--';
  const date = entry.modified.toUTCString().slice(5, 22); // "01 Dec 2026 20:03"
  return `${kind}${perms}    1 hub      hub      ${String(entry.size).padStart(10)} ${date} ${entry.name}`;
}

/** Processes received files a few at a time; a failure is logged and left to the delivery recovery. */
class BackgroundQueue {
  private readonly waiting: string[] = [];
  private running = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly concurrency: number,
    private readonly work: (id: string) => Promise<void>,
  ) {}

  push(id: string): void {
    this.waiting.push(id);
    this.pump();
  }

  drain(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.running < this.concurrency && this.waiting.length) {
      const id = this.waiting.shift() as string;
      this.running++;
      this.work(id)
        .catch((error: unknown) =>
          log.warn({ err: error, delivery: id }, 'processing a received file failed; recovery will retry it'),
        )
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.waiting.length === 0) this.idle.splice(0).forEach((r) => r());
        });
    }
  }
}

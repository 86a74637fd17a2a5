import { Writable } from 'node:stream';
import SftpClient from 'ssh2-sftp-client';
import type { Db } from '../../../db';
import { pinHostKey, type SftpPickup } from '../../../db/sftp-pickups';
import { logger } from '../../../platform/logger';
import { unseal } from '../../../platform/sealing';
import { fingerprintOf } from '../keys';
import type { RemoteFile } from './files';

/**
 * The issuer's own SFTP server, behind one small module: one connection per poll, every transfer on it one after
 * another (OpenSSH allows 10 sessions per connection and some servers fewer; nothing here opens a second one).
 * It guards against what ssh2-sftp-client users report: a download is checked against the size the server states
 * (truncated transfers reported as success), an upload is checked by a stat after it, and a rename never targets an
 * existing name (SFTP v3 refuses it; the caller removes the old file first).
 */
export type PickupErrorCode =
  | 'HOST_KEY_CHANGED'
  | 'SERVER_UNREACHABLE'
  | 'LOGIN_REFUSED'
  | 'FOLDER_MISSING'
  | 'PERMISSION_DENIED'
  | 'TRANSFER_INCOMPLETE'
  | 'KEY_UNREADABLE'
  | 'FILES_NOT_DELIVERED'
  | 'REMOTE_ERROR';

export class PickupError extends Error {
  constructor(
    readonly code: PickupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PickupError';
  }
}

/** SFTP status codes (draft-ietf-secsh-filexfer-02) as ssh2 reports them in `error.code`. */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

/** The purpose a pickup's private key is sealed for: it opens only for this issuer's row. */
export function privateKeyPurpose(issuerId: string): string {
  return `sftp-pickup:${issuerId}:private-key`;
}

export interface RemoteDeps {
  db: Db;
  /** The hub secret the private key is sealed with. */
  secret: string;
}

export class RemoteMailbox {
  constructor(
    private readonly client: SftpClient,
    /** `user@host:port`, for messages. */
    readonly where: string,
  ) {}

  /** The regular files of a folder (no folders, links or devices). */
  async listFiles(folder: string): Promise<RemoteFile[]> {
    try {
      const entries = await this.client.list(folder);
      return entries
        .filter((entry) => entry.type === '-')
        .map((entry) => ({ name: entry.name, size: entry.size, mtime: entry.modifyTime }));
    } catch (error) {
      throw this.folderError(error, folder);
    }
  }

  /** Renames a file; false when the source is gone (another attempt claimed it, or the issuer removed it). */
  async rename(from: string, to: string): Promise<boolean> {
    try {
      await this.client.rename(from, to);
      return true;
    } catch (error) {
      if (isMissing(error) && !(await this.client.exists(from))) return false;
      throw this.remoteError(error, `renaming ${from} to ${to}`);
    }
  }

  /**
   * The whole file, or an error: the bytes received must be as many as the server says the file has. `onData` is
   * called as bytes arrive (the activity heartbeats with it, so a long transfer is not mistaken for a dead worker).
   */
  async download(file: string, onData: () => void = () => undefined): Promise<Buffer | undefined> {
    try {
      const { size } = await this.client.stat(file);
      const chunks: Buffer[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          onData();
          done();
        },
      });
      await this.client.get(file, sink);
      const bytes = Buffer.concat(chunks);
      if (bytes.length !== size) {
        throw new PickupError(
          'TRANSFER_INCOMPLETE',
          `downloading ${file} from ${this.where} gave ${bytes.length} bytes, but the server states ${size}`,
        );
      }
      return bytes;
    } catch (error) {
      if (error instanceof PickupError) throw error;
      if (isMissing(error)) return undefined;
      throw this.remoteError(error, `downloading ${file}`);
    }
  }

  /** Writes a file and checks by a stat that all of it arrived. */
  async upload(file: string, content: Buffer): Promise<void> {
    try {
      await this.client.put(content, file);
      const { size } = await this.client.stat(file);
      if (size !== content.length) {
        throw new PickupError(
          'TRANSFER_INCOMPLETE',
          `uploading ${file} to ${this.where} left ${size} bytes of ${content.length}`,
        );
      }
    } catch (error) {
      if (error instanceof PickupError) throw error;
      throw this.remoteError(error, `uploading ${file}`);
    }
  }

  async exists(file: string): Promise<boolean> {
    try {
      return (await this.client.exists(file)) !== false;
    } catch (error) {
      throw this.remoteError(error, `looking for ${file}`);
    }
  }

  /** Removes a file; one already gone is fine (a retried removal). */
  async remove(file: string): Promise<void> {
    try {
      await this.client.delete(file, true);
    } catch (error) {
      throw this.remoteError(error, `removing ${file}`);
    }
  }

  private folderError(error: unknown, folder: string): PickupError {
    if (isMissing(error)) {
      return new PickupError('FOLDER_MISSING', `the folder ${folder} does not exist on ${this.where}`);
    }
    if (statusOf(error) === PERMISSION_DENIED) {
      return new PickupError(
        'PERMISSION_DENIED',
        `${this.where} does not let the hub read the folder ${folder}`,
      );
    }
    return this.remoteError(error, `listing ${folder}`);
  }

  private remoteError(error: unknown, doing: string): PickupError {
    const status = statusOf(error);
    const code = status === PERMISSION_DENIED ? 'PERMISSION_DENIED' : 'REMOTE_ERROR';
    return new PickupError(code, `${doing} on ${this.where} failed: ${messageOf(error)}`);
  }
}

/**
 * Opens one SFTP connection to the issuer's server, checks its host key, runs `work` and closes the connection.
 * The host key must be the one pinned for the pickup; with none pinned the first one seen is stored (trust on first
 * use). Any other key fails with HOST_KEY_CHANGED before the hub logs in or reads anything.
 */
export async function withRemoteMailbox<T>(
  deps: RemoteDeps,
  pickup: SftpPickup,
  work: (remote: RemoteMailbox) => Promise<T>,
): Promise<T> {
  const where = `${pickup.username}@${pickup.host}:${pickup.port}`;
  let privateKey: Buffer;
  try {
    privateKey = unseal(pickup.privateKeySealed, deps.secret, privateKeyPurpose(pickup.issuerId));
  } catch (error) {
    throw new PickupError(
      'KEY_UNREADABLE',
      `the private key for ${where} cannot be opened (${messageOf(error)}); set it again with bin/hub issuer sftp-pickup set`,
    );
  }
  const client = new SftpClient(`pickup-${pickup.issuerId}`, {
    // ssh2-sftp-client prints connection events to the console by default; these are reported through the calls.
    error: (error) => logger.debug({ err: error, where }, 'sftp pickup connection error'),
    end: () => undefined,
    close: () => undefined,
  });
  const hostKey: { presented?: string; expected?: string } = {};
  try {
    await client.connect({
      host: pickup.host,
      port: pickup.port,
      username: pickup.username,
      privateKey,
      readyTimeout: 15_000,
      keepaliveInterval: 10_000,
      hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
        hostKey.presented = fingerprintOf(key);
        const presented = hostKey.presented;
        const known = pickup.hostKeySha256
          ? Promise.resolve(pickup.hostKeySha256)
          : pinHostKey(deps.db, pickup.issuerId, presented).then((stored) => {
              if (stored === presented)
                logger.info({ where, hostKey: presented }, 'host key trusted on first use');
              return stored;
            });
        void known
          .then((expected) => {
            hostKey.expected = expected;
            verify(expected === presented);
          })
          .catch((error: unknown) => {
            logger.warn({ err: error, where }, 'the host key could not be checked');
            verify(false);
          });
      },
    });
  } catch (error) {
    await client.end().catch(() => undefined);
    if (hostKey.presented && hostKey.expected && hostKey.presented !== hostKey.expected) {
      throw new PickupError(
        'HOST_KEY_CHANGED',
        `the SFTP server ${pickup.host}:${pickup.port} presented the host key ${hostKey.presented}, but ` +
          `${hostKey.expected} is pinned for this pickup: it may not be the issuer's server. The pickup is stopped; ` +
          `if the server's key was changed on purpose, run: bin/hub issuer sftp-pickup set ${pickup.issuerId} … ` +
          `--host-key ${hostKey.presented}`,
      );
    }
    throw connectError(error, where);
  }
  try {
    return await work(new RemoteMailbox(client, where));
  } finally {
    await client.end().catch(() => undefined);
  }
}

function connectError(error: unknown, where: string): PickupError {
  const message = messageOf(error);
  const code = (error as { code?: unknown }).code;
  if (/authentication/i.test(message)) {
    return new PickupError(
      'LOGIN_REFUSED',
      `${where} refused the login with the configured private key (${message}): ` +
        "the key's public half must be in the user's authorized keys on that server",
    );
  }
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET'].includes(
      String(code),
    ) ||
    /timed out|handshake/i.test(message)
  ) {
    return new PickupError('SERVER_UNREACHABLE', `the SFTP server ${where} cannot be reached: ${message}`);
  }
  return new PickupError('REMOTE_ERROR', `connecting to ${where} failed: ${message}`);
}

/** ssh2 reports a missing file as status 2; ssh2-sftp-client's stat turns it into ENOENT. */
function isMissing(error: unknown): boolean {
  const status = statusOf(error);
  return status === NO_SUCH_FILE || status === 'ENOENT';
}

function statusOf(error: unknown): unknown {
  return (error as { code?: unknown } | undefined)?.code;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

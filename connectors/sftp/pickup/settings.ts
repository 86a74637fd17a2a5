import path from 'node:path';
import { utils } from 'ssh2';
import type { Db } from '../../../db';
import { saveSftpPickup, type SftpPickup } from '../../../db/sftp-pickups';
import { seal, unseal } from '../../../platform/sealing';
import { privateKeyPurpose } from './remote';

/** What an operator gives for an issuer's pickup (`bin/hub issuer sftp-pickup set`). */
export interface PickupSettingsInput {
  issuerId: string;
  host: string;
  port: number;
  username: string;
  /** The private key file's content (OpenSSH or PEM, without a passphrase). */
  privateKey: Buffer;
  remoteInbox: string;
  remoteOutbox: string;
  /** "30s", "5m", "1h", or seconds. */
  interval: string;
  /** `SHA256:…` as `ssh-keygen -lf` prints it; none: trusted on first use. */
  hostKey?: string;
}

export class PickupSettingsError extends Error {}

const HOST_KEY = /^SHA256:[A-Za-z0-9+/]{43}$/;

/** Checks the settings, seals the private key with the hub secret and stores them; the pickup is enabled. */
export async function configurePickup(
  db: Db,
  hubSecret: string,
  input: PickupSettingsInput,
): Promise<SftpPickup> {
  const host = input.host.trim();
  if (!host || /\s/.test(host)) throw new PickupSettingsError(`"${input.host}" is not a host name`);
  if (!Number.isInteger(input.port) || input.port < 1 || input.port > 65_535) {
    throw new PickupSettingsError(`${input.port} is not a TCP port (1–65535)`);
  }
  const username = input.username.trim();
  if (!username) throw new PickupSettingsError('the user name is empty');
  publicKeyOf(input.privateKey);
  const remoteInbox = remoteFolder(input.remoteInbox, 'inbox');
  const remoteOutbox = remoteFolder(input.remoteOutbox, 'outbox');
  if (remoteInbox === remoteOutbox) {
    throw new PickupSettingsError(
      'the inbox and the outbox must be different folders: the hub would take its own answers as deliveries',
    );
  }
  const hostKey = input.hostKey?.trim();
  if (hostKey !== undefined && !HOST_KEY.test(hostKey)) {
    throw new PickupSettingsError(
      `"${input.hostKey}" is not a host key fingerprint: give it as ssh-keygen -lf prints it (SHA256:…, 43 characters)`,
    );
  }
  return saveSftpPickup(db, {
    issuerId: input.issuerId,
    host,
    port: input.port,
    username,
    privateKeySealed: seal(input.privateKey, hubSecret, privateKeyPurpose(input.issuerId)),
    hostKeySha256: hostKey,
    remoteInbox,
    remoteOutbox,
    pollSeconds: parseInterval(input.interval),
  });
}

/** The OpenSSH public key line of a private key: what the issuer adds to the user's authorized keys. */
export function publicKeyOf(privateKey: Buffer): string {
  const parsed = utils.parseKey(privateKey);
  if (parsed instanceof Error) {
    throw new PickupSettingsError(
      /encrypted|passphrase/i.test(parsed.message)
        ? 'the private key has a passphrase: the hub needs one without (it is stored sealed with the hub secret)'
        : `not a private key the hub can use: ${parsed.message}`,
    );
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key.isPrivateKey()) {
    throw new PickupSettingsError(
      'this is a public key: the pickup needs the private key the hub logs in with',
    );
  }
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}

/** The public key of a stored pickup, for `sftp-pickup show`. */
export function pickupPublicKey(pickup: SftpPickup, hubSecret: string): string {
  return publicKeyOf(unseal(pickup.privateKeySealed, hubSecret, privateKeyPurpose(pickup.issuerId)));
}

export function parseInterval(raw: string): number {
  const match = /^\s*(\d+)\s*(s|sec|seconds?|m|min|minutes?|h|hours?)?\s*$/i.exec(raw);
  if (!match) throw new PickupSettingsError(`"${raw}" is not an interval: use e.g. 30s, 5m, 1h`);
  const unit = (match[2] ?? 's').toLowerCase()[0];
  const seconds = Number(match[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
  if (seconds < 1 || seconds > 24 * 3600) {
    throw new PickupSettingsError(`the interval must be between 1 second and 24 hours, got "${raw}"`);
  }
  return seconds;
}

function remoteFolder(raw: string, what: string): string {
  const folder = raw.trim();
  if (!folder.startsWith('/'))
    throw new PickupSettingsError(`the remote ${what} must be an absolute path, got "${raw}"`);
  if (folder.split('/').includes('..'))
    throw new PickupSettingsError(`the remote ${what} may not contain ".."`);
  return path.posix.normalize(folder).replace(/(.)\/+$/, '$1');
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { utils } from 'ssh2';

/** A public key as an issuer registers it (one line of an OpenSSH `.pub` / authorized_keys file). */
export interface PublicKeyLine {
  algorithm: string;
  /** SSH wire format: what a client presents when it logs in. */
  publicKey: Buffer;
  fingerprint: string;
  comment?: string;
}

export class KeyFormatError extends Error {}

export function parsePublicKey(text: string): PublicKeyLine {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    throw new KeyFormatError(
      'this is a private key: register the public one (the .pub file) and keep this one secret',
    );
  }
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l && !l.startsWith('#'));
  if (!line) throw new KeyFormatError('the key file is empty');
  const parsed = utils.parseKey(line);
  if (parsed instanceof Error) throw new KeyFormatError(`not an OpenSSH public key: ${parsed.message}`);
  const publicKey = parsed.getPublicSSH();
  return {
    algorithm: parsed.type,
    publicKey,
    fingerprint: fingerprintOf(publicKey),
    comment: parsed.comment || undefined,
  };
}

/** OpenSSH's SHA-256 fingerprint, as `ssh-keygen -lf` prints it. */
export function fingerprintOf(publicKey: Buffer): string {
  return `SHA256:${crypto.createHash('sha256').update(publicKey).digest('base64').replace(/=+$/, '')}`;
}

/**
 * The server's host key: SFTP_HOST_KEY_FILE, or one generated once into the data folder (ed25519), so clients that
 * pinned it on first connection keep trusting the hub across restarts.
 */
/**
 * A new ed25519 host key that ssh2 itself can read back. ssh2's generator now and then writes a key its own parser
 * refuses ("Malformed OpenSSH private key": two fresh hubs in CI); such a key is thrown away and another made.
 */
function parsableHostKey(): string {
  for (let attempt = 1; ; attempt++) {
    const { private: privateKey } = utils.generateKeyPairSync('ed25519');
    if (!(utils.parseKey(privateKey) instanceof Error)) return privateKey;
    if (attempt === 10) throw new Error('could not generate an SFTP host key that ssh2 can read');
  }
}

export function loadHostKey(dataDir: string, file?: string): Buffer {
  const keyFile = file ?? path.join(dataDir, 'sftp', 'host_ed25519_key');
  if (!fs.existsSync(keyFile)) {
    fs.mkdirSync(path.dirname(keyFile), { recursive: true });
    const privateKey = parsableHostKey();
    // Written whole under a temporary name and linked into place, so another process never reads a half-written
    // key; link fails when the name exists (another node wrote it first), and that key is the one used.
    const temporary = `${keyFile}.${process.pid}.${Date.now()}.new`;
    fs.writeFileSync(temporary, privateKey, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(temporary, keyFile);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  }
  return fs.readFileSync(keyFile);
}

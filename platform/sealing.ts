import crypto from 'node:crypto';

/**
 * Secrets the hub must keep but never store in clear (an issuer's SFTP private key), sealed with the hub secret:
 * AES-256-GCM under a key derived by HKDF-SHA-256 from the hub secret, a fresh salt and the purpose. The purpose is
 * also the additional authenticated data, so a sealed value opens only for what it was sealed for: another issuer's
 * row, or another use of the hub secret, cannot be swapped in.
 *
 * Format (text, so it fits a text column and a log line never shows key material):
 *   v1.<salt>.<iv>.<tag>.<ciphertext>   each part base64url
 */
export class SealError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealError';
  }
}

const VERSION = 'v1';
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const IV_BYTES = 12; // GCM's recommended nonce size
const TAG_BYTES = 16;

export function seal(plaintext: Buffer | string, hubSecret: string, purpose: string): string {
  if (!hubSecret) throw new SealError('no hub secret to seal with');
  const salt = crypto.randomBytes(SALT_BYTES);
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', deriveKey(hubSecret, salt, purpose), iv, {
    authTagLength: TAG_BYTES,
  });
  cipher.setAAD(Buffer.from(purpose));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, salt, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

export function unseal(sealed: string, hubSecret: string, purpose: string): Buffer {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw new SealError('not a value sealed by this hub (expected v1.<salt>.<iv>.<tag>.<ciphertext>)');
  }
  const [salt, iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64url'));
  if (salt.length !== SALT_BYTES || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new SealError('the sealed value is damaged');
  }
  const decipher = crypto.createDecipheriv('aes-256-gcm', deriveKey(hubSecret, salt, purpose), iv, {
    authTagLength: TAG_BYTES,
  });
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw new SealError(
      'the sealed value does not open: it was sealed with another hub secret or for another purpose, or altered',
    );
  }
}

function deriveKey(hubSecret: string, salt: Buffer, purpose: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', hubSecret, salt, `einvoice-hub seal ${purpose}`, KEY_BYTES));
}

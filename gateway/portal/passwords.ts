import { hash, verify } from '@node-rs/argon2';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './contract';

/**
 * Recipient passwords: argon2id with the library's defaults (19 MiB, 2 passes, 1 lane — the OWASP baseline).
 * The rule is length, not composition (NIST SP 800-63B); a few obviously guessable choices are refused.
 */

/** Why a chosen password is refused, in words the recipient can act on; null when it is acceptable. */
export function passwordProblem(password: string, email: string): string | null {
  const characters = [...password].length;
  if (characters < PASSWORD_MIN_LENGTH) {
    return `The password needs at least ${PASSWORD_MIN_LENGTH} characters; a short sentence you can remember works well.`;
  }
  if (characters > PASSWORD_MAX_LENGTH)
    return `The password may have at most ${PASSWORD_MAX_LENGTH} characters.`;
  const lowered = password.toLowerCase();
  if (lowered.includes(email.toLowerCase()) || lowered === email.split('@')[0].toLowerCase()) {
    return 'The password must not be your e-mail address.';
  }
  if (new Set(password).size < 4)
    return 'The password repeats too few different characters to be hard to guess.';
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

let decoyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash. Without a stored hash (unknown address, not registered yet) it still
 * computes one argon2 verification against a decoy, so the answer takes about as long either way.
 */
export async function passwordMatches(password: string, storedHash: string | null): Promise<boolean> {
  if (storedHash === null) {
    decoyHash ??= hash('decoy password that no recipient has');
    await verify(await decoyHash, password);
    return false;
  }
  return verify(storedHash, password);
}

/** The AS2 transport headers (RFC 4130 §6) both directions write. */
import { randomBytes } from 'node:crypto';

/** RFC 4130 §6.2: an AS2 name with spaces or specials travels as a quoted-string. */
export function as2Name(name: string): string {
  return /^[!#-'*+\-/-9=?A-Z^-~]+$/.test(name) ? name : `"${name.replace(/(["\\])/g, '\\$1')}"`;
}

/** A globally unique Message-ID (RFC 5322 msg-id) whose right side names the sender. */
export function newMessageId(as2Id: string | undefined): string {
  const domain = (as2Id ?? '').replace(/[^A-Za-z0-9.-]/g, '_') || 'as2';
  return `<${Date.now()}.${randomBytes(8).toString('hex')}@${domain}>`;
}

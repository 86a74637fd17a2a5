import crypto from 'node:crypto';
import type { Db } from './index';

export interface Recipient {
  id: string;
  email: string;
  registered: boolean;
}

/** The recipient behind an e-mail address, created on the first invoice addressed to it. */
export async function ensureRecipient(db: Db, email: string): Promise<Recipient> {
  const normalized = email.trim().toLowerCase();
  await db.query(
    `insert into recipients (id, email) values ($1, $2) on conflict ((lower(email))) do nothing`,
    [crypto.randomUUID(), normalized],
  );
  const { rows } = await db.query<{ id: string; email: string; password_hash: string | null }>(
    'select id, email, password_hash from recipients where lower(email) = $1',
    [normalized],
  );
  return { id: rows[0].id, email: rows[0].email, registered: rows[0].password_hash !== null };
}

export function tokenDigest(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/**
 * The recipient's invitation token. It is derived from a server secret and the recipient, so a retried
 * notification mails the same link; only its digest is stored.
 */
export async function ensureInvitation(
  db: Db,
  secret: string,
  recipient: Recipient,
  invoiceId: string,
  ttlDays: number,
): Promise<string> {
  const token = crypto.createHmac('sha256', secret).update(`invitation:${recipient.id}`).digest('base64url');
  await db.query(
    `insert into invitations (token_sha256, recipient_id, invoice_id, expires_at)
     values ($1, $2, $3, now() + make_interval(days => $4))
     on conflict (recipient_id) do nothing`,
    [tokenDigest(token), recipient.id, invoiceId, ttlDays],
  );
  return token;
}

import crypto from 'node:crypto';
import type { Db } from './index';

/** A person with a portal account (or the address an account will belong to once its owner registers). */
export interface User {
  id: string;
  email: string;
  registered: boolean;
}

/** The account behind an e-mail address, created the first time the hub needs it (an invoice, an invitation). */
export async function ensureUser(db: Db, email: string): Promise<User> {
  const normalized = email.trim().toLowerCase();
  await db.query(`insert into users (id, email) values ($1, $2) on conflict ((lower(email))) do nothing`, [
    crypto.randomUUID(),
    normalized,
  ]);
  const { rows } = await db.query<{ id: string; email: string; password_hash: string | null }>(
    'select id, email, password_hash from users where lower(email) = $1',
    [normalized],
  );
  return { id: rows[0].id, email: rows[0].email, registered: rows[0].password_hash !== null };
}

export function tokenDigest(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/**
 * The account's invitation to choose a password. The token is derived from a server secret and the account, so a
 * retried notification mails the same link; only its digest is stored.
 */
export async function ensureInvitation(
  db: Db,
  secret: string,
  user: User,
  invoiceId: string | null,
  ttlDays: number,
): Promise<string> {
  const token = crypto.createHmac('sha256', secret).update(`invitation:${user.id}`).digest('base64url');
  await db.query(
    `insert into invitations (token_sha256, user_id, invoice_id, expires_at)
     values ($1, $2, $3, now() + make_interval(days => $4))
     on conflict (user_id) do nothing`,
    [tokenDigest(token), user.id, invoiceId, ttlDays],
  );
  return token;
}

export type Locale = 'bg' | 'en';

export async function setUserLocale(db: Db, userId: string, locale: Locale): Promise<void> {
  await db.query('update users set locale = $2 where id = $1', [userId, locale]);
}

/** What a signed-in person may see and do: their own address, addresses shared with them, their issuers. */
export interface Principal {
  userId: string;
  email: string;
  locale: Locale;
  /** Recipient addresses (lower case) whose invoices this person sees: their own first, then shared ones. */
  addresses: string[];
  issuers: { issuerId: string; name: string; role: 'admin' | 'clerk' }[];
}

export async function loadPrincipal(db: Db, userId: string): Promise<Principal | undefined> {
  const { rows } = await db.query<{
    id: string;
    email: string;
    locale: Locale;
    shared: string[] | null;
    issuers: Principal['issuers'] | null;
  }>(
    `select u.id, u.email, u.locale,
            (select array_agg(lower(s.address) order by s.shared_at) from address_shares s
              where s.user_id = u.id and s.removed_at is null) as shared,
            (select json_agg(json_build_object('issuerId', m.issuer_id, 'name', i.name, 'role', m.role)
                             order by i.name)
               from issuer_members m join issuers i on i.id = m.issuer_id where m.user_id = u.id) as issuers
       from users u where u.id = $1`,
    [userId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const own = row.email.toLowerCase();
  return {
    userId: row.id,
    email: row.email,
    locale: row.locale,
    addresses: [own, ...(row.shared ?? []).filter((a) => a !== own)],
    issuers: row.issuers ?? [],
  };
}

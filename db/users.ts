import crypto from 'node:crypto';
import type { PoolClient } from 'pg';
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

/**
 * The account an invoice belongs to on the recipient side: bound when the invoice was recorded, to the account owning
 * its address then (migration 014). One delivered while nobody owned the address is bound here, by the notification,
 * to the account the hub makes for the address. Later moves of the address do not change it.
 */
export async function invoiceRecipientAccount(db: Db, invoiceId: string, address: string): Promise<User> {
  const bound = async () => {
    const { rows } = await db.query<{ id: string; email: string; password_hash: string | null }>(
      `select u.id, u.email, u.password_hash from invoices i join users u on u.id = i.recipient_user_id
        where i.id = $1`,
      [invoiceId],
    );
    const row = rows[0];
    return row && { id: row.id, email: row.email, registered: row.password_hash !== null };
  };
  const found = await bound();
  if (found) return found;
  await ensureUser(db, address);
  await db.query(
    `update invoices set recipient_user_id = recipient_account_of(recipient_email)
      where id = $1 and recipient_user_id is null`,
    [invoiceId],
  );
  const made = await bound();
  if (!made) throw new Error(`invoice ${invoiceId} could not be bound to the account of ${address}`);
  return made;
}

export function tokenDigest(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/**
 * The account's invitation to choose a password. The token is derived from a server secret and the account, so a
 * retried notification mails the same link; only its digest is stored. An invitation that expired unused opens
 * again for another `ttlDays` when the hub invites the person again (a later invoice, an issuer adding them).
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
    `insert into invitations as i (token_sha256, user_id, invoice_id, expires_at)
     values ($1, $2, $3, now() + make_interval(days => $4))
     on conflict (user_id) do update set expires_at = excluded.expires_at
      where i.used_at is null and i.expires_at <= now()`,
    [tokenDigest(token), user.id, invoiceId, ttlDays],
  );
  return token;
}

/** The account with this e-mail address (any case), if the hub knows one. */
export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  const { rows } = await db.query<{ id: string; email: string; password_hash: string | null }>(
    'select id, email, password_hash from users where lower(email) = lower($1)',
    [email.trim()],
  );
  const row = rows[0];
  return row && { id: row.id, email: row.email, registered: row.password_hash !== null };
}

export async function findUserById(db: Db, id: string): Promise<User | undefined> {
  const { rows } = await db.query<{ id: string; email: string; password_hash: string | null }>(
    'select id, email, password_hash from users where id = $1',
    [id],
  );
  const row = rows[0];
  return row && { id: row.id, email: row.email, registered: row.password_hash !== null };
}

/**
 * A new password (already hashed). An account that had none is registered by it: a reset link is as good a proof
 * of the mailbox as the invitation, so that invitation is spent too.
 */
export async function setUserPassword(
  db: Db | PoolClient,
  userId: string,
  passwordHash: string,
): Promise<void> {
  await db.query(
    `update users set password_hash = $2, password_changed_at = now(), registered_at = coalesce(registered_at, now())
      where id = $1`,
    [userId, passwordHash],
  );
  await db.query('update invitations set used_at = now() where user_id = $1 and used_at is null', [userId]);
}

/** The stored password hash, for checking the current password before a change. */
export async function userPasswordHash(db: Db, userId: string): Promise<string | null> {
  const { rows } = await db.query<{ password_hash: string | null }>(
    'select password_hash from users where id = $1',
    [userId],
  );
  return rows[0]?.password_hash ?? null;
}

/** What the account page shows about the person's own security settings. */
export interface UserSecurity {
  registeredAt: string | null;
  passwordChangedAt: string | null;
  totpEnabledAt: string | null;
  recoveryCodesLeft: number;
}

export async function userSecurity(db: Db, userId: string): Promise<UserSecurity> {
  const { rows } = await db.query<{
    registered_at: Date | null;
    password_changed_at: Date | null;
    totp_enabled_at: Date | null;
    codes_left: string;
  }>(
    `select registered_at, password_changed_at, totp_enabled_at,
            (select count(*) from totp_recovery_codes c where c.user_id = u.id and c.used_at is null) as codes_left
       from users u where id = $1`,
    [userId],
  );
  const row = rows[0];
  return {
    registeredAt: row?.registered_at?.toISOString() ?? null,
    passwordChangedAt: row?.password_changed_at?.toISOString() ?? null,
    totpEnabledAt: row?.totp_enabled_at?.toISOString() ?? null,
    recoveryCodesLeft: Number(row?.codes_left ?? 0),
  };
}

export type Locale = 'bg' | 'en';

export async function setUserLocale(db: Db, userId: string, locale: Locale): Promise<void> {
  await db.query('update users set locale = $2 where id = $1', [userId, locale]);
}

/**
 * Whose invoices a person sees as their recipient: every invoice bound to their own account (at whatever address it
 * was delivered to), and, for each address a colleague shared with them, the invoices bound to that colleague's
 * account at that address. Never by the address alone: whoever owns an address later sees none of these.
 */
export interface RecipientReach {
  userId: string;
  shares: { ownerId: string; address: string }[];
}

/** What a signed-in person may see and do: their own invoices, addresses shared with them, their issuers. */
export interface Principal {
  userId: string;
  email: string;
  locale: Locale;
  /** Recipient addresses (lower case) the person sees invoices of, for display: their own first, then shared ones. */
  addresses: string[];
  reach: RecipientReach;
  issuers: { issuerId: string; name: string; role: 'admin' | 'clerk' }[];
  /** Operates the hub (`bin/hub operator add`): the operator console. */
  operator: boolean;
}

export async function loadPrincipal(db: Db, userId: string): Promise<Principal | undefined> {
  const { rows } = await db.query<{
    id: string;
    email: string;
    locale: Locale;
    shared: RecipientReach['shares'] | null;
    issuers: Principal['issuers'] | null;
    operator: boolean;
  }>(
    `select u.id, u.email, u.locale,
            (select json_agg(json_build_object('ownerId', s.shared_by, 'address', lower(s.address))
                             order by s.shared_at)
               from address_shares s where s.user_id = u.id and s.removed_at is null) as shared,
            (select json_agg(json_build_object('issuerId', m.issuer_id, 'name', i.name, 'role', m.role)
                             order by i.name)
               from issuer_members m join issuers i on i.id = m.issuer_id where m.user_id = u.id) as issuers,
            exists (select 1 from hub_operators o where o.user_id = u.id) as operator
       from users u where u.id = $1`,
    [userId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const own = row.email.toLowerCase();
  const shares = row.shared ?? [];
  return {
    userId: row.id,
    email: row.email,
    locale: row.locale,
    addresses: [own, ...new Set(shares.map((s) => s.address).filter((a) => a !== own))],
    reach: { userId: row.id, shares },
    issuers: row.issuers ?? [],
    operator: row.operator,
  };
}

import crypto from 'node:crypto';
import type { PoolClient } from 'pg';
import { withTransaction, type Db } from './index';
import { spendPasswordResets } from './password-resets';
import { tokenDigest } from './users';

/**
 * Moving a login address between accounts. The invoices stay with the account (they are bound to it: migration 014);
 * only who logs in with the address changes. Every move is recorded in `account_address_changes` (written once).
 * Links mailed to the old address before the move (password resets, an unused invitation) stop opening the account,
 * since that mailbox may no longer be its holder's.
 */

/** The domain of the placeholder an account gets when an operator releases its address (RFC 2606: never delivered). */
export const RELEASED_DOMAIN = 'released.invalid';

export function releasedPlaceholder(userId: string): string {
  return `released-${userId}@${RELEASED_DOMAIN}`;
}

/** A placeholder address: nothing can be mailed to it. */
export function isReleasedPlaceholder(email: string): boolean {
  return email.toLowerCase().endsWith(`@${RELEASED_DOMAIN}`);
}

/**
 * Where mail about an invoice goes on the recipient side: the login address of the account it belongs to now (it
 * follows the account), not the address it was delivered to, which may be someone else's since; none when the account
 * only has a placeholder. An invoice no account holds yet is mailed at its own address.
 */
export async function recipientMailAddress(db: Db, invoiceId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ email: string | null; recipient_email: string | null; bound: boolean }>(
    `select u.email, i.recipient_email, i.recipient_user_id is not null as bound
       from invoices i left join users u on u.id = i.recipient_user_id where i.id = $1`,
    [invoiceId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const address = row.bound ? row.email : row.recipient_email;
  return address && !isReleasedPlaceholder(address) ? address : undefined;
}

export class AddressTakenError extends Error {
  constructor(readonly email: string) {
    super(`${email} is the login address of another account`);
  }
}

export interface AddressMove {
  userId: string;
  from: string;
  to: string;
  kind: 'changed' | 'released';
  reason: string;
  /** `account holder` or `operator: <name>`. */
  changedBy: string;
}

/** Moves the account's login address, records the move, and kills links mailed to the old address. */
export async function moveLoginAddress(
  client: PoolClient,
  move: AddressMove,
): Promise<{ changedAt: string }> {
  await client.query('savepoint move_login_address');
  try {
    await client.query('update users set email = lower($2) where id = $1', [move.userId, move.to]);
  } catch (failure) {
    if ((failure as { code?: string }).code !== '23505') throw failure;
    await client.query('rollback to savepoint move_login_address');
    throw new AddressTakenError(move.to);
  }
  const { rows } = await client.query<{ changed_at: Date }>(
    `insert into account_address_changes (user_id, from_email, to_email, kind, reason, changed_by)
     values ($1, lower($2), lower($3), $4, $5, $6) returning changed_at`,
    [move.userId, move.from, move.to, move.kind, move.reason, move.changedBy],
  );
  await spendPasswordResets(client, move.userId);
  await client.query('update invitations set used_at = now() where user_id = $1 and used_at is null', [
    move.userId,
  ]);
  await client.query(
    'update login_address_changes set expires_at = now() where user_id = $1 and confirmed_at is null',
    [move.userId],
  );
  return { changedAt: rows[0].changed_at.toISOString() };
}

/**
 * An operator detaches `email` from its account (a mailbox handed to someone else): the account keeps its invoices
 * and gets `to`, or a placeholder nobody can mail or guess. The next invoice to `email` invites its new owner.
 */
export async function releaseLoginAddress(
  db: Db,
  release: { email: string; to?: string; reason: string; operator: string },
): Promise<{ userId: string; from: string; to: string; changedAt: string } | undefined> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: string; email: string }>(
      'select id, email from users where lower(email) = lower($1) for update',
      [release.email.trim()],
    );
    const account = rows[0];
    if (!account) return undefined;
    const to = release.to?.trim().toLowerCase() ?? releasedPlaceholder(account.id);
    const { changedAt } = await moveLoginAddress(client, {
      userId: account.id,
      from: account.email,
      to,
      kind: 'released',
      reason: release.reason,
      changedBy: `operator: ${release.operator}`,
    });
    return { userId: account.id, from: account.email, to, changedAt };
  });
}

export interface AddressChangeRecord {
  from: string;
  to: string;
  kind: 'changed' | 'released';
  reason: string;
  changedBy: string;
  changedAt: string;
}

/** The account's address moves, oldest first. */
export async function listAddressChanges(db: Db, userId: string): Promise<AddressChangeRecord[]> {
  const { rows } = await db.query<{
    from_email: string;
    to_email: string;
    kind: 'changed' | 'released';
    reason: string;
    changed_by: string;
    changed_at: Date;
  }>(
    `select from_email, to_email, kind, reason, changed_by, changed_at from account_address_changes
      where user_id = $1 order by id`,
    [userId],
  );
  return rows.map((row) => ({
    from: row.from_email,
    to: row.to_email,
    kind: row.kind,
    reason: row.reason,
    changedBy: row.changed_by,
    changedAt: row.changed_at.toISOString(),
  }));
}

/** A change of login address the holder asked for; a newer request replaces an open one. Returns the link token. */
export async function requestLoginAddressChange(
  db: Db,
  request: { userId: string; newEmail: string; minutes: number },
): Promise<{ token: string; expiresAt: string }> {
  const token = crypto.randomBytes(32).toString('base64url');
  return withTransaction(db, async (client) => {
    await client.query('delete from login_address_changes where user_id = $1 and confirmed_at is null', [
      request.userId,
    ]);
    const { rows } = await client.query<{ expires_at: Date }>(
      `insert into login_address_changes (token_sha256, user_id, new_email, expires_at)
       values ($1, $2, lower($3), now() + make_interval(mins => $4)) returning expires_at`,
      [tokenDigest(token), request.userId, request.newEmail, request.minutes],
    );
    return { token, expiresAt: rows[0].expires_at.toISOString() };
  });
}

export interface PendingAddressChange {
  userId: string;
  currentEmail: string;
  newEmail: string;
  expired: boolean;
  confirmed: boolean;
}

export async function findLoginAddressChange(
  client: PoolClient,
  token: string,
): Promise<PendingAddressChange | undefined> {
  const { rows } = await client.query<{
    user_id: string;
    email: string;
    new_email: string;
    expired: boolean;
    confirmed: boolean;
  }>(
    `select c.user_id, u.email, c.new_email, c.expires_at <= now() as expired, c.confirmed_at is not null as confirmed
       from login_address_changes c join users u on u.id = c.user_id
      where c.token_sha256 = $1
      for update of c, u`,
    [tokenDigest(token)],
  );
  const row = rows[0];
  return (
    row && {
      userId: row.user_id,
      currentEmail: row.email,
      newEmail: row.new_email,
      expired: row.expired,
      confirmed: row.confirmed,
    }
  );
}

export async function markLoginAddressChangeConfirmed(client: PoolClient, token: string): Promise<void> {
  await client.query('update login_address_changes set confirmed_at = now() where token_sha256 = $1', [
    tokenDigest(token),
  ]);
}

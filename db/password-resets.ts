import type { PoolClient } from 'pg';
import { withTransaction, type Db } from './index';
import { tokenDigest } from './users';

/** E-mailed one-time links to choose a new password; the table keeps only each token's digest. */
export type PasswordResetReason = 'requested' | 'locked';

/**
 * A new link for the account. With `limit`, none is made (undefined) when the account had `max` links within the
 * last minutes, so a stranger cannot fill someone's mailbox; concurrent requests for one account take turns.
 */
export async function createPasswordReset(
  db: Db,
  reset: { userId: string; token: string; minutes: number; reason: PasswordResetReason },
  limit?: { max: number; withinMinutes: number },
): Promise<{ expiresAt: string } | undefined> {
  return withTransaction(db, async (client) => {
    if (limit) {
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`password-reset:${reset.userId}`]);
      const { rows } = await client.query<{ n: string }>(
        `select count(*) as n from password_resets
          where user_id = $1 and requested_at > now() - make_interval(mins => $2)`,
        [reset.userId, limit.withinMinutes],
      );
      if (Number(rows[0].n) >= limit.max) return undefined;
    }
    const { rows } = await client.query<{ expires_at: Date }>(
      `insert into password_resets (token_sha256, user_id, expires_at, reason)
       values ($1, $2, now() + make_interval(mins => $3), $4) returning expires_at`,
      [tokenDigest(reset.token), reset.userId, reset.minutes, reset.reason],
    );
    return { expiresAt: rows[0].expires_at.toISOString() };
  });
}

export interface PasswordResetRow {
  userId: string;
  email: string;
  expired: boolean;
  used: boolean;
  /** A newer link was sent, or the password was reset since: only the newest link opens. */
  superseded: boolean;
}

export async function findPasswordReset(
  db: Db | PoolClient,
  token: string,
  lock = false,
): Promise<PasswordResetRow | undefined> {
  const { rows } = await db.query<{
    user_id: string;
    email: string;
    expired: boolean;
    used: boolean;
    superseded: boolean;
  }>(
    `select r.user_id, u.email, r.expires_at <= now() as expired, r.used_at is not null as used,
            exists (select 1 from password_resets newer
                     where newer.user_id = r.user_id and newer.requested_at > r.requested_at)
              or coalesce(u.password_changed_at > r.requested_at, false) as superseded
       from password_resets r join users u on u.id = r.user_id
      where r.token_sha256 = $1
      ${lock ? 'for update of r, u' : ''}`,
    [tokenDigest(token)],
  );
  const row = rows[0];
  return (
    row && {
      userId: row.user_id,
      email: row.email,
      expired: row.expired,
      used: row.used,
      superseded: row.superseded,
    }
  );
}

/** Spends the link; every other open link of the account dies with it. */
export async function spendPasswordResets(client: PoolClient, userId: string): Promise<void> {
  await client.query('update password_resets set used_at = now() where user_id = $1 and used_at is null', [
    userId,
  ]);
}

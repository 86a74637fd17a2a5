import type { Db } from './index';

/**
 * Failed-login counters (gateway/portal/login-throttle.ts holds the policy). An attempt is counted as a failure
 * before the password is checked and forgiven after a success, so attempts sent in parallel cannot slip past the
 * delay: each one is a row update, and the row decides alone whether it may go ahead.
 */
export type ThrottleScope = 'account' | 'ip';

export interface ThrottleRule {
  /** Failures allowed without any wait. */
  freeFailures: number;
  /** The wait after the first failure beyond the free ones; it doubles with every further failure. */
  firstDelaySeconds: number;
  maxDelaySeconds: number;
  /** A count untouched this long starts again from zero (unless locked). */
  forgetAfterSeconds: number;
}

export type AttemptClaim = { allowed: true } | { allowed: false; locked: boolean; retryAfterSeconds: number };

/** The wait owed after the row's `failures`, in seconds ($3 free failures, $4 first delay, $5 longest delay). */
const DELAY = `case when t.failures < $3::int then 0
                    else least($5::float8, $4::float8 * power(2, least(t.failures - $3::int, 30))) end`;

export async function claimLoginAttempt(
  db: Db,
  scope: ThrottleScope,
  key: string,
  rule: ThrottleRule,
): Promise<AttemptClaim> {
  const params = [
    scope,
    key,
    rule.freeFailures,
    rule.firstDelaySeconds,
    rule.maxDelaySeconds,
    rule.forgetAfterSeconds,
  ];
  const forgotten = `(t.last_failure_at < now() - make_interval(secs => $6)
                      and (t.locked_until is null or t.locked_until <= now()))`;
  const { rows } = await db.query<{ failures: number }>(
    `insert into login_throttle as t (scope, key, failures, last_failure_at) values ($1, $2, 1, now())
     on conflict (scope, key) do update set
       failures = case when ${forgotten} then 1 else t.failures + 1 end,
       locks = case when ${forgotten} then 0 else t.locks end,
       last_failure_at = now()
      where ${forgotten}
         or ((t.locked_until is null or t.locked_until <= now())
             and t.last_failure_at + make_interval(secs => ${DELAY}) <= now())
     returning t.failures`,
    params,
  );
  if (rows.length) return { allowed: true };
  const wait = await db.query<{ locked: boolean; wait: number }>(
    `select coalesce(t.locked_until > now(), false) as locked,
            ceil(extract(epoch from greatest(
              coalesce(t.locked_until, now()),
              t.last_failure_at + make_interval(secs => ${DELAY})) - now()))::int as wait
       from login_throttle t where t.scope = $1 and t.key = $2`,
    params.slice(0, 5),
  );
  const row = wait.rows[0];
  return { allowed: false, locked: row?.locked ?? false, retryAfterSeconds: Math.max(1, row?.wait ?? 1) };
}

/**
 * After a wrong password: locks the account when it reached `lockAfter` failures. Each lock in a row lasts twice the
 * one before. Returns the lock's end, or undefined when no lock was due.
 */
export async function lockIfDue(
  db: Db,
  key: string,
  lockAfter: number,
  firstLockMinutes: number,
): Promise<{ lockedUntil: string; failures: number } | undefined> {
  const { rows } = await db.query<{ locked_until: Date; failures: number }>(
    `update login_throttle
        set locked_until = now() + make_interval(secs => $3 * 60 * power(2, least(locks, 10))), locks = locks + 1
      where scope = 'account' and key = $1 and failures >= $2
      returning locked_until, failures`,
    [key, lockAfter, firstLockMinutes],
  );
  return rows[0] && { lockedUntil: rows[0].locked_until.toISOString(), failures: rows[0].failures };
}

/** The right password (and second factor): the account starts again from zero. */
export async function clearAccountFailures(db: Db, key: string): Promise<void> {
  await db.query(`delete from login_throttle where scope = 'account' and key = $1`, [key]);
}

/**
 * A success from a network address forgives only that attempt: one account of one's own must not wash away the
 * failures a guesser collected there on other people's accounts.
 */
export async function forgiveAttempt(db: Db, scope: ThrottleScope, key: string): Promise<void> {
  await db.query(
    `update login_throttle set failures = greatest(failures - 1, 0) where scope = $1 and key = $2`,
    [scope, key],
  );
}

/** Counters nobody has touched for two days and no lock holds: the table stays small. */
export async function sweepLoginThrottle(db: Db): Promise<void> {
  await db.query(
    `delete from login_throttle where ctid in (
       select ctid from login_throttle
        where last_failure_at < now() - interval '2 days' and (locked_until is null or locked_until <= now())
        limit 500)`,
  );
}

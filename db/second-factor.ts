import type { PoolClient } from 'pg';
import { withTransaction, type Db } from './index';
import { tokenDigest } from './users';

/**
 * The second factor (TOTP) of an account: the sealed secret, the last time step used (a code opens one login only),
 * the one-time recovery codes, and the login challenges between a right password and a session.
 */
export interface TotpState {
  /** The confirmed secret, sealed; null while the second factor is off. */
  secretSealed: string | null;
  /** A secret being set up, sealed, until the person confirms it with a code. */
  pendingSealed: string | null;
  lastStep: number | null;
}

export async function totpState(db: Db | PoolClient, userId: string, lock = false): Promise<TotpState> {
  const { rows } = await db.query<{
    totp_secret_sealed: string | null;
    totp_pending_sealed: string | null;
    totp_last_step: string | null;
  }>(
    `select totp_secret_sealed, totp_pending_sealed, totp_last_step from users where id = $1 ${lock ? 'for update' : ''}`,
    [userId],
  );
  const row = rows[0];
  return {
    secretSealed: row?.totp_secret_sealed ?? null,
    pendingSealed: row?.totp_pending_sealed ?? null,
    lastStep:
      row?.totp_last_step === null || row?.totp_last_step === undefined ? null : Number(row.totp_last_step),
  };
}

export async function setPendingTotp(db: Db, userId: string, sealed: string): Promise<void> {
  await db.query('update users set totp_pending_sealed = $2 where id = $1', [userId, sealed]);
}

/** Records the time step a code was accepted at; false if a code of that step (or later) was used already. */
export async function spendTotpStep(client: PoolClient, userId: string, step: number): Promise<boolean> {
  const { rowCount } = await client.query(
    `update users set totp_last_step = $2 where id = $1 and (totp_last_step is null or totp_last_step < $2)`,
    [userId, step],
  );
  return (rowCount ?? 0) > 0;
}

/** The pending secret becomes the account's second factor, with fresh recovery codes (digests given). */
export async function enableTotp(
  client: PoolClient,
  userId: string,
  step: number,
  recoveryCodeDigests: string[],
): Promise<void> {
  await client.query(
    `update users set totp_secret_sealed = totp_pending_sealed, totp_pending_sealed = null, totp_enabled_at = now(),
            totp_last_step = $2
      where id = $1`,
    [userId, step],
  );
  await client.query('delete from totp_recovery_codes where user_id = $1', [userId]);
  for (const digest of recoveryCodeDigests) {
    await client.query('insert into totp_recovery_codes (user_id, code_sha256) values ($1, $2)', [
      userId,
      digest,
    ]);
  }
}

export async function disableTotp(db: Db, userId: string): Promise<void> {
  await withTransaction(db, async (client) => {
    await client.query(
      `update users set totp_secret_sealed = null, totp_pending_sealed = null, totp_enabled_at = null,
              totp_last_step = null
        where id = $1`,
      [userId],
    );
    await client.query('delete from totp_recovery_codes where user_id = $1', [userId]);
  });
}

/** Spends one recovery code; false when it is not one of the account's unused codes. */
export async function spendRecoveryCode(
  db: Db | PoolClient,
  userId: string,
  digest: string,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `update totp_recovery_codes set used_at = now() where user_id = $1 and code_sha256 = $2 and used_at is null`,
    [userId, digest],
  );
  return (rowCount ?? 0) > 0;
}

export type ChallengeStep = 'verify' | 'enrol';

export async function createLoginChallenge(
  db: Db,
  userId: string,
  token: string,
  step: ChallengeStep,
  minutes: number,
): Promise<void> {
  // One open challenge per person is enough; older ones (another tab) end here.
  await db.query('delete from login_challenges where user_id = $1', [userId]);
  await db.query(
    `insert into login_challenges (token_sha256, user_id, step, expires_at)
     values ($1, $2, $3, now() + make_interval(mins => $4))`,
    [tokenDigest(token), userId, step, minutes],
  );
}

/**
 * Takes one try of the challenge: returns it while it is open and has tries left (each call uses one), else
 * undefined. The try is used before the code is checked, so parallel guesses cannot exceed the limit.
 */
export async function takeChallengeTry(
  db: Db,
  token: string,
  maxTries: number,
): Promise<{ userId: string; step: ChallengeStep } | undefined> {
  const { rows } = await db.query<{ user_id: string; step: ChallengeStep }>(
    `update login_challenges set attempts = attempts + 1
      where token_sha256 = $1 and expires_at > now() and attempts < $2
      returning user_id, step`,
    [tokenDigest(token), maxTries],
  );
  return rows[0] && { userId: rows[0].user_id, step: rows[0].step };
}

/** The challenge without using a try (to show the enrolment's QR code again). */
export async function findChallenge(
  db: Db,
  token: string,
): Promise<{ userId: string; step: ChallengeStep } | undefined> {
  const { rows } = await db.query<{ user_id: string; step: ChallengeStep }>(
    `select user_id, step from login_challenges where token_sha256 = $1 and expires_at > now()`,
    [tokenDigest(token)],
  );
  return rows[0] && { userId: rows[0].user_id, step: rows[0].step };
}

export async function endLoginChallenge(db: Db, token: string): Promise<void> {
  await db.query('delete from login_challenges where token_sha256 = $1', [tokenDigest(token)]);
}

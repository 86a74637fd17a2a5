import crypto from 'node:crypto';
import { withTransaction } from '../../db';
import { isReleasedPlaceholder } from '../../db/account-addresses';
import {
  createPasswordReset,
  findPasswordReset,
  spendPasswordResets,
  type PasswordResetReason,
  type PasswordResetRow,
} from '../../db/password-resets';
import { findUserByEmail, setUserPassword, type User } from '../../db/users';
import { passwordChangedMail, passwordResetMail } from '../../mail/account-templates';
import { logger } from '../../platform/logger';
import { HttpError } from '../errors';
import { sendAccountMail, type AccountDeps } from './account-mail';
import type { PasswordResetInfo } from './contract';
import { hashPassword, passwordProblem } from './passwords';
import { endAllSessions } from './sessions';

/**
 * Password reset by an e-mailed one-time link: random 32 bytes (only the digest is stored), valid
 * PASSWORD_RESET_MINUTES, opens once, and only the newest link of an account opens. Completing it sets the password,
 * ends every session of the account (a thief's too) and lifts a login lock; it does not log in, so a second factor
 * is still asked for at the next login.
 */

/** At most this many links per account in RESET_WINDOW_MINUTES, so nobody can flood a mailbox with them. */
const RESETS_PER_WINDOW = 3;
const RESET_WINDOW_MINUTES = 15;

/**
 * A new link for the account, mailed (for a lock, the lock e-mail carries it instead). Undefined when `limited`
 * and the account had enough links lately.
 */
export async function mailPasswordReset(
  deps: AccountDeps,
  user: User,
  reason: PasswordResetReason,
  limited = false,
): Promise<{ link: string; expiresAt: string; mailed: boolean } | undefined> {
  const token = crypto.randomBytes(32).toString('base64url');
  const created = await createPasswordReset(
    deps.db,
    { userId: user.id, token, minutes: deps.config.accounts.passwordResetMinutes, reason },
    limited ? { max: RESETS_PER_WINDOW, withinMinutes: RESET_WINDOW_MINUTES } : undefined,
  );
  if (!created) return undefined;
  const link = `${deps.config.publicUrl}/reset-password/${token}`;
  if (reason === 'locked') return { link, expiresAt: created.expiresAt, mailed: false };
  const mailed = await sendAccountMail(deps.mailer, {
    idempotencyKey: `password-reset:${crypto.createHash('sha256').update(token).digest('hex')}`,
    kind: 'password-reset',
    to: user.email,
    rendered: passwordResetMail({ link, expiresAt: created.expiresAt }),
  });
  return { link, expiresAt: created.expiresAt, mailed };
}

/**
 * Someone asks for a link for `email`. Nothing tells them whether the address has an account: the caller answers
 * before this runs, and an unknown address, or one that had enough links lately, simply gets no e-mail.
 */
export async function requestPasswordReset(deps: AccountDeps, email: string): Promise<void> {
  const user = await findUserByEmail(deps.db, email);
  // A released account's placeholder (db/account-addresses.ts) reaches no mailbox; its released address, now another
  // account's or nobody's, never finds the old account.
  if (!user || isReleasedPlaceholder(user.email)) {
    logger.info('password reset asked for an address without an account; nothing sent');
    return;
  }
  if (!(await mailPasswordReset(deps, user, 'requested', true))) {
    logger.warn({ userId: user.id }, 'password reset links asked for too often; no further link sent');
  }
}

export async function describePasswordReset(deps: AccountDeps, token: string): Promise<PasswordResetInfo> {
  const reset = openReset(await findPasswordReset(deps.db, token));
  return { email: reset.email };
}

/** Sets the new password and ends every session of the account; returns whose password it was. */
export async function completePasswordReset(
  deps: AccountDeps,
  token: string,
  password: string,
): Promise<{ userId: string; email: string }> {
  const reset = openReset(await findPasswordReset(deps.db, token));
  const problem = passwordProblem(password, reset.email);
  if (problem) throw new HttpError(400, 'WEAK_PASSWORD', problem);
  const passwordHash = await hashPassword(password); // outside the transaction: argon2 needs no lock
  const done = await withTransaction(deps.db, async (client) => {
    const locked = openReset(await findPasswordReset(client, token, true)); // a second tab may have used it
    await setUserPassword(client, locked.userId, passwordHash);
    await spendPasswordResets(client, locked.userId);
    const ended = await endAllSessions(client, locked.userId);
    await client.query('delete from login_challenges where user_id = $1', [locked.userId]);
    return { userId: locked.userId, email: locked.email, ended };
  });
  logger.info({ userId: done.userId, endedSessions: done.ended }, 'password reset; every session ended');
  await sendAccountMail(deps.mailer, {
    idempotencyKey: `password-changed:${done.userId}:${crypto.createHash('sha256').update(token).digest('hex')}`,
    kind: 'password-changed',
    to: done.email,
    rendered: passwordChangedMail({ at: new Date().toISOString(), how: 'reset' }),
  });
  return { userId: done.userId, email: done.email };
}

function openReset(reset: PasswordResetRow | undefined): PasswordResetRow {
  if (!reset) {
    throw new HttpError(
      404,
      'RESET_NOT_FOUND',
      'this link is not known; check that the whole link was opened',
    );
  }
  if (reset.used) {
    throw new HttpError(410, 'RESET_USED', 'this link was used already; ask for a new one if you need it');
  }
  if (reset.superseded) {
    throw new HttpError(410, 'RESET_SUPERSEDED', 'a newer link was sent since; use the newest e-mail');
  }
  if (reset.expired) throw new HttpError(410, 'RESET_EXPIRED', 'this link has expired; ask for a new one');
  return reset;
}

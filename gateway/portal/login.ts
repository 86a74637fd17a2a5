import crypto from 'node:crypto';
import {
  createLoginChallenge,
  endLoginChallenge,
  findChallenge,
  takeChallengeTry,
  type ChallengeStep,
} from '../../db/second-factor';
import { findUserByEmail, findUserById, loadPrincipal, type User } from '../../db/users';
import { loginLockedMail } from '../../mail/account-templates';
import { logger } from '../../platform/logger';
import { HttpError } from '../errors';
import { sendAccountMail, type AccountDeps } from './account-mail';
import { authenticateUser } from './accounts';
import type { LoginChallenge, SecondFactorSetup } from './contract';
import { LoginThrottle, networkKey } from './login-throttle';
import { mailPasswordReset } from './password-reset';
import { checkSecondFactor, confirmSetup, hasSecondFactor, startSetup } from './second-factor';

/**
 * One login for everyone (recipients, issuer users, both): the password, then, when the person has one, the
 * second factor; an issuer admin under REQUIRE_2FA_ADMINS without one sets it up before any session starts.
 * Every guess (password or code) is throttled per account and network address (login-throttle.ts).
 */
const CHALLENGE_MINUTES = 5;
const CHALLENGE_TRIES = 5;

export type LoginOutcome =
  | { kind: 'session'; userId: string; secondFactor: boolean }
  | { kind: 'challenge'; challenge: LoginChallenge };

export class Login {
  private readonly throttle: LoginThrottle;

  constructor(private readonly deps: AccountDeps) {
    this.throttle = new LoginThrottle(deps.db, deps.config.accounts.loginLockMinutes);
  }

  async withPassword(email: string, password: string, ip: string | undefined): Promise<LoginOutcome> {
    await this.throttle.claim(email, ip);
    let user: { userId: string; email: string };
    try {
      user = await authenticateUser(this.deps.db, email, password);
    } catch (failure) {
      if (failure instanceof HttpError && failure.code === 'INVALID_CREDENTIALS')
        await this.wrongGuess(email, ip);
      throw failure;
    }
    await this.throttle.passwordAccepted(ip);
    if (await hasSecondFactor(this.deps, user.userId)) return this.challenge(user.userId, 'verify');
    if (await this.mustEnrol(user.userId)) return this.challenge(user.userId, 'enrol');
    await this.throttle.succeeded(user.email);
    return { kind: 'session', userId: user.userId, secondFactor: false };
  }

  /** A new password was just chosen with an invitation: a session, unless an admin must set up a second factor. */
  async afterRegistration(userId: string, email: string): Promise<LoginOutcome> {
    if (await this.mustEnrol(userId)) return this.challenge(userId, 'enrol');
    await this.throttle.succeeded(email);
    return { kind: 'session', userId, secondFactor: false };
  }

  /** The code from the app (or a recovery code) after the password. */
  async withSecondFactor(ticket: string, code: string): Promise<LoginOutcome> {
    const { user } = await this.openChallenge(ticket, 'verify', true);
    await this.throttle.claimGuess(user.email);
    if (!(await checkSecondFactor(this.deps, user.id, code))) {
      await this.wrongGuess(user.email, undefined);
      throw new HttpError(401, 'WRONG_CODE', 'the code is not right; enter the code the app shows now');
    }
    await endLoginChallenge(this.deps.db, ticket);
    await this.throttle.succeeded(user.email);
    return { kind: 'session', userId: user.id, secondFactor: true };
  }

  /** An admin who must set up a second factor gets the secret to scan (again, if the page was reloaded). */
  async enrolment(ticket: string): Promise<SecondFactorSetup> {
    const { user } = await this.openChallenge(ticket, 'enrol', false);
    return startSetup(this.deps, user);
  }

  /** The first code from the newly set-up app: the second factor is on and the session starts. */
  async confirmEnrolment(
    ticket: string,
    code: string,
  ): Promise<{ outcome: LoginOutcome; recoveryCodes: string[] }> {
    const { user } = await this.openChallenge(ticket, 'enrol', true);
    await this.throttle.claimGuess(user.email);
    let recoveryCodes: string[];
    try {
      recoveryCodes = await confirmSetup(this.deps, user.id, code);
    } catch (failure) {
      if (failure instanceof HttpError && failure.code === 'WRONG_CODE')
        await this.wrongGuess(user.email, undefined);
      throw failure;
    }
    await endLoginChallenge(this.deps.db, ticket);
    await this.throttle.succeeded(user.email);
    logger.info({ userId: user.id }, 'second factor set up at login');
    return { outcome: { kind: 'session', userId: user.id, secondFactor: true }, recoveryCodes };
  }

  /** A guess made within a session (the current password, a code to turn the second factor off). */
  claimGuess(email: string): Promise<void> {
    return this.throttle.claimGuess(email);
  }

  /** A password reset completed: the mailbox is proven, so a lock of the account ends. */
  unlock(email: string): Promise<void> {
    return this.throttle.unlock(email);
  }

  /** Counts a guess against the account (throttle.claim*) as wrong; at the lock, mails the owner a reset link. */
  async wrongGuess(email: string, ip: string | undefined): Promise<void> {
    const lock = await this.throttle.failed(email);
    if (!lock) return;
    const user = await findUserByEmail(this.deps.db, email);
    logger.warn(
      { userId: user?.id, lockedUntil: lock.lockedUntil },
      'logins to an account paused after failures',
    );
    // Mailed in the background: an answer that took longer for a real account would tell a guesser it exists.
    if (user?.registered) {
      this.mailLock(user, lock, ip).catch((error: unknown) =>
        logger.error({ err: error, userId: user.id }, 'the lock e-mail failed'),
      );
    }
    throw new HttpError(
      429,
      'ACCOUNT_LOCKED',
      'too many failed logins: logins to this account are paused; the owner was e-mailed a link to choose a new password, which lifts the pause',
      { retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(lock.lockedUntil) - Date.now()) / 1000)) },
    );
  }

  private async mailLock(
    user: User,
    lock: { lockedUntil: string; failures: number },
    ip: string | undefined,
  ): Promise<void> {
    const reset = await mailPasswordReset(this.deps, user, 'locked');
    if (!reset) return;
    await sendAccountMail(this.deps.mailer, {
      idempotencyKey: `login-lock:${user.id}:${lock.lockedUntil}`,
      kind: 'login-locked',
      to: user.email,
      rendered: loginLockedMail({
        failures: lock.failures,
        lockedUntil: lock.lockedUntil,
        fromAddress: ip ? networkKey(ip) : null,
        resetLink: reset.link,
        resetExpiresAt: reset.expiresAt,
      }),
    });
  }

  private async mustEnrol(userId: string): Promise<boolean> {
    if (!this.deps.config.accounts.requireTwoFactorForAdmins) return false;
    const principal = await loadPrincipal(this.deps.db, userId);
    return Boolean(principal?.issuers.some((m) => m.role === 'admin'));
  }

  private async challenge(userId: string, step: ChallengeStep): Promise<LoginOutcome> {
    const ticket = crypto.randomBytes(32).toString('base64url');
    await createLoginChallenge(this.deps.db, userId, ticket, step, CHALLENGE_MINUTES);
    return {
      kind: 'challenge',
      challenge: {
        next: step === 'verify' ? 'second-factor' : 'second-factor-setup',
        ticket,
        expiresAt: new Date(Date.now() + CHALLENGE_MINUTES * 60_000).toISOString(),
      },
    };
  }

  private async openChallenge(ticket: string, step: ChallengeStep, useTry: boolean): Promise<{ user: User }> {
    const challenge = useTry
      ? await takeChallengeTry(this.deps.db, ticket, CHALLENGE_TRIES)
      : await findChallenge(this.deps.db, ticket);
    const user = challenge?.step === step ? await findUserById(this.deps.db, challenge.userId) : undefined;
    if (!user) {
      throw new HttpError(
        401,
        'LOGIN_EXPIRED',
        'this login step has expired or had too many tries; log in again with your password',
      );
    }
    return { user };
  }
}

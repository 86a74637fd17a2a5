import net from 'node:net';
import type { Db } from '../../db';
import {
  claimLoginAttempt,
  clearAccountFailures,
  forgiveAttempt,
  lockIfDue,
  sweepLoginThrottle,
  type ThrottleRule,
} from '../../db/login-throttle';
import { HttpError } from '../errors';

/**
 * Login throttling, per account and per network address.
 * - Account (the address typed, whether or not it has an account, so the answers reveal nothing): 5 failures
 *   free, then a wait of 2 s that doubles with each failure (2, 4, 8, 16 s), and at the 10th failure a lock of
 *   LOGIN_LOCK_MINUTES (each further lock in a row twice as long) with an e-mail to the owner. A right password
 *   and second factor start the count again; so does a day without failures.
 * - Network address (IPv6 by /64): 30 failures free (offices share one address), then a wait from 2 s doubling
 *   up to 15 min; never a lock, so a guesser cannot lock a whole office out. Forgotten after an hour of quiet.
 */
export const ACCOUNT_RULE: ThrottleRule = {
  freeFailures: 5,
  firstDelaySeconds: 2,
  maxDelaySeconds: 300,
  forgetAfterSeconds: 24 * 3600,
};
export const LOCK_AFTER_FAILURES = 10;
export const IP_RULE: ThrottleRule = {
  freeFailures: 30,
  firstDelaySeconds: 2,
  maxDelaySeconds: 900,
  forgetAfterSeconds: 3600,
};

export const accountKey = (email: string) => email.trim().toLowerCase();

/** The network a request comes from: an IPv4 address, or an IPv6 address's /64 (one customer's line). */
export function networkKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1];
  if (!net.isIPv6(ip)) return ip;
  const [head, tail = ''] = ip.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
}

export class LoginThrottle {
  constructor(
    private readonly db: Db,
    private readonly firstLockMinutes: number,
  ) {}

  /** Counts the attempt before the password is checked; refuses it while a wait or a lock is owed. */
  async claim(email: string, ip: string | undefined): Promise<void> {
    const network = await claimLoginAttempt(this.db, 'ip', networkKey(ip), IP_RULE);
    if (!network.allowed) throw throttled(network.retryAfterSeconds, false);
    const account = await claimLoginAttempt(this.db, 'account', accountKey(email), ACCOUNT_RULE);
    if (!account.allowed) {
      await forgiveAttempt(this.db, 'ip', networkKey(ip)); // refused before any guess was made
      throw throttled(account.retryAfterSeconds, account.locked);
    }
  }

  /**
   * A guess made with a ticket or a session (a second-factor code, the current password before a change): it counts
   * against the account alone, the network having passed already.
   */
  async claimGuess(email: string): Promise<void> {
    const account = await claimLoginAttempt(this.db, 'account', accountKey(email), ACCOUNT_RULE);
    if (!account.allowed) throw throttled(account.retryAfterSeconds, account.locked);
  }

  /** After a wrong guess: the lock, when this failure reached it (the caller mails the owner). */
  failed(email: string): Promise<{ lockedUntil: string; failures: number } | undefined> {
    return lockIfDue(this.db, accountKey(email), LOCK_AFTER_FAILURES, this.firstLockMinutes);
  }

  /** The right password: the network's attempt is forgiven (the account's count waits for the second factor). */
  async passwordAccepted(ip: string | undefined): Promise<void> {
    await forgiveAttempt(this.db, 'ip', networkKey(ip));
  }

  /** Logged in: the account starts again from zero. */
  async succeeded(email: string): Promise<void> {
    await clearAccountFailures(this.db, accountKey(email));
    await sweepLoginThrottle(this.db);
  }

  /** A completed password reset proves the mailbox: any lock of the account ends. */
  unlock(email: string): Promise<void> {
    return clearAccountFailures(this.db, accountKey(email));
  }
}

function throttled(retryAfterSeconds: number, locked: boolean): HttpError {
  return locked
    ? new HttpError(
        429,
        'ACCOUNT_LOCKED',
        `too many failed logins: logins to this account are paused for ${retryAfterSeconds} s; the owner was e-mailed a link to choose a new password, which lifts the pause`,
        { retryAfterSeconds },
      )
    : new HttpError(429, 'LOGIN_THROTTLED', `too many failed logins: try again in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
}

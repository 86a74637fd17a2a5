import crypto from 'node:crypto';
import { withTransaction } from '../../db';
import {
  AddressTakenError,
  findLoginAddressChange,
  isReleasedPlaceholder,
  markLoginAddressChangeConfirmed,
  moveLoginAddress,
  requestLoginAddressChange,
} from '../../db/account-addresses';
import type { Principal } from '../../db/users';
import { loginAddressChangedMail, loginAddressConfirmMail } from '../../mail/account-templates';
import { logger } from '../../platform/logger';
import { HttpError } from '../errors';
import { sendAccountMail, type AccountDeps } from './account-mail';
import type { LoginAddressChanged, LoginAddressChangeRequested } from './contract';
import { EMAIL_PATTERN } from './issuer-users';

/**
 * The account holder moves their login address: asked for on the account page (with the current password), confirmed
 * by a one-time link mailed to the new address. The account keeps every invoice it received; invoices mailed to the
 * old address later go to whoever owns that address then (a new invitation if nobody does). Whether the new address
 * belongs to another account is told only to whoever opens the link, so the request reveals nothing.
 */
const LINK_HOURS = 24;

export async function askForLoginAddressChange(
  deps: AccountDeps,
  principal: Principal,
  newEmail: string,
): Promise<LoginAddressChangeRequested> {
  const wanted = newEmail.trim().toLowerCase();
  if (!EMAIL_PATTERN.test(wanted) || wanted.length > 320 || isReleasedPlaceholder(wanted)) {
    throw new HttpError(400, 'BAD_REQUEST', `"${newEmail}" is not an e-mail address`);
  }
  if (wanted === principal.email.toLowerCase()) {
    throw new HttpError(400, 'SAME_ADDRESS', 'this is your login address already');
  }
  const { token, expiresAt } = await requestLoginAddressChange(deps.db, {
    userId: principal.userId,
    newEmail: wanted,
    minutes: LINK_HOURS * 60,
  });
  const mailed = await sendAccountMail(deps.mailer, {
    idempotencyKey: `login-address:${crypto.createHash('sha256').update(token).digest('hex')}`,
    kind: 'login-address-confirm',
    to: wanted,
    rendered: loginAddressConfirmMail({
      from: principal.email,
      to: wanted,
      link: `${deps.config.publicUrl}/confirm-address/${token}`,
      expiresAt,
    }),
  });
  logger.info({ userId: principal.userId }, 'login address change asked for; link mailed to the new address');
  return { email: wanted, expiresAt, mailed };
}

/** Whoever opens the link mailed to the new address: the account logs in with it from now on. */
export async function confirmLoginAddressChange(
  deps: AccountDeps,
  token: string,
): Promise<LoginAddressChanged> {
  const moved = await withTransaction(deps.db, async (client) => {
    const change = await findLoginAddressChange(client, token);
    if (!change) {
      throw new HttpError(
        404,
        'ADDRESS_CHANGE_NOT_FOUND',
        'this link is not known; check that the whole link was opened',
      );
    }
    if (change.confirmed) throw new HttpError(410, 'ADDRESS_CHANGE_USED', 'this link was used already');
    if (change.expired) {
      throw new HttpError(410, 'ADDRESS_CHANGE_EXPIRED', 'this link has expired; ask for the change again');
    }
    await markLoginAddressChangeConfirmed(client, token);
    try {
      const { changedAt } = await moveLoginAddress(client, {
        userId: change.userId,
        from: change.currentEmail,
        to: change.newEmail,
        kind: 'changed',
        reason: 'changed by the account holder, confirmed by a link mailed to the new address',
        changedBy: 'account holder',
      });
      return { userId: change.userId, from: change.currentEmail, to: change.newEmail, changedAt };
    } catch (failure) {
      if (!(failure instanceof AddressTakenError)) throw failure;
      throw new HttpError(
        409,
        'ADDRESS_TAKEN',
        'this address already belongs to another account of the hub; log in with it, or ask the hub operator',
      );
    }
  });
  logger.info({ userId: moved.userId }, 'login address changed by the account holder');
  if (!isReleasedPlaceholder(moved.from)) {
    // The old mailbox hears of it, so a change nobody asked for does not go unnoticed.
    await sendAccountMail(deps.mailer, {
      idempotencyKey: `login-address-changed:${moved.userId}:${moved.changedAt}`,
      kind: 'login-address-changed',
      to: moved.from,
      rendered: loginAddressChangedMail({ from: moved.from, to: moved.to, at: moved.changedAt }),
    });
  }
  return { email: moved.to, previous: moved.from };
}

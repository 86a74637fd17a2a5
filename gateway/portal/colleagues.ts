import {
  listAddressShares,
  listSharesWithUser,
  recentSharesBy,
  removeAddressShare,
  shareAddress,
  type AddressShare,
} from '../../db/address-shares';
import { ensureInvitation, ensureUser, type Principal } from '../../db/users';
import { colleagueInvitationMail } from '../../mail/account-templates';
import { logger } from '../../platform/logger';
import { HttpError } from '../errors';
import { sendAccountMail, type AccountDeps } from './account-mail';
import type { Colleague, ColleagueList } from './contract';
import { EMAIL_PATTERN } from './issuer-users';

/**
 * A recipient shares their address with colleagues: each sees the owner's invoices at that address, as the owner
 * does, until the owner removes them (or they leave). Only the address's own account shares it; a colleague cannot
 * pass it on. A share outlives a move of the address: it still covers what the sharing account received there.
 */
const MAX_COLLEAGUES = 50;
/** Each share e-mails someone: removing and adding again must not turn the hub into a mail cannon. */
const SHARES_PER_DAY = 20;

const ownAddress = (principal: Principal) => principal.email.toLowerCase();

export async function listColleagues(deps: AccountDeps, principal: Principal): Promise<ColleagueList> {
  const [mine, withMe] = await Promise.all([
    listAddressShares(deps.db, principal.userId, ownAddress(principal)),
    listSharesWithUser(deps.db, principal.userId),
  ]);
  return {
    address: ownAddress(principal),
    colleagues: mine.map(toColleague),
    sharedWithMe: withMe.map((share) => ({
      address: share.address,
      sharedBy: share.sharedBy,
      sharedAt: share.sharedAt,
    })),
  };
}

export async function addColleague(
  deps: AccountDeps,
  principal: Principal,
  email: string,
): Promise<{ colleague: Colleague; added: boolean; invitationMailed: boolean }> {
  const address = ownAddress(principal);
  const wanted = email.trim();
  if (!EMAIL_PATTERN.test(wanted) || wanted.length > 320) {
    throw new HttpError(400, 'BAD_REQUEST', `"${email}" is not an e-mail address`);
  }
  if (wanted.toLowerCase() === address) {
    throw new HttpError(400, 'SHARE_WITH_YOURSELF', 'you see the invoices of your own address already');
  }
  const existing = await listAddressShares(deps.db, principal.userId, address);
  if (
    existing.length >= MAX_COLLEAGUES &&
    !existing.some((s) => s.email.toLowerCase() === wanted.toLowerCase())
  ) {
    throw new HttpError(
      409,
      'TOO_MANY_COLLEAGUES',
      `an address can be shared with at most ${MAX_COLLEAGUES} people`,
    );
  }
  const already = existing.some((s) => s.email.toLowerCase() === wanted.toLowerCase());
  if (!already && (await recentSharesBy(deps.db, principal.userId, 24)) >= SHARES_PER_DAY) {
    throw new HttpError(
      409,
      'TOO_MANY_COLLEAGUES',
      `at most ${SHARES_PER_DAY} colleagues can be added in a day; try again tomorrow`,
    );
  }
  const colleague = await ensureUser(deps.db, wanted);
  const { added, sharedAt } = await shareAddress(deps.db, {
    address,
    userId: colleague.id,
    sharedBy: principal.userId,
  });
  const link = colleague.registered
    ? `${deps.config.publicUrl}/login`
    : `${deps.config.publicUrl}/invite/${await ensureInvitation(deps.db, deps.secret, colleague, null, deps.config.invitationTtlDays)}`;
  const invitationMailed = await sendAccountMail(deps.mailer, {
    idempotencyKey: `address-share:${address}:${colleague.id}:${sharedAt}`,
    kind: 'colleague-invitation',
    to: colleague.email,
    rendered: colleagueInvitationMail({
      sharedBy: principal.email,
      address,
      link,
      registered: colleague.registered,
      expiresInDays: deps.config.invitationTtlDays,
    }),
  });
  if (added)
    logger.info({ userId: principal.userId, colleagueId: colleague.id }, 'address shared with a colleague');
  const share = (await listAddressShares(deps.db, principal.userId, address)).find(
    (s) => s.userId === colleague.id,
  );
  if (!share) throw new Error(`the share of ${address} with ${colleague.id} vanished`);
  return { colleague: toColleague(share), added, invitationMailed };
}

/** The owner ends a colleague's access. */
export async function removeColleague(
  deps: AccountDeps,
  principal: Principal,
  userId: string,
): Promise<void> {
  const removed = await removeAddressShare(deps.db, {
    address: ownAddress(principal),
    userId,
    removedBy: principal.userId,
    sharedBy: principal.userId,
  });
  if (!removed) throw new HttpError(404, 'NOT_FOUND', 'this person does not see your invoices');
}

/** A colleague stops seeing an address shared with them. */
export async function leaveSharedAddress(
  deps: AccountDeps,
  principal: Principal,
  address: string,
): Promise<void> {
  const removed = await removeAddressShare(deps.db, {
    address,
    userId: principal.userId,
    removedBy: principal.userId,
  });
  if (!removed) throw new HttpError(404, 'NOT_FOUND', 'this address is not shared with you');
}

function toColleague(share: AddressShare): Colleague {
  return { userId: share.userId, email: share.email, registered: share.registered, sharedAt: share.sharedAt };
}

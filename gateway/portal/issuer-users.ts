import { withTransaction } from '../../db';
import { getIssuer } from '../../db/issuers';
import {
  countIssuerAdmins,
  deleteIssuerMember,
  findIssuerMember,
  listIssuerMembers,
  lockIssuerMembers,
  setIssuerMemberRole,
  upsertIssuerMember,
  type IssuerMember,
  type IssuerRole,
} from '../../db/issuer-members';
import { ensureInvitation, ensureUser } from '../../db/users';
import { issuerInvitationMail } from '../../mail/account-templates';
import { logger } from '../../platform/logger';
import { HttpError } from '../errors';
import { sendAccountMail, type AccountDeps } from './account-mail';
import { endAllSessions } from './sessions';
import { hasSecondFactor } from './second-factor';

/**
 * An issuer's portal users: `bin/hub issuer user add` and the issuer's admins add them; an admin manages the others.
 * An issuer always keeps at least one admin. A new user gets an e-mail: an invitation to choose a password, or,
 * when they have one already (a recipient, another issuer's user), a note that the issuer is now in their portal.
 */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface IssuerUserAdded {
  member: IssuerMember;
  /** False when the person was already a member (the role may have changed). */
  added: boolean;
  invitationMailed: boolean;
  /** The link the e-mail carries: the invitation, or the login for someone registered. */
  link: string;
}

export async function addIssuerUser(
  deps: AccountDeps,
  request: {
    issuerId: string;
    email: string;
    role: IssuerRole;
    addedBy: { userId: string; email: string } | null;
  },
): Promise<IssuerUserAdded> {
  const email = request.email.trim();
  if (!EMAIL_PATTERN.test(email) || email.length > 320) {
    throw new HttpError(400, 'BAD_REQUEST', `"${request.email}" is not an e-mail address`);
  }
  const issuer = await getIssuer(deps.db, request.issuerId);
  if (!issuer) throw new HttpError(404, 'NOT_FOUND', `there is no issuer ${request.issuerId}`);
  const user = await ensureUser(deps.db, email);
  const { added, addedAt } = await withTransaction(deps.db, async (client) => {
    await lockIssuerMembers(client, issuer.id);
    const before = await findIssuerMember(client, issuer.id, user.id);
    if (before?.role === 'admin' && request.role !== 'admin') await keepAnAdmin(client, issuer.id);
    return upsertIssuerMember(client, {
      issuerId: issuer.id,
      userId: user.id,
      role: request.role,
      addedBy: request.addedBy?.userId ?? null,
    });
  });
  if (request.role === 'admin') await demandSecondFactorAtNextLogin(deps, user.id);

  const link = user.registered
    ? `${deps.config.publicUrl}/login`
    : `${deps.config.publicUrl}/invite/${await ensureInvitation(deps.db, deps.secret, user, null, deps.config.invitationTtlDays)}`;
  // One e-mail per membership: repeating the command (or the form) re-sends only a mail that did not go out.
  const invitationMailed = await sendAccountMail(deps.mailer, {
    idempotencyKey: `issuer-member:${issuer.id}:${user.id}:${addedAt}`,
    kind: 'issuer-invitation',
    to: user.email,
    rendered: issuerInvitationMail({
      issuerName: issuer.name,
      role: request.role,
      invitedBy: request.addedBy?.email ?? null,
      link,
      registered: user.registered,
      expiresInDays: deps.config.invitationTtlDays,
    }),
  });
  const member = await findIssuerMember(deps.db, issuer.id, user.id);
  if (!member) throw new Error(`membership of ${user.id} at ${issuer.id} vanished`);
  logger.info({ issuerId: issuer.id, userId: user.id, role: request.role, added }, 'issuer user added');
  return { member, added, invitationMailed, link };
}

export function listIssuerUsers(deps: AccountDeps, issuerId: string): Promise<IssuerMember[]> {
  return listIssuerMembers(deps.db, issuerId);
}

export async function changeIssuerUserRole(
  deps: AccountDeps,
  issuerId: string,
  userId: string,
  role: IssuerRole,
): Promise<IssuerMember> {
  await withTransaction(deps.db, async (client) => {
    await lockIssuerMembers(client, issuerId);
    const member = await findIssuerMember(client, issuerId, userId);
    if (!member) throw userNotFound();
    if (member.role === 'admin' && role !== 'admin') await keepAnAdmin(client, issuerId);
    await setIssuerMemberRole(client, issuerId, userId, role);
  });
  if (role === 'admin') await demandSecondFactorAtNextLogin(deps, userId);
  return (await findIssuerMember(deps.db, issuerId, userId)) as IssuerMember;
}

export async function removeIssuerUser(deps: AccountDeps, issuerId: string, userId: string): Promise<void> {
  await withTransaction(deps.db, async (client) => {
    await lockIssuerMembers(client, issuerId);
    const member = await findIssuerMember(client, issuerId, userId);
    if (!member) throw userNotFound();
    if (member.role === 'admin') await keepAnAdmin(client, issuerId);
    await deleteIssuerMember(client, issuerId, userId);
  });
  logger.info({ issuerId, userId }, 'issuer user removed');
}

const userNotFound = () => new HttpError(404, 'NOT_FOUND', 'this person is not a user of this issuer');

async function keepAnAdmin(client: Parameters<typeof countIssuerAdmins>[0], issuerId: string): Promise<void> {
  if ((await countIssuerAdmins(client, issuerId)) <= 1) {
    throw new HttpError(
      409,
      'LAST_ADMIN',
      'the issuer needs at least one admin: make someone else admin first',
    );
  }
}

/**
 * With REQUIRE_2FA_ADMINS, a new admin without a second factor is logged out everywhere: their next login asks them
 * to set it up, so no admin session ever runs on a password alone.
 */
async function demandSecondFactorAtNextLogin(deps: AccountDeps, userId: string): Promise<void> {
  if (!deps.config.accounts.requireTwoFactorForAdmins) return;
  if (await hasSecondFactor(deps, userId)) return;
  await endAllSessions(deps.db, userId);
}

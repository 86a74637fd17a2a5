import { addOperator } from '../../db/operations';
import { ensureInvitation, ensureUser } from '../../db/users';
import { operatorInvitationMail } from '../../mail/operations-templates';
import { logger } from '../../platform/logger';
import { HttpError } from '../errors';
import { sendAccountMail, type AccountDeps } from '../portal/account-mail';
import { EMAIL_PATTERN } from '../portal/issuer-users';

export interface OperatorAdded {
  userId: string;
  email: string;
  /** False when the person was an operator already. */
  added: boolean;
  registered: boolean;
  invitationMailed: boolean;
  /** The link the e-mail carries: the invitation, or the login for someone registered. */
  link: string;
}

/** `bin/hub operator add`: makes a person (a new account, or an existing one) an operator and mails them. */
export async function addOperatorAccount(deps: AccountDeps, rawEmail: string): Promise<OperatorAdded> {
  const email = rawEmail.trim();
  if (!EMAIL_PATTERN.test(email) || email.length > 320) {
    throw new HttpError(400, 'BAD_REQUEST', `"${rawEmail}" is not an e-mail address`);
  }
  const user = await ensureUser(deps.db, email);
  const added = await addOperator(deps.db, user.id);
  const link = user.registered
    ? `${deps.config.publicUrl}/login`
    : `${deps.config.publicUrl}/invite/${await ensureInvitation(deps.db, deps.secret, user, null, deps.config.invitationTtlDays)}`;
  const invitationMailed = await sendAccountMail(deps.mailer, {
    idempotencyKey: `operator:${user.id}`,
    kind: 'operator-invitation',
    to: user.email,
    rendered: operatorInvitationMail(link, user.registered, deps.config.invitationTtlDays),
  });
  logger.info({ userId: user.id, added }, 'operator added');
  return { userId: user.id, email: user.email, added, registered: user.registered, invitationMailed, link };
}

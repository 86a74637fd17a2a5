import type { PoolClient } from 'pg';
import type { Db } from '../../db';
import { withTransaction } from '../../db';
import { tokenDigest } from '../../db/users';
import { HttpError } from '../errors';
import type { InvitationInfo } from './contract';
import { hashPassword, passwordMatches, passwordProblem } from './passwords';

/** Accounts: the invitation to choose a password (the first invoice carries one), registration, and login. */

interface InvitationRow {
  user_id: string;
  email: string;
  invoice_id: string | null;
  expired: boolean;
  used: boolean;
  registered: boolean;
}

async function openInvitation(db: Db | PoolClient, token: string, lock = false): Promise<InvitationRow> {
  const { rows } = await db.query<InvitationRow>(
    `select i.user_id, r.email, i.invoice_id, i.expires_at <= now() as expired, i.used_at is not null as used,
            r.password_hash is not null as registered
       from invitations i join users r on r.id = i.user_id
      where i.token_sha256 = $1
      ${lock ? 'for update of i, r' : ''}`,
    [tokenDigest(token)],
  );
  const invitation = rows[0];
  if (!invitation) {
    throw new HttpError(
      404,
      'INVITATION_NOT_FOUND',
      'this invitation link is not known; check the link from the e-mail',
    );
  }
  if (invitation.used) {
    throw new HttpError(
      410,
      'INVITATION_USED',
      'this invitation has been used; log in with your e-mail and password',
    );
  }
  if (invitation.registered) {
    throw new HttpError(
      409,
      'ALREADY_REGISTERED',
      'this e-mail address is already registered; log in instead',
    );
  }
  if (invitation.expired) {
    throw new HttpError(
      410,
      'INVITATION_EXPIRED',
      'this invitation has expired; the next invoice e-mail brings a new one',
    );
  }
  return invitation;
}

export async function describeInvitation(db: Db, token: string): Promise<InvitationInfo> {
  const invitation = await openInvitation(db, token);
  const info: InvitationInfo = invitation.invoice_id
    ? { email: invitation.email, invoiceId: invitation.invoice_id }
    : { email: invitation.email };
  // What else brought the invitation: an issuer adding the person, a colleague sharing their address.
  const { rows } = await db.query<{ issuers: string[] | null; shared: string[] | null }>(
    `select (select array_agg(i.name order by i.name) from issuer_members m join issuers i on i.id = m.issuer_id
              where m.user_id = $1) as issuers,
            (select array_agg(lower(s.address) order by s.shared_at) from address_shares s
              where s.user_id = $1 and s.removed_at is null) as shared`,
    [invitation.user_id],
  );
  if (rows[0].issuers?.length) info.issuers = rows[0].issuers;
  if (rows[0].shared?.length) info.sharedAddresses = rows[0].shared;
  return info;
}

/** Sets the account's password and spends the invitation; returns who registered. */
export async function registerUser(
  db: Db,
  token: string,
  password: string,
): Promise<{ userId: string; email: string }> {
  const invitation = await openInvitation(db, token);
  const problem = passwordProblem(password, invitation.email);
  if (problem) throw new HttpError(400, 'WEAK_PASSWORD', problem);
  // Hash outside the transaction: argon2 takes tens of milliseconds and needs no lock.
  const passwordHash = await hashPassword(password);
  return withTransaction(db, async (client) => {
    const locked = await openInvitation(client, token, true); // a second tab may have registered meanwhile
    await client.query('update users set password_hash = $2, registered_at = now() where id = $1', [
      locked.user_id,
      passwordHash,
    ]);
    await client.query('update invitations set used_at = now() where token_sha256 = $1', [
      tokenDigest(token),
    ]);
    return { userId: locked.user_id, email: locked.email };
  });
}

/** The registered account with this e-mail and password; one refusal for every kind of mismatch. */
export async function authenticateUser(
  db: Db,
  email: string,
  password: string,
): Promise<{ userId: string; email: string }> {
  const { rows } = await db.query<{ id: string; email: string; password_hash: string | null }>(
    'select id, email, password_hash from users where lower(email) = lower($1)',
    [email.trim()],
  );
  const recipient = rows[0];
  const matches = await passwordMatches(password, recipient?.password_hash ?? null);
  if (!recipient || !matches) {
    throw new HttpError(401, 'INVALID_CREDENTIALS', 'the e-mail address or the password is not right');
  }
  return { userId: recipient.id, email: recipient.email };
}

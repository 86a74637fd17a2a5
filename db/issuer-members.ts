import type { PoolClient } from 'pg';
import type { Db } from './index';

/** The people who work for an issuer in the portal, with their role there. */
export type IssuerRole = 'admin' | 'clerk';

export interface IssuerMember {
  userId: string;
  email: string;
  role: IssuerRole;
  /** False while the person has not chosen a password yet (their invitation is open). */
  registered: boolean;
  addedAt: string;
  addedBy: string | null;
}

interface MemberRow {
  user_id: string;
  email: string;
  role: IssuerRole;
  registered: boolean;
  added_at: Date;
  added_by: string | null;
}

const toMember = (row: MemberRow): IssuerMember => ({
  userId: row.user_id,
  email: row.email,
  role: row.role,
  registered: row.registered,
  addedAt: row.added_at.toISOString(),
  addedBy: row.added_by,
});

const SELECT_MEMBERS = `
  select m.user_id, u.email, m.role, u.password_hash is not null as registered, m.added_at, a.email as added_by
    from issuer_members m join users u on u.id = m.user_id left join users a on a.id = m.added_by`;

export async function listIssuerMembers(db: Db, issuerId: string): Promise<IssuerMember[]> {
  const { rows } = await db.query<MemberRow>(
    `${SELECT_MEMBERS} where m.issuer_id = $1 order by lower(u.email)`,
    [issuerId],
  );
  return rows.map(toMember);
}

export async function findIssuerMember(
  db: Db | PoolClient,
  issuerId: string,
  userId: string,
): Promise<IssuerMember | undefined> {
  const { rows } = await db.query<MemberRow>(`${SELECT_MEMBERS} where m.issuer_id = $1 and m.user_id = $2`, [
    issuerId,
    userId,
  ]);
  return rows[0] && toMember(rows[0]);
}

/**
 * Adds the person, or gives an existing member the role. `added` says whether they are new (and so get an e-mail);
 * `addedAt` names this membership, so removing and adding someone again is a new one.
 */
export async function upsertIssuerMember(
  db: Db | PoolClient,
  member: { issuerId: string; userId: string; role: IssuerRole; addedBy: string | null },
): Promise<{ added: boolean; addedAt: string }> {
  const { rows } = await db.query<{ added: boolean; added_at: Date }>(
    `insert into issuer_members as m (issuer_id, user_id, role, added_by) values ($1, $2, $3, $4)
     on conflict (issuer_id, user_id) do update set role = excluded.role
     returning (xmax = 0) as added, m.added_at`,
    [member.issuerId, member.userId, member.role, member.addedBy],
  );
  return { added: rows[0].added, addedAt: rows[0].added_at.toISOString() };
}

/** Holds the issuer's membership rows while a change checks who is left (two admins demoting each other at once). */
export async function lockIssuerMembers(client: PoolClient, issuerId: string): Promise<void> {
  await client.query('select id from issuers where id = $1 for update', [issuerId]);
}

export async function countIssuerAdmins(client: PoolClient, issuerId: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `select count(*) as n from issuer_members where issuer_id = $1 and role = 'admin'`,
    [issuerId],
  );
  return Number(rows[0].n);
}

export async function setIssuerMemberRole(
  client: PoolClient,
  issuerId: string,
  userId: string,
  role: IssuerRole,
): Promise<void> {
  await client.query('update issuer_members set role = $3 where issuer_id = $1 and user_id = $2', [
    issuerId,
    userId,
    role,
  ]);
}

export async function deleteIssuerMember(
  client: PoolClient,
  issuerId: string,
  userId: string,
): Promise<void> {
  await client.query('delete from issuer_members where issuer_id = $1 and user_id = $2', [issuerId, userId]);
}

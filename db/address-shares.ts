import type { Db } from './index';

/**
 * A recipient address shared with colleagues by the account owning it: they see the invoices bound to that account at
 * that address (access follows the account: a later owner of the address shares only their own). A removed share
 * keeps its row with the time and who removed it, for the record.
 */
export interface AddressShare {
  address: string;
  userId: string;
  email: string;
  /** False while the colleague has not chosen a password yet. */
  registered: boolean;
  sharedAt: string;
  sharedBy: string;
}

interface ShareRow {
  address: string;
  user_id: string;
  email: string;
  registered: boolean;
  shared_at: Date;
  shared_by: string;
}

const toShare = (row: ShareRow): AddressShare => ({
  address: row.address,
  userId: row.user_id,
  email: row.email,
  registered: row.registered,
  sharedAt: row.shared_at.toISOString(),
  sharedBy: row.shared_by,
});

const SELECT_SHARES = `
  select lower(s.address) as address, s.user_id, u.email, u.password_hash is not null as registered, s.shared_at,
         b.email as shared_by
    from address_shares s join users u on u.id = s.user_id join users b on b.id = s.shared_by`;

/** Who else sees the invoices of the owner's account at `address`. */
export async function listAddressShares(db: Db, ownerId: string, address: string): Promise<AddressShare[]> {
  const { rows } = await db.query<ShareRow>(
    `${SELECT_SHARES} where lower(s.address) = lower($1) and s.shared_by = $2 and s.removed_at is null
      order by s.shared_at`,
    [address, ownerId],
  );
  return rows.map(toShare);
}

/** The addresses colleagues shared with this person. */
export async function listSharesWithUser(db: Db, userId: string): Promise<AddressShare[]> {
  const { rows } = await db.query<ShareRow>(
    `${SELECT_SHARES} where s.user_id = $1 and s.removed_at is null order by s.shared_at`,
    [userId],
  );
  return rows.map(toShare);
}

/** Shares the address; `added` is false when the colleague already saw it. */
export async function shareAddress(
  db: Db,
  share: { address: string; userId: string; sharedBy: string },
): Promise<{ added: boolean; sharedAt: string }> {
  const inserted = await db.query<{ shared_at: Date }>(
    `insert into address_shares (address, user_id, shared_by) values (lower($1), $2, $3)
     on conflict (lower(address), user_id, shared_by) where removed_at is null do nothing
     returning shared_at`,
    [share.address, share.userId, share.sharedBy],
  );
  if (inserted.rows[0]) return { added: true, sharedAt: inserted.rows[0].shared_at.toISOString() };
  const existing = await db.query<{ shared_at: Date }>(
    `select shared_at from address_shares
      where lower(address) = lower($1) and user_id = $2 and shared_by = $3 and removed_at is null`,
    [share.address, share.userId, share.sharedBy],
  );
  return { added: false, sharedAt: existing.rows[0].shared_at.toISOString() };
}

/** Ends the share (every share of the address with the person, or only the one `sharedBy` made); false when none. */
export async function removeAddressShare(
  db: Db,
  share: { address: string; userId: string; removedBy: string; sharedBy?: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `update address_shares set removed_at = now(), removed_by = $3
      where lower(address) = lower($1) and user_id = $2 and removed_at is null
        and ($4::uuid is null or shared_by = $4)`,
    [share.address, share.userId, share.removedBy, share.sharedBy ?? null],
  );
  return (rowCount ?? 0) > 0;
}

/** How many shares (removed ones too) this person made lately: each one e-mails someone. */
export async function recentSharesBy(db: Db, userId: string, withinHours: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from address_shares where shared_by = $1 and shared_at > now() - make_interval(hours => $2)`,
    [userId, withinHours],
  );
  return Number(rows[0].n);
}

import crypto from 'node:crypto';
import { withTransaction, type Db } from './index';

export interface Issuer {
  id: string;
  name: string;
  eik: string;
  email: string;
  createdAt: string;
  /** Set while the issuer has stopped using the hub: intake is refused, its archive stays readable. */
  deactivatedAt: string | null;
}

interface IssuerRow {
  id: string;
  name: string;
  eik: string;
  email: string;
  created_at: Date;
  deactivated_at: Date | null;
}

const toIssuer = (row: IssuerRow): Issuer => ({
  id: row.id,
  name: row.name,
  eik: row.eik,
  email: row.email,
  createdAt: row.created_at.toISOString(),
  deactivatedAt: row.deactivated_at?.toISOString() ?? null,
});

/** API keys are 32 random bytes; only their SHA-256 is stored, so a database leak reveals no usable key. */
export function apiKeyDigest(apiKey: string): string {
  return crypto.createHash('sha256').update(apiKey).digest('hex');
}

export class DuplicateIssuerError extends Error {
  constructor(readonly eik: string) {
    super(`an issuer with EIK ${eik} is already registered`);
  }
}

export async function createIssuer(
  db: Db,
  issuer: { name: string; eik: string; email: string },
): Promise<{ issuer: Issuer; apiKey: string }> {
  const apiKey = `hub_${crypto.randomBytes(32).toString('base64url')}`;
  try {
    const { rows } = await db.query<IssuerRow>(
      `insert into issuers (id, name, eik, email, api_key_sha256) values ($1, $2, $3, $4, $5) returning *`,
      [crypto.randomUUID(), issuer.name, issuer.eik, issuer.email, apiKeyDigest(apiKey)],
    );
    return { issuer: toIssuer(rows[0]), apiKey };
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new DuplicateIssuerError(issuer.eik);
    throw error;
  }
}

export async function findIssuerByApiKey(db: Db, apiKey: string): Promise<Issuer | undefined> {
  const { rows } = await db.query<IssuerRow>('select * from issuers where api_key_sha256 = $1', [
    apiKeyDigest(apiKey),
  ]);
  return rows[0] && toIssuer(rows[0]);
}

export async function getIssuer(db: Db, id: string): Promise<Issuer | undefined> {
  const { rows } = await db.query<IssuerRow>('select * from issuers where id = $1', [id]);
  return rows[0] && toIssuer(rows[0]);
}

export async function countIssuers(db: Db): Promise<number> {
  const { rows } = await db.query<{ n: string }>('select count(*) as n from issuers');
  return Number(rows[0].n);
}

export class IssuerActivityError extends Error {}

/**
 * An issuer stops using the hub (`deactivate`) or comes back (`reactivate`). While deactivated, every channel refuses
 * its deliveries and its API key may only read; its members and its invoices' recipients read the archive as before.
 * Each change is recorded in `issuer_activity_changes` (written once).
 */
export async function changeIssuerActivity(
  db: Db,
  change: { issuerId: string; action: 'deactivate' | 'reactivate'; reason: string; actedBy: string },
): Promise<Issuer> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<IssuerRow>('select * from issuers where id = $1 for update', [
      change.issuerId,
    ]);
    const issuer = rows[0];
    if (!issuer) throw new IssuerActivityError(`there is no issuer ${change.issuerId}`);
    const deactivating = change.action === 'deactivate';
    if (deactivating === (issuer.deactivated_at !== null)) {
      throw new IssuerActivityError(
        `issuer ${change.issuerId} is ${deactivating ? 'deactivated already' : 'not deactivated'}`,
      );
    }
    await client.query(
      `insert into issuer_activity_changes (issuer_id, action, reason, acted_by) values ($1, $2, $3, $4)`,
      [change.issuerId, change.action, change.reason, change.actedBy],
    );
    const updated = await client.query<IssuerRow>(
      `update issuers set deactivated_at = ${deactivating ? 'now()' : 'null'},
              deactivation_reason = ${deactivating ? '$2' : 'null'}
        where id = $1 returning *`,
      deactivating ? [change.issuerId, change.reason] : [change.issuerId],
    );
    return toIssuer(updated.rows[0]);
  });
}

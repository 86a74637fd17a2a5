import type { PoolClient } from 'pg';
import type { TrustMaterial } from '../domain/signature/types';
import type { Db } from './index';

/** Trust data kept by its SHA-256 (migration 015): written once, whichever report uses it first. */
export async function keepTrustMaterial(db: Db, items: readonly TrustMaterial[]): Promise<void> {
  if (items.length === 0) return;
  await db.query(
    `insert into trust_material (sha256, kind, name, bytes)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::bytea[])
     on conflict (sha256) do nothing`,
    [
      items.map((i) => i.sha256),
      items.map((i) => i.kind),
      items.map((i) => i.name),
      items.map((i) => i.bytes),
    ],
  );
}

export async function trustMaterial(
  db: Db | PoolClient,
  digests: readonly string[],
): Promise<Map<string, Buffer>> {
  const { rows } = await db.query<{ sha256: string; bytes: Buffer }>(
    'select sha256, bytes from trust_material where sha256 = any($1::text[])',
    [digests],
  );
  return new Map(rows.map((row) => [row.sha256, row.bytes]));
}

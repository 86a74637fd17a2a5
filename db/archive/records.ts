import type { PoolClient } from 'pg';
import type { FieldKind, ArchiveRecordSpec, CanonicalValue, FieldDigest } from '../../domain/archive/records';
import type { ArchiveSource, RecordPair } from '../../domain/archive/verify';
import type { Db } from '../index';
import { allLinks, linksByHash, listSeals, throughCursor } from './chain';

/**
 * The archived records as their tables hold them now, each field in its canonical form (domain/archive/records.ts)
 * rendered by PostgreSQL's own casts, never by the functions the chain's trigger uses, paired with their chain entries.
 */

/** The select expression giving a column's canonical form. */
function canonical(column: string, kind: FieldKind): string {
  const c = `r.${column}`;
  switch (kind) {
    case 'bytea':
    case 'text':
      return c;
    case 'jsonb':
    case 'uuid':
    case 'integer':
      return `${c}::text`;
    case 'instant':
      return `to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
    case 'date':
      return `to_char(${c}, 'YYYY-MM-DD')`;
  }
}

/** The select list of a record's fields in canonical form, as f0, f1, … in the spec's order (table alias r). */
export function canonicalColumns(spec: ArchiveRecordSpec): string {
  return spec.fields.map((f, i) => `${canonical(f.name, f.kind)} as f${i}`).join(', ');
}

/** Words that name a record: its invoice's number, where it has one. */
function context(spec: ArchiveRecordSpec): { join: string; expression: string } {
  if (spec.type === 'invoice')
    return {
      join: 'left join invoices i on i.id = r.invoice_id',
      expression: `i.number || ' (' || r.invoice_id::text || ')'`,
    };
  if (spec.keyColumn === 'invoice_id')
    return { join: 'left join invoices i on i.id = r.invoice_id', expression: `'of invoice ' || i.number` };
  if (spec.fields.some((f) => f.name === 'invoice_id'))
    return {
      join: 'left join invoices i on i.id = r.invoice_id',
      expression: `r.${spec.keyColumn}::text || ' of invoice ' || i.number`,
    };
  return { join: '', expression: 'null' };
}

/**
 * Every record of a type beside its chain entry (a full join on the key: either side may be missing), in no order:
 * sorting would sort the records' bytes (the report orders what it finds).
 */
export function recordPairsQuery(spec: ArchiveRecordSpec): string {
  const { join, expression } = context(spec);
  const fields = canonicalColumns(spec);
  return `select coalesce(t.record_key, c.record_key) as record_key, t.present, t.context, c.seq, c.fields,
                 ${spec.fields.map((_, i) => `t.f${i}`).join(', ')}
            from (select r.${spec.keyColumn}::text as record_key, true as present, ${expression} as context, ${fields}
                    from ${spec.table} r ${join}) t
            full join (select seq, record_key, fields from archive_chain where record_type = '${spec.type}') c
              on c.record_key = t.record_key`;
}

type PairRow = {
  record_key: string;
  present: boolean | null;
  context: string | null;
  seq: string | null;
  fields: FieldDigest[] | null;
} & Record<string, CanonicalValue>;

function toPair(spec: ArchiveRecordSpec, row: PairRow): RecordPair {
  const values: Record<string, CanonicalValue> = {};
  spec.fields.forEach((f, i) => (values[f.name] = row[`f${i}`] ?? null));
  return {
    key: row.record_key,
    record: row.present ? { key: row.record_key, context: row.context ?? undefined, values } : undefined,
    chained: row.seq === null ? undefined : { seq: Number(row.seq), fields: row.fields ?? [] },
  };
}

/**
 * Runs `work` with the archive as one snapshot: a read-only REPEATABLE READ transaction, so records and links
 * written while it reads (they are written together) are either both seen or both not.
 */
export async function withArchiveSnapshot<T>(
  db: Db,
  work: (source: ArchiveSource) => Promise<T>,
): Promise<T> {
  return withReadSnapshot(db, (client) => work(archiveSource(client)));
}

/** Runs `work` in one read-only REPEATABLE READ transaction: every query it makes sees the same snapshot. */
export async function withReadSnapshot<T>(db: Db, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

function archiveSource(client: PoolClient, batch = 2000): ArchiveSource {
  return {
    links: () => allLinks(client),
    records: (spec) =>
      throughCursor<PairRow, RecordPair>(client, 'archive_records', recordPairsQuery(spec), batch, (row) =>
        toPair(spec, row),
      ),
    seals: () => listSeals(client),
    linksByHash: (hashes) => linksByHash(client, hashes),
  };
}

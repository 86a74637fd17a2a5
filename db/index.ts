import fs from 'node:fs';
import path from 'node:path';
import { Pool, type PoolClient, type QueryResultRow } from 'pg';
import { logger } from '../platform/logger';

/** The one database access layer: a pg pool, migrations, and transactions. Queries live in the repository modules beside this file. */
export type Db = Pool;

export function createPool(databaseUrl: string, max = 10): Db {
  const pool = new Pool({ connectionString: databaseUrl, max });
  pool.on('error', (err) => logger.warn({ err }, 'idle database connection failed'));
  // A connection that dies while checked out (a transaction between two queries, PostgreSQL restarting) emits
  // 'error' on its client, which the pool only listens for while the client is idle: unheard, it ends the process.
  // The query in flight fails with the same error, and the pool drops the broken client when it is released.
  pool.on('connect', (client) =>
    client.on('error', (err) => logger.debug({ err }, 'database connection lost while in use')),
  );
  return pool;
}

export async function withTransaction<T>(db: Db, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('begin');
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

export async function queryRows<R extends QueryResultRow>(
  db: Db | PoolClient,
  sql: string,
  params: unknown[] = [],
): Promise<R[]> {
  return (await db.query<R>(sql, params)).rows;
}

const MIGRATIONS_DIR = path.join(__dirname, 'migrations');
const MIGRATION_LOCK = 727_001; // advisory lock id: one migrator at a time across processes

/**
 * Applies the versioned SQL files in db/migrations in name order, each once, each in its own transaction.
 * Small enough not to warrant a migration framework; an advisory lock keeps concurrent starters apart.
 */
export async function migrate(db: Db): Promise<string[]> {
  const applied: string[] = [];
  const client = await db.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
    );
    const done = new Set(
      (await client.query<{ name: string }>('select name from schema_migrations')).rows.map((r) => r.name),
    );
    const files = fs
      .readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^\d+_.+\.sql$/.test(f))
      .sort();
    for (const file of files) {
      if (done.has(file)) continue;
      const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
      await client.query('begin');
      try {
        await client.query(sql);
        await client.query('insert into schema_migrations (name) values ($1)', [file]);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback');
        throw new Error(`migration ${file} failed: ${(error as Error).message}`);
      }
      applied.push(file);
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  if (applied.length) logger.info({ applied }, 'database migrations applied');
  return applied;
}

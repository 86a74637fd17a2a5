import { openDatabase } from '../embedded/database';
import { createPool, migrate, type Db } from '../db';
import { loadConfig, type HubConfig } from '../platform/config';

/**
 * Runs a command's work on the hub's database, whether or not the hub runs: DATABASE_URL, the running hub's
 * embedded PostgreSQL, or the data folder's cluster started for as long as the command needs it.
 */
export async function withDatabase<T>(work: (db: Db, config: HubConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config);
  const db = createPool(database.url, 1);
  try {
    await migrate(db);
    return await work(db, config);
  } finally {
    await db.end();
    await database.stop();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

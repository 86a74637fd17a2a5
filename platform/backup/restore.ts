import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createPool } from '../../db';
import { embeddedPostgresDir } from '../../embedded/database';
import { freePort } from '../../embedded/ports';
import { startEmbeddedPostgres } from '../../embedded/postgres';
import { startTemporalDevServer } from '../../embedded/temporal';
import type { HubConfig } from '../config';
import { connectTemporal } from '../temporal';
import { MIGRATIONS_DIR } from './backup';
import { checkRestoreTarget, loadDatabase, RestoreRefusedError } from './database-dump';
import {
  BACKUP_FORMAT,
  MANIFEST,
  MANIFEST_DIGEST,
  sha256,
  sha256OfStream,
  type BackupManifest,
} from './manifest';
import { startMissingLifecycles } from './temporal-state';
import { BackupDamagedError, entryStream, listTar, type TarEntry } from './tar';

export { BackupDamagedError, RestoreRefusedError };

export interface VerifiedBackup {
  file: string;
  manifest: BackupManifest;
  entries: Map<string, TarEntry>;
}

/**
 * Reads a backup and checks all of it before anything is believed: the manifest against its digest, then every part
 * against the manifest's SHA-256. A damaged backup is a BackupDamagedError naming the part.
 */
export async function verifyBackup(file: string, progress: (line: string) => void = () => undefined) {
  const entries = new Map((await listTar(file)).map((e) => [e.name, e]));
  const manifestEntry = entries.get(MANIFEST);
  const digestEntry = entries.get(MANIFEST_DIGEST);
  if (!manifestEntry || !digestEntry)
    throw new BackupDamagedError(`not a hub backup: no ${MANIFEST} in ${file}`);
  const manifestBytes = await read(file, manifestEntry);
  const digest = (await read(file, digestEntry)).toString('utf8').split(/\s/)[0];
  if (sha256(manifestBytes) !== digest) {
    throw new BackupDamagedError(`part ${MANIFEST} is damaged: its SHA-256 differs from ${MANIFEST_DIGEST}`);
  }
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT) {
    throw new BackupDamagedError(
      `unknown backup format "${manifest.format}" (this hub reads ${BACKUP_FORMAT})`,
    );
  }
  const listed = new Set([MANIFEST, MANIFEST_DIGEST, ...manifest.parts.map((p) => p.name)]);
  const extra = [...entries.keys()].filter((name) => !listed.has(name));
  if (extra.length)
    throw new BackupDamagedError(`the backup holds parts its manifest does not list: ${extra.join(', ')}`);
  for (const [index, part] of manifest.parts.entries()) {
    const entry = entries.get(part.name);
    if (!entry) throw new BackupDamagedError(`part ${part.name} is missing from the backup`);
    const actual = entry.size === part.bytes ? await sha256OfStream(entryStream(file, entry)) : undefined;
    if (actual !== part.sha256) {
      throw new BackupDamagedError(
        actual === undefined
          ? `part ${part.name} is damaged: ${entry.size} bytes, the manifest says ${part.bytes}`
          : `part ${part.name} is damaged: its SHA-256 is ${actual}, the manifest says ${part.sha256}`,
      );
    }
    if ((index + 1) % 10 === 0 || index + 1 === manifest.parts.length) {
      progress(`checked ${index + 1}/${manifest.parts.length} parts`);
    }
  }
  return { file, manifest, entries } satisfies VerifiedBackup;
}

export interface RestoreOptions {
  file: string;
  /** The hub's configuration for the restored folder: `dataDir` is where it goes; DATABASE_URL, if set, is used. */
  config: HubConfig;
  progress?: (line: string) => void;
}

export interface RestoreReport {
  dataDir: string;
  /** The backup's manifest, as checked. */
  manifest: BackupManifest;
  database: { into: 'embedded' | 'DATABASE_URL'; tables: number; rows: number };
  files: string[];
  temporal: { restored: boolean; lifecyclesStarted: number; taskQueue?: string; note: string };
}

/**
 * Restores a verified backup into a fresh data folder (absent or empty) and, with the embedded PostgreSQL, a new
 * cluster in it; or into the empty database at DATABASE_URL. Nothing is written before the whole backup checks; if
 * the restore fails midway, what it wrote is removed again (the database load is one transaction).
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreReport> {
  const { config } = options;
  const say = options.progress ?? (() => undefined);
  const dataDir = config.dataDir;
  const freshness = checkFreshDataDir(dataDir);
  const backup = await verifyBackup(options.file, say);
  const { manifest } = backup;
  checkMigrationsKnown(manifest);
  if (config.databaseUrl) await checkRestoreTarget(config.databaseUrl);

  fs.mkdirSync(dataDir, { recursive: true });
  try {
    for (const file of manifest.files) {
      const target = path.join(dataDir, ...file.path.split('/'));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      await extract(backup, `files/${file.path}`, target, file.mode);
    }
    say(`files: ${manifest.files.map((f) => f.path).join(', ') || 'none'}`);

    const database = config.databaseUrl
      ? { url: config.databaseUrl, stop: async () => undefined }
      : await startEmbeddedPostgres(embeddedPostgresDir(config), await freePort());
    try {
      await loadDatabase(
        database.url,
        manifest.database,
        async (name) => (await readPart(backup, `schema/${name}`)).toString('utf8'),
        (part) => partStream(backup, part),
        (table, index, count) => say(`database: ${table.table} ${table.rows} rows (${index}/${count})`),
      );
      const temporal = await restoreTemporal(backup, config, database.url, say);
      const rows = manifest.database.tables.reduce((sum, t) => sum + t.rows, 0);
      return {
        dataDir,
        manifest,
        database: {
          into: config.databaseUrl ? 'DATABASE_URL' : 'embedded',
          tables: manifest.database.tables.length,
          rows,
        },
        files: manifest.files.map((f) => f.path),
        temporal,
      };
    } finally {
      await database.stop();
    }
  } catch (error) {
    if (freshness === 'absent') fs.rmSync(dataDir, { recursive: true, force: true });
    else
      for (const name of fs.readdirSync(dataDir))
        fs.rmSync(path.join(dataDir, name), { recursive: true, force: true });
    throw error;
  }
}

/** The Temporal state back in place and, on the embedded server, a lifecycle for each open invoice without one. */
async function restoreTemporal(
  backup: VerifiedBackup,
  config: HubConfig,
  databaseUrl: string,
  say: (line: string) => void,
): Promise<RestoreReport['temporal']> {
  const state = backup.manifest.temporal;
  if (!state.included) {
    return {
      restored: false,
      lifecyclesStarted: 0,
      note: `no Temporal state in the backup (${state.reason}); open invoices have no running lifecycle until the workflows are restored where they are kept`,
    };
  }
  const dir = path.join(config.dataDir, 'temporal');
  fs.mkdirSync(dir, { recursive: true });
  await extract(backup, state.part, path.join(dir, 'temporal.sqlite'), 0o600);
  const sameQueue = `run the restored hub with TEMPORAL_TASK_QUEUE=${state.taskQueue}, the queue its workflows wait on`;
  if (config.temporalAddress) {
    return {
      restored: true,
      lifecyclesStarted: 0,
      taskQueue: state.taskQueue,
      note: `the dev server's state is in ${dir}, but TEMPORAL_ADDRESS is set: that server does not have these workflows`,
    };
  }
  if (!fs.existsSync(config.temporalCli)) {
    throw new Error(`Temporal CLI not found at ${config.temporalCli}: run "npm run temporal:install" first`);
  }
  say('temporal: starting the dev server on the restored state to find invoices without a lifecycle');
  const server = await startTemporalDevServer({ cli: config.temporalCli, dir, port: await freePort() });
  const db = createPool(databaseUrl, 4);
  try {
    const temporal = await connectTemporal({ ...config, temporalAddress: server.address });
    try {
      const started = await startMissingLifecycles(db, temporal, {
        ...config,
        taskQueue: state.taskQueue,
        temporalNamespace: state.namespace,
      });
      say(
        `temporal: ${started.length} lifecycles started for invoices accepted after Temporal's state was copied`,
      );
      return {
        restored: true,
        lifecyclesStarted: started.length,
        taskQueue: state.taskQueue,
        note: sameQueue,
      };
    } finally {
      await temporal.connection.close();
    }
  } finally {
    await db.end();
    await server.stop();
  }
}

/** Absent or empty; a folder with anything in it is refused with what is there. */
function checkFreshDataDir(dataDir: string): 'absent' | 'empty' {
  let names: string[];
  try {
    if (!fs.statSync(dataDir).isDirectory()) throw new RestoreRefusedError(`${dataDir} is not a folder`);
    names = fs.readdirSync(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw error;
  }
  if (names.length === 0) return 'empty';
  const hubMarks = ['hub-secret', 'postgres', 'temporal', 'hub.pid', 'as2', 'sftp'].filter((n) =>
    names.includes(n),
  );
  throw new RestoreRefusedError(
    hubMarks.length
      ? `${dataDir} holds a hub (${hubMarks.join(', ')}): a restore goes into a fresh data folder only, never over a hub`
      : `${dataDir} is not empty (${names.slice(0, 5).join(', ')}${names.length > 5 ? ' …' : ''}): a restore goes into an empty or new folder`,
  );
}

/** The backup carries its schema; this hub must know every migration in it to run on it afterwards. */
function checkMigrationsKnown(manifest: BackupManifest): void {
  const known = new Set(fs.readdirSync(MIGRATIONS_DIR));
  const unknown = manifest.database.migrations.filter((name) => !known.has(name));
  if (unknown.length) {
    throw new RestoreRefusedError(
      `the backup is from a newer hub: this one does not know migration ${unknown.join(', ')}`,
    );
  }
}

async function read(file: string, entry: TarEntry): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of entryStream(file, entry)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function readPart(backup: VerifiedBackup, name: string): Promise<Buffer> {
  const entry = backup.entries.get(name);
  if (!entry) throw new BackupDamagedError(`part ${name} is missing from the backup`);
  return read(backup.file, entry);
}

function partStream(backup: VerifiedBackup, name: string): NodeJS.ReadableStream {
  const entry = backup.entries.get(name);
  if (!entry) throw new BackupDamagedError(`part ${name} is missing from the backup`);
  return entryStream(backup.file, entry);
}

async function extract(backup: VerifiedBackup, name: string, target: string, mode: number): Promise<void> {
  const entry = backup.entries.get(name);
  if (!entry) throw new BackupDamagedError(`part ${name} is missing from the backup`);
  await pipeline(entryStream(backup.file, entry), fs.createWriteStream(target, { flags: 'wx', mode }));
  fs.chmodSync(target, mode);
}

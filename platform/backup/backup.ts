import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../embedded/database';
import type { HubConfig } from '../config';
import { collectDataFiles } from './data-files';
import { dumpDatabase } from './database-dump';
import {
  BACKUP_FORMAT,
  MANIFEST,
  MANIFEST_DIGEST,
  hubVersion,
  sha256,
  sha256OfFile,
  type BackupManifest,
  type TemporalState,
} from './manifest';
import { snapshotTemporalState } from './temporal-state';
import { TarWriter } from './tar';

export const MIGRATIONS_DIR = path.resolve(__dirname, '..', '..', 'db', 'migrations');
export const TEMPORAL_PART = 'temporal/temporal.sqlite';

export interface BackupOptions {
  config: HubConfig;
  /** The backup file to write; it appears only when complete (written as FILE.tmp-PID, then renamed). */
  file: string;
  /** Leave the Temporal dev server's state out (no sqlite3 shell, or workflows kept elsewhere). */
  withoutTemporal?: boolean;
  progress?: (line: string) => void;
}

/**
 * A backup of the hub on `config.dataDir`, running or not: the hub's own files, then the Temporal dev server's state,
 * then the database in one snapshot. In that order, the database is never behind Temporal: whatever a workflow did
 * before its state was copied is in the database; an invoice accepted in between has no workflow in the copy, and
 * the restore starts its lifecycle (see README.md).
 */
export async function createBackup(options: BackupOptions): Promise<BackupManifest> {
  const { config } = options;
  const say = options.progress ?? (() => undefined);
  const target = path.resolve(options.file);
  if (fs.existsSync(target)) throw new Error(`${target} exists: a backup never overwrites a file`);
  if (!fs.existsSync(config.dataDir)) throw new Error(`no data folder at ${config.dataDir}`);
  const staging = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.parts-`));
  const partial = `${target}.tmp-${process.pid}`;
  const createdAt = new Date().toISOString();
  const notes: string[] = [];
  try {
    const stage = (part: string) => {
      const file = path.join(staging, part);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      return file;
    };

    const { files, leftOut } = collectDataFiles(config.dataDir);
    for (const file of files)
      fs.copyFileSync(path.join(config.dataDir, file.path), stage(`files/${file.path}`));
    say(`files: ${files.map((f) => f.path).join(', ') || 'none'}`);
    notes.push(...externalSettings());

    const temporal = await temporalState(options, stage(TEMPORAL_PART));
    say(
      temporal.included
        ? `temporal: snapshot of the dev server's state`
        : `temporal: left out: ${temporal.reason}`,
    );

    const database = await openDatabase(config);
    let dump;
    try {
      dump = await dumpDatabase(database.url, stage('database'), (table, index, count) =>
        say(`database: ${table.table} ${table.rows} rows (${index}/${count})`),
      );
    } finally {
      await database.stop();
    }
    for (const name of dump.migrations) {
      const sql = path.join(MIGRATIONS_DIR, name);
      if (!fs.existsSync(sql))
        throw new Error(`the database has migration ${name}, which this hub does not know`);
      fs.copyFileSync(sql, stage(`schema/${name}`));
    }
    for (const table of dump.tables) table.part = `database/${table.part}`;

    const parts = [];
    for (const name of stagedParts(staging)) {
      const file = path.join(staging, name);
      parts.push({ name, bytes: fs.statSync(file).size, sha256: await sha256OfFile(file) });
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      hub: hubVersion(),
      createdAt,
      migrationLevel: dump.migrations.at(-1) ?? null,
      source: {
        dataDir: config.dataDir,
        running: hubRunning(config.dataDir),
        database: config.databaseUrl ? 'DATABASE_URL' : 'embedded',
        temporal: config.temporalAddress ? 'TEMPORAL_ADDRESS' : 'embedded',
      },
      database: dump,
      temporal,
      files,
      leftOut,
      notes,
      parts,
    };

    const manifestJson = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
    const tar = new TarWriter(partial);
    try {
      await tar.addBuffer(MANIFEST, manifestJson);
      await tar.addBuffer(MANIFEST_DIGEST, Buffer.from(`${sha256(manifestJson)}  ${MANIFEST}\n`));
      for (const part of parts) {
        const mode = files.find((f) => `files/${f.path}` === part.name)?.mode ?? 0o600;
        await tar.addFile(part.name, path.join(staging, part.name), mode);
      }
      await tar.finish();
    } catch (error) {
      tar.abort();
      throw error;
    }
    fs.renameSync(partial, target);
    return manifest;
  } catch (error) {
    fs.rmSync(partial, { force: true });
    throw error;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

async function temporalState(options: BackupOptions, destination: string): Promise<TemporalState> {
  const { config } = options;
  if (config.temporalAddress) {
    return {
      included: false,
      reason: `the hub uses the Temporal server at ${config.temporalAddress}: back up its persistence with that server's own tools`,
    };
  }
  if (config.temporalMode === 'server') {
    return {
      included: false,
      reason:
        "TEMPORAL_MODE=server keeps Temporal's state in PostgreSQL (databases temporal and temporal_visibility): back them up with PostgreSQL's own tools at the same time",
    };
  }
  if (options.withoutTemporal) return { included: false, reason: 'left out on request (--without-temporal)' };
  const source = path.join(config.dataDir, 'temporal', 'temporal.sqlite');
  if (!fs.existsSync(source)) return { included: false, reason: 'the data folder has no Temporal state yet' };
  const takenAt = new Date().toISOString();
  await snapshotTemporalState(source, destination);
  return {
    included: true,
    part: TEMPORAL_PART,
    takenAt,
    taskQueue: config.taskQueue,
    namespace: config.temporalNamespace,
  };
}

/** Settings that point outside the data folder: what they name is not in the backup, and the restored hub needs it. */
function externalSettings(env: NodeJS.ProcessEnv = process.env): string[] {
  const outside: [string, string][] = [
    ['HUB_SECRET', 'the hub secret comes from HUB_SECRET: set the same value for the restored hub'],
    ['SFTP_HOST_KEY_FILE', 'the SFTP host key is SFTP_HOST_KEY_FILE: keep that file for the restored hub'],
    [
      'AS2_KEY_FILE',
      "the hub's AS2 key and certificate are AS2_KEY_FILE and AS2_CERT_FILE: keep those files",
    ],
    ['TLS_CERT_FILE', 'the HTTPS certificate and key are TLS_CERT_FILE and TLS_KEY_FILE: keep those files'],
    ['EPAY_SECRET', 'the ePay.bg merchant is EPAY_MIN and EPAY_SECRET: set the same for the restored hub'],
  ];
  return outside.filter(([name]) => env[name]).map(([, note]) => note);
}

function hubRunning(dataDir: string): boolean {
  try {
    process.kill(Number(fs.readFileSync(path.join(dataDir, 'hub.pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/** Every staged file, relative, in a stable order: files, schema, database, temporal. */
function stagedParts(staging: string): string[] {
  const order = ['files', 'schema', 'database', 'temporal'];
  const walk = (relative: string): string[] => {
    const full = path.join(staging, relative);
    if (!fs.statSync(full).isDirectory()) return [relative];
    return fs
      .readdirSync(full)
      .sort()
      .flatMap((name) => walk(relative ? `${relative}/${name}` : name));
  };
  return walk('').sort(
    (a, b) => order.indexOf(a.split('/')[0]) - order.indexOf(b.split('/')[0]) || (a < b ? -1 : 1),
  );
}

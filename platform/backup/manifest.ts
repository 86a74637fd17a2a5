import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { DataFile } from './data-files';
import type { DatabaseDump } from './database-dump';

export const BACKUP_FORMAT = 'einvoice-hub-backup/1';
export const MANIFEST = 'manifest.json';
/** The SHA-256 of manifest.json, so a damaged manifest is refused before anything in it is believed. */
export const MANIFEST_DIGEST = 'manifest.sha256';

export interface BackupPart {
  name: string;
  bytes: number;
  sha256: string;
}

export type TemporalState =
  | { included: true; part: string; takenAt: string; taskQueue: string; namespace: string }
  | { included: false; reason: string };

/** manifest.json, the backup's first entry: what is in it, each part with its SHA-256. */
export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  hub: { version: string; commit?: string };
  createdAt: string;
  /** The last migration applied to the database (its schema version). */
  migrationLevel: string | null;
  source: {
    dataDir: string;
    /** Whether a hub was running on the data folder while the backup was taken. */
    running: boolean;
    database: 'embedded' | 'DATABASE_URL';
    temporal: 'embedded' | 'TEMPORAL_ADDRESS';
  };
  database: DatabaseDump;
  temporal: TemporalState;
  files: DataFile[];
  leftOut: { path: string; why: string }[];
  notes: string[];
  parts: BackupPart[];
}

/** What `bin/hub backup` prints and what `restore` shows of a backup: the manifest without its lists of columns. */
export function manifestSummary(manifest: BackupManifest, file?: string, bytes?: number) {
  const rows = manifest.database.tables.reduce((sum, t) => sum + t.rows, 0);
  const count = (table: string) =>
    manifest.database.tables.find((t) => t.table === `public.${table}`)?.rows ?? 0;
  return {
    file,
    bytes,
    format: manifest.format,
    hub: manifest.hub,
    createdAt: manifest.createdAt,
    migrationLevel: manifest.migrationLevel,
    source: manifest.source,
    database: {
      serverVersion: manifest.database.serverVersion,
      snapshotAt: manifest.database.snapshotAt,
      tables: manifest.database.tables.length,
      rows,
      issuers: count('issuers'),
      invoices: count('invoices'),
      users: count('users'),
    },
    temporal: manifest.temporal,
    files: manifest.files.map((f) => f.path),
    leftOut: manifest.leftOut,
    notes: manifest.notes,
    parts: manifest.parts,
  };
}

export function hubVersion(): { version: string; commit?: string } {
  const root = path.resolve(__dirname, '..', '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    version: string;
  };
  try {
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim();
    return { version, commit };
  } catch {
    return { version }; // an installed hub without its git history
  }
}

export async function sha256OfFile(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

export async function sha256OfStream(stream: NodeJS.ReadableStream): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(stream, hash);
  return hash.digest('hex');
}

export function sha256(content: Buffer | string): string {
  return crypto.createHash('sha256').update(content).digest('hex');
}

/**
 * Trust snapshots: what `bin/hub trust update` keeps under DATA/trust/snapshots/<id>/, the LOTL and national lists as
 * downloaded, the operator's list-signer certificates, and manifest.json naming each list with its sequence number,
 * issue and next-update times, SHA-256 and signature verdict. DATA/trust/current links the one in use. A snapshot is
 * never changed once written, so a report naming its id can be checked again with exactly what it rested on.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { TrustWarningCode } from '../types';

export const SNAPSHOT_FORMAT = 'hub-trust-snapshot/1';
export const MANIFEST_FILE = 'manifest.json';

export interface SnapshotListEntry {
  file: string;
  kind: 'lotl' | 'national';
  territory?: string;
  sequenceNumber?: string;
  issued?: string;
  nextUpdate?: string;
  sha256: string;
  /** Where it came from: the URL it was downloaded from, or the file it was copied from. */
  source: string;
  signature: { status: 'valid' | 'unsigned' | 'invalid' | 'signer-unknown' | 'unreadable'; detail: string };
  /** Why the list was not usable when the snapshot was made; absent when it was. */
  problem?: TrustWarningCode;
}

export interface SnapshotManifest {
  format: typeof SNAPSHOT_FORMAT;
  id: string;
  created: string;
  lists: SnapshotListEntry[];
  /** Files of the operator-given certificates allowed to sign the LOTL (or a list loaded alone). */
  signers: string[];
}

export interface SnapshotFile {
  name: string;
  bytes: Buffer;
}

/** The manifest of a snapshot folder; undefined when the folder is not one. */
export function readSnapshotManifest(
  dir: string,
): { manifest: SnapshotManifest; sha256: string } | undefined {
  const file = join(dir, MANIFEST_FILE);
  let stat: Stats;
  try {
    stat = statSync(file);
  } catch {
    return undefined;
  }
  // The trust store asks for every invoice; a manifest is read again only when the file itself changed.
  const key = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  const cached = manifestCache.get(file);
  if (cached?.key === key) return cached.snapshot;
  const bytes = readFileSync(file);
  const manifest = JSON.parse(bytes.toString('utf8')) as SnapshotManifest;
  const snapshot =
    manifest.format === SNAPSHOT_FORMAT
      ? { manifest, sha256: createHash('sha256').update(bytes).digest('hex') }
      : undefined;
  manifestCache.set(file, { key, snapshot });
  return snapshot;
}

const manifestCache = new Map<
  string,
  { key: string; snapshot: { manifest: SnapshotManifest; sha256: string } | undefined }
>();

/** A snapshot id from its creation time (sortable, a valid folder name everywhere), made unique within the second. */
export function snapshotIdAt(trustDir: string, time: Date): string {
  const base = time
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/:/g, '-');
  let id = base;
  for (let n = 2; existsSync(join(trustDir, 'snapshots', id)); n++) id = `${base}-${n}`;
  return id;
}

/** Writes a snapshot folder whole under a temporary name and renames it into place; returns its folder. */
export function writeSnapshot(trustDir: string, manifest: SnapshotManifest, files: SnapshotFile[]): string {
  const snapshots = join(trustDir, 'snapshots');
  mkdirSync(snapshots, { recursive: true });
  const dir = join(snapshots, manifest.id);
  if (existsSync(dir)) throw new Error(`trust snapshot ${manifest.id} exists already`);
  const partial = join(snapshots, `.partial-${manifest.id}-${process.pid}`);
  mkdirSync(partial);
  for (const file of files) writeFileSync(join(partial, safeName(file.name)), file.bytes);
  writeFileSync(join(partial, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(partial, dir);
  return dir;
}

/** Points DATA/trust/current at the snapshot (a relative symbolic link, replaced in one rename). */
export function makeCurrentSnapshot(trustDir: string, snapshotDir: string): void {
  const link = currentSnapshotLink(trustDir);
  const next = `${link}.next-${process.pid}`;
  rmSync(next, { force: true });
  symlinkSync(join('snapshots', basename(snapshotDir)), next, 'dir');
  renameSync(next, link);
}

export function currentSnapshotLink(trustDir: string): string {
  return join(trustDir, 'current');
}

/** The snapshot folder DATA/trust/current links, if any. */
export function currentSnapshot(trustDir: string): string | undefined {
  try {
    return resolve(trustDir, readlinkSync(currentSnapshotLink(trustDir)));
  } catch {
    return undefined;
  }
}

/** A downloaded list's name comes from its URL: keep it a plain file name. */
export function safeName(name: string): string {
  const plain = basename(name).replace(/[^A-Za-z0-9._-]/g, '_');
  return plain && !plain.startsWith('.') && plain !== MANIFEST_FILE ? plain : `list-${plain}`;
}

/**
 * Trust anchors loaded from disk: folders or files of CA certificates (PEM or DER), ETSI TS 119 612 trusted lists
 * (the form of the EU LOTL and TSL_BG.xml), and trust snapshots (folders `bin/hub trust update` writes, named by
 * their manifest.json). A trusted list contributes the certificates of its CA/QC services with their status history,
 * so qualified status is judged at the signing time, but only while the list may be used: its own signature holds
 * and is made by a certificate its parent names (./trusted-lists/acceptance.ts), and its NextUpdate has not passed.
 * A list that may not be used contributes nothing, and the store's warnings say why. CA files are used as they are.
 * Files are read and list signatures checked once per path list and modification time.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { certificateFromDer, type Certificate } from './certificates';
import { pemBlocks } from './signer-credentials';
import {
  judgeListSignatures,
  listProblemAt,
  type ListAcceptance,
  type ListFile,
  type SignerFile,
} from './trusted-lists/acceptance';
import { readSnapshotManifest } from './trusted-lists/snapshot';
import { readTrustedList, SERVICE_TYPE_CA_QC, type ServiceStatusPeriod } from './trusted-lists/trusted-list';
import type { TrustWarning } from './types';

export { SERVICE_TYPE_CA_QC, TSL_NS, type ServiceStatusPeriod } from './trusted-lists/trusted-list';

/** Statuses under which a CA/QC service issues qualified certificates (eIDAS "granted", and pre-2016 "under supervision"/"accredited"). */
const GRANTED_STATUSES = new Set([
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/granted',
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/recognisedatnationallevel',
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/undersupervision',
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/supervisionincessation',
  'http://uri.etsi.org/TrstSvc/TrustedList/Svcstatus/accredited',
]);

export interface TrustAnchor {
  certificate: Certificate;
  /** File it came from. */
  source: string;
  /** For trusted-list services: the status history, newest first. */
  service?: { name: string; history: ServiceStatusPeriod[] };
  /** What the list's acceptance rests on: the LOTL that named its signer, or the operator's signer file. */
  restsOn?: Array<{ file: string; kind: 'trusted-list' | 'trust-anchor' }>;
}

export interface TrustStore {
  anchors: TrustAnchor[];
  /** Names what was loaded: snapshot ids, files, their SHA-256, trusted-list sequence numbers and issue dates, verdicts. */
  snapshot: string;
  /** Files that could not be used, with the reason. */
  problems: string[];
  /** Trusted lists not used (unsigned, badly signed, unknown signer, expired, unreadable). */
  warnings: TrustWarning[];
}

export interface TrustStoreOptions {
  /** Certificate files allowed to sign a LOTL, or a trusted list no loaded LOTL vouches for. */
  listSigners?: string[];
  /** When expiry (NextUpdate) is judged; defaults to now. */
  now?: Date;
}

/** What the files hold, read and judged once; which lists are usable is decided at each load. */
interface LoadedSources {
  caAnchors: TrustAnchor[];
  caDescriptions: string[];
  snapshots: string[];
  lists: ListAcceptance[];
  problems: string[];
  stores: Map<string, TrustStore>;
}

const cache = new Map<string, LoadedSources>();

export function loadTrustStore(paths: string[], options: TrustStoreOptions = {}): TrustStore {
  const sources = loadSources(paths, options.listSigners ?? []);
  const now = options.now ?? new Date();
  const problemOf = new Map(
    sources.lists.map((list) => [list.file, listProblemAt(list, sources.lists, now)]),
  );
  const key = sources.lists.map((list) => problemOf.get(list.file)?.code ?? 'usable').join('|');
  const known = sources.stores.get(key);
  if (known) return known;

  const listAnchors: TrustAnchor[] = [];
  const listDescriptions: string[] = [];
  for (const acceptance of sources.lists) {
    const problem = problemOf.get(acceptance.file);
    listDescriptions.push(describeList(acceptance, problem));
    if (!problem) listAnchors.push(...anchorsOf(acceptance, sources.lists));
  }
  const descriptions = [...sources.snapshots, ...sources.caDescriptions, ...listDescriptions];
  const store: TrustStore = {
    anchors: [...sources.caAnchors, ...listAnchors],
    snapshot: descriptions.length ? descriptions.join('; ') : 'no trust anchors loaded',
    problems: sources.problems,
    warnings: sources.lists.flatMap((list) => problemOf.get(list.file) ?? []),
  };
  sources.stores.set(key, store);
  return store;
}

function describeList(acceptance: ListAcceptance, problem: TrustWarning | undefined): string {
  const list = acceptance.list;
  const certificates = list?.services.flatMap((service) => service.certificates).length ?? 0;
  const about = list
    ? `trusted list ${list.kind === 'lotl' ? 'LOTL ' : ''}${list.territory ?? ''} #${list.sequenceNumber ?? '?'} issued ${list.issued ?? '?'}, ${certificates} CA/QC certificates, sha256 ${acceptance.sha256}`
    : `sha256 ${acceptance.sha256}`;
  const verdict = problem ? `not used: ${problem.code}` : (acceptance.verdict?.detail ?? '');
  return `${acceptance.file} (${about}) ${verdict}`;
}

/** A usable list's CA/QC certificates, each with its service and what the list's acceptance rests on. */
function anchorsOf(acceptance: ListAcceptance, lists: ListAcceptance[]): TrustAnchor[] {
  const restsOn = acceptance.vouchedBy.map((file) => ({
    file,
    kind: lists.some((other) => other.file === file) ? ('trusted-list' as const) : ('trust-anchor' as const),
  }));
  return (acceptance.list?.services ?? []).flatMap((service) =>
    service.certificates.map((certificate) => ({
      certificate,
      source: acceptance.file,
      service: { name: service.name, history: service.history },
      restsOn,
    })),
  );
}

/** The status of a trusted-list service at a given time (undefined before its first status). */
export function serviceStatusAt(anchor: TrustAnchor, time: Date): ServiceStatusPeriod | undefined {
  return anchor.service?.history.find((period) => period.from.getTime() <= time.getTime());
}

export function isGrantedQualifiedCa(period: ServiceStatusPeriod | undefined): boolean {
  return !!period && period.type === SERVICE_TYPE_CA_QC && GRANTED_STATUSES.has(period.status);
}

/** Certificates in a PEM (any number) or DER file. */
export function certificatesFromFile(bytes: Buffer): Certificate[] {
  const text = bytes.toString('latin1');
  const ders = text.includes('-----BEGIN CERTIFICATE-----') ? pemBlocks(text, 'CERTIFICATE') : [bytes];
  return ders.map((der) => certificateFromDer(der)).filter((c): c is Certificate => !!c);
}

/** Reads trusted-list bytes for the acceptance check; an unreadable list is kept with the reason. */
export function listFileOf(file: string, bytes: Buffer): ListFile {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    return { file, sha256, list: readTrustedList(bytes) };
  } catch (error) {
    return { file, sha256, readError: message(error) };
  }
}

type Role = 'any' | 'list' | 'signer';

interface ListedFile {
  path: string;
  mtimeMs: number;
  role: Role;
  error?: string;
}

function loadSources(paths: string[], listSigners: string[]): LoadedSources {
  const snapshots: string[] = [];
  const files = [
    ...paths.flatMap((path) => listFiles(path, snapshots)),
    ...listSigners.flatMap((path) => listFiles(path, snapshots, 'signer')),
  ];
  const key = `${files.map((file) => `${file.role}:${file.path}@${file.mtimeMs}`).join('|')}#${snapshots.join('|')}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const sources: LoadedSources = {
    caAnchors: [],
    caDescriptions: [],
    snapshots,
    lists: [],
    problems: files.filter((file) => file.error).map((file) => `${file.path}: ${file.error}`),
    stores: new Map(),
  };
  const lists: ListFile[] = [];
  const signers: SignerFile[] = [];
  for (const file of files) {
    if (file.error) continue;
    let bytes: Buffer;
    try {
      bytes = readFileSync(file.path);
    } catch (error) {
      sources.problems.push(`${file.path}: ${message(error)}`);
      continue;
    }
    if (file.role === 'list' || (file.role === 'any' && looksLikeXml(bytes))) {
      lists.push(listFileOf(file.path, bytes));
      continue;
    }
    const certificates = certificatesFromFile(bytes);
    if (certificates.length === 0) {
      sources.problems.push(`${file.path}: no certificate found`);
      continue;
    }
    if (file.role === 'signer') {
      signers.push({ file: file.path, certificates });
      continue;
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    sources.caAnchors.push(...certificates.map((certificate) => ({ certificate, source: file.path })));
    sources.caDescriptions.push(
      `${file.path} (${certificates.length} certificate${certificates.length === 1 ? '' : 's'}, sha256 ${sha256})`,
    );
  }
  sources.lists = judgeListSignatures(lists, signers);
  cache.set(key, sources);
  return sources;
}

/** The files a path names; a trust snapshot folder names its lists and signer certificates in its manifest. */
function listFiles(path: string, snapshots: string[], role: Role = 'any'): ListedFile[] {
  try {
    const stat = statSync(path);
    if (!stat.isDirectory()) return [{ path, mtimeMs: stat.mtimeMs, role }];
    const snapshot = readSnapshotManifest(path);
    if (snapshot) {
      // DATA/trust/current is a link: name the snapshot itself, so the report says which one it used.
      const dir = realpathSync(path);
      snapshots.push(`trust snapshot ${snapshot.manifest.id} (${dir}, manifest sha256 ${snapshot.sha256})`);
      return [
        ...snapshot.manifest.signers.map((name) => fileEntry(join(dir, name), 'signer')),
        ...snapshot.manifest.lists.map((list) => fileEntry(join(dir, list.file), 'list')),
      ];
    }
    return readdirSync(path)
      .sort()
      .flatMap((name) => {
        const file = join(path, name);
        const entry = statSync(file);
        return entry.isFile() ? [{ path: file, mtimeMs: entry.mtimeMs, role }] : [];
      });
  } catch (error) {
    return [{ path, mtimeMs: 0, role, error: message(error) }];
  }
}

function fileEntry(path: string, role: Role): ListedFile {
  try {
    return { path, mtimeMs: statSync(path).mtimeMs, role };
  } catch (error) {
    return { path, mtimeMs: 0, role, error: message(error) };
  }
}

function looksLikeXml(bytes: Buffer): boolean {
  const head = bytes
    .subarray(0, 200)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  return head.startsWith('<?xml') || /^<[A-Za-z_]/.test(head);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

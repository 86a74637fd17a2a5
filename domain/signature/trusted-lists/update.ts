/**
 * A trust update: the LOTL and national lists (from disk or downloaded) and the operator's LOTL signer certificates
 * become a new dated snapshot, each list judged as the trust store will judge it (./acceptance.ts). The snapshot
 * becomes the current trust source unless the LOTL itself may not be used: then the previous one stays current.
 */
import { certificatesFromFile, listFileOf } from '../trust-store';
import { judgeListSignatures, listProblemAt } from './acceptance';
import {
  makeCurrentSnapshot,
  safeName,
  snapshotIdAt,
  SNAPSHOT_FORMAT,
  writeSnapshot,
  type SnapshotFile,
  type SnapshotListEntry,
  type SnapshotManifest,
} from './snapshot';

export interface TrustSource {
  name: string;
  bytes: Buffer;
  /** URL or file it came from. */
  source: string;
}

export interface TrustUpdate {
  /** DATA/trust */
  trustDir: string;
  lists: TrustSource[];
  /** Operator-given certificates allowed to sign the LOTL (or a list loaded without one). */
  signers: TrustSource[];
  now?: Date;
}

export interface TrustUpdateResult {
  dir: string;
  manifest: SnapshotManifest;
  /** Whether DATA/trust/current now links this snapshot. */
  current: boolean;
  /** Why it was not made current. */
  notCurrent?: string;
}

export function updateTrustSnapshot(update: TrustUpdate): TrustUpdateResult {
  const now = update.now ?? new Date();
  const lists = uniqueNames(update.lists.map((list) => ({ ...list, name: safeName(list.name) })));
  const signers = update.signers.map((signer, index) => ({
    ...signer,
    name: `signer-${index + 1}-${safeName(signer.name)}`,
  }));
  const unusableSigner = signers.find((signer) => certificatesFromFile(signer.bytes).length === 0);
  if (unusableSigner) throw new Error(`${unusableSigner.source} holds no certificate`);

  const acceptances = judgeListSignatures(
    lists.map((list) => listFileOf(list.name, list.bytes)),
    signers.map((signer) => ({ file: signer.name, certificates: certificatesFromFile(signer.bytes) })),
  );
  const entries: SnapshotListEntry[] = acceptances.map((acceptance, index) => {
    const list = acceptance.list;
    return {
      file: acceptance.file,
      kind: list?.kind ?? 'national',
      territory: list?.territory,
      sequenceNumber: list?.sequenceNumber,
      issued: list?.issued,
      nextUpdate: list?.nextUpdate?.toISOString(),
      sha256: acceptance.sha256,
      source: lists[index].source,
      signature: acceptance.verdict
        ? { status: acceptance.verdict.status, detail: acceptance.verdict.detail }
        : { status: 'unreadable', detail: acceptance.readError ?? 'unreadable' },
      problem: listProblemAt(acceptance, acceptances, now)?.code,
    };
  });
  const manifest: SnapshotManifest = {
    format: SNAPSHOT_FORMAT,
    id: snapshotIdAt(update.trustDir, now),
    created: now.toISOString(),
    lists: entries,
    signers: signers.map((signer) => signer.name),
  };
  const files: SnapshotFile[] = [...lists, ...signers];
  const dir = writeSnapshot(update.trustDir, manifest, files);
  const unusableLotl = entries.find((entry) => entry.kind === 'lotl' && entry.problem);
  if (unusableLotl)
    return {
      dir,
      manifest,
      current: false,
      notCurrent: `the LOTL ${unusableLotl.file} may not be used (${unusableLotl.problem}: ${unusableLotl.signature.detail})`,
    };
  makeCurrentSnapshot(update.trustDir, dir);
  return { dir, manifest, current: true };
}

function uniqueNames(sources: TrustSource[]): TrustSource[] {
  const seen = new Set<string>();
  return sources.map((source) => {
    let name = source.name;
    for (let n = 2; seen.has(name); n++) name = `${n}-${source.name}`;
    seen.add(name);
    return { ...source, name };
  });
}

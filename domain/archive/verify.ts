import { ChainWalk, explainUnanchored, type ArchiveBreak, type ChainLink } from './chain';
import { describePurges, PURGE_SPEC, PurgeLedger, type PurgeAccount } from './purges';
import {
  ARCHIVE_RECORDS,
  describeRecord,
  fieldDigests,
  sha256Hex,
  type ArchiveRecordSpec,
  type CanonicalValue,
  type FieldDigest,
} from './records';
import { describeCounts } from './retention';
import { checkSeals, type SealTrust, type StoredSeal } from './seals';

/** A record as its table holds it now, its fields in canonical form, with words that name it in a report. */
export interface ArchivedRecord {
  key: string;
  /** "0000000123 (id …)", "42 of invoice 0000000123". */
  context?: string;
  values: Record<string, CanonicalValue>;
}

/** A record of one type and its chain entry, matched by key: either may be missing. */
export interface RecordPair {
  key: string;
  record?: ArchivedRecord;
  chained?: { seq: number; fields: FieldDigest[] };
}

/** What `verifyArchive` reads, all from one snapshot. */
export interface ArchiveSource {
  /** The chain in sequence order, in batches. */
  links(): AsyncIterable<ChainLink[]>;
  /** Every record of a type paired with its chain entry, in batches. */
  records(spec: ArchiveRecordSpec): AsyncIterable<RecordPair[]>;
  seals(): Promise<StoredSeal[]>;
  /** Where links with these hashes are in the chain. */
  linksByHash(hashes: string[]): Promise<Map<string, Pick<ChainLink, 'seq' | 'recordType' | 'recordKey'>>>;
}

export interface ArchiveVerification {
  links: number;
  head?: { seq: number; link: string };
  records: Record<string, number>;
  /** Each intact purge and the records it removed (gone, and no break). */
  purged: PurgeAccount[];
  seals: { count: number; last?: StoredSeal; authorities: string[] };
  /** Links after the last seal's head: chained, not yet sealed. */
  unsealed: number;
  breaks: ArchiveBreak[];
  /** False when the data folder lacks the archive key: seals were checked against the certificates they carry. */
  keysKnown: boolean;
}

/**
 * Re-hashes every archived record and compares it with its chain entry, walks the chain, and checks every seal. Each
 * finding is a break with a sentence naming the record or link and what differs.
 */
export async function verifyArchive(
  source: ArchiveSource,
  trust: SealTrust,
  progress?: (checked: number) => void,
): Promise<ArchiveVerification> {
  const breaks: ArchiveBreak[] = [];
  const seals = await source.seals();
  const walk = new ChainWalk(new Set(seals.map((s) => s.headSeq)));
  let checked = 0;
  for await (const batch of source.links()) {
    for (const link of batch) walk.add(link);
    checked += batch.length;
    progress?.(checked);
  }
  breaks.push(...walk.breaks);
  if (walk.unanchored.length > 0) {
    const found = await source.linksByHash(walk.unanchored.map((u) => u.previousLink));
    breaks.push(...explainUnanchored(walk.unanchored, found));
  }

  const ledger = await PurgeLedger.read(source.records(PURGE_SPEC), (pair) =>
    compareRecord(PURGE_SPEC, pair),
  );
  const records: Record<string, number> = {};
  for (const spec of ARCHIVE_RECORDS) {
    records[spec.type] = 0;
    const found: ArchiveBreak[] = [];
    for await (const batch of source.records(spec)) {
      for (const pair of batch) {
        if (pair.record) records[spec.type]++;
        found.push(...ledger.account(spec, pair, compareRecord(spec, pair)));
      }
      checked += batch.length;
      progress?.(checked);
    }
    // Records come in no particular order; their breaks are told in chain order (unchained ones last, by key).
    const order = (b: ArchiveBreak) => b.seq ?? Number.MAX_SAFE_INTEGER;
    found.sort((a, b) => order(a) - order(b) || String(a.recordKey).localeCompare(String(b.recordKey)));
    breaks.push(...found);
  }

  breaks.push(...checkSeals(seals, (seq) => walk.remembered.get(seq), trust));
  const last = seals.at(-1);
  const head = walk.head;
  return {
    links: walk.length,
    head: head && { seq: head.seq, link: head.link },
    records,
    purged: ledger.purges,
    seals: { count: seals.length, last, authorities: [...new Set(seals.map((s) => s.timestampAuthority))] },
    unsealed: head ? head.seq - (last?.headSeq ?? 0) : 0,
    breaks,
    keysKnown: Boolean(trust.archiveCertificatePem),
  };
}

/** One record against its chain entry: each field's digest, its content address, and whether either is missing. */
export function compareRecord(spec: ArchiveRecordSpec, pair: RecordPair): ArchiveBreak[] {
  const { record, chained, key } = pair;
  const what = describeRecord(spec.type, key, record?.context);
  const about = { recordType: spec.type, recordKey: key, seq: chained?.seq };
  if (!record && chained) {
    return [
      {
        kind: 'record-missing',
        ...about,
        message: `${what} (link ${chained.seq}): gone from ${spec.table}, the chain still has it`,
      },
    ];
  }
  if (!record) return [];
  const breaks: ArchiveBreak[] = [];
  if (spec.contentAddress) {
    const content = record.values[spec.contentAddress.content];
    const address = record.values[spec.contentAddress.digest];
    const actual = content === null || content === undefined ? null : sha256Hex(content);
    if (actual !== address) {
      breaks.push({
        kind: 'content-address',
        ...about,
        message: `${spec.contentAddress.content} of ${what}: SHA-256 now ${actual ?? 'none'}, its content address says ${String(address)}`,
      });
    }
  }
  if (!chained) {
    breaks.push({
      kind: 'record-unchained',
      ...about,
      message: `${what}: in ${spec.table} but not in the chain (its link was removed, or it was written with the chain's trigger off)`,
    });
    return breaks;
  }
  const now = new Map(fieldDigests(spec, record.values));
  const then = new Map(chained.fields);
  for (const field of spec.fields) {
    if (!then.has(field.name)) {
      breaks.push({
        kind: 'record-changed',
        ...about,
        message: `${field.label} of ${what}: the chain (link ${chained.seq}) has no digest of it`,
      });
      continue;
    }
    const current = now.get(field.name) ?? null;
    const sealed = then.get(field.name) ?? null;
    if (current !== sealed) {
      breaks.push({
        kind: 'record-changed',
        ...about,
        message: `${field.label} of ${what}: SHA-256 now ${current ?? '(empty)'}, chained ${sealed ?? '(empty)'} (link ${chained.seq})`,
      });
    }
  }
  return breaks;
}

/** The report as lines of text, as `bin/hub archive verify` prints it. */
export function describeVerification(report: ArchiveVerification): string[] {
  const lines = [
    `chain: ${report.links} links${report.head ? `, head ${report.head.seq} ${report.head.link}` : ''}`,
    `records: ${describeCounts(report.records)}`,
    ...describePurges(report.purged),
  ];
  const last = report.seals.last;
  lines.push(
    last
      ? `seals: ${report.seals.count}, the last (${last.seal}) over link ${last.headSeq} at ${last.sealedAt.toISOString()}; timestamps by ${report.seals.authorities.join('; ')}`
      : 'seals: none yet',
  );
  if (report.unsealed > 0) lines.push(`not yet sealed: ${report.unsealed} links after the last seal`);
  if (!report.keysKnown)
    lines.push(
      "note: this data folder has no archive key; seals were checked against the certificates they carry, not against this hub's",
    );
  if (report.breaks.length === 0) {
    lines.push('OK: every archived record matches the chain, and the chain matches its seals');
  } else {
    for (const found of report.breaks) lines.push(`BREAK ${found.message}`);
    lines.push(`${report.breaks.length} break${report.breaks.length === 1 ? '' : 's'} found`);
  }
  return lines;
}

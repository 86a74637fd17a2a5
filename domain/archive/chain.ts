import { describeRecord, GENESIS_LINK, linkHash, recordDigest, type FieldDigest } from './records';

/** One row of the archive chain. */
export interface ChainLink {
  seq: number;
  recordType: string;
  recordKey: string;
  fields: FieldDigest[];
  recordSha256: string;
  previousLink: string;
  link: string;
}

/** Something `archive verify` found wrong, in words, with what it concerns. */
export interface ArchiveBreak {
  kind:
    | 'record-changed'
    | 'record-missing'
    | 'record-unchained'
    | 'purge-unfinished'
    | 'content-address'
    | 'link-missing'
    | 'link-altered'
    | 'link-unanchored'
    | 'record-reordered'
    | 'seal-missing'
    | 'seal-invalid'
    | 'seal-head';
  message: string;
  seq?: number;
  seal?: number;
  recordType?: string;
  recordKey?: string;
}

const short = (hex: string) => hex.slice(0, 16) + '…';

/** A link in a report: "link 1234 (view 56)". */
export function describeLink(link: Pick<ChainLink, 'seq' | 'recordType' | 'recordKey'>): string {
  return `link ${link.seq} (${describeRecord(link.recordType, link.recordKey)})`;
}

/**
 * Walks the chain in sequence order, one link at a time, keeping only the link before: every link must hash to
 * itself (its record digest from its field digests, its link hash from the link before and that digest) and name the
 * link before it. A previous link that is not the one before (and not explained by a gap) is kept aside: whether it is
 * some other link of the chain (records reordered) or none (the chain before it rewritten) takes a look-up the caller
 * makes once the walk is done (`explainUnanchored`).
 */
export class ChainWalk {
  readonly breaks: ArchiveBreak[] = [];
  /** Links whose previous link is not the link before them: [that link, its previous link]. */
  readonly unanchored: { link: ChainLink; previousLink: string }[] = [];
  private last: ChainLink | undefined;
  private count = 0;
  /** Record types and how many links each has. */
  readonly counts = new Map<string, number>();

  readonly remembered = new Map<number, string>();

  /**
   * `headsToRemember`: the sequence numbers whose link the seals name (kept in `remembered`). `after`: walk a tail of
   * the chain, from the link after this one (a seal's head) instead of from the first.
   */
  constructor(
    private readonly headsToRemember: ReadonlySet<number> = new Set(),
    after?: { seq: number; link: string },
  ) {
    if (after && after.seq > 0) {
      this.last = {
        seq: after.seq,
        link: after.link,
        recordType: '',
        recordKey: '',
        fields: [],
        recordSha256: '',
        previousLink: '',
      };
    }
  }

  add(link: ChainLink): void {
    this.count++;
    this.counts.set(link.recordType, (this.counts.get(link.recordType) ?? 0) + 1);
    if (this.headsToRemember.has(link.seq)) this.remembered.set(link.seq, link.link);
    const expectedSeq = (this.last?.seq ?? 0) + 1;
    const gap = link.seq > expectedSeq;
    if (gap) {
      const missing =
        link.seq - expectedSeq === 1
          ? `link ${expectedSeq} missing`
          : `links ${expectedSeq}–${link.seq - 1} missing`;
      this.breaks.push({
        kind: 'link-missing',
        seq: expectedSeq,
        message: `${missing}: the chain goes from link ${expectedSeq - 1} to link ${link.seq}`,
      });
    }
    const digest = recordDigest(link.recordType, link.recordKey, link.fields);
    if (digest !== link.recordSha256) {
      this.breaks.push({
        kind: 'link-altered',
        seq: link.seq,
        recordType: link.recordType,
        recordKey: link.recordKey,
        message: `${describeLink(link)}: its field digests give record digest ${short(digest)}, the link says ${short(link.recordSha256)} (the chain row was edited)`,
      });
    }
    const hash = linkHash(link.previousLink, link.recordSha256);
    if (hash !== link.link) {
      this.breaks.push({
        kind: 'link-altered',
        seq: link.seq,
        recordType: link.recordType,
        recordKey: link.recordKey,
        message: `${describeLink(link)}: link hash ${short(link.link)} is not the hash of its previous link and record digest (${short(hash)}): the chain row was edited`,
      });
    }
    const expectedPrevious = this.last ? this.last.link : link.seq === 1 ? GENESIS_LINK : undefined;
    if (!gap && expectedPrevious !== undefined && link.previousLink !== expectedPrevious) {
      this.unanchored.push({ link, previousLink: link.previousLink });
    }
    this.last = link;
  }

  /** How many links were walked. */
  get length(): number {
    return this.count;
  }

  /** The last link walked. */
  get head(): ChainLink | undefined {
    return this.count > 0 ? this.last : undefined;
  }
}

/**
 * Turns the links whose previous link was not the one before them into breaks, given where each such previous link
 * is in the chain now (`foundAt`: seq and record of the link with that hash, if any).
 */
export function explainUnanchored(
  unanchored: readonly { link: ChainLink; previousLink: string }[],
  foundAt: ReadonlyMap<string, Pick<ChainLink, 'seq' | 'recordType' | 'recordKey'>>,
): ArchiveBreak[] {
  return unanchored.map(({ link, previousLink }) => {
    const before = foundAt.get(previousLink);
    const common = { seq: link.seq, recordType: link.recordType, recordKey: link.recordKey };
    if (previousLink === GENESIS_LINK)
      return {
        kind: 'record-reordered',
        ...common,
        message: `record reordered: ${describeLink(link)} was chained first, but now sits at ${link.seq}`,
      };
    if (before)
      return {
        kind: 'record-reordered',
        ...common,
        message: `record reordered: ${describeLink(link)} was chained after ${describeLink(before)}, not after link ${link.seq - 1}`,
      };
    return {
      kind: 'link-unanchored',
      ...common,
      message: `${describeLink(link)}: the link it was chained after (${short(previousLink)}) is no longer in the chain (links before it were rewritten)`,
    };
  });
}

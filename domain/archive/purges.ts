import type { ArchiveBreak } from './chain';
import { describeRecord, recordSpec, type ArchiveRecordSpec } from './records';
import { describeCounts, type PurgeListing } from './retention';
import type { RecordPair } from './verify';

/** A purge as `archive verify` accounts for it: its record, and the records it removed that verify found gone. */
export interface PurgeAccount {
  purge: number;
  /** When it ran (UTC), and the cut-off it was run with: invoices retained until before this date went. */
  purgedAt: string;
  before: string;
  invoices: number;
  /** The records it lists that are gone from their tables, by type. */
  records: Record<string, number>;
}

export const PURGE_SPEC = recordSpec('purge') as ArchiveRecordSpec;

const listingKey = (type: string, key: string) => `${type}\u0000${key}`;

/**
 * What the intact purge records say was removed. A record gone from its table is no break when an intact purge lists
 * it at the chain position it had; a record a purge lists that is still there is one (the purge did not do what its
 * record says). A purge record that was edited or removed vouches for nothing: what it listed is missing again, and
 * the record itself is a break like any other.
 */
export class PurgeLedger {
  readonly purges: PurgeAccount[] = [];
  private readonly listed = new Map<string, { account: PurgeAccount; seq: number | null }>();

  /** Reads the purge records and keeps those that match their chain entry (`compare` finds nothing). */
  static async read(
    pairs: AsyncIterable<RecordPair[]>,
    compare: (pair: RecordPair) => ArchiveBreak[],
  ): Promise<PurgeLedger> {
    const ledger = new PurgeLedger();
    for await (const batch of pairs) {
      for (const pair of batch) if (pair.record && compare(pair).length === 0) ledger.add(pair);
    }
    ledger.purges.sort((a, b) => a.purge - b.purge);
    return ledger;
  }

  private add({ key, record }: RecordPair): void {
    const values = record?.values ?? {};
    const listing = JSON.parse(String(values.invoices)) as PurgeListing;
    const account: PurgeAccount = {
      purge: Number(key),
      purgedAt: String(values.purged_at),
      before: String(values.before),
      invoices: Object.keys(listing).length,
      records: {},
    };
    this.purges.push(account);
    for (const invoice of Object.values(listing))
      for (const removed of invoice.records)
        this.listed.set(listingKey(removed.type, removed.key), { account, seq: removed.seq });
  }

  /** The breaks found for one record, less what a purge accounts for, plus a purge's claim the record belies. */
  account(spec: ArchiveRecordSpec, pair: RecordPair, breaks: ArchiveBreak[]): ArchiveBreak[] {
    const listed = this.listed.get(listingKey(spec.type, pair.key));
    if (!listed) return breaks;
    const { account, seq } = listed;
    if (!pair.record) {
      if (pair.chained?.seq !== seq) return breaks;
      account.records[spec.type] = (account.records[spec.type] ?? 0) + 1;
      return [];
    }
    const what = describeRecord(spec.type, pair.key, pair.record.context);
    return [
      ...breaks,
      {
        kind: 'purge-unfinished',
        recordType: spec.type,
        recordKey: pair.key,
        seq: pair.chained?.seq,
        message: `${what}: purge ${account.purge} lists it as removed (link ${seq ?? 'none'}), yet it is still in ${spec.table}`,
      },
    ];
  }
}

/** "purged by purge 1 on 2026-12-02 (retained until before 2025-06-01): 2 invoices, 14 records (2 invoice, …)". */
export function describePurges(purges: readonly PurgeAccount[]): string[] {
  return purges.map((p) => {
    const total = Object.values(p.records).reduce((sum, n) => sum + n, 0);
    return (
      `purged by purge ${p.purge} on ${p.purgedAt.slice(0, 10)} (retained until before ${p.before}): ` +
      `${p.invoices} invoice${p.invoices === 1 ? '' : 's'}, ${total} record${total === 1 ? '' : 's'} (${describeCounts(p.records)})`
    );
  });
}

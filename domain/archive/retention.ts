import { ARCHIVE_RECORDS } from './records';

/**
 * Retention, legal hold and purge in plain data: how an operator names an invoice, when a purge date is acceptable,
 * and what a purge record lists (db/migrations/013_retention.sql keeps the same shape in archive_purges.invoices).
 */

/** An invoice as an operator names it: its id, or its issuer's EIK and its number ("123456789/0000000123"). */
export type InvoiceReference = { id: string } | { issuerEik: string; number: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseInvoiceReference(text: string): InvoiceReference | undefined {
  const value = text.trim();
  if (UUID.test(value)) return { id: value.toLowerCase() };
  const slash = value.indexOf('/');
  if (slash <= 0 || slash === value.length - 1) return undefined;
  return { issuerEik: value.slice(0, slash), number: value.slice(slash + 1) };
}

export function describeReference(reference: InvoiceReference): string {
  return 'id' in reference ? reference.id : `${reference.issuerEik}/${reference.number}`;
}

/**
 * Why a purge date is refused, or undefined when it is acceptable: a calendar date `YYYY-MM-DD`, not after today (the
 * database's date, which its triggers compare with). The database keeps whatever is not past retention today anyway,
 * so a later date could remove nothing more; its record would only claim a cut-off that had not been reached.
 */
export function purgeDateProblem(before: string, today: string): string | undefined {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(before) ? new Date(`${before}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== before)
    return `--before must be a date YYYY-MM-DD, got "${before}"`;
  if (before > today)
    return (
      `--before ${before} is in the future (today is ${today}): a purge removes only invoices whose retention ` +
      `date has already passed, so the latest date it takes is today`
    );
  return undefined;
}

/** One archived record a purge removed, by its place in the chain (null: it had no link, a break already). */
export interface PurgedRecord {
  seq: number | null;
  type: string;
  key: string;
}

/** What a purge record says of one invoice it removed. */
export interface PurgedInvoice {
  number: string;
  issuer: string;
  retain_until: string;
  records: PurgedRecord[];
}

/** archive_purges.invoices: invoice id → what was removed of it. */
export type PurgeListing = Record<string, PurgedInvoice>;

/** Records counted by type, in the order of ARCHIVE_RECORDS: "2 invoice, 1 view, 5 event". */
export function countByType(records: readonly { type: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { type } of ARCHIVE_RECORDS) {
    const n = records.filter((r) => r.type === type).length;
    if (n > 0) counts[type] = n;
  }
  return counts;
}

export function describeCounts(counts: Record<string, number>): string {
  const parts = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([type, n]) => `${n} ${type}`);
  return parts.join(', ') || 'none';
}

import type { DocumentKind, Invoice, InvoiceSummary } from '../domain/invoice/model';
import type { Db } from './index';
import { recipientReachCondition } from './recipient-reach';
import type { RecipientReach } from './users';

/**
 * The searchable archive, one implementation for both sides of an invoice:
 *  - a recipient searches every invoice of theirs (bound to their account, or shared with them: RecipientReach) that
 *    reached the archive (verified and archived; rejected or unverified deliveries never reach a recipient);
 *  - an issuer's people search every invoice of that issuer, whatever its status (rejected ones included).
 * Pages are keyset pages: each continues after the last row of the previous one by (sort key, id), never by OFFSET,
 * so a deep page costs what the first does and rows arriving meanwhile are neither skipped nor repeated.
 * The columns searched are generated from the summary by PostgreSQL (migration 007_invoice_search.sql).
 */

export type SearchScope = { side: 'recipient'; reach: RecipientReach } | { side: 'issuer'; issuerId: string };

export interface InvoiceSearchFilters {
  /** Invoice number; spaces are ignored, letters folded. A prefix unless `numberMatch` is 'exact'. */
  number?: string;
  numberMatch?: 'prefix' | 'exact';
  /** Issuer side: a full e-mail address matches the recipient address exactly, anything else a part of name or address. */
  recipient?: string;
  /** Recipient side: a part of the seller's name as the invoice gives it. */
  issuerName?: string;
  /** Issue date (BT-2) range, both ends included, YYYY-MM-DD. */
  issuedFrom?: string;
  issuedTo?: string;
  statuses?: string[];
  /** Amount payable (BT-115) range, exact decimals, both ends included. */
  amountMin?: string;
  amountMax?: string;
  channels?: string[];
}

export const SORT_FIELDS = ['issueDate', 'number', 'amount', 'status'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
export interface InvoiceSort {
  field: SortField;
  direction: 'asc' | 'desc';
}

/** Where a page ends: the sort key of its last row (as PostgreSQL wrote it) and that row's id. */
export interface Keyset {
  value: string;
  id: string;
}

export interface InvoiceSearchRow {
  id: string;
  issuerId: string;
  number: string;
  kind: DocumentKind;
  issueDate: string;
  dueDate: string | null;
  currency: string;
  total: string;
  supplierName: string | null;
  customerName: string | null;
  recipientEmail: string | null;
  status: string;
  channel: string;
  receivedAt: string;
  viewedAt: string | null;
  /** Continue after this row. */
  keyset: Keyset;
}

export interface InvoiceSearchPage {
  rows: InvoiceSearchRow[];
  /** Where the next page starts; undefined on the last page. */
  next?: Keyset;
}

const SORT_COLUMNS: Record<SortField, { column: string; type: 'text' | 'numeric' }> = {
  issueDate: { column: 'i.search_issue_date', type: 'text' },
  number: { column: 'i.number', type: 'text' },
  amount: { column: 'i.search_amount', type: 'numeric' },
  status: { column: 'i.status', type: 'text' },
};

/** A full address: matched exactly against the recipient address instead of as a part of a name. */
const FULL_ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** LIKE's own characters in what a person typed are meant literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

interface SearchRow {
  id: string;
  issuer_id: string;
  number: string;
  summary: Partial<InvoiceSummary>;
  recipient_email: string | null;
  status: string;
  channel: string;
  received_at: Date;
  viewed_at: Date | null;
  sort_value: string;
}

/** Builds the WHERE clause of a search, numbering the parameters it adds after those already in `params`. */
function whereClause(scope: SearchScope, filters: InvoiceSearchFilters, params: unknown[]): string[] {
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (scope.side === 'recipient') {
    where.push(
      recipientReachCondition(scope.reach, param),
      'exists (select 1 from invoice_archive a where a.invoice_id = i.id)',
    );
  } else {
    where.push(`i.issuer_id = ${param(scope.issuerId)}`);
  }
  const number = filters.number?.replace(/\s+/g, '');
  if (number) {
    where.push(
      filters.numberMatch === 'exact'
        ? `i.search_number = search_fold(${param(number)})`
        : `i.search_number like search_fold(${param(likeLiteral(number))}) || '%'`,
    );
  }
  const recipient = filters.recipient?.trim();
  if (recipient && scope.side === 'issuer') {
    where.push(
      FULL_ADDRESS.test(recipient)
        ? `lower(i.recipient_email) = lower(${param(recipient)})`
        : `i.search_customer like '%' || search_fold(${param(likeLiteral(recipient))}) || '%'`,
    );
  }
  const issuerName = filters.issuerName?.trim();
  if (issuerName && scope.side === 'recipient') {
    where.push(`i.search_supplier like '%' || search_fold(${param(likeLiteral(issuerName))}) || '%'`);
  }
  if (filters.issuedFrom) where.push(`i.search_issue_date >= ${param(filters.issuedFrom)}`);
  if (filters.issuedTo) where.push(`i.search_issue_date <= ${param(filters.issuedTo)}`);
  if (filters.statuses?.length) where.push(`i.status = any(${param(filters.statuses)}::text[])`);
  if (filters.channels?.length) where.push(`i.channel = any(${param(filters.channels)}::text[])`);
  // NaN (an amount that is not a decimal) compares greater than every number in PostgreSQL: keep it out of ranges.
  if (filters.amountMin !== undefined || filters.amountMax !== undefined)
    where.push(`i.search_amount <> 'NaN'`);
  if (filters.amountMin !== undefined) where.push(`i.search_amount >= ${param(filters.amountMin)}::numeric`);
  if (filters.amountMax !== undefined) where.push(`i.search_amount <= ${param(filters.amountMax)}::numeric`);
  return where;
}

/** The SQL of one page, exposed so the benchmark can run exactly what the endpoints run. */
export function searchQuery(
  scope: SearchScope,
  filters: InvoiceSearchFilters,
  sort: InvoiceSort,
  limit: number,
  after?: Keyset,
): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const where = whereClause(scope, filters, values);
  const { column, type } = SORT_COLUMNS[sort.field];
  if (after) {
    values.push(after.value, after.id);
    const comparison = sort.direction === 'asc' ? '>' : '<';
    where.push(`(${column}, i.id) ${comparison} ($${values.length - 1}::${type}, $${values.length}::uuid)`);
  }
  values.push(limit);
  const direction = sort.direction === 'asc' ? 'asc' : 'desc';
  return {
    text: `select i.id, i.issuer_id, i.number, i.summary, i.recipient_email, i.status, i.channel, i.received_at,
                  i.viewed_at, ${column}::text as sort_value
             from invoices i
            where ${where.join('\n              and ')}
            order by ${column} ${direction}, i.id ${direction}
            limit $${values.length}`,
    values,
  };
}

function toRow(row: SearchRow): InvoiceSearchRow {
  const summary = row.summary;
  return {
    id: row.id,
    issuerId: row.issuer_id,
    number: row.number,
    kind: summary.kind ?? 'Invoice',
    issueDate: summary.issueDate ?? '',
    dueDate: summary.dueDate ?? null,
    currency: summary.currency ?? '',
    total: summary.total ?? '',
    supplierName: summary.supplier?.name ?? null,
    customerName: summary.customer?.name ?? null,
    recipientEmail: row.recipient_email,
    status: row.status,
    channel: row.channel,
    receivedAt: row.received_at.toISOString(),
    viewedAt: row.viewed_at?.toISOString() ?? null,
    keyset: { value: row.sort_value, id: row.id },
  };
}

/** One page of matches, in the sort order, after `after` when given. */
export async function searchInvoices(
  db: Db,
  scope: SearchScope,
  filters: InvoiceSearchFilters,
  sort: InvoiceSort,
  pageSize: number,
  after?: Keyset,
): Promise<InvoiceSearchPage> {
  // One row more than the page tells whether there is a next page without a count.
  const query = searchQuery(scope, filters, sort, pageSize + 1, after);
  const { rows } = await db.query<SearchRow>(query.text, query.values);
  const page = rows.slice(0, pageSize).map(toRow);
  return { rows: page, next: rows.length > pageSize ? page[page.length - 1].keyset : undefined };
}

/** Every match, page by page (for the CSV export: memory stays one page however many invoices match). */
export async function* everyMatch(
  db: Db,
  scope: SearchScope,
  filters: InvoiceSearchFilters,
  sort: InvoiceSort,
  pageSize = 500,
): AsyncGenerator<InvoiceSearchRow[]> {
  let after: Keyset | undefined;
  do {
    const page = await searchInvoices(db, scope, filters, sort, pageSize, after);
    if (page.rows.length) yield page.rows;
    after = page.next;
  } while (after);
}

/** The archive entry of an invoice, when it reached the archive: what the invoice page shows and the PDF renders. */
export interface ArchiveEntry {
  model: Invoice;
  sha256: string;
  archivedAt: string;
  retainUntil: string;
}

export async function findArchiveEntry(db: Db, invoiceId: string): Promise<ArchiveEntry | undefined> {
  const { rows } = await db.query<{
    model: Invoice;
    sha256: string;
    archived_at: Date;
    retain_until: string;
  }>(
    `select model, sha256, archived_at, to_char(retain_until, 'YYYY-MM-DD') as retain_until
       from invoice_archive where invoice_id = $1`,
    [invoiceId],
  );
  const row = rows[0];
  return (
    row && {
      model: row.model,
      sha256: row.sha256,
      archivedAt: row.archived_at.toISOString(),
      retainUntil: row.retain_until,
    }
  );
}

/** The return receipt (the first authenticated view) and how often the invoice was viewed since. */
export async function findViewReceipt(
  db: Db,
  invoiceId: string,
): Promise<{ viewedAt: string; views: number } | undefined> {
  const { rows } = await db.query<{ viewed_at: Date | null; views: string }>(
    `select i.viewed_at, (select count(*) from invoice_views v where v.invoice_id = i.id) as views
       from invoices i where i.id = $1`,
    [invoiceId],
  );
  const row = rows[0];
  return row?.viewed_at ? { viewedAt: row.viewed_at.toISOString(), views: Number(row.views) } : undefined;
}

export type ProblemKind = 'quarantined' | 'rejected';

export interface ProblemRow {
  kind: ProblemKind;
  id: string;
  channel: string;
  fileName: string | null;
  number: string | null;
  receivedAt: string;
  /** Quarantine: the one reason with its code. Rejection: the hub's reasons, "RULE-ID: sentence" each. */
  reasons: { code: string; message: string }[];
  invoiceId: string | null;
  keyset: Keyset;
}

/**
 * What the hub refused from an issuer, newest first: deliveries quarantined (not an invoice, unreadable, too big …)
 * and invoices rejected by verification, each with every reason. Keyset pages over (received_at, id).
 */
export async function listProblemDeliveries(
  db: Db,
  issuerId: string,
  kinds: ProblemKind[],
  pageSize: number,
  after?: Keyset,
): Promise<{ rows: ProblemRow[]; next?: Keyset }> {
  const { rows } = await db.query<{
    kind: ProblemKind;
    id: string;
    channel: string;
    file_name: string | null;
    number: string | null;
    received_at: Date;
    received_text: string;
    reason_code: string | null;
    reason: string | null;
    hub_reasons: string[] | null;
    invoice_id: string | null;
  }>(
    `select * from (
       select 'quarantined' as kind, d.id, d.channel, d.file_name, null::text as number, d.received_at,
              to_char(d.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as received_text, d.reason_code, d.reason, null::jsonb as hub_reasons,
              null::uuid as invoice_id
         from deliveries d
        where d.issuer_id = $1 and d.status = 'quarantined' and 'quarantined' = any($2::text[])
       union all
       select 'rejected', i.id, i.channel, d.file_name, i.number, i.received_at,
              to_char(i.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), null, null,
              i.verification -> 'hub' -> 'reasons', i.id
         from invoices i left join deliveries d on d.id = i.delivery_id
        where i.issuer_id = $1 and i.status = 'rejected' and 'rejected' = any($2::text[])
     ) p
     where $3::timestamptz is null or (p.received_at, p.id) < ($3::timestamptz, $4::uuid)
     order by p.received_at desc, p.id desc
     limit $5`,
    [issuerId, kinds, after?.value ?? null, after?.id ?? null, pageSize + 1],
  );
  const page = rows.slice(0, pageSize).map((row): ProblemRow => ({
    kind: row.kind,
    id: row.id,
    channel: row.channel,
    fileName: row.file_name,
    number: row.number,
    receivedAt: row.received_at.toISOString(),
    reasons:
      row.kind === 'quarantined'
        ? [{ code: row.reason_code ?? 'QUARANTINED', message: row.reason ?? '' }]
        : (Array.isArray(row.hub_reasons) ? row.hub_reasons : []).map(splitReason),
    invoiceId: row.invoice_id,
    keyset: { value: row.received_text, id: row.id },
  }));
  return { rows: page, next: rows.length > pageSize ? page[page.length - 1].keyset : undefined };
}

/** "BR-CO-15: the VAT total …" → its rule id and its sentence. */
function splitReason(reason: unknown): { code: string; message: string } {
  const text = String(reason);
  const match = /^([A-Za-z][\w.-]*):\s*(.*)$/s.exec(text);
  return match ? { code: match[1], message: match[2] } : { code: 'REJECTED', message: text };
}

import Big from 'big.js';
import type {
  InvoiceSearchFilters,
  InvoiceSearchRow,
  InvoiceSort,
  Keyset,
  SearchScope,
} from '../../db/invoice-search';
import { SORT_FIELDS } from '../../db/invoice-search';
import { HttpError } from '../errors';
import type { InvoiceListItem } from './contract';
import {
  CHANNELS,
  DEFAULT_SORT,
  INVOICE_STATUSES,
  PAGE_SIZE_DEFAULT,
  PAGE_SIZE_MAX,
  type IssuerInvoiceListItem,
} from './search-contract';

/**
 * The search request as the portal and the issuer API take it (see InvoiceSearchQuery in search-contract.ts), turned
 * into the database's filters. The OpenAPI document already refuses wrong types and values; this repeats the checks
 * that matter for the SQL, so a request that bypassed the document (or a forged cursor) is still a 400 with a reason.
 */
export interface SearchRequest {
  filters: InvoiceSearchFilters;
  sort: InvoiceSort;
  pageSize: number;
  after?: Keyset;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DECIMAL = /^[+-]?\d{1,18}(\.\d{1,6})?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalid = (message: string) => new HttpError(400, 'INVALID_REQUEST', message);

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw invalid(`give "${name}" once`);
}

/** A comma-separated list (or the parameter repeated), each value one of `allowed`. */
function list(
  query: Record<string, unknown>,
  name: string,
  allowed: readonly string[],
): string[] | undefined {
  const raw = query[name];
  if (raw === undefined || raw === '') return undefined;
  const values = (Array.isArray(raw) ? raw : [raw])
    .flatMap((value) => String(value).split(','))
    .map((value) => value.trim())
    .filter(Boolean);
  const unknown = values.filter((value) => !allowed.includes(value));
  if (unknown.length) throw invalid(`${name} "${unknown[0]}" is not one of: ${allowed.join(', ')}`);
  return values.length ? [...new Set(values)] : undefined;
}

function calendarDate(query: Record<string, unknown>, name: string): string | undefined {
  const value = single(query, name);
  if (value === undefined) return undefined;
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!DATE.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw invalid(`${name} must be a date written YYYY-MM-DD, got "${value}"`);
  }
  return value;
}

function amount(query: Record<string, unknown>, name: string): string | undefined {
  const value = single(query, name)?.trim();
  if (value === undefined) return undefined;
  if (!DECIMAL.test(value)) throw invalid(`${name} must be a decimal amount with a dot, e.g. 1250.50`);
  return value;
}

function parseSort(value: string | undefined): InvoiceSort {
  const order = value ?? DEFAULT_SORT;
  const descending = order.startsWith('-');
  const field = (descending ? order.slice(1) : order) as InvoiceSort['field'];
  if (!SORT_FIELDS.includes(field)) {
    throw invalid(`sort must be one of ${SORT_FIELDS.join(', ')}, with a leading "-" for descending`);
  }
  return { field, direction: descending ? 'desc' : 'asc' };
}

const sortName = (sort: InvoiceSort) => `${sort.direction === 'desc' ? '-' : ''}${sort.field}`;

/**
 * The cursor is opaque to callers: base64url of the sort order, the last row's sort key and its id. The sort order
 * travels with it so a cursor is never applied to another order, which would skip or repeat rows.
 */
export function encodeCursor(sort: InvoiceSort, keyset: Keyset): string {
  return Buffer.from(JSON.stringify([sortName(sort), keyset.value, keyset.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, sort: InvoiceSort): Keyset {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 3 ||
    typeof decoded[0] !== 'string' ||
    typeof decoded[1] !== 'string' ||
    typeof decoded[2] !== 'string' ||
    !UUID.test(decoded[2]) ||
    decoded[1].length > 500
  ) {
    throw new HttpError(
      400,
      'INVALID_CURSOR',
      'the cursor is not one this hub gave out; start from the first page',
    );
  }
  const [order, value, id] = decoded as [string, string, string];
  if (order !== sortName(sort)) {
    throw new HttpError(
      400,
      'INVALID_CURSOR',
      `the cursor belongs to a search sorted by ${order}; send the same sort, or start from the first page`,
    );
  }
  if (sort.field === 'amount' && value !== 'NaN' && !/^[+-]?\d+(\.\d+)?$/.test(value)) {
    throw new HttpError(
      400,
      'INVALID_CURSOR',
      'the cursor is not one this hub gave out; start from the first page',
    );
  }
  return { value, id };
}

/** Reads a search request from the query string of either side. */
export function parseSearchRequest(query: Record<string, unknown>, side: SearchScope['side']): SearchRequest {
  const numberMatch = single(query, 'numberMatch');
  if (numberMatch !== undefined && numberMatch !== 'prefix' && numberMatch !== 'exact') {
    throw invalid('numberMatch must be "prefix" or "exact"');
  }
  const limitText = single(query, 'limit');
  const pageSize = limitText === undefined ? PAGE_SIZE_DEFAULT : Number(limitText);
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > PAGE_SIZE_MAX) {
    throw invalid(`limit must be a whole number from 1 to ${PAGE_SIZE_MAX}`);
  }
  const filters: InvoiceSearchFilters = {
    number: single(query, 'number'),
    numberMatch: numberMatch as InvoiceSearchFilters['numberMatch'],
    recipient: side === 'issuer' ? single(query, 'recipient') : undefined,
    issuerName: side === 'recipient' ? single(query, 'issuer') : undefined,
    issuedFrom: calendarDate(query, 'from'),
    issuedTo: calendarDate(query, 'to'),
    statuses: list(query, 'status', INVOICE_STATUSES),
    channels: list(query, 'channel', CHANNELS),
    amountMin: amount(query, 'amountMin'),
    amountMax: amount(query, 'amountMax'),
  };
  for (const [name, value] of Object.entries({
    number: filters.number,
    recipient: filters.recipient,
    issuer: filters.issuerName,
  })) {
    if (value !== undefined && value.length > 200) throw invalid(`${name} is longer than 200 characters`);
  }
  if (filters.issuedFrom && filters.issuedTo && filters.issuedFrom > filters.issuedTo) {
    throw invalid('from is after to: the issue date range is empty');
  }
  if (
    filters.amountMin !== undefined &&
    filters.amountMax !== undefined &&
    new Big(filters.amountMin).gt(filters.amountMax)
  ) {
    throw invalid('amountMin is above amountMax: the amount range is empty');
  }
  const sort = parseSort(single(query, 'sort'));
  const cursor = single(query, 'cursor');
  return { filters, sort, pageSize, after: cursor === undefined ? undefined : decodeCursor(cursor, sort) };
}

/** The recipient list's row, exactly as the portal's list has always had it. */
export function recipientListItem(row: InvoiceSearchRow): InvoiceListItem {
  return {
    id: row.id,
    number: row.number,
    issueDate: row.issueDate,
    dueDate: row.dueDate,
    currency: row.currency,
    total: row.total,
    supplierName: row.supplierName,
    status: row.status,
    viewedAt: row.viewedAt,
  };
}

export function issuerListItem(row: InvoiceSearchRow): IssuerInvoiceListItem {
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    issueDate: row.issueDate,
    dueDate: row.dueDate,
    currency: row.currency,
    total: row.total,
    recipientName: row.customerName,
    recipientEmail: row.recipientEmail,
    status: row.status,
    channel: row.channel,
    receivedAt: row.receivedAt,
    viewedAt: row.viewedAt,
  };
}

/** The deliveries page's cursor: the same kind of opaque token, over (received at, id). */
export function encodeProblemCursor(keyset: Keyset): string {
  return Buffer.from(JSON.stringify(['-receivedAt', keyset.value, keyset.id]), 'utf8').toString('base64url');
}

export function decodeProblemCursor(cursor: string): Keyset {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    !Array.isArray(decoded) ||
    decoded[0] !== '-receivedAt' ||
    typeof decoded[1] !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(decoded[1]) ||
    typeof decoded[2] !== 'string' ||
    !UUID.test(decoded[2])
  ) {
    throw new HttpError(
      400,
      'INVALID_CURSOR',
      'the cursor is not one this hub gave out; start from the first page',
    );
  }
  return { value: decoded[1], id: decoded[2] };
}

/** The search written back as a query string (no page, no cursor): the CSV link of what the person sees. */
export function searchQueryString(search: SearchRequest): string {
  const { filters, sort } = search;
  // encodeURIComponent, not URLSearchParams: "+" for a space is a reserved character the API validator refuses.
  const params: string[] = [];
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') params.push(`${name}=${encodeURIComponent(value)}`);
  };
  add('number', filters.number);
  add('numberMatch', filters.numberMatch);
  add('recipient', filters.recipient);
  add('issuer', filters.issuerName);
  add('from', filters.issuedFrom);
  add('to', filters.issuedTo);
  add('status', filters.statuses?.join(','));
  add('amountMin', filters.amountMin);
  add('amountMax', filters.amountMax);
  add('channel', filters.channels?.join(','));
  const order = sortName(sort);
  if (order !== DEFAULT_SORT) add('sort', order);
  return params.join('&');
}

import type { SortOrder } from '../../../../gateway/portal/search-contract';
import type { PlainTranslationKey } from '../i18n';

/** What the search form holds; empty strings are filters not set. */
export interface SearchCriteria {
  number: string;
  /** The recipient (issuer side) or the issuer (recipient side). */
  party: string;
  from: string;
  to: string;
  status: string;
  amountMin: string;
  amountMax: string;
  channel: string;
}

/**
 * The API query of a search (see InvoiceSearchQuery). Written with encodeURIComponent: the API refuses "+" for a
 * space. Amounts typed with a decimal comma are sent with a dot.
 */
export function searchQuery(
  side: 'issuer' | 'recipient',
  criteria: SearchCriteria,
  sort: SortOrder,
  cursor: string | null = null,
): string {
  const pairs: [string, string][] = [
    ['number', criteria.number.trim()],
    [side === 'issuer' ? 'recipient' : 'issuer', criteria.party.trim()],
    ['from', criteria.from],
    ['to', criteria.to],
    ['status', criteria.status],
    ['amountMin', criteria.amountMin.trim().replace(',', '.')],
    ['amountMax', criteria.amountMax.trim().replace(',', '.')],
    ['channel', criteria.channel],
    ['sort', sort],
    ['cursor', cursor ?? ''],
  ];
  return pairs
    .filter(([, value]) => value !== '')
    .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
    .join('&');
}

const STATUS_KEYS: Partial<Record<string, PlainTranslationKey>> = {
  received: 'statuses.received',
  verified: 'statuses.verified',
  archived: 'statuses.archived',
  notified: 'statuses.notified',
  'awaiting view': 'statuses.awaitingView',
  viewed: 'statuses.viewed',
  disputed: 'statuses.disputed',
  paid: 'statuses.paid',
  cancelled: 'statuses.cancelled',
  rejected: 'statuses.rejected',
  undeliverable: 'statuses.undeliverable',
};

const CHANNEL_KEYS: Partial<Record<string, PlainTranslationKey>> = {
  api: 'channels.api',
  sftp: 'channels.sftp',
  'sftp-pickup': 'channels.sftpPickup',
  as2: 'channels.as2',
  cli: 'channels.cli',
};

/** The text key of a lifecycle status (an unknown one reads as received). */
export function statusKey(status: string): PlainTranslationKey {
  return STATUS_KEYS[status] ?? 'statuses.received';
}

/** The text key of a delivery channel (an unknown one reads as the API). */
export function channelKey(channel: string): PlainTranslationKey {
  return CHANNEL_KEYS[channel] ?? 'channels.api';
}

/** The sortable columns and the sort order a click on their header asks for next. */
export type SortField = 'issueDate' | 'number' | 'amount' | 'status';

export function nextSort(current: SortOrder, field: SortField): SortOrder {
  return (current === `-${field}` ? field : `-${field}`) as SortOrder;
}

export function ariaSort(current: SortOrder, field: SortField): 'ascending' | 'descending' | 'none' {
  return current === field ? 'ascending' : current === `-${field}` ? 'descending' : 'none';
}

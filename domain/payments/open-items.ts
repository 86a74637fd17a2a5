/**
 * The matcher's working copy of a MatchContext: every invoice with what it still owes, indexed by number, payment
 * reference, customer, payer IBAN and outstanding amount, the providers' orders by id and the recorded payments by
 * the references a reversal names. Deciding a statement updates it entry by entry (an invoice paid by entry 3 owes
 * less for entry 7, a payer's IBAN learned from a reference match is known for the next entry), and nothing of the
 * caller's context is changed. Every lookup is a map access: no entry is compared with every invoice.
 */
import { toCents } from '../money';
import type { MatchContext, OpenInvoice, ProviderOrder, RecordedPayment } from './model';
import { compactIban, compactReference, isNumericInvoiceNumber, numberKey } from './references';

export interface InvoiceState {
  invoice: OpenInvoice;
  /** What is still to pay, in hundredths of the invoice's currency. */
  outstanding: bigint;
  /** Paid in full (nothing outstanding, or marked paid). A reversal opens it again. */
  settled: boolean;
  /** Cancelled or rejected: never matched automatically. */
  closed?: 'cancelled' | 'rejected';
}

/** The payments one earlier entry made (several when it was split across invoices). */
export interface RecordedEntry {
  entryKey: string;
  payments: RecordedPayment[];
  currency: string;
  /** The sum of its payments, in hundredths. */
  total: bigint;
  reversed: boolean;
}

export interface OpenItems {
  issuerId: string;
  byId: Map<string, InvoiceState>;
  /** Numeric invoice numbers by their digits without leading zeros. */
  byNumberKey: Map<string, InvoiceState[]>;
  /** Invoice numbers with letters, and payment references (RF or not), in compact form. */
  byToken: Map<string, { state: InvoiceState; what: 'number' | 'payment reference' }[]>;
  byCustomer: Map<string, InvoiceState[]>;
  customersByIban: Map<string, Set<string>>;
  /** Open invoices (neither settled nor closed) by currency, then by what they owe in hundredths. */
  byOutstanding: Map<string, Map<number, InvoiceState[]>>;
  /** The currencies the invoices are in. */
  currencies: Set<string>;
  ordersById: Map<string, ProviderOrder[]>;
  recorded: {
    byEntry: Map<string, RecordedEntry>;
    byEndToEndId: Map<string, Set<string>>;
    byBankReference: Map<string, Set<string>>;
    /** `${iban} ${currency} ${total cents}` → entry keys. */
    byPayerAndAmount: Map<string, Set<string>>;
  };
}

const CLOSED_STATUSES = new Set(['cancelled', 'rejected']);
/** What some banks write when the payer gave no end-to-end id: never evidence that two entries belong together. */
const NO_END_TO_END_ID = new Set(['', 'NOTPROVIDED', 'NOT PROVIDED', 'NONE', 'N/A']);

export function openItems(context: MatchContext): OpenItems {
  const items: OpenItems = {
    issuerId: context.issuerId,
    byId: new Map(),
    byNumberKey: new Map(),
    byToken: new Map(),
    byCustomer: new Map(),
    customersByIban: new Map(),
    byOutstanding: new Map(),
    currencies: new Set(),
    ordersById: new Map(),
    recorded: {
      byEntry: new Map(),
      byEndToEndId: new Map(),
      byBankReference: new Map(),
      byPayerAndAmount: new Map(),
    },
  };
  for (const invoice of context.invoices) {
    if (invoice.issuerId && context.issuerId && invoice.issuerId !== context.issuerId) continue;
    const outstanding = toCents(invoice.outstanding);
    const status = invoice.status.toLowerCase();
    const state: InvoiceState = {
      invoice,
      outstanding,
      settled: status === 'paid' || outstanding <= 0n,
      closed: CLOSED_STATUSES.has(status) ? (status as 'cancelled' | 'rejected') : undefined,
    };
    items.byId.set(invoice.invoiceId, state);
    const number = invoice.number.trim();
    if (isNumericInvoiceNumber(number)) push(items.byNumberKey, numberKey(number), state);
    else if (compactReference(number))
      push(items.byToken, compactReference(number), { state, what: 'number' });
    const reference = invoice.paymentReference ? compactReference(invoice.paymentReference) : '';
    if (reference && reference !== compactReference(number)) {
      push(items.byToken, reference, { state, what: 'payment reference' });
    }
    push(items.byCustomer, invoice.customerKey, state);
    items.currencies.add(invoice.currency.toUpperCase());
    for (const iban of invoice.payerIbans) learnPayer(items, iban, invoice.customerKey);
    indexOutstanding(items, state);
  }
  for (const order of context.providerOrders) push(items.ordersById, compactReference(order.orderId), order);
  for (const payment of context.recordedPayments) recordPayment(items, payment);
  return items;
}

export function isOpen(state: InvoiceState): boolean {
  return !state.settled && !state.closed;
}

/** The open invoices that owe exactly `cents` of `currency`. */
export function openOwing(items: OpenItems, currency: string, cents: bigint): InvoiceState[] {
  return [...(items.byOutstanding.get(currency.toUpperCase())?.get(Number(cents)) ?? [])];
}

/** The customers a payer's IBAN has paid for. */
export function customersOf(items: OpenItems, iban: string | undefined): Set<string> {
  return (iban && items.customersByIban.get(compactIban(iban))) || new Set();
}

export function learnPayer(items: OpenItems, iban: string, customerKey: string): void {
  const key = compactIban(iban);
  if (key) add(items.customersByIban, key, customerKey);
}

/** Applies `cents` (negative for a reversal) to the invoice: what it owes, whether it is settled, the amount index. */
export function applyToInvoice(items: OpenItems, state: InvoiceState, cents: bigint): void {
  unindexOutstanding(items, state);
  state.outstanding -= cents;
  state.settled = state.outstanding <= 0n;
  indexOutstanding(items, state);
}

export function recordPayment(items: OpenItems, payment: RecordedPayment): void {
  const { recorded } = items;
  let entry = recorded.byEntry.get(payment.entryKey);
  if (entry) unindexPayerAndAmount(items, entry);
  else {
    entry = {
      entryKey: payment.entryKey,
      payments: [],
      currency: payment.currency,
      total: 0n,
      reversed: false,
    };
    recorded.byEntry.set(payment.entryKey, entry);
  }
  entry.payments.push(payment);
  entry.total += toCents(payment.amount);
  const endToEndId = payment.endToEndId?.trim();
  if (endToEndId && !NO_END_TO_END_ID.has(endToEndId.toUpperCase())) {
    add(recorded.byEndToEndId, endToEndId, payment.entryKey);
  }
  if (payment.bankReference?.trim())
    add(recorded.byBankReference, payment.bankReference.trim(), payment.entryKey);
  indexPayerAndAmount(items, entry);
}

export function hasEndToEndId(value: string | undefined): value is string {
  return !!value && !NO_END_TO_END_ID.has(value.trim().toUpperCase());
}

export function payerAndAmountKey(iban: string, currency: string, cents: bigint): string {
  return `${compactIban(iban)} ${currency.toUpperCase()} ${cents}`;
}

export function markReversed(items: OpenItems, entryKey: string): void {
  const entry = items.recorded.byEntry.get(entryKey);
  if (entry) entry.reversed = true;
}

function indexPayerAndAmount(items: OpenItems, entry: RecordedEntry): void {
  const iban = entry.payments.find((p) => p.counterpartyIban)?.counterpartyIban;
  if (iban)
    add(
      items.recorded.byPayerAndAmount,
      payerAndAmountKey(iban, entry.currency, entry.total),
      entry.entryKey,
    );
}

function unindexPayerAndAmount(items: OpenItems, entry: RecordedEntry): void {
  const iban = entry.payments.find((p) => p.counterpartyIban)?.counterpartyIban;
  if (iban)
    items.recorded.byPayerAndAmount
      .get(payerAndAmountKey(iban, entry.currency, entry.total))
      ?.delete(entry.entryKey);
}

function indexOutstanding(items: OpenItems, state: InvoiceState): void {
  if (!isOpen(state)) return;
  const currency = state.invoice.currency.toUpperCase();
  let owing = items.byOutstanding.get(currency);
  if (!owing) items.byOutstanding.set(currency, (owing = new Map()));
  push(owing, Number(state.outstanding), state);
}

function unindexOutstanding(items: OpenItems, state: InvoiceState): void {
  const owing = items.byOutstanding.get(state.invoice.currency.toUpperCase())?.get(Number(state.outstanding));
  const at = owing ? owing.indexOf(state) : -1;
  if (owing && at >= 0) owing.splice(at, 1);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (set) set.add(value);
  else map.set(key, new Set([value]));
}

/**
 * Which invoice(s) a bank statement entry pays: plain functions over the statement and a MatchContext, no I/O.
 *
 * The rules, in order; every match says in words what it was found by and whether the amount agreed:
 *  - not a payment: an entry not booked, a zero amount, a debit that reverses nothing;
 *  - a reversal (marked by the bank, or a debit returning an earlier credit by its end-to-end id, bank reference,
 *    or by words, payer and amount): negative allocations against what that payment went to;
 *  - a payment provider's order named on the entry (an ePay settlement line): that order's invoice;
 *  - references: an RF creditor reference equal to an invoice's payment reference, an invoice number in the
 *    structured reference or the remittance text; several named → split in the order named; less than owed →
 *    a partial payment; more → the invoice is paid and the rest is the customer's credit;
 *  - payer and amount: the payer's IBAN has paid for this customer before and exactly one open invoice of theirs
 *    owes exactly the amount.
 * Anything else goes to review with the evidence and the candidates. A wrong match is worse than a review: every
 * doubt (a cancelled or paid invoice named, two candidates, an amount that fits a one-digit-off number better, a
 * payer who pays for another customer, a currency with no fixed rate) is a review.
 */
import { parse as referencePart } from 'node-iso11649';
import { fromCents, isAmount, toCents } from '../money';
import { convert } from './currency';
import type {
  Allocation,
  BankStatement,
  EntryDecision,
  MatchContext,
  ProviderOrder,
  StatementEntry,
} from './model';
import { entryKey } from './model';
import {
  applyToInvoice,
  customersOf,
  hasEndToEndId,
  isOpen,
  learnPayer,
  markReversed,
  openItems,
  openOwing,
  payerAndAmountKey,
  recordPayment,
  type InvoiceState,
  type OpenItems,
  type RecordedEntry,
} from './open-items';
import {
  compactIban,
  isNumericInvoiceNumber,
  isOneSlipApart,
  joinLines,
  numberKey,
  readText,
  wordFinder,
  type NumberMention,
  type TextReading,
} from './references';

/**
 * Decides one entry against the context as given. The entry alone is decided on; its statement is what gives it its
 * key, which only matters once the decision is applied (see `decideStatement`).
 */
export function decideEntry(
  _statement: BankStatement,
  entry: StatementEntry,
  context: MatchContext,
): EntryDecision {
  return decide(openItems(context), entry).decision;
}

/**
 * Decides every entry of the statement in order, each against the context as the entries before it left it: what
 * they paid is no longer owed, what they reversed is owed again, the payer IBANs their references proved are known.
 * Returns one decision per entry, in the statement's order. The caller's context is not changed.
 */
export function decideStatement(statement: BankStatement, context: MatchContext): EntryDecision[] {
  const items = openItems(context);
  return statement.entries.map((entry) => {
    const outcome = decide(items, entry);
    applyOutcome(items, statement, entry, outcome);
    return outcome.decision;
  });
}

// ---------------------------------------------------------------------------------------------------------------

interface Outcome {
  decision: EntryDecision;
  /** The recorded entries a reversal undoes. */
  reverses?: string[];
  /** A payer IBAN the entry proved pays for this customer. */
  payer?: { iban: string; customerKey: string };
}

type Candidate = Extract<EntryDecision, { kind: 'review' }>['candidates'][number];

/** One text of the entry with what it says. */
interface Source {
  /** Where, in words: `the remittance text "ПЛАЩАНЕ ПО Ф-РА 1234"`. */
  where: string;
  reading: TextReading;
}

const REVERSAL_WORDS = wordFinder([
  'сторно',
  'сторниране',
  'сторниран',
  'сторнирана',
  'връщане',
  'върнат',
  'върната',
  'storno',
  'reversal',
  'reversed',
  'return',
  'returned',
]);
/** ISO 20022 bank transaction sub-families of a returned or cancelled credit transfer. */
const REVERSAL_CODES = /(?:^|[^A-Z])(?:RRTN|RPCR|ARET)(?:[^A-Z]|$)/;
const QUOTE_LIMIT = 160;

function decide(items: OpenItems, entry: StatementEntry): Outcome {
  const status = entry.status.trim().toUpperCase();
  if (status !== 'BOOK') {
    return notAPayment(
      `the entry is ${status || 'without a status'}, not booked: only booked entries are payments`,
    );
  }
  if (!isAmount(entry.amount) || toCents(entry.amount) < 0n) {
    return review(`the amount "${entry.amount}" is not an amount this matcher can read`, []);
  }
  const cents = toCents(entry.amount);
  if (cents === 0n) return notAPayment(`the amount is zero (${money(0n, entry.currency)})`);
  if (entry.direction === 'debit' || entry.reversal) return decideDebitOrReversal(items, entry, cents);
  const sources = readEntry(entry);
  const findings = namedInvoices(items, sources);
  return (
    decideByProviderOrder(items, entry, cents, sources, findings) ??
    decideByReference(items, entry, cents, sources, findings) ??
    decideByPayerAndAmount(items, entry, cents, sources, findings)
  );
}

function readEntry(entry: StatementEntry): Source[] {
  const sources: Source[] = [];
  const add = (field: string, text: string | undefined, referenceField = false) => {
    const trimmed = text?.trim();
    if (!trimmed) return;
    sources.push({ where: `${field} "${quoted(trimmed)}"`, reading: readText(trimmed, { referenceField }) });
  };
  add('the structured reference', entry.structuredReference, true);
  add('the remittance text', joinLines(entry.remittance));
  add("the bank's additional information", entry.additionalInfo);
  return sources;
}

// --- Rule: not a payment, and reversals ---------------------------------------------------------------------------

function decideDebitOrReversal(items: OpenItems, entry: StatementEntry, cents: bigint): Outcome {
  const amount = money(cents, entry.currency);
  if (entry.direction === 'credit') {
    return notAPayment(
      `a credit of ${amount} that the bank marks as reversing an earlier debit: no invoice is paid by it`,
    );
  }
  const said = [entry.remittance.join(' '), entry.additionalInfo ?? '']
    .map((text) => REVERSAL_WORDS(text))
    .find(Boolean);
  const coded = entry.transactionCode && REVERSAL_CODES.test(entry.transactionCode.toUpperCase());
  const claims = [
    entry.reversal ? 'the bank marks the entry as a reversal' : undefined,
    said ? `the text says "${said}"` : undefined,
    coded ? `the transaction code ${entry.transactionCode} is a return` : undefined,
  ].filter((claim): claim is string => !!claim);

  const found = new Map<string, string>();
  const note = (keys: Set<string> | undefined, why: string) => {
    for (const key of keys ?? []) if (!found.has(key)) found.set(key, why);
  };
  if (hasEndToEndId(entry.endToEndId)) {
    note(
      items.recorded.byEndToEndId.get(entry.endToEndId.trim()),
      `its end-to-end id ${entry.endToEndId.trim()}`,
    );
  }
  if (entry.bankReference?.trim()) {
    note(
      items.recorded.byBankReference.get(entry.bankReference.trim()),
      `its bank reference ${entry.bankReference.trim()}`,
    );
  }
  const iban = entry.counterparty?.iban ? compactIban(entry.counterparty.iban) : undefined;
  if (found.size === 0 && claims.length > 0 && iban) {
    for (const currency of ['EUR', 'BGN', entry.currency]) {
      const converted = convert(cents, entry.currency, currency);
      if (!converted) continue;
      note(
        items.recorded.byPayerAndAmount.get(payerAndAmountKey(iban, currency, converted.cents)),
        `the account ${iban} and the amount ${money(converted.cents, currency)}`,
      );
    }
  }

  const debit = `a debit of ${amount}${entry.counterparty?.name ? ` to ${entry.counterparty.name}` : ''}${describeText(entry)}`;
  if (found.size === 0) {
    if (claims.length === 0)
      return notAPayment(`${debit}: money going out that reverses no recorded payment`);
    return review(
      `${debit}: ${claims.join(', ')}, but no recorded payment matches it (nothing to reverse)`,
      [],
    );
  }
  const recorded = [...found.keys()].map((key) => items.recorded.byEntry.get(key)).filter(isDefined);
  const live = recorded.filter((entryPaid) => !entryPaid.reversed);
  const candidates = recorded.flatMap((entryPaid) =>
    paymentCandidates(items, entryPaid, found.get(entryPaid.entryKey)),
  );
  if (live.length === 0) {
    return review(`${debit}: it names a payment that an earlier entry already reversed`, candidates);
  }
  if (live.length > 1) {
    return review(
      `${debit}: it could reverse ${live.length} recorded payments; which one is for a person to say`,
      candidates,
    );
  }
  const [reversed] = live;
  const why = found.get(reversed.entryKey) ?? '';
  const converted = convert(cents, entry.currency, reversed.currency);
  if (!converted) {
    return review(`${debit}: foreign currency ${entry.currency}: no rate the hub may apply`, candidates);
  }
  if (converted.cents !== reversed.total) {
    return review(
      `${debit}: it names the payment of ${money(reversed.total, reversed.currency)} (by ${why}), ` +
        `but ${money(converted.cents, reversed.currency)} is not that amount`,
      candidates,
    );
  }
  const allocations: Allocation[] = [];
  for (const payment of reversed.payments) {
    const state = items.byId.get(payment.invoiceId);
    if (!state) {
      return review(
        `${debit}: it reverses a payment to invoice id ${payment.invoiceId}, which is not among the issuer's invoices`,
        candidates,
      );
    }
    allocations.push({
      invoiceId: payment.invoiceId,
      number: state.invoice.number,
      amount: fromCents(-toCents(payment.amount)),
      reason:
        `reverses the payment of ${money(toCents(payment.amount), payment.currency)} to invoice ${state.invoice.number} ` +
        `booked ${payment.bookingDate} (found by ${why}); the invoice owes it again`,
    });
  }
  const reason =
    `${debit} returns the earlier payment booked ${reversed.payments[0].bookingDate} (found by ${why}` +
    `${claims.length ? `; ${claims.join(', ')}` : ''}): ${allocations.map((a) => `${a.number} ${a.amount}`).join(', ')}`;
  return {
    decision: {
      kind: 'matched',
      rule: 'reversal',
      allocations,
      conversion: converted.text,
      reason,
    },
    reverses: [reversed.entryKey],
  };
}

function paymentCandidates(items: OpenItems, recorded: RecordedEntry, why: string | undefined): Candidate[] {
  return recorded.payments.map((payment) => {
    const state = items.byId.get(payment.invoiceId);
    return {
      invoiceId: payment.invoiceId,
      number: state?.invoice.number ?? '',
      outstanding: state ? fromCents(state.outstanding) : '',
      evidence:
        `payment of ${money(toCents(payment.amount), payment.currency)} booked ${payment.bookingDate}` +
        `${recorded.reversed ? ', already reversed' : ''}${why ? `, found by ${why}` : ''}`,
    };
  });
}

// --- Rule: a payment provider's order ------------------------------------------------------------------------------

function decideByProviderOrder(
  items: OpenItems,
  entry: StatementEntry,
  cents: bigint,
  sources: Source[],
  findings: Findings,
): Outcome | undefined {
  const orders: { order: ProviderOrder; where: string }[] = [];
  for (const source of sources) {
    for (const token of [...source.reading.tokens].sort((a, b) => a.at - b.at)) {
      for (const order of items.ordersById.get(token.compact) ?? []) {
        if (!orders.some((o) => o.order === order)) orders.push({ order, where: source.where });
      }
    }
  }
  if (orders.length === 0) return undefined;
  const described = orders.map(
    ({ order, where }) => `${order.provider} order ${order.orderId} found in ${where}`,
  );
  const candidates: Candidate[] = orders.map(({ order }) => {
    const state = items.byId.get(order.invoiceId);
    return {
      invoiceId: order.invoiceId,
      number: state?.invoice.number ?? '',
      outstanding: state ? fromCents(state.outstanding) : '',
      evidence: `${order.provider} order ${order.orderId} of ${money(toCents(order.amount), order.currency)}`,
    };
  });
  const ids = new Set(orders.map(({ order }) => order.orderId));
  if (ids.size < orders.length) {
    return review(`${described.join('; ')}: more than one provider has an order with that id`, candidates);
  }
  const orderInvoices = new Set(orders.map(({ order }) => order.invoiceId));
  const others = findings.named.filter((named) => !orderInvoices.has(named.state.invoice.invoiceId));
  if (others.length > 0) {
    return review(
      `${described.join('; ')}, but the entry also names invoice ${others.map((o) => o.state.invoice.number).join(', ')}`,
      [...candidates, ...others.map((o) => candidateOf(o.state, o.evidence))],
    );
  }
  const currency = orders[0].order.currency;
  if (orders.some(({ order }) => order.currency !== currency)) {
    return review(`${described.join('; ')}: the orders are in different currencies`, candidates);
  }
  const converted = convert(cents, entry.currency, currency);
  if (!converted)
    return review(
      `foreign currency ${entry.currency}: no rate the hub may apply (${described.join('; ')})`,
      candidates,
    );
  const ordered = orders.reduce((sum, { order }) => sum + toCents(order.amount), 0n);
  if (converted.cents !== ordered) {
    return review(
      `${described.join('; ')}: the entry brings ${money(converted.cents, currency)} but the order${orders.length > 1 ? 's were' : ' was'} ` +
        `for ${money(ordered, currency)} (a provider's fee, or another order?)`,
      candidates,
    );
  }
  const allocations: Allocation[] = [];
  const settledBefore: string[] = [];
  for (const { order, where } of orders) {
    const state = items.byId.get(order.invoiceId);
    const orderCents = toCents(order.amount);
    if (!state) {
      return review(
        `${order.provider} order ${order.orderId} is for invoice id ${order.invoiceId}, which is not among the issuer's invoices`,
        candidates,
      );
    }
    if (state.closed)
      return review(
        `${order.provider} order ${order.orderId} is for invoice ${state.invoice.number}, which is ${state.closed}`,
        candidates,
      );
    if (order.recorded) {
      settledBefore.push(
        `${order.provider} order ${order.orderId} for invoice ${state.invoice.number} was recorded from the provider's notification`,
      );
      continue;
    }
    if (state.settled || state.outstanding < orderCents) {
      return review(
        `${order.provider} order ${order.orderId} is for invoice ${state.invoice.number}, which owes ${money(state.outstanding, state.invoice.currency)} ` +
          `(already paid?), not the order's ${money(orderCents, currency)}`,
        candidates,
      );
    }
    allocations.push({
      invoiceId: state.invoice.invoiceId,
      number: state.invoice.number,
      amount: fromCents(orderCents),
      reason:
        `${order.provider} order ${order.orderId} found in ${where}; ${money(orderCents, currency)}, ` +
        `${orderCents === state.outstanding ? 'exactly what the invoice owes' : `of the ${money(state.outstanding, state.invoice.currency)} it owes`}`,
    });
  }
  const settlement = `the provider's settlement of ${money(converted.cents, currency)} names ${described.join('; ')}, and it is what the order${orders.length > 1 ? 's were' : ' was'} for`;
  return {
    decision: {
      kind: 'matched',
      rule: 'provider-order',
      allocations,
      conversion: converted.text,
      reason: settledBefore.length
        ? `${settlement}; ${settledBefore.join('; ')}: the settlement pays nothing again`
        : settlement,
    },
  };
}

// --- Rule: references --------------------------------------------------------------------------------------------

interface Named {
  state: InvoiceState;
  /** `invoice number 0000001234 found in the remittance text "…"`. */
  evidence: string;
  /** The number as the payer wrote it, when it was found by number (not by an RF reference). */
  mention?: NumberMention;
}

interface Findings {
  named: Named[];
  ambiguous: { evidence: string; states: InvoiceState[] }[];
  /** Things that look like references and name no invoice: said in the review. */
  unresolved: string[];
  ranges: string[];
}

function namedInvoices(items: OpenItems, sources: Source[]): Findings {
  const findings: Findings = { named: [], ambiguous: [], unresolved: [], ranges: [] };
  for (const source of sources) {
    const found: { at: number; named?: Named; ambiguous?: Findings['ambiguous'][number] }[] = [];
    const take = (at: number, states: InvoiceState[], evidence: string, mention?: NumberMention) => {
      if (states.length === 1) found.push({ at, named: { state: states[0], evidence, mention } });
      else if (states.length > 1) found.push({ at, ambiguous: { evidence, states } });
    };
    const { reading, where } = source;
    for (const rf of reading.rf) {
      if (!rf.valid) {
        findings.unresolved.push(
          `"${rf.quote}" in ${where} looks like an RF creditor reference but fails its check digits`,
        );
        continue;
      }
      const hit = [rf.reference, ...rf.alternatives]
        .map((reference) => referencedInvoices(items, reference, where))
        .find((found) => found.states.length > 0);
      if (hit) take(rf.at, hit.states, hit.evidence);
      else
        findings.unresolved.push(
          `creditor reference ${rf.reference} in ${where} is no invoice's payment reference`,
        );
    }
    // Tokens first: the digits inside a lettered number or reference that was found ("INV-2026-0042") are its own.
    const tokenSpans: [number, number][] = [];
    for (const token of reading.tokens) {
      const hits = items.byToken.get(token.compact) ?? [];
      if (hits.length === 0 || reading.rf.some((rf) => rf.valid && rf.reference === token.compact)) continue;
      tokenSpans.push([token.at, token.at + token.quote.length]);
      const what = hits.every((hit) => hit.what === 'number') ? 'invoice number' : 'payment reference';
      take(
        token.at,
        hits.map((hit) => hit.state),
        `${what} "${token.quote}" of invoice ${hits.map((h) => h.state.invoice.number).join(', ')} found in ${where}`,
      );
    }
    for (const mention of reading.numbers) {
      if (tokenSpans.some(([start, end]) => mention.at >= start && mention.at < end)) continue;
      let states = items.byNumberKey.get(mention.key) ?? [];
      if (mention.kind === 'full width')
        states = states.filter((state) => state.invoice.number.trim() === mention.digits);
      if (states.length === 0) {
        if (mention.kind !== 'full width') {
          findings.unresolved.push(
            `the number ${mention.digits} ("${mention.quote}") in ${where} is no invoice's number`,
          );
        }
        continue;
      }
      if (mention.range) findings.ranges.push(`"${mention.quote}…" in ${where} names a range of invoices`);
      const numbers = states.map((s) => s.invoice.number).join(', ');
      const read = mention.quote.trim() === mention.digits ? '' : ` (read from "${mention.quote.trim()}")`;
      take(mention.at, states, `invoice number ${numbers} found in ${where}${read}`, mention);
    }
    found.sort((a, b) => a.at - b.at);
    for (const item of found) {
      if (item.ambiguous) findings.ambiguous.push(item.ambiguous);
      else if (item.named && !findings.named.some((n) => n.state === item.named?.state))
        findings.named.push(item.named);
    }
  }
  return findings;
}

/** The invoices an RF reference names: by the invoice's payment reference, else by an invoice number it carries. */
function referencedInvoices(
  items: OpenItems,
  reference: string,
  where: string,
): { states: InvoiceState[]; evidence: string } {
  const byReference = (items.byToken.get(reference) ?? []).map((hit) => hit.state);
  if (byReference.length > 0) {
    const numbers = byReference.map((s) => s.invoice.number).join(', ');
    return {
      states: byReference,
      evidence: `creditor reference ${reference} in ${where} is the payment reference of invoice ${numbers}`,
    };
  }
  const part = referencePart(reference) ?? '';
  const byNumber = /^\d+$/.test(part)
    ? (items.byNumberKey.get(numberKey(part)) ?? []).filter((state) => !state.invoice.paymentReference)
    : [];
  const numbers = byNumber.map((s) => s.invoice.number).join(', ');
  return {
    states: byNumber,
    evidence: `creditor reference ${reference} in ${where} carries invoice number ${numbers}`,
  };
}

function decideByReference(
  items: OpenItems,
  entry: StatementEntry,
  cents: bigint,
  sources: Source[],
  findings: Findings,
): Outcome | undefined {
  const { named } = findings;
  const namedCandidates = named.map((n) => candidateOf(n.state, n.evidence));
  if (findings.ambiguous.length > 0) {
    const [first] = findings.ambiguous;
    return review(`${first.evidence}: more than one invoice has that number`, [
      ...namedCandidates,
      ...findings.ambiguous.flatMap((a) => a.states.map((s) => candidateOf(s, a.evidence))),
    ]);
  }
  if (named.length === 0) return undefined;
  if (findings.unresolved.length > 0) {
    return review(
      `${named.map((n) => n.evidence).join('; ')}; but also ${findings.unresolved.join('; ')}: which invoices are paid is for a person to say`,
      namedCandidates,
    );
  }
  if (findings.ranges.length > 0) {
    return review(
      `${findings.ranges[0]}: which invoices of the range are paid is for a person to say`,
      namedCandidates,
    );
  }
  const closed = named.find((n) => n.state.closed);
  if (closed) {
    return review(
      `${closed.evidence}, but invoice ${closed.state.invoice.number} is ${closed.state.closed}: a payment naming it is never matched automatically`,
      namedCandidates,
    );
  }
  const settled = named.find((n) => n.state.settled);
  if (settled) {
    return review(
      `${settled.evidence}, but invoice ${settled.state.invoice.number} is already paid (nothing outstanding): paid twice, or meant for another invoice?`,
      namedCandidates,
    );
  }
  const customers = new Set(named.map((n) => n.state.invoice.customerKey));
  if (customers.size > 1) {
    return review(
      `the entry names invoices of ${customers.size} different customers (${named.map((n) => `${n.state.invoice.number}: ${customerOf(n.state)}`).join(', ')})`,
      namedCandidates,
    );
  }
  const customerKey = named[0].state.invoice.customerKey;
  const iban = entry.counterparty?.iban ? compactIban(entry.counterparty.iban) : undefined;
  const payerCustomers = customersOf(items, iban);
  if (iban && payerCustomers.size > 0 && !payerCustomers.has(customerKey)) {
    return review(
      `${named.map((n) => n.evidence).join('; ')}; but that is an invoice of ${customerOf(named[0].state)}, and the payer's account ${iban} ` +
        `has paid for ${[...payerCustomers].map((key) => customerName(items, key)).join(', ')} before, never for this customer`,
      namedCandidates,
    );
  }
  const currency = named[0].state.invoice.currency;
  if (named.some((n) => n.state.invoice.currency !== currency)) {
    return review(
      `the entry names invoices in different currencies: ${named.map((n) => `${n.state.invoice.number} ${n.state.invoice.currency}`).join(', ')}`,
      namedCandidates,
    );
  }
  const converted = convert(cents, entry.currency, currency);
  if (!converted) {
    return review(
      `foreign currency ${entry.currency}: no rate the hub may apply (${named.map((n) => n.evidence).join('; ')})`,
      namedCandidates,
    );
  }
  const paid = converted.cents;

  const doubt = amountDoubt(items, named, paid, sources);
  if (doubt) {
    return review(`${named.map((n) => n.evidence).join('; ')}; but ${doubt.why}`, [
      ...namedCandidates,
      ...doubt.candidates,
    ]);
  }

  const allocations: Allocation[] = [];
  let left = paid;
  const shares: string[] = [];
  for (const { state, evidence } of named) {
    const share = left < state.outstanding ? left : state.outstanding;
    const owed = money(state.outstanding, currency);
    if (share <= 0n) {
      shares.push(`${state.invoice.number} nothing (the money ran out)`);
      continue;
    }
    left -= share;
    const said =
      share === state.outstanding
        ? named.length === 1 && left === 0n
          ? `${money(share, currency)} paid, exactly what it owes`
          : `${money(share, currency)} paid, all it owes`
        : `${money(share, currency)} paid of the ${owed} it owes: a partial payment, ${money(state.outstanding - share, currency)} stays open`;
    allocations.push({
      invoiceId: state.invoice.invoiceId,
      number: state.invoice.number,
      amount: fromCents(share),
      reason: `${evidence}; ${said}`,
    });
    shares.push(
      `${state.invoice.number} ${fromCents(share)}${share < state.outstanding ? ` of ${fromCents(state.outstanding)}` : ''}`,
    );
  }
  const credit = left > 0n ? { customerKey, amount: fromCents(left), currency } : undefined;
  const overpaid = credit
    ? `${money(paid, currency)} is ${money(left, currency)} more than the named invoice${named.length > 1 ? 's owe' : ' owes'}: ` +
      `${named.length > 1 ? 'they are' : 'it is'} paid and ${money(left, currency)} is credit for ${customerOf(named[0].state)}`
    : undefined;
  const reason =
    named.length === 1
      ? [allocations[0].reason, overpaid].filter(Boolean).join('; ')
      : `one transfer of ${money(paid, currency)} naming ${named.length} invoices, applied in the order named ` +
        `(${shares.join(', ')})${overpaid ? `; ${overpaid}` : ''}: ${named.map((n) => n.evidence).join('; ')}`;
  return {
    decision: { kind: 'matched', rule: 'reference', allocations, credit, conversion: converted.text, reason },
    payer: iban ? { iban, customerKey } : undefined,
  };
}

/**
 * Why an amount that differs from what the named invoices owe may mean the payer meant other invoices, or more:
 *  - one invoice named, and the amount is exactly what another open invoice owes whose number is one slip of the
 *    keyboard away from the number written, or another open invoice of the same customer;
 *  - more paid than named, and the rest is exactly what another open invoice of the same customer owes;
 *  - the text holds a number (not read as an invoice's: no invoice word, cut by the bank) that is the number of
 *    another open invoice of the same customer.
 */
function amountDoubt(
  items: OpenItems,
  named: Named[],
  paid: bigint,
  sources: Source[],
): { why: string; candidates: Candidate[] } | undefined {
  const owed = named.reduce((sum, n) => sum + n.state.outstanding, 0n);
  if (paid === owed) return undefined;
  const [first] = named;
  const { currency, customerKey } = first.state.invoice;
  const isNamed = (state: InvoiceState) => named.some((n) => n.state === state);
  const others = (states: InvoiceState[]) => states.filter((state) => !isNamed(state) && isOpen(state));
  const amount = money(paid, currency);
  const owedText = `the ${money(owed, currency)} ${named.length > 1 ? 'they owe' : 'it owes'}`;
  const numbersOf = (states: InvoiceState[]) => states.map((s) => s.invoice.number).join(', ');

  if (named.length === 1 && first.mention) {
    const written = first.mention;
    const slips = others(openOwing(items, currency, paid)).filter(
      (other) =>
        isNumericInvoiceNumber(other.invoice.number) &&
        isOneSlipApart(numberKey(other.invoice.number), written.key),
    );
    if (slips.length > 0) {
      return {
        why: `the ${amount} paid is not ${owedText}, and exactly what invoice ${numbersOf(slips)} owes, whose number is one digit away from the ${written.digits} written`,
        candidates: slips.map((s) =>
          candidateOf(s, `owes exactly ${amount}; its number is one digit away from ${written.digits}`),
        ),
      };
    }
  }
  const sameCustomer = (states: InvoiceState[]) =>
    others(states).filter((s) => s.invoice.customerKey === customerKey);
  if (named.length === 1) {
    const owing = sameCustomer(openOwing(items, currency, paid));
    if (owing.length > 0) {
      return {
        why: `the ${amount} paid is not ${owedText}, and exactly what invoice ${numbersOf(owing)} of the same customer owes`,
        candidates: owing.map((s) =>
          candidateOf(s, `an open invoice of the same customer owing exactly ${amount}`),
        ),
      };
    }
  }
  if (paid > owed) {
    const rest = paid - owed;
    const owing = sameCustomer(openOwing(items, currency, rest));
    if (owing.length > 0) {
      return {
        why: `the ${money(rest, currency)} paid beyond ${owedText} is exactly what invoice ${numbersOf(owing)} of the same customer owes`,
        candidates: owing.map((s) =>
          candidateOf(s, `an open invoice of the same customer owing exactly ${money(rest, currency)}`),
        ),
      };
    }
  }
  for (const source of sources) {
    for (const loose of source.reading.loose) {
      const hinted = sameCustomer(items.byNumberKey.get(loose.key) ?? []);
      if (hinted.length > 0) {
        return {
          why: `the ${amount} paid is not ${owedText}, and "${loose.quote}" in ${source.where} is the number of invoice ${numbersOf(hinted)} of the same customer`,
          candidates: hinted.map((s) =>
            candidateOf(s, `its number ${loose.digits} is in the text without an invoice word`),
          ),
        };
      }
    }
  }
  return undefined;
}

// --- Rule: payer and amount --------------------------------------------------------------------------------------

function decideByPayerAndAmount(
  items: OpenItems,
  entry: StatementEntry,
  cents: bigint,
  sources: Source[],
  findings: Findings,
): Outcome {
  const amount = money(cents, entry.currency);
  // Something that looks like a reference and names no invoice argues against matching by amount; a number set
  // aside (a contract's, a phone) is only said.
  const noted = findings.unresolved;
  const setAside = sources.flatMap((s) => s.reading.setAside.map((aside) => `${aside} in ${s.where}`));
  const iban = entry.counterparty?.iban ? compactIban(entry.counterparty.iban) : undefined;
  const payer = iban ? `the payer's account ${iban}` : 'no payer account';
  const customers = customersOf(items, iban);
  const currencies = ['EUR', 'BGN', entry.currency].filter((c, i, all) => all.indexOf(c) === i);
  const conversions = currencies
    .map((currency) => ({ currency, converted: convert(cents, entry.currency, currency) }))
    .filter((c) => c.converted !== undefined);
  if (!conversions.some(({ currency }) => items.currencies.has(currency.toUpperCase()))) {
    return review(
      `foreign currency ${entry.currency}: no rate the hub may apply (${amount} from ${payer}${describeText(entry)})`,
      [],
    );
  }
  const owing = conversions.flatMap(({ currency, converted }) =>
    openOwing(items, currency, converted?.cents ?? 0n).map((state) => ({
      state,
      conversion: converted?.text,
    })),
  );
  const evidence = [...noted, ...setAside].map((said) => `; ${said}`).join('');

  if (customers.size === 0) {
    const why = iban ? `${payer} has not paid this issuer before` : 'the entry names no payer account';
    return review(
      `no invoice number or reference found in the entry${describeText(entry)}, and ${why}${evidence}`,
      owing
        .slice(0, 10)
        .map(({ state }) => candidateOf(state, `an open invoice owing exactly ${amountOf(state)}`)),
    );
  }
  const payerNames = [...customers].map((key) => customerName(items, key)).join(', ');
  const theirs = owing.filter(({ state }) => customers.has(state.invoice.customerKey));
  if (noted.length > 0) {
    return review(
      `the entry names something that is no open invoice${evidence}; ${payer} pays for ${payerNames}`,
      theirs.map(({ state }) =>
        candidateOf(state, `an open invoice of the payer owing exactly ${amountOf(state)}`),
      ),
    );
  }
  if (theirs.length === 1) {
    const [{ state, conversion }] = theirs;
    const reason =
      `no invoice number or reference in the entry${describeText(entry)}; ${payer} has paid for ${customerOf(state)} before, ` +
      `and invoice ${state.invoice.number} is that payer's only open invoice owing exactly ${amountOf(state)}`;
    return {
      decision: {
        kind: 'matched',
        rule: 'payer-and-amount',
        allocations: [
          {
            invoiceId: state.invoice.invoiceId,
            number: state.invoice.number,
            amount: fromCents(state.outstanding),
            reason,
          },
        ],
        conversion,
        reason,
      },
    };
  }
  if (theirs.length > 1) {
    return review(
      `${theirs.length} open invoices of ${amountOf(theirs[0].state)} from this payer (${payerNames}): ` +
        `${theirs.map(({ state }) => state.invoice.number).join(', ')}; the amount alone cannot say which`,
      theirs.map(({ state }) =>
        candidateOf(state, `an open invoice of the payer owing exactly ${amountOf(state)}`),
      ),
    );
  }
  const open = [...customers].flatMap((key) => (items.byCustomer.get(key) ?? []).filter(isOpen));
  const total = open.reduce((sum, state) => sum + state.outstanding, 0n);
  const all =
    open.length > 1 &&
    conversions.some(
      ({ currency, converted }) =>
        converted?.cents === total && open.every((s) => s.invoice.currency === currency),
    )
      ? `; the amount equals the total of the payer's ${open.length} open invoices`
      : '';
  return review(
    `no invoice number or reference in the entry${describeText(entry)}, and none of the ${open.length} open invoices of ${payerNames} ` +
      `(paying from ${iban}) owes exactly ${amount}${all}`,
    open
      .slice(0, 10)
      .map((state) => candidateOf(state, `an open invoice of the payer owing ${amountOf(state)}`)),
  );
}

// --- Applying a decision to the working copy -----------------------------------------------------------------------

function applyOutcome(
  items: OpenItems,
  statement: BankStatement,
  entry: StatementEntry,
  outcome: Outcome,
): void {
  const { decision } = outcome;
  if (decision.kind !== 'matched') return;
  const key = entryKey(statement, entry);
  for (const allocation of decision.allocations) {
    const state = items.byId.get(allocation.invoiceId);
    if (!state) continue;
    applyToInvoice(items, state, toCents(allocation.amount));
    if (decision.rule !== 'reversal') {
      recordPayment(items, {
        entryKey: key,
        invoiceId: allocation.invoiceId,
        amount: allocation.amount,
        currency: state.invoice.currency,
        bankReference: entry.bankReference,
        endToEndId: entry.endToEndId,
        counterpartyIban: entry.counterparty?.iban ? compactIban(entry.counterparty.iban) : undefined,
        bookingDate: entry.bookingDate,
      });
    }
  }
  for (const reversed of outcome.reverses ?? []) markReversed(items, reversed);
  if (outcome.payer) learnPayer(items, outcome.payer.iban, outcome.payer.customerKey);
}

// --- Words -------------------------------------------------------------------------------------------------------

function notAPayment(reason: string): Outcome {
  return { decision: { kind: 'not-a-payment', reason } };
}

function review(reason: string, candidates: Candidate[]): Outcome {
  const seen = new Set<string>();
  const unique = candidates.filter((c) => !seen.has(c.invoiceId) && seen.add(c.invoiceId));
  return { decision: { kind: 'review', reason, candidates: unique } };
}

function candidateOf(state: InvoiceState, evidence: string): Candidate {
  return {
    invoiceId: state.invoice.invoiceId,
    number: state.invoice.number,
    outstanding: fromCents(state.outstanding),
    evidence,
  };
}

function money(cents: bigint, currency: string): string {
  return `${fromCents(cents)} ${currency}`;
}

function amountOf(state: InvoiceState): string {
  return money(state.outstanding, state.invoice.currency);
}

function customerOf(state: InvoiceState): string {
  return state.invoice.customerName
    ? `${state.invoice.customerName} (${state.invoice.customerKey})`
    : state.invoice.customerKey;
}

function customerName(items: OpenItems, customerKey: string): string {
  const state = items.byCustomer.get(customerKey)?.[0];
  return state ? customerOf(state) : customerKey;
}

function quoted(text: string): string {
  return text.length > QUOTE_LIMIT ? `${text.slice(0, QUOTE_LIMIT - 1)}…` : text;
}

function describeText(entry: StatementEntry): string {
  const text = joinLines(entry.remittance) || entry.structuredReference || '';
  return text ? ` ("${quoted(text)}")` : '';
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

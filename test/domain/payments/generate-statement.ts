/**
 * A realistic bank statement for one issuer, generated from a seed, with the truth about every entry: which
 * invoice(s) it pays and how much, or that it must go to review, or that it is no payment at all. The same seed
 * gives the same statement on every machine, so a test, the CI and a benchmark see the same entries.
 *
 *   const { context, statement, truth } = generateStatement({ seed: 7, invoices: 3000, entries: 600 });
 *   const xml = toCamt053(statement);
 *
 * The invoices are Bulgarian 10-digit numbers of several customers, some with RF creditor references, some paid
 * (with the payment an earlier statement recorded), some partly paid, cancelled or rejected. The entries are what
 * a bank account sees: RF references structured or in the text, invoice numbers in Bulgarian free text with the
 * payers' ways of writing them (prefixes, spacing, Latin look-alike letters, leading zeros dropped, lines cut by the
 * bank), partial payments, overpayments, one transfer for several invoices, instalments, payments by payer and
 * amount only, two invoices of the same amount, ePay settlements, reversals, BGN at the fixed rate, US dollars,
 * fees and other debits, pending entries, and traps: an invoice's digits inside an IBAN, a date or an amount, and
 * a digit mistyped.
 *
 * Stories never share an invoice, and what an entry must become does not depend on how the matcher decided an
 * earlier one, so the truth holds whatever order the matcher decides in and whatever it sends to review.
 */
import { composeIBAN, friendlyFormatIBAN } from 'ibantools';
import { generate as generateRfReference } from 'node-iso11649';
import { fromCents, toCents } from '../../../domain/money';
import type {
  BankStatement,
  Counterparty,
  MatchContext,
  OpenInvoice,
  ProviderOrder,
  RecordedPayment,
  StatementEntry,
} from '../../../domain/payments/model';

export interface GenerateOptions {
  seed: number;
  /** How many invoices the issuer has (open, paid, cancelled …). */
  invoices: number;
  /** How many statement entries to make. */
  entries: number;
  /** Entries in BGN and USD besides EUR (default true). Without them every booked entry is in the account's currency and the balances add up. */
  foreignCurrencies?: boolean;
}

export type Story =
  | 'rf-structured'
  | 'rf-in-text'
  | 'number-alone'
  | 'number-in-text'
  | 'partial'
  | 'overpaid'
  | 'split'
  | 'instalment'
  | 'payer-and-amount'
  | 'same-amount-twice'
  | 'provider-order'
  | 'provider-order-recorded'
  | 'reversal-by-end-to-end-id'
  | 'reversal-by-bank-reference'
  | 'reversal-by-words'
  | 'reversal-of-nothing'
  | 'bgn'
  | 'usd'
  | 'fee-or-debit'
  | 'pending'
  | 'zero'
  | 'closed-invoice'
  | 'already-paid'
  | 'unknown-payer'
  | 'digits-in-iban'
  | 'digits-in-date-or-amount'
  | 'digit-mistyped';

/** What an entry must become. A `match` may also go to review (the matcher may doubt); it must never match otherwise. */
export type EntryTruth =
  | {
      expect: 'match';
      story: Story;
      /** Per invoice, in the invoices' currency; negative for a reversal. */
      allocations: { invoiceId: string; amount: string }[];
      credit?: { customerKey: string; amount: string };
    }
  | { expect: 'review'; story: Story }
  | { expect: 'not-a-payment'; story: Story };

export interface GeneratedStatement {
  invoices: OpenInvoice[];
  context: MatchContext;
  statement: BankStatement;
  /** `truth[i]` is about `statement.entries[i]`. */
  truth: EntryTruth[];
}

const STORY_WEIGHTS: [Story, number][] = [
  ['rf-structured', 9],
  ['rf-in-text', 5],
  ['number-alone', 7],
  ['number-in-text', 18],
  ['partial', 5],
  ['overpaid', 4],
  ['split', 5],
  ['instalment', 3],
  ['payer-and-amount', 8],
  ['same-amount-twice', 3],
  ['provider-order', 3],
  ['provider-order-recorded', 1],
  ['reversal-by-end-to-end-id', 2.5],
  ['reversal-by-bank-reference', 1],
  ['reversal-by-words', 1.5],
  ['reversal-of-nothing', 1],
  ['bgn', 4],
  ['usd', 1.5],
  ['fee-or-debit', 4],
  ['pending', 1.5],
  ['zero', 0.5],
  ['closed-invoice', 1.5],
  ['already-paid', 1.5],
  ['unknown-payer', 3],
  ['digits-in-iban', 1.5],
  ['digits-in-date-or-amount', 1.5],
  ['digit-mistyped', 2],
];

const FIRST_NUMBER = 1000;
const FIRST_ORDER = 1000001;
const BGN_PER_EUR = 195583n;
const ISSUE_START = Date.UTC(2025, 6, 1);
const STATEMENT_DAYS = ['2026-01-05', '2026-01-30'];
const BANKS = ['UNCR', 'BPBI', 'STSA', 'FINV', 'RZBB', 'UBBS', 'IABG', 'BUIN', 'CECB', 'TTBB'];
const EPAY_IBAN = 'BG22UBBS80021089742310';
const NAME_FIRST = [
  'Алфа',
  'Бета',
  'Вега',
  'Дунав',
  'Пирин',
  'Родопи',
  'Марица',
  'Тракия',
  'Витоша',
  'Струма',
  'Искър',
  'Балкан',
];
const NAME_SECOND = [
  'Трейд',
  'Консулт',
  'Строй',
  'Логистик',
  'Софт',
  'Агро',
  'Медикал',
  'Транс',
  'Електрик',
  'Дизайн',
];
const NAME_FORM = ['ЕООД', 'ООД', 'АД', 'ЕТ'];
const GENERIC_TEXTS = [
  'Плащане',
  'ПРЕВОД',
  'Услуги януари',
  'абонамент',
  'плащане услуги',
  'Доставка стоки',
  '',
];

interface Customer {
  key: string;
  name: string;
  /** IBANs the issuer knows this customer pays from (on every invoice's payerIbans). */
  ibans: string[];
  invoices: Draft[];
}

interface Draft {
  invoice: OpenInvoice;
  customer: Customer;
  outstanding: bigint;
  kind: 'open' | 'paid' | 'closed';
  reserved: boolean;
}

interface RecordedGroup {
  entryKey: string;
  payments: RecordedPayment[];
  drafts: Draft[];
  total: bigint;
  iban?: string;
  endToEndId?: string;
  bankReference: string;
  reserved: boolean;
}

export function generateStatement(options: GenerateOptions): GeneratedStatement {
  const random = seededRandom(options.seed);
  const foreign = options.foreignCurrencies ?? true;
  const issuerId = `issuer-${options.seed}`;
  const usedIbans = new Set<string>();
  const newIban = (bank = pick(random, BANKS), digits = digitString(random, 14)): string => {
    for (;;) {
      const iban = composeIBAN({ countryCode: 'BG', bban: `${bank}${digits}` });
      if (iban && !usedIbans.has(iban)) {
        usedIbans.add(iban);
        return iban;
      }
      digits = digitString(random, 14);
    }
  };
  usedIbans.add(EPAY_IBAN);
  const account = { iban: newIban('UNCR'), currency: 'EUR', name: 'Издател Демо ЕООД', bic: 'UNCRBGSF' };

  // Customers, some paying from a known IBAN, a few sharing one (an accountant paying for two companies).
  const customers: Customer[] = [];
  const customerCount = Math.max(6, Math.round(options.invoices / 75));
  for (let i = 0; i < customerCount; i++) {
    const eik = digitString(random, 9);
    const ibans = random() < 0.15 ? [] : Array.from({ length: random() < 0.3 ? 2 : 1 }, () => newIban());
    customers.push({
      key: `vat:BG${eik}`,
      name: `${pick(random, NAME_FIRST)} ${pick(random, NAME_SECOND)} ${i + 1} ${pick(random, NAME_FORM)}`,
      ibans,
      invoices: [],
    });
  }
  for (let i = 0; i + 1 < customers.length; i += 10) {
    if (customers[i].ibans.length > 0) customers[i + 1].ibans.push(customers[i].ibans[0]);
  }

  // Invoices.
  const drafts: Draft[] = [];
  for (let i = 0; i < options.invoices; i++) {
    const customer = pick(random, customers);
    const number = String(FIRST_NUMBER + i).padStart(10, '0');
    const total = randomAmount(random);
    const roll = random();
    const kind: Draft['kind'] = roll < 0.12 ? 'paid' : roll < 0.16 ? 'closed' : 'open';
    const partlyPaid = kind === 'open' && random() < 0.05;
    const outstanding =
      kind === 'paid' ? 0n : partlyPaid ? total - randomBetween(random, 100n, total - 100n) : total;
    const status =
      kind === 'paid'
        ? 'paid'
        : kind === 'closed'
          ? random() < 0.75
            ? 'cancelled'
            : 'rejected'
          : pick(random, ['awaiting view', 'viewed', 'viewed', 'viewed', 'disputed']);
    const referenceRoll = random();
    const paymentReference =
      referenceRoll < 0.2
        ? generateRfReference(number)
        : referenceRoll < 0.3
          ? generateRfReference(`K${customers.indexOf(customer)}N${i}`)
          : undefined;
    const issued = new Date(ISSUE_START + Math.floor((i / options.invoices) * 180) * 86400000);
    const invoice: OpenInvoice = {
      invoiceId: `inv-${options.seed}-${i}`,
      issuerId,
      number,
      issueDate: issued.toISOString().slice(0, 10),
      dueDate: new Date(issued.getTime() + 14 * 86400000).toISOString().slice(0, 10),
      currency: 'EUR',
      total: fromCents(total),
      outstanding: fromCents(outstanding),
      status,
      paymentReference,
      customerKey: customer.key,
      customerName: customer.name,
      payerIbans: customer.ibans,
    };
    const draft: Draft = { invoice, customer, outstanding, kind, reserved: false };
    drafts.push(draft);
    customer.invoices.push(draft);
  }

  // What earlier statements recorded: one payment per paid or partly paid invoice, some entries split over two.
  const groups: RecordedGroup[] = [];
  let oldEntry = 0;
  const pendingSplit = new Map<Customer, Draft>();
  for (const draft of drafts) {
    const paid = toCents(draft.invoice.total) - draft.outstanding;
    if (draft.kind === 'closed' || paid <= 0n) continue;
    const partner = draft.kind === 'paid' ? pendingSplit.get(draft.customer) : undefined;
    if (partner) {
      pendingSplit.delete(draft.customer);
      const group = groups.find((g) => g.drafts.includes(partner));
      if (group) {
        addPayment(group, draft, paid);
        continue;
      }
    }
    oldEntry += 1;
    const bookingDate = `2025-12-${String(1 + (oldEntry % 28)).padStart(2, '0')}`;
    const bankReference = `OLD${options.seed}-${oldEntry}`;
    const iban = draft.customer.ibans[0];
    const group: RecordedGroup = {
      entryKey: `${account.iban}|${bookingDate}|${bankReference}`,
      payments: [],
      drafts: [],
      total: 0n,
      iban,
      endToEndId: random() < 0.2 ? undefined : `E2E-${options.seed}-${oldEntry}`,
      bankReference,
      reserved: false,
    };
    groups.push(group);
    addPayment(group, draft, paid);
    if (draft.kind === 'paid' && random() < 0.1) pendingSplit.set(draft.customer, draft);
  }
  function addPayment(group: RecordedGroup, draft: Draft, paid: bigint) {
    const bookingDate = group.entryKey.split('|')[1];
    group.payments.push({
      entryKey: group.entryKey,
      invoiceId: draft.invoice.invoiceId,
      amount: fromCents(paid),
      currency: 'EUR',
      bankReference: group.bankReference,
      endToEndId: group.endToEndId ?? 'NOTPROVIDED',
      counterpartyIban: group.iban,
      bookingDate,
    });
    group.drafts.push(draft);
    group.total += paid;
  }

  const open = drafts.filter((d) => d.kind === 'open' && d.outstanding > 0n);
  const takeOpen = (filter: (d: Draft) => boolean = () => true): Draft | undefined => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const draft = pick(random, open);
      if (!draft.reserved && filter(draft)) {
        draft.reserved = true;
        return draft;
      }
    }
    return undefined;
  };
  const takeOf = (kinds: Draft['kind'][], filter: (d: Draft) => boolean = () => true): Draft | undefined => {
    for (let attempt = 0; attempt < 400; attempt++) {
      const draft = pick(random, drafts);
      if (!draft.reserved && kinds.includes(draft.kind) && filter(draft)) {
        draft.reserved = true;
        return draft;
      }
    }
    return undefined;
  };
  const takeGroup = (filter: (g: RecordedGroup) => boolean): RecordedGroup | undefined => {
    for (let attempt = 0; attempt < 400 && groups.length > 0; attempt++) {
      const group = pick(random, groups);
      if (!group.reserved && group.drafts.every((d) => !d.reserved) && filter(group)) {
        group.reserved = true;
        for (const d of group.drafts) d.reserved = true;
        return group;
      }
    }
    return undefined;
  };

  // Entries and their truths, story by story.
  const made: { entry: StatementEntry; truth: EntryTruth }[] = [];
  const providerOrders: ProviderOrder[] = [];
  let reference = 0;
  const entry = (fields: Partial<StatementEntry> & { amount: string }): StatementEntry => {
    reference += 1;
    return {
      index: 0,
      bankReference: `NTRY${options.seed}-${reference}`,
      bookingDate: STATEMENT_DAYS[0],
      currency: 'EUR',
      direction: 'credit',
      reversal: false,
      status: 'BOOK',
      remittance: [],
      // The ISO code camt gives: a received credit transfer, one sent, or a received one returned.
      transactionCode:
        fields.direction !== 'debit'
          ? 'PMNT/RCDT/ESCT'
          : fields.reversal
            ? 'PMNT/RCDT/RRTN'
            : 'PMNT/ICDT/ESCT',
      ...fields,
    };
  };
  const payerOf = (customer: Customer, name = customer.name): Counterparty => {
    const roll = random();
    if (roll < 0.7 && customer.ibans.length > 0) return { name, iban: pick(random, customer.ibans) };
    if (roll < 0.95) return { name, iban: newIban() };
    return { name };
  };
  const matchOf = (story: Story, shares: [Draft, bigint][], credit?: [Customer, bigint]): EntryTruth => ({
    expect: 'match',
    story,
    allocations: shares.map(([draft, cents]) => ({
      invoiceId: draft.invoice.invoiceId,
      amount: fromCents(cents),
    })),
    credit: credit ? { customerKey: credit[0].key, amount: fromCents(credit[1]) } : undefined,
  });
  const add = (made1: StatementEntry, truth: EntryTruth) => made.push({ entry: made1, truth });

  /** An entry naming one invoice by number or reference, in one of the ways payers write. */
  const referencing = (draft: Draft, style: 'number' | 'rf' | 'any' = 'any') => {
    const useRf = draft.invoice.paymentReference && (style === 'rf' || (style === 'any' && random() < 0.3));
    if (useRf) {
      const rf = draft.invoice.paymentReference as string;
      return random() < 0.6
        ? {
            structuredReference: random() < 0.5 ? rf : prettyRf(rf),
            remittance: lines(random, pick(random, GENERIC_TEXTS)),
          }
        : {
            remittance: lines(random, `${pick(random, ['', 'Плащане ', 'ref '])}${rfAsWritten(random, rf)}`),
          };
    }
    if (random() < 0.15) return { structuredReference: writeNumber(random, draft.invoice.number, 'alone') };
    return {
      remittance: lines(
        random,
        invoiceText(random, draft.invoice, writeNumber(random, draft.invoice.number)),
      ),
    };
  };

  const plan = planStories(random, options.entries, foreign);
  const later: Story[] = [];
  for (const story of plan) {
    if (made.length + later.length >= options.entries) break;
    if (story === 'payer-and-amount' || story === 'same-amount-twice') later.push(story);
    else if (!makeStory(story)) makeStory('number-in-text');
  }
  // Payments by payer and amount come last, after the invoices made to owe the same amount twice, so "the only
  // open invoice of that amount" is checked against the invoices as the context will hold them.
  for (const story of [...later].sort((a, b) => (a === b ? 0 : a === 'same-amount-twice' ? -1 : 1))) {
    if (!makeStory(story)) makeStory('number-in-text');
  }
  while (made.length < options.entries) makeStory('number-in-text');

  function makeStory(story: Story): boolean {
    switch (story) {
      case 'rf-structured':
      case 'rf-in-text': {
        const draft = takeOpen((d) => !!d.invoice.paymentReference);
        if (!draft) return false;
        const rf = draft.invoice.paymentReference as string;
        const fields =
          story === 'rf-structured'
            ? {
                structuredReference: random() < 0.6 ? rf : prettyRf(rf),
                remittance: lines(random, pick(random, GENERIC_TEXTS)),
              }
            : {
                remittance: lines(
                  random,
                  `${pick(random, ['', 'Плащане ', 'по ', 'ref: '])}${rfAsWritten(random, rf)}${pick(random, ['', ' благодарим', ' услуги'])}`,
                ),
              };
        add(
          entry({ amount: fromCents(draft.outstanding), counterparty: payerOf(draft.customer), ...fields }),
          matchOf(story, [[draft, draft.outstanding]]),
        );
        return true;
      }
      case 'number-alone': {
        const draft = takeOpen();
        if (!draft) return false;
        const number = draft.invoice.number;
        const fields =
          random() < 0.4
            ? { structuredReference: number }
            : {
                remittance: lines(
                  random,
                  pick(random, [
                    number,
                    `Плащане ${number}`,
                    `${number} ${draft.customer.name}`,
                    `PLASHTANE ${number}`,
                  ]),
                ),
              };
        add(
          entry({ amount: fromCents(draft.outstanding), counterparty: payerOf(draft.customer), ...fields }),
          matchOf(story, [[draft, draft.outstanding]]),
        );
        return true;
      }
      case 'number-in-text': {
        const draft = takeOpen();
        if (!draft) return false;
        add(
          entry({
            amount: fromCents(draft.outstanding),
            counterparty: payerOf(draft.customer),
            ...referencing(draft, 'number'),
          }),
          matchOf(story, [[draft, draft.outstanding]]),
        );
        return true;
      }
      case 'partial': {
        const draft = takeOpen((d) => d.outstanding >= 2000n);
        if (!draft) return false;
        const paid = randomBetween(random, draft.outstanding / 10n, (draft.outstanding * 9n) / 10n);
        add(
          entry({ amount: fromCents(paid), counterparty: payerOf(draft.customer), ...referencing(draft) }),
          matchOf(story, [[draft, paid]]),
        );
        return true;
      }
      case 'overpaid': {
        const draft = takeOpen();
        if (!draft) return false;
        const extra = randomBetween(random, 1n, 20000n);
        add(
          entry({
            amount: fromCents(draft.outstanding + extra),
            counterparty: payerOf(draft.customer),
            ...referencing(draft),
          }),
          matchOf(story, [[draft, draft.outstanding]], [draft.customer, extra]),
        );
        return true;
      }
      case 'split': {
        const first = takeOpen(
          (d) =>
            d.customer.invoices.filter((o) => o.kind === 'open' && !o.reserved && o.outstanding > 0n)
              .length >= 4,
        );
        if (!first) return false;
        const others = first.customer.invoices.filter(
          (o) => o !== first && o.kind === 'open' && !o.reserved && o.outstanding > 0n,
        );
        const named = [first, ...shuffle(random, others).slice(0, Math.floor(random() * 3) + 1)];
        for (const d of named) d.reserved = true;
        const sum = named.reduce((s, d) => s + d.outstanding, 0n);
        const last = named[named.length - 1];
        const roll = random();
        const paid =
          roll < 0.6
            ? sum
            : roll < 0.8
              ? sum + randomBetween(random, 1n, 10000n)
              : sum - randomBetween(random, 1n, last.outstanding - 1n);
        const shares: [Draft, bigint][] = [];
        let left = paid;
        for (const d of named) {
          const share = left < d.outstanding ? left : d.outstanding;
          shares.push([d, share]);
          left -= share;
        }
        const full = random() < 0.4;
        const numbers = named.map((d) => (full ? d.invoice.number : String(Number(d.invoice.number))));
        const text = pick(random, [
          () => `ф-ри ${numbers.slice(0, -1).join(', ')} и ${numbers[numbers.length - 1]}`,
          () => `Плащане по ф-ри ${numbers.join(' ')}`,
          () => numbers.map((n) => `ф-ра ${n}`).join(', '),
          () => numbers.map((n) => `INV ${n}`).join('; '),
          () => `фактури № ${numbers.join(', ')}`,
          () => `Invoices ${numbers.join(', ')}`,
        ])();
        add(
          entry({
            amount: fromCents(paid),
            counterparty: payerOf(first.customer),
            remittance: lines(random, lookAlike(random, text)),
          }),
          matchOf(story, shares, left > 0n ? [first.customer, left] : undefined),
        );
        return true;
      }
      case 'instalment': {
        const draft = takeOpen((d) => d.outstanding >= 2000n);
        if (!draft) return false;
        const first = randomBetween(random, draft.outstanding / 5n, (draft.outstanding * 4n) / 5n);
        const second = draft.outstanding - first;
        for (const paid of [first, second]) {
          add(
            entry({ amount: fromCents(paid), counterparty: payerOf(draft.customer), ...referencing(draft) }),
            matchOf(story, [[draft, paid]]),
          );
        }
        return true;
      }
      case 'payer-and-amount': {
        const draft = takeOpen((d) => d.customer.ibans.length > 0);
        if (!draft) return false;
        const iban = pick(random, draft.customer.ibans);
        if (!isOnlyOneOwing(draft, iban)) {
          draft.reserved = false;
          return false;
        }
        add(
          entry({
            amount: fromCents(draft.outstanding),
            counterparty: { name: draft.customer.name, iban },
            remittance: lines(random, pick(random, GENERIC_TEXTS)),
          }),
          matchOf(story, [[draft, draft.outstanding]]),
        );
        return true;
      }
      case 'same-amount-twice': {
        const first = takeOpen(
          (d) =>
            d.customer.ibans.length > 0 &&
            d.customer.invoices.some(
              (o) =>
                o !== d && o.kind === 'open' && !o.reserved && o.outstanding === toCents(o.invoice.total),
            ),
        );
        if (!first) return false;
        const second = first.customer.invoices.find(
          (o) =>
            o !== first && o.kind === 'open' && !o.reserved && o.outstanding === toCents(o.invoice.total),
        );
        if (!second) return false;
        second.reserved = true;
        // The second invoice is made to owe what the first owes: two open invoices of one amount.
        second.outstanding = first.outstanding;
        second.invoice.total = fromCents(first.outstanding);
        second.invoice.outstanding = fromCents(first.outstanding);
        add(
          entry({
            amount: fromCents(first.outstanding),
            counterparty: { name: first.customer.name, iban: pick(random, first.customer.ibans) },
            remittance: lines(random, pick(random, GENERIC_TEXTS)),
          }),
          { expect: 'review', story },
        );
        return true;
      }
      case 'provider-order':
      case 'provider-order-recorded': {
        const count = story === 'provider-order' && random() < 0.25 ? 2 : 1;
        const named: Draft[] = [];
        for (let i = 0; i < count; i++) {
          const d = takeOpen();
          if (d) named.push(d);
        }
        if (named.length === 0) return false;
        const orders = named.map((d) => {
          const order: ProviderOrder = {
            provider: 'epay',
            orderId: String(FIRST_ORDER + providerOrders.length),
            invoiceId: d.invoice.invoiceId,
            amount: fromCents(d.outstanding),
            currency: 'EUR',
          };
          if (story === 'provider-order-recorded') {
            // The notification was recorded before the settlement: the invoice shows paid.
            order.recorded = true;
            d.kind = 'paid';
            d.invoice.status = 'paid';
            d.invoice.outstanding = '0.00';
          }
          providerOrders.push(order);
          return order;
        });
        const total = orders.reduce((s, o) => s + toCents(o.amount), 0n);
        const ids = orders.map((o) => `INVOICE=${o.orderId}`).join(' ');
        const stan = digitString(random, 6);
        const fields =
          random() < 0.5
            ? { remittance: lines(random, `EPAY SETTLEMENT ${ids}`) }
            : {
                remittance: ['ePay.bg'],
                additionalInfo: `IZIPEY AD; ${ids}; STAN=${stan}; BCODE=${digitString(random, 6)}`,
              };
        add(
          entry({
            amount: fromCents(total),
            counterparty: { name: 'ИЗИПЕЙ АД', iban: EPAY_IBAN },
            ...fields,
          }),
          matchOf(
            story,
            story === 'provider-order-recorded'
              ? []
              : named.map((d) => [d, d.outstanding] as [Draft, bigint]),
          ),
        );
        return true;
      }
      case 'reversal-by-end-to-end-id':
      case 'reversal-by-bank-reference':
      case 'reversal-by-words': {
        const group = takeGroup((g) =>
          story === 'reversal-by-end-to-end-id'
            ? !!g.endToEndId
            : story === 'reversal-by-words'
              ? !!g.iban && groups.filter((o) => o.iban === g.iban && o.total === g.total).length === 1
              : true,
        );
        if (!group) return false;
        const fields: Partial<StatementEntry> =
          story === 'reversal-by-end-to-end-id'
            ? {
                reversal: true,
                endToEndId: group.endToEndId,
                remittance: lines(random, pick(random, ['RETURN AC04', 'Върнат превод', ''])),
              }
            : story === 'reversal-by-bank-reference'
              ? {
                  reversal: random() < 0.5,
                  bankReference: group.bankReference,
                  remittance: lines(random, 'ВРЪЩАНЕ НА СУМА'),
                }
              : {
                  remittance: lines(
                    random,
                    pick(random, ['СТОРНО НА ПРЕВОД', 'Върнат превод - грешна сметка', 'storno plashtane']),
                  ),
                };
        add(
          entry({
            amount: fromCents(group.total),
            direction: 'debit',
            counterparty: { name: group.drafts[0].customer.name, iban: group.iban },
            ...fields,
          }),
          matchOf(
            story,
            group.drafts.map((d, i) => [d, -toCents(group.payments[i].amount)] as [Draft, bigint]),
          ),
        );
        return true;
      }
      case 'reversal-of-nothing': {
        add(
          entry({
            amount: fromCents(randomAmount(random)),
            direction: 'debit',
            reversal: true,
            endToEndId: `E2E-UNKNOWN-${digitString(random, 8)}`,
            counterparty: { name: 'Непознат', iban: newIban() },
            remittance: lines(random, 'RETURN MS03'),
          }),
          { expect: 'review', story },
        );
        return true;
      }
      case 'bgn': {
        const draft = takeOpen();
        if (!draft) return false;
        const bgn = divideHalfUp(draft.outstanding * BGN_PER_EUR, 100000n);
        add(
          entry({
            amount: fromCents(bgn),
            currency: 'BGN',
            counterparty: payerOf(draft.customer),
            ...referencing(draft),
          }),
          matchOf(story, [[draft, draft.outstanding]]),
        );
        return true;
      }
      case 'usd': {
        const draft = takeOpen();
        if (!draft) return false;
        add(
          entry({
            amount: fromCents(randomAmount(random)),
            currency: 'USD',
            counterparty: payerOf(draft.customer),
            ...referencing(draft),
          }),
          { expect: 'review', story },
        );
        return true;
      }
      case 'fee-or-debit': {
        const supplier = random() < 0.4;
        const anyInvoice = pick(random, drafts).invoice.number;
        add(
          entry({
            amount: fromCents(supplier ? randomAmount(random) : randomBetween(random, 50n, 2500n)),
            direction: 'debit',
            transactionCode: supplier ? 'PMNT/ICDT/DMCT' : 'ACMT/MDOP/CHRG',
            counterparty: supplier ? { name: 'Доставчик ООД', iban: newIban() } : undefined,
            remittance: lines(
              random,
              supplier
                ? `Плащане по ф-ра ${anyInvoice} доставка`
                : pick(random, ['Такса за превод', 'Такса обслужване на сметка', 'Комисиона БИСЕРА']),
            ),
          }),
          { expect: 'not-a-payment', story },
        );
        return true;
      }
      case 'pending': {
        const draft = takeOpen();
        if (!draft) return false;
        add(
          entry({
            amount: fromCents(draft.outstanding),
            status: pick(random, ['PDNG', 'INFO']),
            counterparty: payerOf(draft.customer),
            ...referencing(draft),
          }),
          { expect: 'not-a-payment', story },
        );
        return true;
      }
      case 'zero': {
        const draft = takeOpen();
        if (!draft) return false;
        add(entry({ amount: '0.00', counterparty: payerOf(draft.customer), ...referencing(draft) }), {
          expect: 'not-a-payment',
          story,
        });
        return true;
      }
      case 'closed-invoice': {
        const draft = takeOf(['closed']);
        if (!draft) return false;
        add(
          entry({
            amount: fromCents(draft.outstanding),
            counterparty: payerOf(draft.customer),
            ...referencing(draft),
          }),
          { expect: 'review', story },
        );
        return true;
      }
      case 'already-paid': {
        const draft = takeOf(['paid']);
        if (!draft) return false;
        const total = toCents(draft.invoice.total);
        add(
          entry({ amount: fromCents(total), counterparty: payerOf(draft.customer), ...referencing(draft) }),
          { expect: 'review', story },
        );
        return true;
      }
      case 'unknown-payer': {
        const draft = takeOpen();
        if (!draft) return false;
        add(
          entry({
            amount: fromCents(draft.outstanding),
            counterparty: { name: 'Иван Петров', iban: newIban() },
            remittance: lines(random, pick(random, GENERIC_TEXTS)),
          }),
          { expect: 'review', story },
        );
        return true;
      }
      case 'digits-in-iban': {
        const draft = takeOpen();
        if (!draft) return false;
        const iban = newIban(pick(random, BANKS), `${digitString(random, 4)}${draft.invoice.number}`);
        const written = random() < 0.5 ? iban : (friendlyFormatIBAN(iban) ?? iban);
        add(
          entry({
            amount: fromCents(draft.outstanding),
            counterparty: { name: 'Непознат платец', iban },
            remittance: lines(
              random,
              pick(random, [`Превод от ${written}`, `сметка ${written}`, `IBAN: ${written} плащане`]),
            ),
          }),
          { expect: 'review', story },
        );
        return true;
      }
      case 'digits-in-date-or-amount': {
        const draft = takeOpen((d) => Number(d.invoice.number) < 10000);
        if (!draft) return false;
        const key = String(Number(draft.invoice.number));
        const text = pick(random, [
          `Плащане ${key} лв`,
          `Вноска сума ${key.slice(0, 1)} ${key.slice(1)},00`,
          `Превод ${key}.50 EUR`,
          `по договор № ${key}`,
          `плащане от 15.01.2026 за ${key} евро`,
          `тел. 0888 ${key.slice(0, 3)} ${key.slice(1)}`,
        ]);
        add(
          entry({
            amount: fromCents(draft.outstanding),
            counterparty: { name: 'Непознат платец', iban: newIban() },
            remittance: lines(random, text),
          }),
          { expect: 'review', story },
        );
        return true;
      }
      case 'digit-mistyped': {
        const draft = takeOpen();
        if (!draft) return false;
        const key = String(Number(draft.invoice.number));
        const typo = mistype(random, key);
        add(
          entry({
            amount: fromCents(draft.outstanding),
            counterparty:
              random() < 0.6 && draft.customer.ibans.length
                ? { name: draft.customer.name, iban: draft.customer.ibans[0] }
                : { name: draft.customer.name, iban: newIban() },
            remittance: lines(random, invoiceText(random, draft.invoice, typo)),
          }),
          matchOf(story, [[draft, draft.outstanding]]),
        );
        return true;
      }
    }
  }

  /**
   * No other open invoice of the customers this IBAN pays for owes the same. (An earlier entry that leaves another
   * invoice owing the same only adds a candidate, and the matcher then asks for review, which the truth allows.)
   */
  function isOnlyOneOwing(draft: Draft, iban: string): boolean {
    const payerCustomers = customers.filter((c) => c.ibans.includes(iban));
    return payerCustomers.every((c) =>
      c.invoices.every(
        (other) => other === draft || other.kind !== 'open' || other.outstanding !== draft.outstanding,
      ),
    );
  }

  // Shuffle the stories into one statement; booking dates rise through it.
  const ordered = shuffle(random, made).slice(0, options.entries);
  const [first, last] = STATEMENT_DAYS.map((d) => Date.parse(`${d}T00:00:00Z`));
  ordered.forEach(({ entry: e }, index) => {
    e.index = index;
    const day = new Date(
      first + Math.floor((index / Math.max(1, ordered.length)) * ((last - first) / 86400000 + 1)) * 86400000,
    );
    e.bookingDate = day.toISOString().slice(0, 10);
    e.valueDate = e.bookingDate;
  });
  const entries = ordered.map(({ entry: e }) => e);
  const invoices = drafts.map((d) => ({ ...d.invoice, payerIbans: [...d.invoice.payerIbans] }));
  const statement: BankStatement = {
    format: 'camt.053',
    version: '02',
    id: `STMT-${options.seed}-2026-01`,
    sequence: '1',
    createdAt: `${STATEMENT_DAYS[1]}T18:00:00+02:00`,
    account,
    entries,
  };
  if (entries.every((e) => e.status !== 'BOOK' || e.currency === account.currency)) {
    const opening = 1000000n;
    const closing = entries
      .filter((e) => e.status === 'BOOK')
      .reduce((sum, e) => sum + (e.direction === 'credit' ? toCents(e.amount) : -toCents(e.amount)), opening);
    statement.openingBalance = {
      amount: fromCents(opening),
      currency: account.currency,
      date: STATEMENT_DAYS[0],
    };
    statement.closingBalance = {
      amount: fromCents(closing),
      currency: account.currency,
      date: STATEMENT_DAYS[1],
    };
  }
  return {
    invoices,
    context: { issuerId, invoices, providerOrders, recordedPayments: groups.flatMap((g) => g.payments) },
    statement,
    truth: ordered.map(({ truth }) => truth),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// How payers write.

/** An invoice number as a payer writes it: in full, without its leading zeros, with some of them, in groups. */
function writeNumber(random: Random, number: string, mode: 'any' | 'alone' = 'any'): string {
  const key = String(Number(number));
  const roll = random();
  if (mode === 'alone' || roll < 0.35) return number;
  if (roll < 0.75) return key;
  if (roll < 0.9)
    return key.padStart(key.length + 1 + Math.floor(random() * (number.length - key.length - 1)), '0');
  const cut = 3 + Math.floor(random() * 5);
  return `${number.slice(0, cut)} ${number.slice(cut)}`;
}

function invoiceText(random: Random, invoice: OpenInvoice, written: string): string {
  const [year, month, day] = invoice.issueDate.split('-');
  const date = `${day}.${month}.${year}`;
  const template = pick(random, [
    `Плащане по ф-ра ${written}`,
    `ПЛАЩАНЕ ПО Ф-РА ${written} ОТ ${date}`,
    `ф.${written}/${date}`,
    `Фактура № ${written} от ${date}г.`,
    `по фактура No ${written}`,
    `INV ${written}`,
    `Invoice ${written} dated ${invoice.issueDate}`,
    `fak. ${written} za uslugi`,
    `ф-ра${written}`,
    `ф - ра  ${written}`,
    `ФАКТУРА N ${written}`,
    `Пл. ф-ра: ${written}`,
    `по ф-ра #${written} за м.01`,
    `ф-ра N:${written}`,
    `Ф.${written}`,
    `faktura ${written}`,
  ]);
  const distraction = pick(random, [
    '',
    '',
    '',
    ` за ${Math.floor(random() * 3000) + 1} лв`,
    ` тел. 0888 ${digitString(random, 3)} ${digitString(random, 3)}`,
    ` ЕИК ${digitString(random, 9)}`,
    ` по договор № ${Math.floor(random() * 90) + 10}`,
    `, сума ${Math.floor(random() * 9) + 1} ${digitString(random, 3)},${digitString(random, 2)}`,
  ]);
  const text = random() < 0.5 ? template.toLowerCase() : template;
  return lookAlike(random, text + distraction);
}

const LATIN_LOOK_ALIKES: Record<string, string> = {
  а: 'a',
  е: 'e',
  о: 'o',
  р: 'p',
  с: 'c',
  у: 'y',
  х: 'x',
  А: 'A',
  В: 'B',
  Е: 'E',
  К: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  Х: 'X',
};

/** Some of the Cyrillic letters typed on a Latin keyboard layout, as some payers do. */
function lookAlike(random: Random, text: string): string {
  if (random() >= 0.25) return text;
  return [...text]
    .map((char) => (LATIN_LOOK_ALIKES[char] && random() < 0.5 ? LATIN_LOOK_ALIKES[char] : char))
    .join('');
}

/** Remittance lines as banks give them: one line, two fields of 35, or the text cut every 35 characters. */
function lines(random: Random, text: string): string[] {
  if (!text) return [];
  const roll = random();
  if (text.length <= 35 || roll < 0.6) return [text];
  if (roll < 0.85) {
    const cut = text.lastIndexOf(' ', 35);
    if (cut > 0) return [text.slice(0, cut), text.slice(cut + 1)];
  }
  const cuts: string[] = [];
  for (let i = 0; i < text.length; i += 35) cuts.push(text.slice(i, i + 35));
  return cuts;
}

function prettyRf(reference: string): string {
  return reference.replace(/(.{4})(?!$)/g, '$1 ');
}

function rfAsWritten(random: Random, reference: string): string {
  const roll = random();
  if (roll < 0.4) return prettyRf(reference);
  if (roll < 0.7) return reference;
  return prettyRf(reference).toLowerCase();
}

/** One digit changed, or two neighbours swapped: a typing slip. */
function mistype(random: Random, digits: string): string {
  for (;;) {
    const i = Math.floor(random() * digits.length);
    let typo: string;
    if (random() < 0.5 && i + 1 < digits.length && digits[i] !== digits[i + 1]) {
      typo = digits.slice(0, i) + digits[i + 1] + digits[i] + digits.slice(i + 2);
    } else {
      const replacement = String((Number(digits[i]) + 1 + Math.floor(random() * 9)) % 10);
      typo = digits.slice(0, i) + replacement + digits.slice(i + 1);
    }
    if (typo !== digits && !typo.startsWith('0')) return typo;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// camt.053.001.02

/**
 * The statement as a camt.053.001.02 document. Balances are written when the statement has them (the generator
 * gives them only when every booked entry is in the account's currency, so they add up).
 */
export function toCamt053(statement: BankStatement): string {
  const out: string[] = [];
  const tag = (name: string, value: string | undefined, attributes = '') =>
    value === undefined || value === '' ? '' : `<${name}${attributes}>${escapeXml(value)}</${name}>`;
  const created = statement.createdAt ?? `${statement.entries[0]?.bookingDate ?? '2026-01-01'}T00:00:00`;
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">');
  out.push('<BkToCstmrStmt>');
  out.push(`<GrpHdr>${tag('MsgId', `MSG-${statement.id}`)}${tag('CreDtTm', created)}</GrpHdr>`);
  out.push('<Stmt>');
  out.push(tag('Id', statement.id) + tag('ElctrncSeqNb', statement.sequence) + tag('CreDtTm', created));
  const { account } = statement;
  const accountId = account.iban
    ? tag('IBAN', account.iban)
    : `<Othr>${tag('Id', account.other ?? 'unknown')}</Othr>`;
  out.push(
    `<Acct><Id>${accountId}</Id>${tag('Ccy', account.currency)}${tag('Nm', account.name)}` +
      `${account.bic ? `<Svcr><FinInstnId>${tag('BIC', account.bic)}</FinInstnId></Svcr>` : ''}</Acct>`,
  );
  for (const [code, balance] of [
    ['OPBD', statement.openingBalance],
    ['CLBD', statement.closingBalance],
  ] as const) {
    if (!balance) continue;
    const negative = balance.amount.trim().startsWith('-');
    out.push(
      `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>${tag('Amt', balance.amount.replace(/^-/, ''), ` Ccy="${balance.currency}"`)}` +
        `<CdtDbtInd>${negative ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt>${tag('Dt', balance.date)}</Dt></Bal>`,
    );
  }
  for (const e of statement.entries) {
    const credit = e.direction === 'credit';
    const side = credit ? 'Dbtr' : 'Cdtr';
    const party = e.counterparty;
    const parties = party
      ? `<RltdPties>${party.name ? `<${side}>${tag('Nm', party.name)}</${side}>` : ''}` +
        `${party.iban || party.account ? `<${side}Acct><Id>${party.iban ? tag('IBAN', party.iban) : `<Othr>${tag('Id', party.account)}</Othr>`}</Id></${side}Acct>` : ''}</RltdPties>` +
        `${party.bic ? `<RltdAgts><${side}Agt><FinInstnId>${tag('BIC', party.bic)}</FinInstnId></${side}Agt></RltdAgts>` : ''}`
      : '';
    const structured = e.structuredReference
      ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry>${/^RF/i.test(e.structuredReference) ? '<Issr>ISO</Issr>' : ''}</Tp>` +
        `${tag('Ref', e.structuredReference)}</CdtrRefInf></Strd>`
      : '';
    const remittance =
      e.remittance.length || structured
        ? `<RmtInf>${e.remittance.map((line) => tag('Ustrd', line)).join('')}${structured}</RmtInf>`
        : '';
    const refs = `<Refs>${tag('EndToEndId', e.endToEndId ?? 'NOTPROVIDED')}</Refs>`;
    out.push(
      '<Ntry>' +
        tag('Amt', e.amount, ` Ccy="${e.currency}"`) +
        `<CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd>` +
        (e.reversal ? '<RvslInd>true</RvslInd>' : '') +
        tag('Sts', e.status) +
        `<BookgDt>${tag('Dt', e.bookingDate)}</BookgDt>` +
        (e.valueDate ? `<ValDt>${tag('Dt', e.valueDate)}</ValDt>` : '') +
        tag('AcctSvcrRef', e.bankReference) +
        bankTransactionCode(e.transactionCode) +
        `<NtryDtls><TxDtls>${refs}${parties}${remittance}</TxDtls></NtryDtls>` +
        tag('AddtlNtryInf', e.additionalInfo) +
        '</Ntry>',
    );
  }
  out.push('</Stmt>');
  out.push('</BkToCstmrStmt>');
  out.push('</Document>');
  return out.join('\n') + '\n';
}

/** "PMNT/RCDT/ESCT" as the ISO domain, family and sub-family; anything else as the bank's proprietary code. */
function bankTransactionCode(code: string | undefined): string {
  if (!code) return '';
  const [domain, family, subFamily] = code.split('/');
  if (domain && family && subFamily) {
    return `<BkTxCd><Domn><Cd>${escapeXml(domain)}</Cd><Fmly><Cd>${escapeXml(family)}</Cd><SubFmlyCd>${escapeXml(subFamily)}</SubFmlyCd></Fmly></Domn></BkTxCd>`;
  }
  return `<BkTxCd><Prtry><Cd>${escapeXml(code)}</Cd></Prtry></BkTxCd>`;
}

function escapeXml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// ---------------------------------------------------------------------------------------------------------------
// A small seeded random source (mulberry32): the same numbers for the same seed everywhere.

export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)];
}

function shuffle<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function digitString(random: Random, length: number): string {
  let digits = '';
  for (let i = 0; i < length; i++) digits += String(Math.floor(random() * 10));
  return digits;
}

function randomBetween(random: Random, min: bigint, max: bigint): bigint {
  if (max <= min) return min;
  return min + BigInt(Math.floor(random() * Number(max - min + 1n)));
}

/** An invoice total: 15.00 to 9000.00, a fifth of them in whole euros. */
function randomAmount(random: Random): bigint {
  const cents = randomBetween(random, 1500n, 900000n);
  return random() < 0.2 ? (cents / 100n) * 100n : cents;
}

function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  return (numerator * 2n + denominator) / (denominator * 2n);
}

function planStories(random: Random, entries: number, foreign: boolean): Story[] {
  const weights = STORY_WEIGHTS.filter(([story]) => foreign || (story !== 'bgn' && story !== 'usd'));
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  const plan: Story[] = [];
  for (let i = 0; i < entries; i++) {
    let roll = random() * total;
    const found = weights.find(([, weight]) => (roll -= weight) < 0);
    plan.push(found ? found[0] : 'number-in-text');
  }
  return plan;
}

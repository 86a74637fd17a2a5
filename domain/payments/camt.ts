/**
 * ISO 20022 bank-to-customer cash management messages read into the statement model: camt.052 (account report),
 * camt.053 (statement) and camt.054 (debit/credit notification), versions 01 to 08. One file may hold several
 * reports, statements or notifications; each becomes one BankStatement.
 *
 * The versions differ in a few places this reader handles: from v08 the entry status is `<Sts><Cd>BOOK</Cd></Sts>`
 * (before, `<Sts>BOOK</Sts>`) and related parties are wrapped (`Dbtr/Pty/Nm`, or `Dbtr/Agt/FinInstnId/Nm` for a
 * bank, instead of `Dbtr/Nm`); v01 puts `TxDtls` directly in `Ntry` and names balance types with `Tp/Cd`; BICs are
 * `BIC` up to v02 and `BICFI` after. Every date may come as `Dt` or `DtTm`.
 *
 * An entry with several transaction details (a batch) becomes one model entry per detail when every detail states
 * its own amount in the entry's currency and direction and the amounts add up to the entry's; otherwise it stays one
 * entry with the entry's amount, the remittance of every detail, and only the facts all details agree on.
 */
import Big from 'big.js';
import { child, children, path, streamXml, text, texts } from './camt-xml';
import type { XmlElement } from './camt-xml';
import { formatAmount, formatSigned, parseUnsigned } from './amounts';
import { StatementError } from './model';
import type {
  Balance,
  BankStatement,
  Counterparty,
  Direction,
  StatementAccount,
  StatementEntry,
  StatementFormat,
} from './model';

const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:camt\.(05[234])\.001\.(\d{2})$/;
const OLDEST_VERSION = 1;
const NEWEST_VERSION = 8;

interface MessageKind {
  format: StatementFormat;
  /** The message element under Document (v01 adds "V01"). */
  root: string;
  /** One report, statement or notification. */
  record: string;
  /** The record's free text. */
  info: string;
  noun: string;
}

const KINDS: Record<string, MessageKind> = {
  '052': { format: 'camt.052', root: 'BkToCstmrAcctRpt', record: 'Rpt', info: 'AddtlRptInf', noun: 'report' },
  '053': {
    format: 'camt.053',
    root: 'BkToCstmrStmt',
    record: 'Stmt',
    info: 'AddtlStmtInf',
    noun: 'statement',
  },
  '054': {
    format: 'camt.054',
    root: 'BkToCstmrDbtCdtNtfctn',
    record: 'Ntfctn',
    info: 'AddtlNtfctnInf',
    noun: 'notification',
  },
};

/**
 * Reads a camt.052/053/054 document (XML text) into its statements; refuses anything else with a StatementError.
 * The file is read as a stream: each entry is turned into model entries as soon as it closes, then dropped.
 */
export function readCamt(xml: string): BankStatement[] {
  let kind: MessageKind | undefined;
  let version = '';
  let groupCreatedAt: string | undefined;
  let messageSeen = false;
  const statements: BankStatement[] = [];
  let entries: StatementEntry[] = [];
  let entriesRead = 0; // of the current record: entries are dropped once read, so they must be counted

  streamXml(xml, {
    root(element) {
      ({ kind, version } = identify(element));
    },
    // Depth: 1 Document, 2 the message, 3 its group header and records, 4 a record's children.
    closed(element, parent, depth) {
      if (!kind || !parent) return false;
      if (depth === 4 && element.name === 'Ntry' && parent.name === kind.record) {
        const context = recordContext(parent, {
          kind,
          version,
          position: statements.length + 1,
          groupCreatedAt,
        });
        entries.push(...readEntry(element, { ...context, position: ++entriesRead }));
        return true;
      }
      if (depth === 3 && isMessageElement(parent, kind)) {
        if (element.name === 'GrpHdr') groupCreatedAt = text(element, 'CreDtTm');
        if (element.name !== kind.record) return false;
        const context = { kind, version, position: statements.length + 1, groupCreatedAt };
        statements.push(readRecord(element, entries, context));
        entries = [];
        entriesRead = 0;
        return true;
      }
      if (depth === 2 && isMessageElement(element, kind)) messageSeen = true;
      return false;
    },
  });
  if (!kind) throw new StatementError('MALFORMED', 'The XML document has no root element.');
  if (!messageSeen) {
    throw new StatementError(
      'MISSING_FIELD',
      `The ${kind.format} document has no <${kind.root}> message under <Document>; it is not a bank ${kind.noun}.`,
    );
  }
  if (statements.length === 0) {
    throw new StatementError(
      'MISSING_FIELD',
      `The ${kind.format} message holds no ${kind.noun} (<${kind.record}>): there is no account and no entry to read.`,
    );
  }
  return statements;
}

function identify(root: XmlElement): { kind: MessageKind; version: string } {
  const namespace = root.namespace;
  const match = NAMESPACE.exec(namespace);
  if (root.name !== 'Document' || !match) {
    throw new StatementError(
      'UNKNOWN_FORMAT',
      `This XML is not an ISO 20022 camt.052/053/054 bank statement: its root is <${root.name}>` +
        (namespace ? ` in namespace ${namespace}` : ' without a namespace') +
        '. Export the statement from online banking as camt.053 (or camt.052/054) or MT940.',
    );
  }
  const [, type, version] = match;
  const number = Number(version);
  if (number < OLDEST_VERSION || number > NEWEST_VERSION) {
    throw new StatementError(
      'UNSUPPORTED_VERSION',
      `The file is camt.${type}.001.${version}; the hub reads versions 01 to 08 of camt.${type}. ` +
        `Ask the bank for camt.${type}.001.08 or 001.02.`,
    );
  }
  return { kind: KINDS[type], version };
}

function isMessageElement(element: XmlElement, kind: MessageKind): boolean {
  const name = element.name;
  return name === kind.root || new RegExp(`^${kind.root}V\\d{2}$`).test(name);
}

// ---------------------------------------------------------------------------------------------------------------
// One report, statement or notification.

interface RecordContext {
  kind: MessageKind;
  version: string;
  /** 1-based position of the record in the file, for messages. */
  position: number;
  groupCreatedAt?: string;
}

/** What entries need to know of their record: its label for messages and the date for an undated entry. */
interface RecordFacts {
  /** Where in the file, for error messages: "camt.053 statement 2 (STMT-0042)". */
  label: string;
  /** The record's creation date: the booking date of an entry that states no date at all. */
  fallbackDate?: string;
  createdAt?: string;
}

/** Read from the record's children before its entries (Id and CreDtTm come first in every version). */
function recordContext(record: XmlElement, context: RecordContext): RecordFacts {
  const { kind } = context;
  const id = text(record, 'Id');
  const label = `${kind.format} ${kind.noun} ${context.position}${id ? ` (${id})` : ''}`;
  const createdAt = text(record, 'CreDtTm') ?? context.groupCreatedAt;
  const fallbackDate = createdAt ? dateOf(createdAt, `the creation time of ${label}`) : undefined;
  return { label, fallbackDate, createdAt };
}

function readRecord(record: XmlElement, entries: StatementEntry[], context: RecordContext): BankStatement {
  const { kind } = context;
  const { label, createdAt } = recordContext(record, context);
  const id = text(record, 'Id');
  if (!id) throw new StatementError('MISSING_FIELD', `${capitalise(label)} has no identification (<Id>).`);
  const accountElement = child(record, 'Acct');
  if (!accountElement)
    throw new StatementError('MISSING_FIELD', `${capitalise(label)} names no account (<Acct>).`);
  const balances = children(record, 'Bal').map((balance, index) => readBalance(balance, index, label));
  entries.forEach((entry, index) => (entry.index = index));

  const statement: BankStatement = {
    format: kind.format,
    version: context.version,
    id,
    account: readAccount(accountElement),
    entries,
  };
  const sequence = text(record, 'ElctrncSeqNb') ?? text(record, 'LglSeqNb');
  if (sequence) statement.sequence = sequence;
  if (createdAt) statement.createdAt = createdAt;
  const opening = balances.find((balance) => balance.code === 'OPBD' || balance.code === 'PRCD');
  if (opening) statement.openingBalance = opening.balance;
  const closing = balances.find((balance) => balance.code === 'CLBD');
  if (closing) statement.closingBalance = closing.balance;
  const additionalInfo = texts(record, kind.info).join('\n');
  if (additionalInfo) statement.additionalInfo = additionalInfo;
  return statement;
}

function readAccount(account: XmlElement): StatementAccount {
  const result: StatementAccount = {};
  const identification = child(account, 'Id');
  const iban = text(identification, 'IBAN');
  if (iban) result.iban = iban;
  else {
    const other = otherAccountId(identification);
    if (other) result.other = other;
  }
  const currency = text(account, 'Ccy');
  if (currency) result.currency = currency;
  const name = text(account, 'Nm');
  if (name) result.name = name;
  const bic = bicOf(path(account, 'Svcr', 'FinInstnId'));
  if (bic) result.bic = bic;
  return result;
}

/** A non-IBAN account id: `Othr/Id` (v02+), `PrtryAcct/Id`, `BBAN` or `UPIC` (v01). */
function otherAccountId(identification: XmlElement | undefined): string | undefined {
  return (
    text(identification, 'Othr', 'Id') ??
    text(identification, 'PrtryAcct', 'Id') ??
    text(identification, 'BBAN') ??
    text(identification, 'UPIC')
  );
}

function bicOf(institution: XmlElement | undefined): string | undefined {
  return text(institution, 'BICFI') ?? text(institution, 'BIC');
}

interface CodedBalance {
  code: string;
  balance: Balance;
}

function readBalance(element: XmlElement, index: number, label: string): CodedBalance {
  const where = `balance ${index + 1} of ${label}`;
  // v02+: Tp/CdOrPrtry/Cd; v01: Tp/Cd.
  const code = text(element, 'Tp', 'CdOrPrtry', 'Cd') ?? text(element, 'Tp', 'Cd') ?? '';
  const money = readMoney(child(element, 'Amt'), where);
  const direction = readDirection(element, where);
  const date = readDateChoice(child(element, 'Dt'), where);
  if (!date) throw new StatementError('MISSING_FIELD', `The ${where} has no date (<Dt>).`);
  return {
    code,
    balance: { amount: formatSigned(money.value, direction === 'debit'), currency: money.currency, date },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Entries and their transaction details.

interface EntryContext extends RecordFacts {
  /** 1-based position of the entry in its record. */
  position: number;
}

interface Money {
  value: Big;
  currency: string;
}

/** What one `TxDtls` says; an entry is made of one or more of these. */
interface TransactionFacts {
  money?: Money;
  direction?: Direction;
  bankReference?: string;
  endToEndId?: string;
  ownerReference?: string;
  counterparty?: Counterparty;
  remittance: string[];
  structuredReference?: string;
  transactionCode?: string;
  additionalInfo?: string;
}

function readEntry(entry: XmlElement, context: EntryContext): StatementEntry[] {
  const where = `entry ${context.position} of ${context.label}`;
  const money = readMoney(child(entry, 'Amt'), where);
  const direction = readDirection(entry, where);
  const status = readStatus(entry);
  if (!status) throw new StatementError('MISSING_FIELD', `The ${where} has no status (<Sts>).`);
  const valueDate = readDateChoice(child(entry, 'ValDt'), where);
  const bookingDate = readDateChoice(child(entry, 'BookgDt'), where) ?? valueDate ?? context.fallbackDate;
  if (!bookingDate) {
    throw new StatementError(
      'MISSING_FIELD',
      `The ${where} has no booking date, value date or creation time.`,
    );
  }
  const common: StatementEntry = {
    index: 0,
    bookingDate,
    amount: formatAmount(money.value),
    currency: money.currency,
    direction,
    reversal: isTrue(text(entry, 'RvslInd')),
    status,
    remittance: [],
  };
  if (valueDate) common.valueDate = valueDate;
  const bankReference = text(entry, 'AcctSvcrRef') ?? text(entry, 'NtryRef');
  if (bankReference) common.bankReference = bankReference;
  const transactionCode = transactionCodeOf(child(entry, 'BkTxCd'));
  if (transactionCode) common.transactionCode = transactionCode;
  const entryInfo = text(entry, 'AddtlNtryInf');

  // v02+ nests the details in NtryDtls (possibly several); v01 puts TxDtls in the entry itself.
  const detailElements = [
    ...children(entry, 'TxDtls'),
    ...children(entry, 'NtryDtls').flatMap((details) => children(details, 'TxDtls')),
  ];
  const details = detailElements.map((detail, index) =>
    readTransaction(detail, direction, `transaction ${index + 1} of the ${where}`),
  );

  if (isSplittableBatch(money, direction, details)) {
    return details.map((detail, index) =>
      finishEntry({ ...common, amount: formatAmount(detail.money!.value) }, [detail], entryInfo, {
        // Each part needs a reference of its own, or they would share one business key (see entryKey).
        bankReference: detail.bankReference ?? (bankReference ? `${bankReference}/${index + 1}` : undefined),
      }),
    );
  }
  return [finishEntry(common, details, entryInfo, {})];
}

/**
 * A batch is split when each detail carries its own amount in the entry's currency and direction, and the amounts
 * add up exactly to the entry: then every part is money of its own (a payer, an invoice). Otherwise splitting would
 * invent amounts, so the entry stays whole.
 */
function isSplittableBatch(entry: Money, direction: Direction, details: TransactionFacts[]): boolean {
  if (details.length < 2) return false;
  let sum = new Big(0);
  for (const detail of details) {
    if (!detail.money || detail.money.currency !== entry.currency) return false;
    if (detail.direction && detail.direction !== direction) return false;
    sum = sum.plus(detail.money.value);
  }
  return sum.eq(entry.value);
}

/** Completes an entry from its details: a whole entry keeps only what all its details agree on. */
function finishEntry(
  entry: StatementEntry,
  details: TransactionFacts[],
  entryInfo: string | undefined,
  overrides: { bankReference?: string },
): StatementEntry {
  if (overrides.bankReference) entry.bankReference = overrides.bankReference;
  else if (!entry.bankReference) {
    const reference = agreed(details.map((detail) => detail.bankReference));
    if (reference) entry.bankReference = reference;
  }
  entry.remittance = details.flatMap((detail) => detail.remittance);
  const counterparty = agreedCounterparty(details.map((detail) => detail.counterparty));
  if (counterparty) entry.counterparty = counterparty;
  const structuredReference = agreed(details.map((detail) => detail.structuredReference));
  if (structuredReference) entry.structuredReference = structuredReference;
  const endToEndId = agreed(details.map((detail) => detail.endToEndId));
  if (endToEndId) entry.endToEndId = endToEndId;
  const ownerReference = agreed(details.map((detail) => detail.ownerReference));
  if (ownerReference) entry.ownerReference = ownerReference;
  // A single detail's own code is more precise than the entry's; a batch keeps the entry's.
  const detailCode = details.length === 1 ? details[0].transactionCode : undefined;
  if (detailCode) entry.transactionCode = detailCode;
  const info = [entryInfo, ...details.map((detail) => detail.additionalInfo)].filter(Boolean).join('\n');
  if (info) entry.additionalInfo = info;
  return entry;
}

/** The one value every detail that has one agrees on; undefined when none has one or they differ. */
function agreed(values: (string | undefined)[]): string | undefined {
  const distinct = new Set(values.filter((value): value is string => !!value));
  return distinct.size === 1 ? [...distinct][0] : undefined;
}

function agreedCounterparty(parties: (Counterparty | undefined)[]): Counterparty | undefined {
  const present = parties.filter((party): party is Counterparty => !!party);
  const distinct = new Set(present.map((party) => JSON.stringify(party)));
  return distinct.size === 1 ? present[0] : undefined;
}

function readTransaction(detail: XmlElement, entryDirection: Direction, where: string): TransactionFacts {
  const facts: TransactionFacts = { remittance: [] };
  // v04+: TxDtls/Amt; v02: only AmtDtls/TxAmt/Amt.
  const amount = child(detail, 'Amt') ?? path(detail, 'AmtDtls', 'TxAmt', 'Amt');
  if (amount) facts.money = readMoney(amount, where);
  if (child(detail, 'CdtDbtInd')) facts.direction = readDirection(detail, where);
  const refs = child(detail, 'Refs');
  const bankReference = text(refs, 'AcctSvcrRef');
  if (bankReference) facts.bankReference = bankReference;
  const endToEndId = text(refs, 'EndToEndId');
  // NOTPROVIDED is the SEPA way of saying there is none.
  if (endToEndId && endToEndId !== 'NOTPROVIDED') facts.endToEndId = endToEndId;
  const ownerReference = text(refs, 'AcctOwnrTxId');
  if (ownerReference && ownerReference !== 'NONREF') facts.ownerReference = ownerReference;
  const counterparty = readCounterparty(detail, entryDirection);
  if (counterparty) facts.counterparty = counterparty;
  readRemittance(child(detail, 'RmtInf'), facts);
  const transactionCode = transactionCodeOf(child(detail, 'BkTxCd'));
  if (transactionCode) facts.transactionCode = transactionCode;
  const additionalInfo = text(detail, 'AddtlTxInf');
  if (additionalInfo) facts.additionalInfo = additionalInfo;
  return facts;
}

/** The other side: the debtor of a credit (who paid us), the creditor of a debit (whom we paid). */
function readCounterparty(detail: XmlElement, direction: Direction): Counterparty | undefined {
  const side = direction === 'credit' ? 'Dbtr' : 'Cdtr';
  const parties = child(detail, 'RltdPties');
  const party = child(parties, side);
  // v08 wraps the party (Pty) or, for a bank as party, its institution (Agt/FinInstnId); before, the party itself.
  const partyDetail = child(party, 'Pty') ?? path(party, 'Agt', 'FinInstnId') ?? party;
  const result: Counterparty = {};
  const name = text(partyDetail, 'Nm');
  if (name) result.name = name;
  const account = child(child(parties, `${side}Acct`), 'Id');
  const iban = text(account, 'IBAN');
  if (iban) result.iban = iban;
  else {
    const other = otherAccountId(account);
    if (other) result.account = other;
  }
  const bic =
    bicOf(path(detail, 'RltdAgts', `${side}Agt`, 'FinInstnId')) ?? bicOf(path(party, 'Agt', 'FinInstnId'));
  if (bic) result.bic = bic;
  return Object.keys(result).length > 0 ? result : undefined;
}

/** Every unstructured line, then the free text of the structured blocks; the first creditor reference. */
function readRemittance(remittance: XmlElement | undefined, facts: TransactionFacts): void {
  if (!remittance) return;
  facts.remittance.push(...texts(remittance, 'Ustrd'));
  for (const structured of children(remittance, 'Strd')) {
    const reference = text(structured, 'CdtrRefInf', 'Ref');
    if (reference && !facts.structuredReference) facts.structuredReference = reference;
    facts.remittance.push(...texts(structured, 'AddtlRmtInf'));
  }
}

/** "PMNT/RCDT/ESCT" (domain/family/sub-family) when the bank gives the ISO code, else its proprietary code. */
function transactionCodeOf(code: XmlElement | undefined): string | undefined {
  const domain = child(code, 'Domn');
  const domainCode = text(domain, 'Cd');
  if (domainCode) {
    return [domainCode, text(domain, 'Fmly', 'Cd'), text(domain, 'Fmly', 'SubFmlyCd')]
      .filter(Boolean)
      .join('/');
  }
  return text(code, 'Prtry', 'Cd');
}

/** v08 and later: `<Sts><Cd>BOOK</Cd></Sts>` (or `<Prtry>`); before: `<Sts>BOOK</Sts>`. */
function readStatus(entry: XmlElement): string | undefined {
  const status = child(entry, 'Sts');
  if (!status) return undefined;
  return (
    text(status, 'Cd') ?? text(status, 'Prtry') ?? (status.children.length === 0 ? text(status) : undefined)
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Values.

function readMoney(amount: XmlElement | undefined, where: string): Money {
  if (!amount) throw new StatementError('MISSING_FIELD', `The ${where} has no amount (<Amt>).`);
  const written = amount.text.trim();
  // xs:decimal also allows a leading "+"; banks do not send it, and a "-" is never right (the sign is CdtDbtInd).
  const value = /^\d+(\.\d+)?$/.test(written) ? parseUnsigned(written) : undefined;
  if (!value) {
    throw new StatementError(
      'BAD_AMOUNT',
      `The ${where} has the amount "${written}", which is not a positive decimal number like 1234.56.`,
    );
  }
  const currency = (amount.attributes.get('Ccy') ?? '').trim();
  if (!/^[A-Z]{3}$/.test(currency)) {
    throw new StatementError(
      'MISSING_FIELD',
      `The ${where} has no valid currency (Ccy="${currency}") on its amount ${written}.`,
    );
  }
  return { value, currency };
}

function readDirection(element: XmlElement, where: string): Direction {
  const indicator = text(element, 'CdtDbtInd');
  if (indicator === 'CRDT') return 'credit';
  if (indicator === 'DBIT') return 'debit';
  throw new StatementError(
    'MISSING_FIELD',
    `The ${where} has ${indicator ? `the credit/debit indicator "${indicator}"` : 'no credit/debit indicator'}; ` +
      'it must be CRDT or DBIT (<CdtDbtInd>).',
  );
}

/** `<Dt>2026-01-15</Dt>` or `<DtTm>2026-01-15T10:30:00+02:00</DtTm>`: the date as the bank wrote it. */
function readDateChoice(choice: XmlElement | undefined, where: string): string | undefined {
  if (!choice) return undefined;
  const written = text(choice, 'Dt') ?? text(choice, 'DtTm');
  return written ? dateOf(written, `the ${where}`) : undefined;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;

function dateOf(written: string, where: string): string {
  const match = ISO_DATE.exec(written);
  if (!match || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    throw new StatementError('BAD_DATE', `The date "${written}" of ${where} is not a date like 2026-01-15.`);
  }
  return written.slice(0, 10);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** xs:boolean. */
function isTrue(value: string | undefined): boolean {
  return value === 'true' || value === '1';
}

function capitalise(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1);
}

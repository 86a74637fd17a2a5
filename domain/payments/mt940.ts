/**
 * SWIFT MT940 (customer statement) and MT942 (interim transaction report) read into the statement model.
 *
 * Two stages: `readMt94xMessages` reads the tags of each message as written (typed, nothing judged), and
 * `readMt940` turns complete messages into BankStatements, refusing a message that lacks a mandatory tag or repeats
 * one. Pages of a long statement (`:28C:` 5/1, 5/2 … with `:60M:`/`:62M:`) stay separate statements, each with its
 * own intermediate balances, so each page can be checked on its own.
 *
 * Why not @centrapay/swift-parser (a dependency, tried first on the interop corpus): it throws a TypeError on the
 * bank header lines that ABN AMRO, ING and Rabobank put before `:20:` ("ABNANL2A", "940", ":940:") and on any file
 * without `:20:`; it rounds every amount to two decimals through BigNumber; it drops the supplementary details of
 * `:61:` unless they stand on their own line (Rabobank writes them after the 16-character reference); it takes the
 * entry date's year from the value date even across New Year; and it throws "Unknown tag" on tags it does not list.
 * Working around each of those would have meant re-reading every tag it had read, so this reader reads the tags
 * itself; its `:86:` sub-field conventions (`?20`…, `>20`…, `/TAG/`) follow the same published layouts.
 */
import Big from 'big.js';
import { electronicFormatIBAN, isValidBIC, isValidIBAN } from 'ibantools';
import { formatAmount, formatSigned, parseUnsigned } from './amounts';
import { StatementError } from './model';
import type { Balance, BankStatement, Counterparty, StatementAccount, StatementEntry } from './model';

// ---------------------------------------------------------------------------------------------------------------
// Stage 1: messages and their tags.

export type Mt940Mark = 'C' | 'D' | 'RC' | 'RD';

export interface Mt940Balance {
  /** "F" final, "M" intermediate (a page of a longer statement), "" for :64:/:65:. */
  kind: 'F' | 'M' | '';
  mark: 'C' | 'D';
  date: string;
  currency: string;
  /** Unsigned, in the model's decimal form. */
  amount: string;
}

/** One `:61:` statement line with the `:86:` that follow it. */
export interface Mt940Line {
  /** 1-based line of the file where the :61: starts. */
  line: number;
  valueDate: string;
  /** The entry (booking) date when given; its year is the one nearest the value date. */
  entryDate?: string;
  mark: Mt940Mark;
  fundsCode?: string;
  amount: string;
  /** Transaction type identification code, e.g. "NTRF", "N192". */
  typeCode?: string;
  /** Reference for the account owner as written, trailing spaces removed ("NONREF" kept here). */
  ownerReference?: string;
  /** The account servicing institution's reference, after "//" ("NONREF" kept here). */
  bankReference?: string;
  /** Supplementary details: the rest of the :61: line after the reference, and its continuation line. */
  supplementary?: string;
  /** Each :86: of this line, as its lines (trailing spaces and empty lines removed). */
  details: string[][];
}

export interface Mt940Message {
  format: 'mt940' | 'mt942';
  /** 1-based line of the file where the message starts. */
  line: number;
  transactionReference?: string;
  relatedReference?: string;
  account?: string;
  statementNumber?: string;
  sequenceNumber?: string;
  openingBalance?: Mt940Balance;
  closingBalance?: Mt940Balance;
  availableBalance?: Mt940Balance;
  forwardAvailableBalance?: Mt940Balance;
  /** :13D: (MT942) as an ISO timestamp with the offset the bank wrote. */
  dateTime?: string;
  /** :34F: floor limit currency (MT942 has no balances to take the currency from). */
  floorLimitCurrency?: string;
  lines: Mt940Line[];
  /** :86: outside any statement line: information to the account owner. */
  information: string[];
  /** What breaks the MT940 rules (a repeated tag, an unreadable value); readMt940 refuses a message with any. */
  problems: string[];
}

interface RawTag {
  tag: string;
  line: number;
  lines: string[];
}

const TAG = /^:(\d{2}[A-Z]?|NS):/;

/** Reads every message of an MT940/MT942 text; never throws. */
export function readMt94xMessages(text: string): Mt940Message[] {
  return splitMessages(text).map(readMessage);
}

interface RawMessage {
  line: number;
  formatHint?: 'mt940' | 'mt942';
  tags: RawTag[];
}

/**
 * A message ends at a line starting with "-" (SWIFT's block end; field lines may not start with it) or where the
 * next `:20:` begins. Lines before a message's first tag are a bank's file header ("ABNANL2A", "940", ":940:",
 * "{1:F01…}{2:O940…}{4:") and carry no statement data, only, in block 2, the message type.
 */
function splitMessages(text: string): RawMessage[] {
  const messages: RawMessage[] = [];
  let current: RawMessage | undefined;
  let tag: RawTag | undefined;
  let formatHint: 'mt940' | 'mt942' | undefined;
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    let line = raw.replace(/\s+$/, '');
    if (line.startsWith('{')) {
      const type = /\{2:[IO](94[02])/.exec(line)?.[1];
      if (type) formatHint = type === '942' ? 'mt942' : 'mt940';
      const text4 = line.indexOf('{4:');
      if (text4 < 0) return;
      line = line.slice(text4 + 3);
    }
    if (line === '') return;
    if (line.startsWith('-')) {
      current = undefined;
      tag = undefined;
      return;
    }
    const match = TAG.exec(line);
    if (match) {
      if (!current || match[1] === '20') {
        current = { line: lineNumber, formatHint, tags: [] };
        messages.push(current);
      }
      tag = { tag: match[1], line: lineNumber, lines: [line.slice(match[0].length)] };
      current.tags.push(tag);
      return;
    }
    // A line outside any tag is header text; inside one it continues the tag.
    if (tag) tag.lines.push(line);
  });
  return messages;
}

function readMessage(raw: RawMessage): Mt940Message {
  const message: Mt940Message = {
    format: raw.formatHint ?? 'mt940',
    line: raw.line,
    lines: [],
    information: [],
    problems: [],
  };
  // The tag an :86: follows decides whose it is; further :86: and :NS: keep it with the same :61:.
  let previous: string | undefined;
  for (const tag of raw.tags) {
    readTag(message, tag, previous);
    if (!((tag.tag === '86' || tag.tag === 'NS') && previous === '61')) previous = tag.tag;
  }
  if (!raw.formatHint && (message.dateTime || message.floorLimitCurrency) && !message.openingBalance) {
    message.format = 'mt942';
  }
  return message;
}

function readTag(message: Mt940Message, tag: RawTag, previous: string | undefined): void {
  const value = tag.lines[0];
  const where = `line ${tag.line}`;
  // Tags that occur once per message, on one line: a repeat or a second line is a broken message.
  const once = (present: unknown): void => {
    if (present !== undefined) message.problems.push(`the tag :${tag.tag}: is repeated at ${where}`);
    if (tag.lines.length > 1) {
      message.problems.push(
        `the tag :${tag.tag}: at ${where} runs over ${tag.lines.length} lines; it has one`,
      );
    }
  };
  switch (tag.tag) {
    case '20':
      once(message.transactionReference);
      message.transactionReference = value.trim();
      return;
    case '21':
      once(message.relatedReference);
      message.relatedReference = value.trim();
      return;
    case '25':
      once(message.account);
      message.account = value.trim();
      return;
    case '28':
    case '28C': {
      once(message.statementNumber);
      const [statement, sequence] = value.trim().split('/');
      message.statementNumber = statement;
      if (sequence !== undefined) message.sequenceNumber = sequence;
      return;
    }
    case '60F':
    case '60M':
    case '60':
      once(message.openingBalance);
      message.openingBalance = readBalanceTag(tag, message);
      return;
    case '62F':
    case '62M':
    case '62':
      once(message.closingBalance);
      message.closingBalance = readBalanceTag(tag, message);
      return;
    case '64':
      once(message.availableBalance);
      message.availableBalance = readBalanceTag(tag, message);
      return;
    case '65':
      // :65: may repeat (one per forward date); the last is kept.
      message.forwardAvailableBalance = readBalanceTag(tag, message);
      return;
    case '13':
    case '13D':
      message.dateTime = readDateTime(value, where, message);
      return;
    case '34F':
      message.floorLimitCurrency ??= /^([A-Z]{3})/.exec(value)?.[1];
      return;
    case '61': {
      const line = readStatementLine(tag, message);
      if (line) message.lines.push(line);
      return;
    }
    case '86': {
      const details = tag.lines.filter((line) => line.trim() !== '');
      const owner = previous === '61' ? message.lines[message.lines.length - 1] : undefined;
      if (owner) owner.details.push(details);
      else message.information.push(...details);
      return;
    }
    default:
      // :90D:/:90C: (MT942 totals), :NS: (bank's own data) and others carry nothing the model keeps.
      return;
  }
}

const BALANCE = /^([CD])(\d{6})([A-Z]{3})([\d,.]*\d[\d,.]*)$/;

function readBalanceTag(tag: RawTag, message: Mt940Message): Mt940Balance | undefined {
  const match = BALANCE.exec(tag.lines[0].trim());
  const amount = match ? mtAmount(match[4]) : undefined;
  const date = match ? mtDate(match[2]) : undefined;
  if (!match || !amount || !date) {
    message.problems.push(
      `the balance :${tag.tag}:${tag.lines[0]} at line ${tag.line} is not C/D, date YYMMDD, currency and amount`,
    );
    return undefined;
  }
  const kind = tag.tag.endsWith('F') ? 'F' : tag.tag.endsWith('M') ? 'M' : '';
  return { kind, mark: match[1] as 'C' | 'D', date, currency: match[3], amount: formatAmount(amount) };
}

/**
 * `:61:` — 6!n[4!n]2a[1!a]15d1!a3!c16x[//16x] then [34x] on the next line:
 * value date, entry date, mark (C, D, RC reversal of a credit, RD reversal of a debit), funds code, amount,
 * type code, reference for the account owner, bank reference, supplementary details.
 */
const STATEMENT_LINE = /^(\d{6})(\d{4}|\s{4})?(R?[CD])([A-Z])?(\d[\d,.]*)([A-Z][A-Z0-9]{3})?(.*)$/;

function readStatementLine(tag: RawTag, message: Mt940Message): Mt940Line | undefined {
  const [first, ...continuation] = tag.lines;
  const match = STATEMENT_LINE.exec(first);
  const valueDate = match ? mtDate(match[1]) : undefined;
  const amount = match ? mtAmount(match[5]) : undefined;
  if (!match || !valueDate || !amount) {
    message.problems.push(
      `the statement line :61:${first} at line ${tag.line} does not start with a value date YYMMDD, ` +
        'C/D/RC/RD and an amount',
    );
    return undefined;
  }
  const [, , entry, mark, fundsCode, , typeCode, rest] = match;
  const line: Mt940Line = {
    line: tag.line,
    valueDate,
    mark: mark as Mt940Mark,
    amount: formatAmount(amount),
    details: [],
  };
  if (entry && entry.trim()) {
    const entryDate = nearestDate(valueDate, entry);
    if (entryDate) line.entryDate = entryDate;
    else
      message.problems.push(`the entry date ${entry} of the statement line at line ${tag.line} is not MMDD`);
  }
  if (fundsCode) line.fundsCode = fundsCode;
  if (typeCode) line.typeCode = typeCode;
  const { ownerReference, bankReference, extra } = splitReferences(rest);
  if (ownerReference) line.ownerReference = ownerReference;
  if (bankReference) line.bankReference = bankReference;
  const supplementary = [extra, ...continuation.map((text) => text.trim())].filter(Boolean).join(' ');
  if (supplementary) line.supplementary = supplementary;
  return line;
}

/**
 * After the type code: the owner's reference (16x) up to "//", then the bank's reference. Some banks (Rabobank)
 * write the supplementary details on the same line after a reference padded to 16 characters.
 */
function splitReferences(rest: string): { ownerReference?: string; bankReference?: string; extra?: string } {
  const slashes = rest.indexOf('//');
  if (slashes >= 0 && slashes <= 16) {
    return {
      ownerReference: rest.slice(0, slashes).trim() || undefined,
      bankReference: rest.slice(slashes + 2).trim() || undefined,
    };
  }
  return {
    ownerReference: rest.slice(0, 16).trim() || undefined,
    extra: rest.slice(16).trim() || undefined,
  };
}

/** MT amounts use a decimal comma and may omit the decimals ("380115," or "500"); some banks write a point. */
function mtAmount(written: string): Big | undefined {
  if ((written.match(/[,.]/g) ?? []).length > 1) return undefined;
  return parseUnsigned(written);
}

/** YYMMDD; years 80–99 are 19xx. February days beyond the month's end (30/360 value dating) become its last day. */
function mtDate(written: string): string | undefined {
  const match = /^(\d{2})(\d{2})(\d{2})$/.exec(written);
  if (!match) return undefined;
  const year = Number(match[1]) + (Number(match[1]) >= 80 ? 1900 : 2000);
  const month = Number(match[2]);
  let day = Number(match[3]);
  if (month === 2 && day > 28 && day <= 31) day = Math.min(day, daysInMonth(year, 2));
  return isoDate(year, month, day);
}

/** MMDD in the year (of the value date's, the one before or after) nearest the value date. */
function nearestDate(valueDate: string, monthDay: string): string | undefined {
  const year = Number(valueDate.slice(0, 4));
  const month = Number(monthDay.slice(0, 2));
  const day = Number(monthDay.slice(2, 4));
  const candidates = [year - 1, year, year + 1]
    .map((candidate) => isoDate(candidate, month, day))
    .filter((date): date is string => !!date);
  const distance = (date: string): number => Math.abs(Date.parse(date) - Date.parse(valueDate));
  return candidates.sort((a, b) => distance(a) - distance(b))[0];
}

function readDateTime(value: string, where: string, message: Mt940Message): string | undefined {
  const match = /^(\d{6})(\d{2})(\d{2})([+-]\d{4})?$/.exec(value.trim());
  const date = match ? mtDate(match[1]) : undefined;
  if (!match || !date || Number(match[2]) > 23 || Number(match[3]) > 59) {
    message.problems.push(`the date and time :13D:${value} at ${where} is not YYMMDDhhmm±hhmm`);
    return undefined;
  }
  const offset = match[4] ? `${match[4].slice(0, 3)}:${match[4].slice(3)}` : '';
  return `${date}T${match[2]}:${match[3]}:00${offset}`;
}

function isoDate(year: number, month: number, day: number): string | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---------------------------------------------------------------------------------------------------------------
// Stage 2: statements.

/** Reads an MT940/MT942 text into statements; refuses an incomplete or broken message with a StatementError. */
export function readMt940(text: string): BankStatement[] {
  const messages = readMt94xMessages(text);
  if (messages.length === 0) {
    throw new StatementError(
      'MISSING_FIELD',
      'The file has no MT940/MT942 message: no line starts with a tag such as ":20:".',
    );
  }
  return messages.map(toStatement);
}

function toStatement(message: Mt940Message): BankStatement {
  const name = describe(message);
  const reference = required(message.transactionReference, name, ':20: transaction reference');
  const account = required(message.account, name, ':25: account identification');
  if (message.format === 'mt940') {
    required(message.openingBalance, name, ':60F:/:60M: opening balance');
    required(message.closingBalance, name, ':62F:/:62M: closing balance');
  }
  if (message.problems.length > 0) {
    throw new StatementError(
      'MALFORMED',
      `${name} is not valid ${message.format.toUpperCase()}: ${message.problems[0]}.`,
    );
  }
  const currency =
    message.openingBalance?.currency ?? message.closingBalance?.currency ?? message.floorLimitCurrency;
  if (!currency) {
    throw new StatementError(
      'MISSING_FIELD',
      `${name} states no currency (no balance and no :34F: floor limit).`,
    );
  }
  const statement: BankStatement = {
    format: message.format,
    id: [reference, message.statementNumber, message.sequenceNumber].filter(Boolean).join('/'),
    account: { ...readAccount(account), currency },
    entries: message.lines.map((line, index) => toEntry(line, index, currency)),
  };
  const sequence = [message.statementNumber, message.sequenceNumber].filter(Boolean).join('/');
  if (sequence) statement.sequence = sequence;
  if (message.dateTime) statement.createdAt = message.dateTime;
  if (message.openingBalance) statement.openingBalance = toBalance(message.openingBalance);
  if (message.closingBalance) statement.closingBalance = toBalance(message.closingBalance);
  if (message.information.length > 0) statement.additionalInfo = message.information.join('\n');
  return statement;
}

function describe(message: Mt940Message): string {
  const type = message.format.toUpperCase();
  return message.transactionReference
    ? `The ${type} message ${message.transactionReference} (line ${message.line})`
    : `The ${type} message at line ${message.line}`;
}

function required<T>(value: T | undefined, name: string, what: string): T {
  if (value === undefined) {
    throw new StatementError('MISSING_FIELD', `${name} has no ${what}, so it is not a complete statement.`);
  }
  return value;
}

/** `:25:` holds an IBAN, a national account number, or "BIC/IBAN". */
function readAccount(written: string): StatementAccount {
  const asIban = electronicFormatIBAN(written) ?? '';
  if (isValidIBAN(asIban)) return { iban: asIban };
  const [bank, number] = written.split('/');
  const numberAsIban = electronicFormatIBAN(number ?? '') ?? '';
  if (number !== undefined && isValidBIC(bank) && isValidIBAN(numberAsIban))
    return { iban: numberAsIban, bic: bank };
  return { other: written };
}

function toBalance(balance: Mt940Balance): Balance {
  return {
    amount: formatSigned(new Big(balance.amount), balance.mark === 'D'),
    currency: balance.currency,
    date: balance.date,
  };
}

function toEntry(line: Mt940Line, index: number, currency: string): StatementEntry {
  // RC reverses a credit, so money leaves the account; RD reverses a debit, so it comes back.
  const direction = line.mark === 'C' || line.mark === 'RD' ? 'credit' : 'debit';
  const entry: StatementEntry = {
    index,
    bookingDate: line.entryDate ?? line.valueDate,
    valueDate: line.valueDate,
    amount: line.amount,
    currency,
    direction,
    reversal: line.mark.startsWith('R'),
    status: 'BOOK',
    remittance: [],
  };
  if (line.bankReference && !NO_REFERENCE.has(line.bankReference)) entry.bankReference = line.bankReference;
  if (line.ownerReference && !NO_REFERENCE.has(line.ownerReference))
    entry.ownerReference = line.ownerReference;
  if (line.typeCode) entry.transactionCode = line.typeCode;
  const purpose = readPurpose(line.details.flat());
  entry.remittance = purpose.remittance;
  if (purpose.counterparty) entry.counterparty = purpose.counterparty;
  if (purpose.endToEndId) entry.endToEndId = purpose.endToEndId;
  if (purpose.structuredReference) entry.structuredReference = purpose.structuredReference;
  const info = [line.supplementary, purpose.postingText].filter(Boolean).join('\n');
  if (info) entry.additionalInfo = info;
  return entry;
}

// ---------------------------------------------------------------------------------------------------------------
// :86: information to the account owner, in the three layouts banks use.

/** What the model takes from an :86:. */
export interface Mt940Purpose {
  remittance: string[];
  counterparty?: Counterparty;
  endToEndId?: string;
  structuredReference?: string;
  /** The bank's booking text (?00), e.g. "GUTSCHRIFT". */
  postingText?: string;
}

/**
 * - German DFÜ / SEPA layout: a 3-digit business code then `?NN` (or `>NN`, Triodos) sub-fields: ?00 booking
 *   text, ?20–?29 and ?60–?63 purpose, ?30 bank, ?31 account, ?32–?33 name; SEPA keys (EREF+, SVWZ+ …) inside the
 *   purpose. The lines are one text wrapped at a fixed width, so they are joined without a separator.
 * - `/TAG/value` layout (Rabobank, ABN AMRO, ING): /EREF/, /REMI/, /NAME/, /IBAN/, /BIC/ …, also wrapped.
 * - Anything else is free text: each line is a remittance line.
 */
export function readPurpose(lines: string[]): Mt940Purpose {
  const joined = lines.join('');
  if (/^\d{3}[?>]\d{2}/.test(joined)) return readSubfields(joined);
  if (/^\/[A-Z]{2,4}\//.test(joined)) return readSlashTags(joined);
  return { remittance: lines.map((line) => line.trim()).filter(Boolean) };
}

const SEPA_KEYS = [
  'EREF',
  'KREF',
  'MREF',
  'CRED',
  'DEBT',
  'SVWZ',
  'ABWA',
  'ABWE',
  'IBAN',
  'BIC',
  'PURP',
  'COAM',
  'OAMT',
  'SQTP',
  'ORCR',
  'ORMR',
  'DDAT',
  'MDAT',
];
const SEPA_KEY = new RegExp(`(${SEPA_KEYS.join('|')})\\+`, 'g');

function readSubfields(joined: string): Mt940Purpose {
  // "166?00GUTSCHRIFT?20EREF+…": the separator is the character after the business code.
  const separator = joined[3] === '>' ? '>' : '\\?';
  const fields = new Map<string, string>();
  const marks = [...joined.matchAll(new RegExp(`${separator}(\\d{2})`, 'g'))];
  marks.forEach((mark, i) => {
    const start = (mark.index ?? 0) + mark[0].length;
    const end = i + 1 < marks.length ? marks[i + 1].index : joined.length;
    fields.set(mark[1], (fields.get(mark[1]) ?? '') + joined.slice(start, end));
  });
  const field = (...keys: string[]): string => keys.map((key) => fields.get(key) ?? '').join('');
  const range = (from: number, to: number): string[] =>
    Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(2, '0'));

  // ?60–?63 continue the purpose of ?20–?29 (DFÜ-Abkommen, Anlage 3).
  const purposeText = field(...range(20, 29), ...range(60, 63));
  const sepa = splitSepaKeys(purposeText);
  const result: Mt940Purpose = { remittance: [] };
  const remittance = sepa ? (sepa.SVWZ ?? sepa['']) : purposeText.trim();
  if (remittance) result.remittance.push(remittance);
  const endToEndId = sepa?.EREF;
  if (endToEndId && !NO_REFERENCE.has(endToEndId)) result.endToEndId = endToEndId;
  const postingText = field('00').trim();
  if (postingText) result.postingText = postingText;
  const counterparty = counterpartyOf(field('32', '33'), field('31') || sepa?.IBAN, field('30') || sepa?.BIC);
  if (counterparty) result.counterparty = counterparty;
  return result;
}

/** What banks write where there is no reference. */
const NO_REFERENCE = new Set(['NONREF', 'NOTPROVIDED']);

/** "EREF+abc SVWZ+text" -> { EREF: "abc ", SVWZ: "text" }; text before the first key is under "". */
function splitSepaKeys(text: string): Record<string, string> | undefined {
  const keys = [...text.matchAll(SEPA_KEY)];
  if (keys.length === 0) return undefined;
  const values: Record<string, string> = {};
  const before = text.slice(0, keys[0].index).trim();
  if (before) values[''] = before;
  keys.forEach((key, i) => {
    const start = (key.index ?? 0) + key[0].length;
    const end = i + 1 < keys.length ? keys[i + 1].index : text.length;
    values[key[1]] = text.slice(start, end).trim();
  });
  return values;
}

/**
 * "/EREF/123/BENM//NAME/ACME LTD/REMI/Invoice 7/": each tag's value runs to the "/" that opens the next tag, so an
 * empty value shows as "//". Variants: /REMI/USTD//text/ and /REMI/STRD/CUR/RF18…/ (structured), and
 * /CNTP/IBAN/BIC/NAME/CITY/ (positional counterparty).
 */
function readSlashTags(joined: string): Mt940Purpose {
  const tags = new Map<string, string>();
  const found = [...joined.matchAll(/\/([A-Z]{2,4})\//g)];
  found.forEach((match, i) => {
    const start = (match.index ?? 0) + match[0].length;
    const end = i + 1 < found.length ? found[i + 1].index : joined.length;
    const value = joined.slice(start, end).replace(/\/$/, '').trim();
    if (!tags.has(match[1])) tags.set(match[1], value);
  });
  const result: Mt940Purpose = { remittance: [] };
  const structured = tags.has('STRD') ? tags.get('CUR') : undefined;
  if (structured) result.structuredReference = structured;
  const remittance = tags.get('REMI') || tags.get('USTD')?.replace(/^\//, '');
  if (remittance) result.remittance.push(remittance);
  const endToEndId = tags.get('EREF');
  if (endToEndId && !NO_REFERENCE.has(endToEndId)) result.endToEndId = endToEndId;
  const [cntpAccount, cntpBic, cntpName] = (tags.get('CNTP') ?? '').split('/');
  const counterparty = counterpartyOf(
    tags.get('NAME') || cntpName || '',
    tags.get('IBAN') || cntpAccount,
    tags.get('BIC') || cntpBic,
  );
  if (counterparty) result.counterparty = counterparty;
  return result;
}

function counterpartyOf(name: string, account?: string, bank?: string): Counterparty | undefined {
  const result: Counterparty = {};
  if (name.trim()) result.name = name.trim();
  const iban = electronicFormatIBAN(account ?? '') ?? '';
  if (account && isValidIBAN(iban)) result.iban = iban;
  else if (account?.trim()) result.account = account.trim();
  // ?30 holds a BIC or, in older German statements, a bank code (BLZ); only a BIC has a place in the model.
  if (bank && isValidBIC(bank.trim())) result.bic = bank.trim();
  return Object.keys(result).length > 0 ? result : undefined;
}

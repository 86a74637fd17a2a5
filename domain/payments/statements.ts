/**
 * The one entry point for a bank statement file, whatever the channel it came by: detect the format from the bytes,
 * decode the text, read it (camt.052/053/054 or MT940/MT942) and check that every statement adds up.
 *
 * Every refusal is a StatementError with a specific code and a sentence the person who uploaded the file can act
 * on; nothing else is ever thrown.
 */
import Big from 'big.js';
import { readCamt } from './camt';
import { readMt940 } from './mt940';
import { StatementError } from './model';
import type { Balance, BankStatement } from './model';
import { formatAmount } from './amounts';

/** A year of statements of a busy account is a few MiB; anything much larger is not a statement. */
export const MAX_STATEMENT_BYTES = 50 * 1024 * 1024;

/** Reads a statement file and checks its balances: what an import uses. */
export function readStatement(bytes: Buffer, name?: string): BankStatement[] {
  return guarded(name, () => {
    const statements = parseStatementFile(bytes);
    statements.forEach(checkBalances);
    return statements;
  });
}

/**
 * Reads a statement file without checking its balances: for looking at a file that `readStatement` refused, and
 * for comparing the reading with other tools' on test files whose figures do not add up.
 */
export function decodeStatement(bytes: Buffer, name?: string): BankStatement[] {
  return guarded(name, () => parseStatementFile(bytes));
}

/** Prefixes the file's name to refusals, and turns a fault of the reader itself into a refusal too. */
function guarded<T>(name: string | undefined, read: () => T): T {
  const prefix = name ? `${name}: ` : '';
  try {
    return read();
  } catch (error) {
    if (error instanceof StatementError) throw new StatementError(error.code, prefix + error.message);
    // A bug here must not surface as a crash of the import; the message says so, so that it gets reported.
    const detail = error instanceof Error ? error.message : String(error);
    throw new StatementError(
      'MALFORMED',
      `${prefix}The file could not be read because of a fault in the hub's statement reader (${detail}); ` +
        'please send the file to support.',
    );
  }
}

function parseStatementFile(bytes: Buffer): BankStatement[] {
  if (bytes.length > MAX_STATEMENT_BYTES) {
    throw new StatementError(
      'TOO_LARGE',
      `The file is ${megabytes(bytes.length)} MiB; statement files of more than ${megabytes(MAX_STATEMENT_BYTES)} ` +
        'MiB are refused. Export a shorter period.',
    );
  }
  const text = decodeText(bytes);
  const start = text.search(/\S/);
  if (start < 0) throw new StatementError('UNKNOWN_FORMAT', 'The file is empty.');
  if (text[start] === '<') return readCamt(text.slice(start));
  if (looksLikeMt94x(text)) return readMt940(text);
  throw new StatementError('UNKNOWN_FORMAT', `${whatItIs(bytes)} ${SUPPORTED}`);
}

const SUPPORTED =
  'The hub reads bank statements as ISO 20022 camt.053, camt.052 or camt.054 (XML) and SWIFT MT940 or MT942.';

/** An MT94x file has lines that start with a tag such as ":20:" (after any bank header lines). */
function looksLikeMt94x(text: string): boolean {
  return /(^|[\r\n]|\{4:)[ \t]*:(\d{2}[A-Z]?|NS):/.test(text);
}

/** For the refusal of a file that is no statement: say what it seems to be instead. */
function whatItIs(bytes: Buffer): string {
  const head = bytes.subarray(0, 8).toString('latin1');
  if (head.startsWith('%PDF')) return 'This is a PDF document, not a statement file.';
  if (head.startsWith('PK\u0003\u0004'))
    return 'This is a ZIP archive (or an Office document); unpack it first.';
  if (bytes.subarray(0, 4096).includes(0)) return 'This is a binary file, not a statement.';
  return 'The file is neither camt XML nor MT940.';
}

// ---------------------------------------------------------------------------------------------------------------
// Text encodings: Bulgarian banks write UTF-8 (with or without a BOM) or Windows-1251.

const utf8 = new TextDecoder('utf-8', { fatal: true });
const windows1251 = new TextDecoder('windows-1251');

/**
 * A byte order mark decides; then an XML declaration's encoding; then UTF-8 if the bytes are valid UTF-8, else
 * Windows-1251 (every byte sequence is valid 1251, and Cyrillic from older Bulgarian systems is 1251).
 */
function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeUtf8(bytes.subarray(3));
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const label = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    return decodeWith(label, bytes.subarray(2));
  }
  const declared = declaredEncoding(bytes);
  if (declared) return decodeWith(declared, bytes);
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1251.decode(bytes);
  }
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new StatementError(
      'MALFORMED',
      'The file starts with a UTF-8 byte order mark but is not valid UTF-8; export it again from online banking.',
    );
  }
}

/** `<?xml version="1.0" encoding="windows-1251"?>` at the start of the file. */
function declaredEncoding(bytes: Buffer): string | undefined {
  const head = bytes.subarray(0, 200).toString('latin1');
  return /^\s*<\?xml\s[^?]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
}

function decodeWith(label: string, bytes: Uint8Array): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new StatementError(
      'MALFORMED',
      `The file declares the text encoding "${label}", which the hub does not know; UTF-8 and Windows-1251 are read.`,
    );
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new StatementError(
      'MALFORMED',
      `The file declares the text encoding "${label}" but its bytes are not valid ${label}; ` +
        'the file is damaged or the declaration is wrong.',
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Balances: opening + credits − debits = closing, exactly.

/**
 * Refuses a statement whose booked entries do not lead from its opening to its closing balance. Only booked entries
 * count (pending and information-only ones are not on the balance); a statement without both balances (a camt.054
 * notification, an MT942 report) has nothing to check.
 */
export function checkBalances(statement: BankStatement): void {
  const { openingBalance: opening, closingBalance: closing } = statement;
  if (!opening || !closing) return;
  const name = `Statement ${statement.id}${accountLabel(statement)}`;
  if (opening.currency !== closing.currency) {
    throw new StatementError(
      'BALANCE_MISMATCH',
      `${name} opens in ${opening.currency} (${opening.amount}) but closes in ${closing.currency} ` +
        `(${closing.amount}); the balances of one account are in one currency.`,
    );
  }
  let credits = new Big(0);
  let debits = new Big(0);
  for (const entry of statement.entries) {
    if (entry.status !== 'BOOK') continue;
    if (entry.currency !== opening.currency) {
      throw new StatementError(
        'BALANCE_MISMATCH',
        `${name} is kept in ${opening.currency}, but its entry ${entry.index + 1} is in ${entry.currency} ` +
          `(${entry.amount}), so the balances cannot be checked.`,
      );
    }
    if (entry.direction === 'credit') credits = credits.plus(entry.amount);
    else debits = debits.plus(entry.amount);
  }
  const expected = new Big(opening.amount).plus(credits).minus(debits);
  const difference = new Big(closing.amount).minus(expected);
  if (!difference.eq(0)) throw balanceMismatch(name, opening, closing, credits, debits, expected, difference);
}

function balanceMismatch(
  name: string,
  opening: Balance,
  closing: Balance,
  credits: Big,
  debits: Big,
  expected: Big,
  difference: Big,
): StatementError {
  const currency = opening.currency;
  return new StatementError(
    'BALANCE_MISMATCH',
    `${name} does not add up: opening balance ${opening.amount} ${currency} (${opening.date}) ` +
      `+ credits ${formatAmount(credits)} − debits ${formatAmount(debits)} = ${formatAmount(expected)} ${currency}, ` +
      `but the closing balance is ${closing.amount} ${currency} (${closing.date}); the difference is ` +
      `${formatAmount(difference)} ${currency}. The file is incomplete or was changed; export it again from online banking.`,
  );
}

function accountLabel(statement: BankStatement): string {
  const account = statement.account.iban ?? statement.account.other;
  return account ? ` of account ${account}` : '';
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '');
}

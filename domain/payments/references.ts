/**
 * Reading what a payer wrote on a transfer: RF creditor references (ISO 11649), invoice numbers in free text and
 * the tokens a provider's order id or an invoice's own payment reference may appear as.
 *
 * Payers write "ф-ра 123", "Ф.0000000123/15.01.2026", "фактура № 123 от 15.01.2026г.", "INV 123", mix Latin and
 * Cyrillic letters that look alike and drop the leading zeros of Bulgaria's 10-digit numbers. The reading is
 * tolerant of all that, and strict where a wrong match would come from: a number is only ever a whole run of digits
 * (never part of an IBAN, an amount, a date or a phone number), and a short one only counts after an invoice word.
 *
 * Everything works on a folded copy of the text with one character per character of the original, so what was read
 * can be quoted from the original exactly as the payer wrote it.
 */
import { isValidIBAN } from 'ibantools';
import { validate as isValidRfReference } from 'node-iso11649';

/** Cyrillic capitals that look like Latin ones, folded to the Latin letter (after upper-casing). */
const LOOK_ALIKES: Record<string, string> = {
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
  У: 'Y',
  І: 'I',
  Ј: 'J',
  Ѕ: 'S',
  Ү: 'Y',
};

/**
 * Upper case, Cyrillic look-alikes as Latin letters, every space as " ", every dash as "-", "№" kept. Exactly one
 * character out for each character in, so positions in the folded text are positions in the original.
 */
export function foldText(text: string): string {
  let upper = text.toUpperCase();
  // A few letters grow when upper-cased ("ß" → "SS"): those keep their own case, so positions still agree.
  if (upper.length !== text.length) {
    upper = [...text]
      .map((char) => (char.toUpperCase().length === char.length ? char.toUpperCase() : char))
      .join('');
  }
  return upper.replace(FOLDED_CHARACTERS, (char) => LOOK_ALIKES[char] ?? (/\s/.test(char) ? ' ' : '-'));
}

const FOLDED_CHARACTERS = new RegExp(`[\\s–—‐‑−${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

/** A reference as it is compared: folded, letters and digits only ("rf18 5390-0754" → "RF1853900754"). */
export function compactReference(value: string): string {
  return foldText(value).replace(/[^\p{L}\p{N}]/gu, '');
}

/** An IBAN as it is compared: upper case, no spaces. */
export function compactIban(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}

/** The key an invoice number made only of digits is found by: its digits without leading zeros. */
export function numberKey(digits: string): string {
  return digits.replace(/^0+/, '');
}

/** Whether an invoice number is read as digits (Bulgaria's 10-digit numbers) rather than as a token. */
export function isNumericInvoiceNumber(number: string): boolean {
  return /^\d+$/.test(number.trim()) && numberKey(number.trim()) !== '';
}

/** The widths banks cut remittance text at: domestic fields (35), MT940 `:86:` lines (65), SEPA (140). */
const FULL_LINE_WIDTHS = new Set([35, 65, 70, 140]);

/**
 * Remittance lines joined into one text. A bank cuts long text into lines of a fixed width, in the middle of a
 * word or a number as it comes: a line of exactly such a width that ends in neither a space nor punctuation runs
 * on into the next without a space ("IN" / "V 1234", "00000" / "01234"). A shorter line ended where the payer ended
 * it ("ф-ри 0000001234" / "0000001235" are two numbers).
 */
export function joinLines(lines: string[]): string {
  let text = '';
  let runsOn = false;
  for (const line of lines) {
    if (line.trim() === '') {
      runsOn = false;
      continue;
    }
    if (text === '') text = line.trimStart();
    else if (runsOn && /^[\p{L}\p{N}]/u.test(line)) text += line;
    else text = text.trimEnd() + ' ' + line.trimStart();
    runsOn = FULL_LINE_WIDTHS.has(line.length) && /[\p{L}\p{N}]$/u.test(line);
  }
  return text.trimEnd();
}

// ---------------------------------------------------------------------------------------------------------------
// Words. Written as people write them; folded like the text. In a pattern, "-" stands for any run of spaces, dots,
// dashes and slashes, so "ф-ра" also reads "ф.ра", "ф - ра", "фра" and "Ф-РA" with a Latin A.

/** Words that say the number after them is an invoice's. */
const INVOICE_WORDS = [
  'фактура',
  'фактурата',
  'фактури',
  'фактурите',
  'фак-ра',
  'фак',
  'фкт',
  'ф-ра',
  'ф-ри',
  'ф',
  'faktura',
  'fakturi',
  'fak',
  'f-ra',
  'f-ri',
  'invoices',
  'invoice',
  'inv',
];
/** Invoice words that announce several numbers: "ф-ри 1234 1235" needs no comma between them. */
const PLURAL_INVOICE_WORDS = new Set(['фактури', 'фактурите', 'ф-ри', 'fakturi', 'f-ri', 'invoices']);
/** Words that only say "number": an invoice's unless a word before says it is something else's. */
const NUMBER_WORDS = ['номер', 'ном', '№', 'no', 'nr', 'num', 'n', '#'];
/** Words that say the number is not an invoice's: an id, a phone, an account, a contract, an order, a proforma. */
const OTHER_WORDS = [
  'еик',
  'егн',
  'булстат',
  'ддс',
  'ин',
  'ид',
  'id',
  'тел',
  'телефон',
  'gsm',
  'моб',
  'iban',
  'сметка',
  'с-ка',
  'bic',
  'договор',
  'дог',
  'контракт',
  'contract',
  'поръчка',
  'поръчки',
  'order',
  'клиент',
  'абонат',
  'аб',
  'абонатен',
  'партида',
  'карта',
  'card',
  'код',
  'code',
  'заявка',
  'протокол',
  'оферта',
  'проформа',
  'pro-forma',
  'proforma',
  'ки',
  'известие',
];
/** What may follow a number that is an amount, a quantity or a year: "100 лв", "2 бр.", "2026 г." */
const UNIT_WORDS = ['лв', 'лева', 'лев', 'bgn', 'eur', 'евро', 'г', 'год', 'година', 'бр', 'кг', 'ст'];

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function wordPattern(word: string): string {
  return word
    .split('-')
    .map((part) => escapeRegExp(foldText(part)))
    .join('[\\s\\-./]*');
}

/** A test for any of `words` (folded like the text, whole words); returns the word as written in the text. */
export function wordFinder(words: string[]): (text: string) => string | undefined {
  const pattern = new RegExp(`${NOT_WORD_BEFORE}(?:${alternatives(words)})${NOT_WORD_AFTER}`, 'u');
  return (text) => {
    const match = pattern.exec(foldText(text));
    return match ? text.slice(match.index, match.index + match[0].length) : undefined;
  };
}

function alternatives(words: string[]): string {
  return [...words]
    .sort((a, b) => b.length - a.length)
    .map(wordPattern)
    .join('|');
}

const NOT_WORD_BEFORE = '(?<![\\p{L}\\p{N}])';
const NOT_WORD_AFTER = '(?![\\p{L}\\p{N}])';
/** The separators allowed between a word and its number: "ф-ра: 1234", "No.1234", "№ 1234", "ф-ра#1234". */
const BEFORE_NUMBER = '[\\s.:#№\\-]*$';

const INVOICE_WORD_BEFORE = new RegExp(
  `${NOT_WORD_BEFORE}(${alternatives(INVOICE_WORDS)})${BEFORE_NUMBER}`,
  'u',
);
const NUMBER_WORD_BEFORE = new RegExp(
  `(?:${NOT_WORD_BEFORE}(${alternatives(NUMBER_WORDS.filter((w) => /\p{L}/u.test(w)))})|([№#]))${BEFORE_NUMBER}`,
  'u',
);
const OTHER_WORD_BEFORE = new RegExp(`${NOT_WORD_BEFORE}(?:${alternatives(OTHER_WORDS)})[\\s.:#№\\-]*$`, 'u');
const UNIT_AFTER = new RegExp(`^\\s*(?:(?:${alternatives(UNIT_WORDS)})${NOT_WORD_AFTER}|[€%$])`, 'u');
const PLURAL_FOLDED = new Set([...PLURAL_INVOICE_WORDS].map((w) => foldText(w).replace(/[\s\-./]/g, '')));
/** Between two numbers of one list: "1234, 1235", "1234 и 1235", "1234; 1235", "1234 & 1235", "1234+1235". */
const LIST_SEPARATOR = new RegExp(
  `^(?:\\s*(?:[,;&+]|${wordPattern('и')}${NOT_WORD_AFTER}|AND${NOT_WORD_AFTER})\\s*)+$`,
  'u',
);
const RANGE_AFTER = /^\s*-\s*\d/;

// Spans that are never invoice numbers; they are blanked ("~", which no pattern crosses) before numbers are read.
const DATES = [
  /(?<!\d)\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})(?!\d)/g,
  /(?<!\d)\d{4}[./-]\d{1,2}[./-]\d{1,2}(?!\d)/g,
  /(?<![\d.,])\d{1,2}[./]\d{4}(?!\d)/g,
];
const AMOUNTS = [
  /(?<![\d.,])\d{1,3}(?:[ .,']\d{3})+[.,]\d{2}(?![\d.,])/g,
  /(?<![\d.,])\d+[.,]\d{2}(?![\d.,])/g,
];
const IBAN_LIKE = /(?<![A-Z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,32}/g;
const RF_LIKE = /(?<![A-Z0-9])RF\d{2}(?: ?[0-9A-Z])+/g;
/**
 * A number written in groups ("00000 01234"): joined when the groups make exactly Bulgaria's 10 digits with its
 * leading zero, so two short numbers side by side ("12345 12346") stay two.
 */
const GROUPED_DIGITS = /(?<![\d~])\d+(?: \d+)+(?![\d~])/g;
const FULL_WIDTH = 10;
/** A number alone counts as an invoice's only when written at (nearly) full width: "0000001234", not "1234". */
const MIN_ALONE_DIGITS = 8;
/** A token's pieces between "-", "/", "." count alone from this length (an order id "1000042" in "1000042/2026"). */
const MIN_TOKEN_PART = 6;

// ---------------------------------------------------------------------------------------------------------------

export type NumberMentionKind = 'invoice word' | 'list' | 'full width' | 'reference field';

/** A run of digits that a payer wrote as an invoice number. */
export interface NumberMention {
  /** The digits as written ("001234"). */
  digits: string;
  /** The digits without leading zeros: the key numeric invoice numbers are found by. */
  key: string;
  /** Why it is read as an invoice number: after an invoice word, in a list after one, alone at full width, or as a whole reference field. */
  kind: NumberMentionKind;
  /** The original text from the invoice word to the number's end, e.g. `Ф-РА 1234`. */
  quote: string;
  /** Followed by "-1240": a range of invoices, which the matcher does not expand. */
  range: boolean;
  /** Where the number starts in the text. */
  at: number;
}

/** An "RF…" reference found in the text, valid or not. */
export interface RfMention {
  /** Compact, upper case: "RF18539007547034". */
  reference: string;
  /** Shorter readings that are valid too, longest first: the matcher takes the first that is a known reference. */
  alternatives: string[];
  valid: boolean;
  quote: string;
  at: number;
}

/** A word-like token (letters, digits, inner "-", "/", ".") as it is compared, with where it was read. */
export interface TokenMention {
  compact: string;
  quote: string;
  at: number;
}

/** What one text (the remittance, a structured reference, the bank's additional information) says. */
export interface TextReading {
  rf: RfMention[];
  numbers: NumberMention[];
  tokens: TokenMention[];
  /** Numbers after an invoice word that were set aside, with why (e.g. `"договор № 45": a contract's number`). */
  setAside: string[];
  /** Every other run of digits (an amount, a date's year, a number without an invoice word): never an invoice's by itself, but a hint when the amount disagrees. */
  loose: { digits: string; key: string; quote: string }[];
}

/**
 * Reads one text. `referenceField`: the text is a reference field (camt `Strd/CdtrRefInf/Ref`), so a number that
 * is the whole field is the payer's reference even when short.
 */
export function readText(text: string, options: { referenceField?: boolean } = {}): TextReading {
  const folded = foldText(text);
  const work = folded.split('');
  const reading: TextReading = {
    rf: [],
    numbers: [],
    tokens: readTokens(text, folded),
    setAside: [],
    loose: [],
  };
  const blank = (start: number, end: number) => {
    for (let i = start; i < end; i++) work[i] = '~';
  };

  // A reference or an IBAN ends where its check digits say; the rest of the match is read again ("RF… RF…").
  const isRf = (compact: string) => compact.length <= 25 && isValidRfReference(compact);
  for (const { start, candidate, found, readings } of validPrefixes(folded, RF_LIKE, isRf)) {
    const reference = found?.compact ?? candidate.split(' ')[0];
    const length = found?.length ?? reference.length;
    const alternatives = readings.slice(1).map((r) => r.compact);
    reading.rf.push({
      reference,
      alternatives,
      valid: !!found,
      quote: text.slice(start, start + length),
      at: start,
    });
    if (found) blank(start, start + length);
  }
  const isIban = (compact: string) => compact.length >= 15 && isValidIBAN(compact);
  for (const { start, found } of validPrefixes(work.join(''), IBAN_LIKE, isIban)) {
    if (found) blank(start, start + found.length);
  }
  for (const pattern of [...DATES, ...AMOUNTS]) {
    for (const match of work.join('').matchAll(pattern)) blank(match.index, match.index + match[0].length);
  }

  const scanned = work.join('');
  const runs: { start: number; end: number; digits: string }[] = [];
  const grouped = new Set<number>();
  for (const match of scanned.matchAll(GROUPED_DIGITS)) {
    const digits = match[0].replace(/ /g, '');
    if (digits.length !== FULL_WIDTH || !digits.startsWith('0')) continue;
    runs.push({ start: match.index, end: match.index + match[0].length, digits });
    for (let i = match.index; i < match.index + match[0].length; i++) grouped.add(i);
  }
  for (const match of scanned.matchAll(/\d+/g)) {
    if (!grouped.has(match.index))
      runs.push({ start: match.index, end: match.index + match[0].length, digits: match[0] });
  }
  runs.sort((a, b) => a.start - b.start);

  if (options.referenceField && /^\s*\d+\s*$/.test(folded) && numberKey(folded.trim()) !== '') {
    const digits = folded.trim();
    reading.numbers.push({
      digits,
      key: numberKey(digits),
      kind: 'reference field',
      quote: text.trim(),
      range: false,
      at: 0,
    });
    return reading;
  }

  let list: { end: number; plural: boolean } | undefined;
  for (const run of runs) {
    const key = numberKey(run.digits);
    const before = scanned.slice(Math.max(0, run.start - 60), run.start);
    const after = scanned.slice(run.end, run.end + 16);
    const glued = /\p{L}$/u.test(before);
    const loose = () =>
      reading.loose.push({ digits: run.digits, key, quote: text.slice(run.start, run.end) });
    if (key === '' || /^\p{L}/u.test(after) || UNIT_AFTER.test(after)) {
      // An amount or a quantity ("1899 лв", "2 бр.") is no hint of an invoice.
      if (key !== '' && !UNIT_AFTER.test(after)) loose();
      list = undefined;
      continue;
    }
    const range = RANGE_AFTER.test(after);
    const word = invoiceWordBefore(before);
    const quoteFrom = (length: number) => text.slice(run.start - length, run.end);
    if (word?.kind === 'other') {
      reading.setAside.push(`"${quoteFrom(word.length).trim()}": ${word.why}`);
      list = undefined;
      continue;
    }
    if (word) {
      reading.numbers.push({
        digits: run.digits,
        key,
        kind: 'invoice word',
        quote: quoteFrom(word.length),
        range,
        at: run.start,
      });
      list = { end: run.end, plural: word.plural };
      continue;
    }
    const between = list ? scanned.slice(list.end, run.start) : undefined;
    if (
      list &&
      between !== undefined &&
      !glued &&
      (LIST_SEPARATOR.test(between) || (list.plural && /^ +$/.test(between)))
    ) {
      reading.numbers.push({
        digits: run.digits,
        key,
        kind: 'list',
        quote: text.slice(run.start, run.end),
        range,
        at: run.start,
      });
      list.end = run.end;
      continue;
    }
    list = undefined;
    if (
      !glued &&
      run.digits.replace(/ /g, '').length >= MIN_ALONE_DIGITS &&
      !OTHER_WORD_BEFORE.test(before)
    ) {
      reading.numbers.push({
        digits: run.digits,
        key,
        kind: 'full width',
        quote: text.slice(run.start, run.end),
        range,
        at: run.start,
      });
    } else loose();
  }
  return reading;
}

/** The invoice (or other) word right before a number, and how many characters it spans with its separators. */
function invoiceWordBefore(
  before: string,
):
  | { kind: 'invoice'; length: number; plural: boolean }
  | { kind: 'other'; length: number; why: string }
  | undefined {
  const invoiceWord = INVOICE_WORD_BEFORE.exec(before);
  if (invoiceWord) {
    const ahead = before.slice(0, invoiceWord.index);
    if (OTHER_WORD_BEFORE.test(ahead)) {
      return {
        kind: 'other',
        length: before.length - (OTHER_WORD_BEFORE.exec(ahead)?.index ?? 0),
        why: otherWhy(ahead),
      };
    }
    const plural = PLURAL_FOLDED.has(invoiceWord[1].replace(/[\s\-./]/g, ''));
    return { kind: 'invoice', length: before.length - invoiceWord.index, plural };
  }
  const numberWord = NUMBER_WORD_BEFORE.exec(before);
  if (numberWord) {
    const ahead = before.slice(0, numberWord.index);
    const otherWord = OTHER_WORD_BEFORE.exec(ahead);
    if (otherWord) return { kind: 'other', length: before.length - otherWord.index, why: otherWhy(ahead) };
    return { kind: 'invoice', length: before.length - numberWord.index, plural: false };
  }
  if (OTHER_WORD_BEFORE.test(before)) {
    return {
      kind: 'other',
      length: before.length - (OTHER_WORD_BEFORE.exec(before)?.index ?? 0),
      why: otherWhy(before),
    };
  }
  return undefined;
}

function otherWhy(ahead: string): string {
  return /ПPOФOPMA|PROFORMA|PRO-FORMA/.test(ahead)
    ? "a proforma's number, not an invoice's"
    : "the number of something else, not an invoice's";
}

interface ValidPrefix {
  start: number;
  candidate: string;
  /** The longest valid reading. */
  found?: { length: number; compact: string };
  /** Every valid reading, longest first (a shorter one may be what was meant: "RF25 0000 0012 71 YC…"). */
  readings: { length: number; compact: string }[];
}

/**
 * Each match of `pattern` cut to the prefixes `isValid` accepts that end at a group boundary and at the end of a
 * word (a check digit that happens to fit a word's first letters must not swallow them); scanning goes on right
 * after the longest valid one.
 */
function validPrefixes(text: string, pattern: RegExp, isValid: (compact: string) => boolean): ValidPrefix[] {
  const results: ValidPrefix[] = [];
  const scan = new RegExp(pattern.source, pattern.flags);
  for (let match = scan.exec(text); match; match = scan.exec(text)) {
    const candidate = match[0];
    const readings: { length: number; compact: string }[] = [];
    for (let length = candidate.length; length > 0; length--) {
      if (length < candidate.length && candidate[length] !== ' ') continue;
      if (/[\p{L}\p{N}]/u.test(text[match.index + length] ?? '')) continue;
      const compact = candidate.slice(0, length).replace(/ /g, '');
      if (isValid(compact)) readings.push({ length, compact });
    }
    const [found] = readings;
    results.push({ start: match.index, candidate, found, readings });
    scan.lastIndex = match.index + (found ? found.length : candidate.split(' ')[0].length);
  }
  return results;
}

function readTokens(text: string, folded: string): TokenMention[] {
  const tokens: TokenMention[] = [];
  for (const match of folded.matchAll(/[\p{L}\p{N}]+(?:[-_/.][\p{L}\p{N}]+)*/gu)) {
    const quote = text.slice(match.index, match.index + match[0].length);
    tokens.push({ compact: match[0].replace(/[-_/.]/g, ''), quote, at: match.index });
    const parts = match[0].split(/[-_/.]/);
    if (parts.length > 1) {
      for (const part of parts)
        if (part.length >= MIN_TOKEN_PART) tokens.push({ compact: part, quote, at: match.index });
    }
  }
  return tokens;
}

/** Whether two digit strings differ by one typing slip: one digit changed, added, dropped, or two swapped. */
export function isOneSlipApart(a: string, b: string): boolean {
  if (a === b) return false;
  if (a.length === b.length) {
    const diff: number[] = [];
    for (let i = 0; i < a.length && diff.length <= 2; i++) if (a[i] !== b[i]) diff.push(i);
    if (diff.length === 1) return true;
    return (
      diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]]
    );
  }
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  if (longer.length - shorter.length !== 1) return false;
  for (let i = 0; i < longer.length; i++) {
    if (longer.slice(0, i) + longer.slice(i + 1) === shorter) return true;
  }
  return false;
}

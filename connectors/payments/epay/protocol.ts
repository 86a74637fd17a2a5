/**
 * ePay.bg's merchant protocol on the wire (kb.epay.bg "Online payment" and "Payment notification"; the merchant
 * demo package's README and demo_recv scripts). Both sides use it: the hub's adapter and the simulated provider,
 * which is why it depends on nothing of the hub.
 *
 * 1. Payment request: the browser POSTs a form to ePay's page with PAGE=paylogin, ENCODED (base64 of "KEY=value"
 *    lines: MIN, INVOICE, AMOUNT, CURRENCY, EXP_TIME, DESCR, ENCODING), CHECKSUM (HMAC-SHA1 hex of ENCODED with
 *    the merchant's 64-character secret), URL_OK and URL_CANCEL.
 * 2. Notification: ePay POSTs `encoded` and `checksum` (the documentation's tables write ENCODED/CHECKSUM, its demo
 *    receivers read the lower-case names; both are read here) to the merchant's notify URL, one line per invoice:
 *    INVOICE=123456:STATUS=PAID:PAY_TIME=YYYYMMDDhhmmss:STAN=123456:BCODE=AB12CD (or STATUS=DENIED / EXPIRED;
 *    with a card discount also :AMOUNT=paid amount:BIN=card BIN).
 * 3. Answer, in the same HTTP response, one line per invoice: INVOICE=123456:STATUS=OK (recorded), STATUS=NO (the
 *    merchant does not know the invoice) or STATUS=ERR (an error: send again). For OK and NO ePay stops sending;
 *    for ERR, or no readable answer, it sends again on a schedule for up to 30 days. A notification that is wrong as
 *    a whole (a bad checksum) is answered "ERR=<description>". A repeated notification must get the same answer.
 */
import crypto from 'node:crypto';
import { fromSofiaWallClock, sofiaWallClock, toSofiaIso, two } from './sofia-time';

export const EPAY_PAGE_URL = 'https://www.epay.bg/';
export const EPAY_DEMO_PAGE_URL = 'https://demo.epay.bg/';

/** `paylogin`: the payer chooses (ePay account, card, EasyPay, B-Pay); `credit_paydirect`: straight to card entry. */
export type EpayPage = 'paylogin' | 'credit_paydirect';
export const EPAY_CURRENCIES = ['BGN', 'EUR', 'USD'] as const;
export type EpayCurrency = (typeof EPAY_CURRENCIES)[number];

/** Something on the wire is not what the protocol says. */
export class EpayProtocolError extends Error {
  override name = 'EpayProtocolError';
}

// ---------------------------------------------------------------------------------------------------------------
// Signing: ENCODED is base64 without line breaks (the protocol's "EOL=''"); CHECKSUM is HMAC-SHA1 of ENCODED.

export function encodePacket(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

export function decodePacket(encoded: string): string {
  return Buffer.from(encoded, 'base64').toString('utf8');
}

export function checksumOf(encoded: string, secret: string): string {
  return crypto.createHmac('sha1', secret).update(encoded, 'utf8').digest('hex');
}

/** Compares in constant time, so the time taken tells an attacker nothing about how much of a guess was right. */
export function checksumMatches(encoded: string, checksum: string, secret: string): boolean {
  const expected = Buffer.from(checksumOf(encoded, secret), 'utf8');
  const given = Buffer.from(checksum.trim().toLowerCase(), 'utf8');
  return given.length === expected.length && crypto.timingSafeEqual(given, expected);
}

// ---------------------------------------------------------------------------------------------------------------
// Payment request (merchant → ePay, carried by the payer's browser).

export interface EpayPaymentRequest {
  /** The merchant's customer identification number (КИН/CIN), e.g. "D450062995". */
  min: string;
  /** Digits only; ePay accepts each INVOICE of a merchant once. */
  invoice: string;
  /** As written: "22", "22.8" or "22.80". */
  amount: string;
  /** BGN when absent, as the protocol says. */
  currency: EpayCurrency;
  /** EXP_TIME as written: "DD.MM.YYYY[ hh:mm[:ss]]", Sofia time. */
  expTime: string;
  description?: string;
  /** "utf-8" when DESCR is UTF-8; without it ePay reads DESCR as CP1251. */
  encoding?: string;
}

export function formatPaymentRequest(request: EpayPaymentRequest): string {
  const lines = [
    `MIN=${request.min}`,
    `INVOICE=${request.invoice}`,
    `AMOUNT=${request.amount}`,
    `CURRENCY=${request.currency}`,
    `EXP_TIME=${request.expTime}`,
  ];
  if (request.description !== undefined) lines.push(`DESCR=${request.description}`);
  if (request.encoding !== undefined) lines.push(`ENCODING=${request.encoding}`);
  return lines.join('\n');
}

/** Reads a decoded payment request; refuses one without MIN, a numeric INVOICE, a valid AMOUNT or EXP_TIME. */
export function parsePaymentRequest(text: string): EpayPaymentRequest {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at).trim().toUpperCase(), line.slice(at + 1).trim());
  }
  const required = (key: string, pattern: RegExp, what: string): string => {
    const value = fields.get(key);
    if (value === undefined || !pattern.test(value)) throw new EpayProtocolError(`${key} must be ${what}`);
    return value;
  };
  const min = required('MIN', /^[0-9A-Za-z]+$/, "the merchant's identification number");
  const invoice = required('INVOICE', /^\d+$/, 'digits only');
  const amount = required('AMOUNT', /^\d+(\.\d{1,2})?$/, 'an amount such as 22, 22.8 or 22.80');
  if (!/[1-9]/.test(amount)) throw new EpayProtocolError('AMOUNT must be at least 0.01');
  const currency = (fields.get('CURRENCY') ?? 'BGN').toUpperCase();
  if (!(EPAY_CURRENCIES as readonly string[]).includes(currency)) {
    throw new EpayProtocolError(`CURRENCY must be one of ${EPAY_CURRENCIES.join(', ')}`);
  }
  const expTime = required('EXP_TIME', /./, 'a date DD.MM.YYYY[ hh:mm[:ss]]');
  if (!parseExpTime(expTime)) throw new EpayProtocolError('EXP_TIME must be a date DD.MM.YYYY[ hh:mm[:ss]]');
  return {
    min,
    invoice,
    amount,
    currency: currency as EpayCurrency,
    expTime,
    description: fields.get('DESCR'),
    encoding: fields.get('ENCODING'),
  };
}

/** "DD.MM.YYYY hh:mm:ss" in Sofia time. */
export function formatExpTime(at: Date): string {
  const t = sofiaWallClock(at);
  return `${two(t.day)}.${two(t.month)}.${t.year} ${two(t.hour)}:${two(t.minute)}:${two(t.second)}`;
}

/** The instant an EXP_TIME names; a date alone means the end of that day. Undefined when it is no valid time. */
export function parseExpTime(value: string): Date | undefined {
  const match = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(value.trim());
  if (!match) return undefined;
  const [, day, month, year, hour, minute, second] = match;
  const dateOnly = hour === undefined;
  return validWallClock({
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: dateOnly ? 23 : Number(hour),
    minute: dateOnly ? 59 : Number(minute),
    second: dateOnly ? 59 : Number(second ?? 0),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Notification (ePay → merchant's notify URL).

export type EpayStatus = 'PAID' | 'DENIED' | 'EXPIRED';

export interface EpayNotificationLine {
  invoice: string;
  status: EpayStatus;
  /** YYYYMMDDhhmmss, Sofia time; when paid. */
  payTime?: string;
  /** The transaction number (6 digits); when paid. */
  stan?: string;
  /** BORICA's authorisation code (6 letters or digits); when paid. */
  bcode?: string;
  /** The amount paid, given only when a card discount applied. */
  amount?: string;
  /** The card's BIN, given only with a discount. */
  bin?: string;
}

export function formatNotificationLine(line: EpayNotificationLine): string {
  let text = `INVOICE=${line.invoice}:STATUS=${line.status}`;
  if (line.payTime !== undefined) text += `:PAY_TIME=${line.payTime}:STAN=${line.stan}:BCODE=${line.bcode}`;
  if (line.amount !== undefined) text += `:AMOUNT=${line.amount}:BIN=${line.bin ?? ''}`;
  return text;
}

/**
 * One line of a decoded notification. A line that names its invoice but is otherwise wrong gives the invoice with
 * the problem, so the merchant can answer ERR for it; a line that does not even name one gives only the problem.
 */
export function parseNotificationLine(
  text: string,
): { line: EpayNotificationLine } | { invoice?: string; problem: string } {
  const fields = new Map<string, string>();
  for (const part of text.trim().split(':')) {
    const at = part.indexOf('=');
    if (at > 0) fields.set(part.slice(0, at), part.slice(at + 1));
  }
  const invoice = fields.get('INVOICE');
  if (!invoice || !/^\d+$/.test(invoice)) return { problem: `no numeric INVOICE in "${text}"` };
  const status = fields.get('STATUS');
  if (status !== 'PAID' && status !== 'DENIED' && status !== 'EXPIRED') {
    return { invoice, problem: `STATUS "${status ?? ''}" is none of PAID, DENIED, EXPIRED` };
  }
  const line: EpayNotificationLine = { invoice, status };
  if (status === 'PAID') {
    const payTime = fields.get('PAY_TIME') ?? '';
    const stan = fields.get('STAN') ?? '';
    const bcode = fields.get('BCODE') ?? '';
    if (!payTimeToIso(payTime) || !/^\d+$/.test(stan) || !/^[0-9A-Za-z]+$/.test(bcode)) {
      return { invoice, problem: `a PAID line needs PAY_TIME (YYYYMMDDhhmmss), STAN and BCODE: "${text}"` };
    }
    Object.assign(line, { payTime, stan, bcode });
  }
  const amount = fields.get('AMOUNT');
  if (amount !== undefined) {
    if (!/^\d+(\.\d{1,2})?$/.test(amount)) return { invoice, problem: `AMOUNT "${amount}" is no amount` };
    Object.assign(line, { amount, bin: fields.get('BIN') });
  }
  return { line };
}

/** PAY_TIME for an instant: YYYYMMDDhhmmss in Sofia time. */
export function formatPayTime(at: Date): string {
  const t = sofiaWallClock(at);
  return `${t.year}${two(t.month)}${two(t.day)}${two(t.hour)}${two(t.minute)}${two(t.second)}`;
}

/** A PAY_TIME as ISO 8601 with Sofia's offset; undefined when it is no valid time. */
export function payTimeToIso(payTime: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(payTime);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const at = validWallClock({ year, month, day, hour, minute, second });
  return at && toSofiaIso(at);
}

// ---------------------------------------------------------------------------------------------------------------
// Answer (merchant → ePay, in the notification's HTTP response).

export type EpayAnswerStatus = 'OK' | 'ERR' | 'NO';

export function formatAnswer(entries: { invoice: string; status: EpayAnswerStatus }[]): string {
  return entries.map((e) => `INVOICE=${e.invoice}:STATUS=${e.status}\n`).join('');
}

/** The answer to a notification refused as a whole; the protocol requires a description. */
export function formatRefusal(description: string): string {
  return `ERR=${description.replace(/[\r\n]+/g, ' ')}\n`;
}

/** What a merchant answered: a status per invoice, or a refusal of the whole notification. */
export function parseAnswer(body: string): { statuses: Map<string, EpayAnswerStatus>; refusal?: string } {
  const statuses = new Map<string, EpayAnswerStatus>();
  let refusal: string | undefined;
  for (const line of body.split(/\r?\n/).map((l) => l.trim())) {
    const match = /^INVOICE=(\d+):STATUS=(OK|ERR|NO)$/.exec(line);
    if (match) statuses.set(match[1], match[2] as EpayAnswerStatus);
    else if (line.startsWith('ERR=')) refusal = line.slice(4);
  }
  return { statuses, refusal };
}

// ---------------------------------------------------------------------------------------------------------------
// The notification's form fields.

/** ENCODED and CHECKSUM from a notification's form, under either spelling (see the top of this file). */
export function readNotificationFields(form: URLSearchParams): { encoded?: string; checksum?: string } {
  return {
    encoded: form.get('encoded') ?? form.get('ENCODED') ?? undefined,
    checksum: form.get('checksum') ?? form.get('CHECKSUM') ?? undefined,
  };
}

// A time is valid when it survives the round trip (no 31 February, no 25 o'clock).
function validWallClock(time: Parameters<typeof fromSofiaWallClock>[0]): Date | undefined {
  if (time.month < 1 || time.month > 12 || time.hour > 23 || time.minute > 59 || time.second > 59)
    return undefined;
  const at = fromSofiaWallClock(time);
  const back = sofiaWallClock(at);
  const sameDay = back.year === time.year && back.month === time.month && back.day === time.day;
  return sameDay ? at : undefined;
}

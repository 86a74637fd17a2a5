/**
 * How the portal writes amounts, numbers and dates for Bulgarian readers:
 * "1 234,50 €", "05.01.2026", "05.01.2026, 14:32".
 * Amounts arrive as decimal strings and are formatted exactly (Intl accepts decimal strings), never via floats.
 */
const LOCALE = 'bg-BG';

type DecimalString = `${number}`;

function isDecimal(value: string): value is DecimalString {
  return /^[+-]?\d+(\.\d+)?$/.test(value.trim());
}

function fractionDigits(value: string): number {
  const dot = value.indexOf('.');
  return dot === -1 ? 0 : value.length - dot - 1;
}

/** An amount with its currency, keeping every decimal the document has (at least two). */
export function formatMoney(amount: string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || amount === '') return '';
  const value = amount.trim();
  if (!isDecimal(value)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat(LOCALE, {
      style: 'currency',
      currency,
      useGrouping: 'always',
      minimumFractionDigits: 2,
      maximumFractionDigits: Math.max(2, fractionDigits(value)),
    }).format(value);
  } catch {
    // An unknown currency code is still shown, just without the locale's symbol.
    return `${formatNumber(value)} ${currency}`;
  }
}

/** A quantity or rate as written, with the Bulgarian decimal comma. */
export function formatNumber(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const trimmed = value.trim();
  if (!isDecimal(trimmed)) return value;
  return new Intl.NumberFormat(LOCALE, {
    useGrouping: 'always',
    maximumFractionDigits: Math.min(20, fractionDigits(trimmed)),
  }).format(trimmed);
}

/** A VAT or discount rate: "20 %". */
export function formatPercent(rate: string | null | undefined): string {
  const number = formatNumber(rate);
  return number === '' ? '' : `${number} %`;
}

/** A calendar date (YYYY-MM-DD, no time zone) as DD.MM.YYYY; read from the string so no time zone can shift it. */
export function formatCalendarDate(date: string | null | undefined): string {
  if (!date) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : date;
}

/** A moment (ISO 8601 timestamp) in the reader's time zone: DD.MM.YYYY, HH:MM. */
export function formatTimestamp(timestamp: string | null | undefined): string {
  if (!timestamp) return '';
  const moment = new Date(timestamp);
  if (Number.isNaN(moment.getTime())) return timestamp;
  const date = new Intl.DateTimeFormat(LOCALE, { day: '2-digit', month: '2-digit', year: 'numeric' })
    .formatToParts(moment)
    .filter((part) => part.type !== 'literal' || part.value === '.')
    .map((part) => part.value)
    .join('');
  const time = new Intl.DateTimeFormat(LOCALE, { hour: '2-digit', minute: '2-digit', hour12: false }).format(
    moment,
  );
  return `${date}, ${time}`;
}

/** "payment_received" / "invoice.delivered" → "Payment received" / "Invoice delivered". */
export function humanize(code: string): string {
  const words = code
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[._-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

import { LOCALES, type LanguageCode } from '../i18n/languages';

/**
 * How the portal writes amounts, numbers and dates, per language:
 *
 * |            | bg (bg-BG)            | en (en-GB)             |
 * |------------|-----------------------|------------------------|
 * | money      | 1 234,50 €            | €1,234.50              |
 * | negative   | -10,00 €              | -€10.00                |
 * | number     | 1 234,5               | 1,234.5                |
 * | percent    | 20 %                  | 20%                    |
 * | date       | 05.01.2026            | 5 Jan 2026             |
 * | moment     | 05.01.2026, 14:32     | 5 Jan 2026, 14:32      |
 *
 * English dates spell the month: "05/01/2026" reads as 5 January in Britain and as May 1st in America, and an
 * invoice date must not be ambiguous. Bulgarian keeps the numeric DD.MM.YYYY of Bulgarian invoices (without the
 * "г." Intl adds). Thousands are always grouped (Intl's bg-BG leaves four-digit amounts ungrouped).
 *
 * Amounts arrive as decimal strings and are formatted exactly: Intl.NumberFormat accepts decimal strings and never
 * goes through a float, and every decimal the document has is kept (at least two for money).
 */
type DecimalString = `${number}`;

function isDecimal(value: string): value is DecimalString {
  return /^[+-]?\d+(\.\d+)?$/.test(value);
}

function fractionDigits(value: string): number {
  const dot = value.indexOf('.');
  return dot === -1 ? 0 : value.length - dot - 1;
}

/** Formatters are costly to build and pages format hundreds of values: one per language and style, reused. */
const numberFormats = new Map<string, Intl.NumberFormat>();

function numberFormat(language: LanguageCode, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = language + JSON.stringify(options);
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(LOCALES[language], { useGrouping: 'always', ...options });
    numberFormats.set(key, format);
  }
  return format;
}

/** An amount with its currency, keeping every decimal the document has (at least two). */
export function formatMoney(
  amount: string | null | undefined,
  currency: string,
  language: LanguageCode,
): string {
  if (amount === null || amount === undefined || amount.trim() === '') return '';
  const value = amount.trim();
  if (!isDecimal(value)) return `${amount} ${currency}`;
  try {
    return numberFormat(language, {
      style: 'currency',
      currency,
      minimumFractionDigits: 2,
      maximumFractionDigits: Math.max(2, fractionDigits(value)),
    }).format(value);
  } catch {
    // An unknown currency code is still shown, just without the locale's symbol.
    return `${formatNumber(value, language)} ${currency}`;
  }
}

/** A quantity or rate as written, with the language's decimal sign and grouping. */
export function formatNumber(value: string | null | undefined, language: LanguageCode): string {
  if (value === null || value === undefined || value.trim() === '') return '';
  const trimmed = value.trim();
  if (!isDecimal(trimmed)) return value;
  return numberFormat(language, { maximumFractionDigits: Math.min(20, fractionDigits(trimmed)) }).format(
    trimmed,
  );
}

/** A VAT or discount rate given in percent ("20"): "20 %" in Bulgarian (БДС), "20%" in English. */
export function formatPercent(rate: string | null | undefined, language: LanguageCode): string {
  const number = formatNumber(rate, language);
  if (number === '') return '';
  return language === 'bg' ? `${number}\u00a0%` : `${number}%`;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(language: LanguageCode, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = language + JSON.stringify(options);
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], options);
    dateFormats.set(key, format);
  }
  return format;
}

function writtenDate(moment: Date, language: LanguageCode, timeZone?: string): string {
  if (language === 'bg') {
    return dateFormat(language, { day: '2-digit', month: '2-digit', year: 'numeric', timeZone })
      .formatToParts(moment)
      .filter((part) => part.type !== 'literal' || part.value === '.')
      .map((part) => part.value)
      .join('');
  }
  return dateFormat(language, { day: 'numeric', month: 'short', year: 'numeric', timeZone }).format(moment);
}

/** A calendar date (YYYY-MM-DD, no time zone), read from the string so no time zone can shift it. */
export function formatCalendarDate(date: string | null | undefined, language: LanguageCode): string {
  if (!date) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  if (!match) return date;
  const [, year, month, day] = match;
  if (language === 'bg') return `${day}.${month}.${year}`;
  return writtenDate(new Date(Date.UTC(Number(year), Number(month) - 1, Number(day))), language, 'UTC');
}

/** A moment (ISO 8601 timestamp) in the reader's time zone, with the time in 24 hours. */
export function formatTimestamp(timestamp: string | null | undefined, language: LanguageCode): string {
  if (!timestamp) return '';
  const moment = new Date(timestamp);
  if (Number.isNaN(moment.getTime())) return timestamp;
  const time = dateFormat(language, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(moment);
  return `${writtenDate(moment, language)}, ${time}`;
}

/**
 * "payment_received" / "invoice.delivered" → "Payment received" / "Invoice delivered": the last resort for a code
 * the portal has no text for yet (a new status from a newer hub), so it still reads as words.
 */
export function humanize(code: string): string {
  const words = code
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[._-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

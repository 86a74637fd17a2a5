import type { Locale } from '../../db/users';
import type { InvoiceSearchRow } from '../../db/invoice-search';

/**
 * The CSV export of an issuer's search, written for the people who open it: Bulgarian accountants in Excel.
 *  - UTF-8 with a byte order mark: without it Excel reads UTF-8 as the ANSI code page and Cyrillic turns to mojibake.
 *  - ";" between fields: Excel splits a CSV it opens by the list separator of the regional settings, which for
 *    Bulgarian (as for most of continental Europe, where the comma is the decimal sign) is ";". A comma-separated
 *    file opens there as one column per line.
 *  - Amounts with a decimal comma and no grouping ("1234,50"): what Bulgarian Excel reads as a number, so the column
 *    sums. Every amount is written the same way, whatever the user's language.
 *  - Dates as YYYY-MM-DD, which Excel recognises as dates in every regional setting; times in UTC ISO 8601.
 *  - Quoting as RFC 4180 (fields with the separator, quotes or line breaks in double quotes, quotes doubled), lines
 *    ending CRLF.
 *  - Formula injection: a text field that starts with =, +, -, @, a tab or a carriage return would be run by Excel as
 *    a formula (a seller named "=HYPERLINK(...)"); such a field is written with a leading apostrophe, which Excel
 *    shows as text. Amounts are written by the hub from exact decimals, so they need no guard.
 */
export const CSV_SEPARATOR = ';';
export const CSV_BOM = '\uFEFF';

const HEADERS: Record<Locale, string[]> = {
  bg: [
    'Номер',
    'Вид документ',
    'Дата на издаване',
    'Падеж',
    'Получател',
    'Адрес на получателя',
    'Сума за плащане',
    'Валута',
    'Статус',
    'Канал',
    'Получена в хъба (UTC)',
    'Прегледана (UTC)',
  ],
  en: [
    'Number',
    'Document type',
    'Issue date',
    'Due date',
    'Recipient',
    'Recipient address',
    'Amount payable',
    'Currency',
    'Status',
    'Channel',
    'Received by the hub (UTC)',
    'Viewed (UTC)',
  ],
};

const FORMULA_START = /^[=+\-@\t\r]/;

/** One text field: guarded against formulas, quoted when it must be. */
export function csvText(value: string | null | undefined): string {
  let text = value ?? '';
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[";\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** An amount as Bulgarian Excel reads a number: decimal comma, no grouping. Not a decimal: written as text. */
export function csvAmount(amount: string): string {
  const trimmed = amount.trim();
  return /^[+-]?\d+(\.\d+)?$/.test(trimmed) ? trimmed.replace(/^\+/, '').replace('.', ',') : csvText(amount);
}

export function csvHeader(locale: Locale): string {
  return CSV_BOM + HEADERS[locale].map(csvText).join(CSV_SEPARATOR) + '\r\n';
}

export function csvLine(row: InvoiceSearchRow): string {
  return (
    [
      csvText(row.number),
      csvText(row.kind),
      csvText(row.issueDate),
      csvText(row.dueDate),
      csvText(row.customerName),
      csvText(row.recipientEmail),
      csvAmount(row.total),
      csvText(row.currency),
      csvText(row.status),
      csvText(row.channel),
      csvText(row.receivedAt),
      csvText(row.viewedAt),
    ].join(CSV_SEPARATOR) + '\r\n'
  );
}

/** The download's file name: the issuer and the day, in ASCII so every browser keeps it. */
export function csvFileName(issuerName: string, today: Date): string {
  const slug =
    issuerName
      .normalize('NFKD')
      .replace(/[^\w]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'issuer';
  return `invoices-${slug}-${today.toISOString().slice(0, 10)}.csv`;
}

import type { PdfLanguage } from './labels';

/**
 * Amounts and dates on the PDF, written from the document's decimal strings digit by digit (no floats), in the
 * reader's convention: Bulgarian "1 234,50", English "1,234.50"; dates DD.MM.YYYY in both (the EU reader's order).
 */
const SEPARATORS: Record<PdfLanguage, { group: string; decimal: string }> = {
  bg: { group: ' ', decimal: ',' },
  en: { group: ',', decimal: '.' },
};

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d+))?$/;

/** A decimal as written, grouped by thousands; at least `minFraction` decimals (money: 2). Not a decimal: as is. */
export function formatDecimal(value: string | undefined, language: PdfLanguage, minFraction = 0): string {
  if (value === undefined) return '';
  const match = DECIMAL.exec(value.trim());
  if (!match) return value;
  const [, sign, whole, fraction = ''] = match;
  const { group, decimal } = SEPARATORS[language];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const decimals = fraction.padEnd(minFraction, '0');
  return `${sign === '-' ? '-' : ''}${grouped}${decimals ? decimal + decimals : ''}`;
}

export function formatMoney(value: string | undefined, language: PdfLanguage): string {
  return formatDecimal(value, language, 2);
}

export function formatDate(date: string | undefined): string {
  if (!date) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : date;
}

export function negate(amount: string): string {
  const trimmed = amount.trim();
  return trimmed.startsWith('-') ? trimmed.slice(1) : `-${trimmed.replace(/^\+/, '')}`;
}

/**
 * Exact decimal amounts for the statement readers. Banks write amounts with up to five decimals (and MT940 with a
 * decimal comma), so amounts stay decimal strings and are added with big.js, never with Number.
 */
import Big from 'big.js';

/** "1234.5" or "1234,50": digits, at most one separator, digits; no sign, no exponent, no thousands separator. */
const DECIMAL = /^(\d+)(?:[.,](\d*))?$/;

/** The exact value of an unsigned decimal as written ("8.850", "380115," or "0,12"); undefined when it is not one. */
export function parseUnsigned(text: string): Big | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, whole, fraction = ''] = match;
  return new Big(fraction ? `${whole}.${fraction}` : whole);
}

/**
 * The model's form of an amount: at least two decimals, none beyond what is significant ("8.850" -> "8.85",
 * "2700" -> "2700.00", "5442.09000" -> "5442.09", "0.12345" stays). The same value always gives the same string.
 */
export function formatAmount(value: Big): string {
  const plain = value.toFixed();
  const [whole, fraction = ''] = plain.split('.');
  return `${whole}.${fraction.padEnd(2, '0')}`;
}

/** Signed model amount: negative for a debit balance. */
export function formatSigned(value: Big, debit: boolean): string {
  return formatAmount(debit && !value.eq(0) ? value.neg() : value);
}

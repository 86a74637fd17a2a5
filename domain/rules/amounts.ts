/**
 * Exact decimal arithmetic for the calculation rules (no binary floating point).
 * Rounding follows the CEN validation artefacts: round(x × 100) ÷ 100 with XPath `round`, i.e. half up
 * (towards positive infinity), so the hub agrees with the reference validator to the cent.
 */
import Big from 'big.js';

export type Amount = Big;

export const ZERO = new Big(0);

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** The value of a decimal string; undefined when absent or not a plain decimal number. */
export function amount(value: string | undefined): Amount | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  // xs:decimal accepts "+1", "100." and ".5"; big.js wants no plus sign and a digit on both sides of the point.
  const normalized = trimmed
    .replace(/\.$/, '')
    .replace(/^\+/, '')
    .replace(/^(-?)\./, '$10.');
  return new Big(normalized);
}

export function isDecimal(value: string | undefined): boolean {
  return amount(value) !== undefined;
}

/** XPath fn:round: the nearest integer, halves towards positive infinity. */
export function roundHalfUp(value: Amount, decimals: number): Amount {
  const scaled = value.times(new Big(10).pow(decimals)).plus(0.5);
  const truncated = scaled.round(0, Big.roundDown);
  const floor = scaled.lt(0) && !truncated.eq(scaled) ? truncated.minus(1) : truncated;
  return floor.div(new Big(10).pow(decimals));
}

export function round2(value: Amount): Amount {
  return roundHalfUp(value, 2);
}

export function sum(values: (Amount | undefined)[]): Amount {
  return values.reduce<Amount>((total, value) => (value ? total.plus(value) : total), ZERO);
}

/** Digits after the decimal point as written ("12.500" has 3). */
export function decimalPlaces(value: string | undefined): number {
  if (value === undefined) return 0;
  const dot = value.indexOf('.');
  return dot < 0 ? 0 : value.trim().length - value.trim().indexOf('.') - 1;
}

/** A plain rendering for messages ("1250.00"), keeping at least two decimals. */
export function show(value: Amount): string {
  const fixed = value.toFixed();
  const dot = fixed.indexOf('.');
  if (dot < 0) return `${fixed}.00`;
  return fixed.length - dot - 1 < 2 ? value.toFixed(2) : fixed;
}

/**
 * The one conversion the hub may apply on its own: between BGN and EUR at the fixed rate of Bulgaria's euro
 * changeover, 1 EUR = 1.95583 BGN. Exact decimal arithmetic in hundredths (bigint), rounded half up to the cent.
 * Any other pair has no rate the hub may apply: the caller sends the entry to review.
 */
import { fromCents } from '../money';

/** The fixed rate, in hundred-thousandths of a lev per euro (1.95583). */
const BGN_PER_EUR = 195583n;
const RATE_SCALE = 100000n;
export const FIXED_RATE_TEXT = '1.95583';

export interface Conversion {
  /** The amount in the target currency, in hundredths. */
  cents: bigint;
  /** Said in words, e.g. `BGN 195.58 at the fixed rate 1.95583 = EUR 100.00`; undefined when nothing was converted. */
  text?: string;
}

/**
 * `cents` of `from` in `to`: the same amount when the currencies agree, the fixed-rate conversion between BGN and
 * EUR, undefined for anything else.
 */
export function convert(cents: bigint, from: string, to: string): Conversion | undefined {
  const source = from.trim().toUpperCase();
  const target = to.trim().toUpperCase();
  if (source === target) return { cents };
  let converted: bigint;
  if (source === 'BGN' && target === 'EUR') converted = divideHalfUp(cents * RATE_SCALE, BGN_PER_EUR);
  else if (source === 'EUR' && target === 'BGN') converted = divideHalfUp(cents * BGN_PER_EUR, RATE_SCALE);
  else return undefined;
  return {
    cents: converted,
    text: `${source} ${fromCents(cents)} at the fixed rate ${FIXED_RATE_TEXT} = ${target} ${fromCents(converted)}`,
  };
}

/** Whether the hub may convert between the two currencies (the same one, or BGN and EUR). */
export function isConvertible(from: string, to: string): boolean {
  return convert(0n, from, to) !== undefined;
}

/** numerator / denominator rounded half away from zero (denominator positive). */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const quotient = (magnitude * 2n + denominator) / (denominator * 2n);
  return negative ? -quotient : quotient;
}

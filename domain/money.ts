/**
 * Money as exact decimal strings. Amounts are compared and summed in hundredths (EN 16931 amounts have
 * two decimals), as bigint, so no binary floating point ever touches an amount.
 */
const AMOUNT = /^(-)?(\d+)(?:\.(\d+))?$/;

export function isAmount(value: string): boolean {
  return AMOUNT.test(value.trim());
}

/** "12.345" -> 1235n (half away from zero, the standard's rounding to 2 decimals). */
export function toCents(value: string): bigint {
  const match = AMOUNT.exec(value.trim());
  if (!match) throw new RangeError(`not an amount: "${value}"`);
  const [, minus, whole, fraction = ''] = match;
  const padded = (fraction + '000').slice(0, 3);
  let cents = BigInt(whole) * 100n + BigInt(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) cents += 1n;
  return minus ? -cents : cents;
}

export function fromCents(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const whole = abs / 100n;
  const fraction = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

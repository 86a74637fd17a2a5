/**
 * Check digits of the party identifier schemes Peppol names by ISO 6523 code (schemeID), as pure functions.
 * Each takes the identifier as written (already whitespace-normalized by the caller) and answers whether its
 * check digit is right; the format checks (length, digits only) are the caller's, as they differ per rule.
 */

const digitAt = (value: string, index: number): number => value.charCodeAt(index) - 48;

/** GS1 GLN/GTIN (scheme 0088): weights 3, 1, 3, … from the right of the payload, any length. */
export function hasValidGs1CheckDigit(value: string): boolean {
  if (value.length === 0) return false;
  const payload = value.slice(0, -1);
  let sum = 0;
  for (let i = 0; i < payload.length; i++)
    sum += digitAt(payload, payload.length - 1 - i) * (i % 2 === 0 ? 3 : 1);
  return (10 - (sum % 10)) % 10 === Number(value.slice(-1));
}

/** Norwegian organisation number (scheme 0192, and inside NO VAT numbers): modulus 11, weights 2…7 from the right. */
export function hasValidMod11CheckDigit(value: string): boolean {
  if (!(Number(value) > 0)) return false;
  const payload = value.slice(0, -1);
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum += digitAt(payload, payload.length - 1 - i) * ((i % 6) + 2);
  return (11 - (sum % 11)) % 11 === Number(value.slice(-1));
}

/** Belgian enterprise number (scheme 0208): the last two digits are 97 − (the first eight mod 97). */
export function hasValidBelgianCheckDigits(value: string): boolean {
  return Number(value.slice(8, 10)) === 97 - (Number(value.slice(0, 8)) % 97);
}

/** Swedish organisation number (scheme 0007): Luhn over the first nine digits gives the tenth. */
export function hasValidSwedishCheckDigit(value: string): boolean {
  if (!/^\d+$/.test(value)) return false;
  const payload = value.slice(0, 9);
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const digit = digitAt(payload, payload.length - 1 - i);
    sum += i % 2 === 0 ? ((digit * 2) % 10) + Math.floor((digit * 2) / 10) : digit;
  }
  return value.length >= 10 && (10 - (sum % 10)) % 10 === Number(value[9]);
}

/** Australian Business Number (scheme 0151): (first digit − 1, then the others) weighted 10, 1, 3, 5, … 19, mod 89. */
export function hasValidAbnCheckDigits(value: string): boolean {
  const weights = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
  const sum = weights.reduce(
    (total, weight, i) => total + (digitAt(value, i) - (i === 0 ? 1 : 0)) * weight,
    0,
  );
  return sum % 89 === 0;
}

/** Greek tax number (AFM): the first eight digits weighted 256…2, mod 11, mod 10 give the ninth. */
export function hasValidGreekTinCheckDigit(value: string): boolean {
  let sum = 0;
  const digit = (index: number): number => (/^\d$/.test(value[index] ?? '') ? digitAt(value, index) : NaN);
  for (let i = 0; i < 8; i++) sum += digit(i) * 2 ** (8 - i);
  return (sum % 11) % 10 === digit(8);
}

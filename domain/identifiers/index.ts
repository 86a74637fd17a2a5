/**
 * Bulgarian identifiers and their checksums, as pure functions.
 * Algorithms: Registry Agency (EIK/BULSTAT), GRAO (EGN), Migration directorate (LNCh); same as python-stdnum bg/*.
 */

export type BulgarianIdKind = 'EIK' | 'EGN' | 'LNCH' | 'VAT';

export interface BulgarianIdClassification {
  /** The kind the value validly is, or undefined when it is none of them. */
  kind?: BulgarianIdKind;
  /** The value without spaces, dashes and dots (and upper-cased). */
  normalized: string;
  /** Why it is not valid, when it is not. */
  reason?: string;
}

const digitsOf = (value: string): number[] => [...value].map(Number);

const weightedSum = (digits: number[], weights: readonly number[]): number =>
  weights.reduce((sum, weight, index) => sum + weight * digits[index], 0);

/** Removes the separators people type into identifiers. */
export function normalizeIdentifier(value: string): string {
  return value.replace(/[\s.\-/]/g, '').toUpperCase();
}

/** The check digit of a 9-digit EIK computed from its first 8 digits. */
function eik9CheckDigit(digits: number[]): number {
  let check = weightedSum(digits, [1, 2, 3, 4, 5, 6, 7, 8]) % 11;
  if (check === 10) check = weightedSum(digits, [3, 4, 5, 6, 7, 8, 9, 10]) % 11;
  return check === 10 ? 0 : check;
}

/** The check digit of a 13-digit EIK (branch) computed from digits 9..12. */
function eik13CheckDigit(digits: number[]): number {
  const branch = digits.slice(8, 12);
  let check = weightedSum(branch, [2, 7, 3, 5]) % 11;
  if (check === 10) check = weightedSum(branch, [4, 9, 5, 7]) % 11;
  return check === 10 ? 0 : check;
}

/** EIK / BULSTAT of a legal entity: 9 digits, or 13 for a branch; both with check digits. */
export function isValidEik(value: string): boolean {
  const eik = normalizeIdentifier(value);
  if (!/^(\d{9}|\d{13})$/.test(eik)) return false;
  const digits = digitsOf(eik);
  if (eik9CheckDigit(digits) !== digits[8]) return false;
  return eik.length === 9 || eik13CheckDigit(digits) === digits[12];
}

/** The birth date an EGN encodes (month +20 for the 1800s, +40 for the 2000s), or undefined when impossible. */
export function egnBirthDate(value: string): string | undefined {
  const egn = normalizeIdentifier(value);
  if (!/^\d{10}$/.test(egn)) return undefined;
  const yy = Number(egn.slice(0, 2));
  let month = Number(egn.slice(2, 4));
  const day = Number(egn.slice(4, 6));
  let year = 1900 + yy;
  if (month > 40) {
    month -= 40;
    year = 2000 + yy;
  } else if (month > 20) {
    month -= 20;
    year = 1800 + yy;
  }
  if (month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.toISOString().slice(0, 10);
}

/** EGN (personal number of a Bulgarian citizen): 10 digits, a real birth date, a check digit. */
export function isValidEgn(value: string): boolean {
  const egn = normalizeIdentifier(value);
  if (!/^\d{10}$/.test(egn) || !egnBirthDate(egn)) return false;
  const digits = digitsOf(egn);
  return (weightedSum(digits, [2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11) % 10 === digits[9];
}

/** ЛНЧ (personal number of a foreigner): 10 digits with a check digit. */
export function isValidLnch(value: string): boolean {
  const lnch = normalizeIdentifier(value);
  if (!/^\d{10}$/.test(lnch)) return false;
  const digits = digitsOf(lnch);
  return weightedSum(digits, [21, 19, 17, 13, 11, 9, 7, 3, 1]) % 10 === digits[9];
}

/** Ten-digit VAT numbers of other persons (neither EGN nor LNCh). */
function isValidOtherTenDigitVat(digits: number[]): boolean {
  const check = (11 - (weightedSum(digits, [4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11)) % 11;
  return check !== 10 && check === digits[9];
}

/** Bulgarian VAT number: "BG" + a valid 9-digit EIK, or + 10 digits that are a valid EGN, LNCh or other number. */
export function isValidBgVat(value: string): boolean {
  const vat = normalizeIdentifier(value);
  const match = /^BG(\d{9,10})$/.exec(vat);
  if (!match) return false;
  const number = match[1];
  if (number.length === 9) return isValidEik(number);
  return isValidEgn(number) || isValidLnch(number) || isValidOtherTenDigitVat(digitsOf(number));
}

/**
 * Says what kind of Bulgarian identifier a value is. A 10-digit number that is both a valid EGN and a valid
 * LNCh is reported as an EGN (the more common case on invoices to natural persons).
 */
export function classifyBulgarianId(value: string): BulgarianIdClassification {
  const normalized = normalizeIdentifier(value);
  if (normalized.startsWith('BG')) {
    return isValidBgVat(normalized)
      ? { kind: 'VAT', normalized }
      : {
          normalized,
          reason: `"${value}" is not a valid Bulgarian VAT number (BG followed by 9 or 10 digits with a valid check digit).`,
        };
  }
  if (/^\d{9}$|^\d{13}$/.test(normalized)) {
    return isValidEik(normalized)
      ? { kind: 'EIK', normalized }
      : {
          normalized,
          reason: `"${value}" has the length of an EIK (${normalized.length} digits) but its check digit is wrong.`,
        };
  }
  if (/^\d{10}$/.test(normalized)) {
    if (isValidEgn(normalized)) return { kind: 'EGN', normalized };
    if (isValidLnch(normalized)) return { kind: 'LNCH', normalized };
    return {
      normalized,
      reason: `"${value}" has 10 digits but is neither a valid EGN nor a valid LNCh (check digit or birth date wrong).`,
    };
  }
  return {
    normalized,
    reason: `"${value}" is not a Bulgarian identifier: expected an EIK (9 or 13 digits), EGN or LNCh (10 digits) or a VAT number (BG + 9 or 10 digits).`,
  };
}

import {
  classifyBulgarianId,
  egnBirthDate,
  isValidBgVat,
  isValidEgn,
  isValidEik,
  isValidLnch,
} from '../../domain/identifiers';

describe('Bulgarian identifiers', () => {
  it('accepts 9-digit EIKs with a correct check digit, including the second-weights case', () => {
    expect(isValidEik('175074752')).toBe(true);
    expect(isValidEik('831650349')).toBe(true);
    expect(isValidEik('175 074 752')).toBe(true);
  });

  it('refuses EIKs with a wrong check digit or length', () => {
    expect(isValidEik('175074751')).toBe(false);
    expect(isValidEik('17507475')).toBe(false);
    expect(isValidEik('1750747521')).toBe(false);
    expect(isValidEik('17507475A')).toBe(false);
  });

  it('checks both check digits of a 13-digit branch EIK', () => {
    // Digits 9–12 are 2,0,0,1: 2·2 + 0·7 + 0·3 + 1·5 = 9, so the 13th digit is 9.
    expect(isValidEik('1750747520019')).toBe(true);
    expect(isValidEik('1750747520015')).toBe(false);
    expect(isValidEik('1750747510019')).toBe(false);
  });

  it('accepts EGNs with a real birth date and check digit and reads the century from the month', () => {
    expect(isValidEgn('7523169263')).toBe(true);
    expect(isValidEgn('8032056031')).toBe(true);
    expect(egnBirthDate('7523169263')).toBe('1875-03-16');
    expect(egnBirthDate('0541010016')).toBe('2005-01-01');
  });

  it('refuses EGNs with a wrong check digit or an impossible date', () => {
    expect(isValidEgn('7523169264')).toBe(false);
    expect(isValidEgn('8002300004')).toBe(false);
    expect(isValidEgn('75231692')).toBe(false);
  });

  it('checks the LNCh check digit', () => {
    expect(isValidLnch('7111042925')).toBe(true);
    expect(isValidLnch('7111042922')).toBe(false);
  });

  it('accepts BG VAT numbers built on an EIK, an EGN or another 10-digit number', () => {
    expect(isValidBgVat('BG175074752')).toBe(true);
    expect(isValidBgVat('BG 7523169263')).toBe(true);
    expect(isValidBgVat('BG1010101010')).toBe(true);
    expect(isValidBgVat('BG175074751')).toBe(false);
    expect(isValidBgVat('175074752')).toBe(false);
    expect(isValidBgVat('DE175074752')).toBe(false);
  });

  it('classifies identifiers and explains the ones that are invalid', () => {
    expect(classifyBulgarianId('175074752').kind).toBe('EIK');
    expect(classifyBulgarianId('7523169263').kind).toBe('EGN');
    expect(classifyBulgarianId('7111042925').kind).toBe('LNCH');
    expect(classifyBulgarianId('bg175074752').kind).toBe('VAT');
    const wrong = classifyBulgarianId('175074751');
    expect(wrong.kind).toBeUndefined();
    expect(wrong.reason).toMatch(/check digit/);
    expect(classifyBulgarianId('12ab').reason).toMatch(/not a Bulgarian identifier/);
  });
});

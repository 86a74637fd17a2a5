import jsQR from 'jsqr';
import { validate as isValidRfReference } from 'node-iso11649';
import { PNG } from 'pngjs';
import {
  creditorReference,
  EpcQrError,
  epcQrPayload,
  epcQrPng,
  epcQrSvg,
  type EpcCreditTransfer,
} from '../../../domain/payments/epc-qr';

const transfer = (overrides: Partial<EpcCreditTransfer> = {}): EpcCreditTransfer => ({
  name: 'Примерна Фирма ООД',
  iban: 'BG80 BNBG 9661 1020 3456 78',
  bic: 'BNBGBGSD',
  amount: '12.30',
  ...overrides,
});

function refusal(make: () => unknown): EpcQrError {
  try {
    make();
  } catch (error) {
    if (error instanceof EpcQrError) return error;
    throw error;
  }
  throw new Error('expected an EpcQrError');
}

function decodePng(png: Buffer): { text: string; bytes: Buffer } {
  const image = PNG.sync.read(png);
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!code) throw new Error('no QR code found in the image');
  return { text: code.data, bytes: Buffer.from(code.binaryData) };
}

describe('EPC QR payload (EPC069-12 version 002)', () => {
  it('has the twelve lines in the standard’s order, with a structured reference', () => {
    const payload = epcQrPayload(
      transfer({ reference: 'RF18 5390 0754 7034', purpose: 'gdds', information: 'Фактура 0000001234' }),
    );
    expect(payload.split('\n')).toEqual([
      'BCD',
      '002',
      '1',
      'SCT',
      'BNBGBGSD',
      'Примерна Фирма ООД',
      'BG80BNBG96611020345678',
      'EUR12.30',
      'GDDS',
      'RF18539007547034',
      '',
      'Фактура 0000001234',
    ]);
  });

  it('puts remittance text on line 11 and leaves the reference line empty', () => {
    const lines = epcQrPayload(transfer({ text: 'ф-ра 0000001234' })).split('\n');
    expect(lines.slice(8)).toEqual(['', '', 'ф-ра 0000001234']);
  });

  it('drops trailing empty lines, so a code with a reference ends at the reference', () => {
    expect(epcQrPayload(transfer({ reference: 'RF18539007547034' }))).toBe(
      'BCD\n002\n1\nSCT\nBNBGBGSD\nПримерна Фирма ООД\nBG80BNBG96611020345678\nEUR12.30\n\nRF18539007547034',
    );
    expect(epcQrPayload(transfer()).split('\n')).toHaveLength(8);
  });

  it('leaves the BIC empty when none is given (version 002 inside the EEA)', () => {
    expect(epcQrPayload(transfer({ bic: undefined })).split('\n')[4]).toBe('');
  });

  it('writes the amount with a dot, two decimals and no thousands separators', () => {
    const amountOf = (amount: string) => epcQrPayload(transfer({ amount })).split('\n')[7];
    expect(amountOf('1234567.5')).toBe('EUR1234567.50');
    expect(amountOf('0.01')).toBe('EUR0.01');
    expect(amountOf('999999999.99')).toBe('EUR999999999.99');
    expect(amountOf('7')).toBe('EUR7.00');
  });

  it('leaves the amount empty when none is given, for the payer to type', () => {
    const lines = epcQrPayload(transfer({ amount: undefined, text: 'ф-ра 1234' })).split('\n');
    expect(lines[7]).toBe('');
    expect(lines[10]).toBe('ф-ра 1234');
  });

  it.each([
    ['0.00', 'below 0.01'],
    ['1000000000.00', 'above 999999999.99'],
    ['12,30', 'a decimal comma'],
    ['1,234.50', 'a thousands separator'],
    ['12.345', 'three decimals'],
    ['-5.00', 'a negative amount'],
  ])('refuses the amount %s (%s)', (amount) => {
    expect(refusal(() => epcQrPayload(transfer({ amount }))).code).toBe('BAD_AMOUNT');
  });

  it('refuses any currency but the euro', () => {
    const error = refusal(() => epcQrPayload(transfer({ currency: 'BGN' })));
    expect(error.code).toBe('NOT_EUR');
    expect(error.message).toContain('BGN');
  });

  it('refuses a structured reference and remittance text together', () => {
    expect(
      refusal(() => epcQrPayload(transfer({ reference: 'RF18539007547034', text: 'ф-ра 1234' }))).code,
    ).toBe('REFERENCE_AND_TEXT');
  });

  it('refuses a reference whose ISO 11649 check digits are wrong', () => {
    expect(refusal(() => epcQrPayload(transfer({ reference: 'RF19539007547034' }))).code).toBe(
      'BAD_REFERENCE',
    );
  });

  it('refuses an invalid IBAN or BIC', () => {
    expect(refusal(() => epcQrPayload(transfer({ iban: 'BG81BNBG96611020345678' }))).code).toBe('BAD_IBAN');
    expect(refusal(() => epcQrPayload(transfer({ bic: 'BNBG' }))).code).toBe('BAD_BIC');
  });

  it('allows a name of 70 characters and refuses 71, counting characters, not bytes', () => {
    expect(() => epcQrPayload(transfer({ name: 'Я'.repeat(70) }))).not.toThrow();
    expect(refusal(() => epcQrPayload(transfer({ name: 'Я'.repeat(71) }))).code).toBe('BAD_NAME');
  });

  it('refuses remittance text over 140 characters and information over 70', () => {
    expect(refusal(() => epcQrPayload(transfer({ text: 'x'.repeat(141) }))).code).toBe('BAD_TEXT');
    expect(refusal(() => epcQrPayload(transfer({ information: 'x'.repeat(71) }))).code).toBe(
      'BAD_INFORMATION',
    );
  });

  it('refuses a field with a line break, which would shift the following lines', () => {
    expect(refusal(() => epcQrPayload(transfer({ text: 'ф-ра 1234\nEUR1.00' }))).code).toBe('BAD_TEXT');
  });

  it('refuses a payload over 331 bytes of UTF-8, though each field is within its own limit', () => {
    // Cyrillic takes two bytes a character: 70 + 140 + 70 characters are well over 331 bytes.
    const error = refusal(() =>
      epcQrPayload(transfer({ name: 'Я'.repeat(70), text: 'Ж'.repeat(140), information: 'Ю'.repeat(70) })),
    );
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toMatch(/\d+ bytes of UTF-8, over the standard's 331/);
  });
});

describe('creditor reference from an invoice number', () => {
  it('is a valid ISO 11649 reference ending with the invoice number', () => {
    const reference = creditorReference('0000001234');
    expect(reference).toMatch(/^RF\d{2}0000001234$/);
    expect(isValidRfReference(reference)).toBe(true);
  });

  it('drops separators and keeps letters', () => {
    const reference = creditorReference('2026/inv-0042');
    expect(reference).toMatch(/^RF\d{2}2026INV0042$/);
    expect(isValidRfReference(reference)).toBe(true);
  });

  it('is accepted in an EPC payload', () => {
    const reference = creditorReference('0000001234');
    expect(epcQrPayload(transfer({ reference })).split('\n')[9]).toBe(reference);
  });

  it('refuses an invoice number too long or with other characters', () => {
    expect(refusal(() => creditorReference('1'.repeat(22))).code).toBe('BAD_REFERENCE');
    expect(refusal(() => creditorReference('ф-ра 12')).code).toBe('BAD_REFERENCE');
  });
});

describe('EPC QR rendering', () => {
  it('decodes from the PNG back to exactly the payload, Cyrillic included', async () => {
    const payload = epcQrPayload(
      transfer({
        reference: creditorReference('0000001234'),
        information: 'Фактура 0000001234 от 15.01.2026',
      }),
    );
    const decoded = decodePng(await epcQrPng(payload));
    expect(decoded.bytes.equals(Buffer.from(payload, 'utf8'))).toBe(true);
    expect(decoded.text).toBe(payload);
  });

  it('decodes a payload of the full 331 bytes', async () => {
    const fields = { bic: undefined, amount: undefined, name: 'Я'.repeat(70), text: 'x'.repeat(140) };
    const withoutInformation = Buffer.byteLength(epcQrPayload(transfer(fields)));
    const information = 'y'.repeat(331 - withoutInformation - 1); // the information line's own "\n" is one byte
    const payload = epcQrPayload(transfer({ ...fields, information }));
    expect(Buffer.byteLength(payload)).toBe(331);
    expect(decodePng(await epcQrPng(payload)).text).toBe(payload);
  });

  it('renders an SVG document', async () => {
    const svg = await epcQrSvg(epcQrPayload(transfer()));
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain('<path');
  });

  it('renders only EPC payloads within the size limit', async () => {
    await expect(epcQrSvg('https://example.com')).rejects.toMatchObject({ code: 'NOT_AN_EPC_PAYLOAD' });
    await expect(epcQrPng(`BCD\n${'x'.repeat(400)}`)).rejects.toMatchObject({ code: 'TOO_LARGE' });
  });
});

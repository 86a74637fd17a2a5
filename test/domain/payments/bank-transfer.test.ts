import { bankTransferOf, epcPayloadOf, referenceOf } from '../../../domain/payments/bank-transfer';
import { creditorReference, EPC_MAX_PAYLOAD_BYTES } from '../../../domain/payments/epc-qr';
import type { Invoice } from '../../../domain/invoice/model';

const invoice = (payment: Invoice['payment'], extra: Partial<Invoice> = {}): Invoice =>
  ({
    number: '0000001234',
    seller: { name: 'Примерна Фирма ООД', identifiers: [] },
    payment,
    ...extra,
  }) as Invoice;

describe('the bank transfer an invoice asks for', () => {
  it('reads the account, bank and holder, and checks them as a bank would', () => {
    const transfer = bankTransferOf(
      invoice({
        creditTransfers: [{ accountId: 'BG80 BNBG 9661 1020 3456 78', serviceProviderId: 'bnbgbgsd' }],
      }),
    );
    expect(transfer).toEqual({
      beneficiary: 'Примерна Фирма ООД',
      iban: 'BG80BNBG96611020345678',
      ibanValid: true,
      bic: 'BNBGBGSD',
      bicValid: true,
      reference: { kind: 'rf', value: creditorReference('0000001234'), from: 'number' },
    });
  });

  it('says when the IBAN or the BIC is not valid, and keeps what the invoice wrote', () => {
    const transfer = bankTransferOf(
      invoice({ creditTransfers: [{ accountId: 'BG00BNBG96611020345678', serviceProviderId: 'NOTABIC' }] }),
    );
    expect(transfer).toMatchObject({ iban: 'BG00BNBG96611020345678', ibanValid: false, bicValid: false });
  });

  it('takes the first payment means that names an account; none is null', () => {
    expect(bankTransferOf(invoice(undefined))).toBeNull();
    expect(bankTransferOf(invoice({ creditTransfers: [] }))).toBeNull();
    const later = bankTransferOf(
      invoice(
        { creditTransfers: [] },
        {
          paymentMeans: [
            { creditTransfers: [] },
            { creditTransfers: [{ accountId: 'BG18RZBB91550123456789', accountName: 'Сметка за плащания' }] },
          ],
        },
      ),
    );
    expect(later).toMatchObject({
      iban: 'BG18RZBB91550123456789',
      beneficiary: 'Сметка за плащания',
      bic: null,
    });
  });

  it("quotes the invoice's own reference: structured when it is an RF reference, else as text", () => {
    expect(referenceOf('RF18 5390 0754 7034', '1')).toEqual({
      kind: 'rf',
      value: 'RF18539007547034',
      from: 'invoice',
    });
    expect(referenceOf('  Фактура\n0000001234 ', '1')).toEqual({
      kind: 'text',
      value: 'Фактура 0000001234',
      from: 'invoice',
    });
    // Not a valid RF reference (wrong check digits): text.
    expect(referenceOf('RF19 5390 0754 7034', '1').kind).toBe('text');
    // A number no RF reference can be made from: the number itself.
    expect(referenceOf(undefined, 'ф-ра №12')).toEqual({ kind: 'text', value: 'ф-ра №12', from: 'number' });
  });

  it('makes an EPC code of the open balance with the note for the payer', () => {
    const transfer = bankTransferOf(
      invoice({
        remittanceInformation: 'RF18 5390 0754 7034',
        creditTransfers: [{ accountId: 'BG80BNBG96611020345678' }],
      }),
    );
    expect(
      epcPayloadOf(transfer!, { amount: '12.3', currency: 'EUR', invoiceNumber: '0000001234' }).split('\n'),
    ).toEqual([
      'BCD',
      '002',
      '1',
      'SCT',
      '',
      'Примерна Фирма ООД',
      'BG80BNBG96611020345678',
      'EUR12.30',
      '',
      'RF18539007547034',
      '',
      'Фактура 0000001234',
    ]);
  });

  it('fits a long Cyrillic holder and text into the 331 bytes: the note goes, then the text is shortened', () => {
    const transfer = bankTransferOf(
      invoice({
        remittanceInformation: 'Плащане по фактура '.repeat(10),
        creditTransfers: [{ accountId: 'BG80BNBG96611020345678', accountName: 'Я'.repeat(90) }],
      }),
    );
    const payload = epcPayloadOf(transfer!, {
      amount: '12.30',
      currency: 'EUR',
      invoiceNumber: '0000001234',
    });
    const lines = payload.split('\n');
    expect(Buffer.byteLength(payload, 'utf8')).toBeLessThanOrEqual(EPC_MAX_PAYLOAD_BYTES);
    expect(lines[5]).toBe('Я'.repeat(70));
    expect(lines[6]).toBe('BG80BNBG96611020345678');
    expect(lines[7]).toBe('EUR12.30');
    expect(lines).toHaveLength(11); // no note for the payer
    expect('Плащане по фактура '.repeat(10).startsWith(lines[10])).toBe(true);
    expect(lines[10].length).toBeGreaterThan(50);
  });
});

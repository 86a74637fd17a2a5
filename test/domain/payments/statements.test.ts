/**
 * readStatement: what a bank statement file becomes, and every way a file is refused. Files are built here so each
 * test shows the few lines it is about.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { StatementError } from '../../../domain/payments/model';
import { readMt94xMessages } from '../../../domain/payments/mt940';
import { decodeStatement, MAX_STATEMENT_BYTES, readStatement } from '../../../domain/payments/statements';
import { bankCorpusDir, bankCorpusPresent } from './corpus-expectations';

// ---------------------------------------------------------------------------------------------------------------
// Builders.

interface CamtEntry {
  amount: string;
  direction?: 'CRDT' | 'DBIT';
  reversal?: boolean;
  status?: string;
  details?: string;
  extra?: string;
}

/** A camt.053 statement of one account; `v08` switches to the v08 status and party shapes. */
function camt053(options: {
  version?: '02' | '08';
  entries: CamtEntry[];
  opening?: string;
  closing?: string;
  encoding?: string;
}): string {
  const version = options.version ?? '02';
  const status = (code: string): string =>
    version === '08' ? `<Sts><Cd>${code}</Cd></Sts>` : `<Sts>${code}</Sts>`;
  const balance = (code: string, amount: string): string =>
    `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${amount.replace('-', '')}</Amt>` +
    `<CdtDbtInd>${amount.startsWith('-') ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>2026-01-15</Dt></Dt></Bal>`;
  const entries = options.entries
    .map(
      (entry, i) =>
        `<Ntry><NtryRef>${i + 1}</NtryRef><Amt Ccy="EUR">${entry.amount}</Amt>` +
        `<CdtDbtInd>${entry.direction ?? 'CRDT'}</CdtDbtInd>` +
        (entry.reversal ? '<RvslInd>true</RvslInd>' : '') +
        status(entry.status ?? 'BOOK') +
        '<BookgDt><Dt>2026-01-15</Dt></BookgDt><ValDt><Dt>2026-01-15</Dt></ValDt>' +
        `<AcctSvcrRef>REF-${i + 1}</AcctSvcrRef>` +
        '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>' +
        (entry.details ? `<NtryDtls>${entry.details}</NtryDtls>` : '') +
        (entry.extra ?? '') +
        '</Ntry>',
    )
    .join('');
  return (
    `<?xml version="1.0" encoding="${options.encoding ?? 'UTF-8'}"?>` +
    `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.${version}"><BkToCstmrStmt>` +
    '<GrpHdr><MsgId>MSG-1</MsgId><CreDtTm>2026-01-15T18:00:00+02:00</CreDtTm></GrpHdr>' +
    '<Stmt><Id>STMT-2026-015</Id><ElctrncSeqNb>15</ElctrncSeqNb><CreDtTm>2026-01-15T18:00:00+02:00</CreDtTm>' +
    '<Acct><Id><IBAN>BG80BNBG96611020345678</IBAN></Id><Ccy>EUR</Ccy></Acct>' +
    (options.opening ? balance('OPBD', options.opening) : '') +
    (options.closing ? balance('CLBD', options.closing) : '') +
    entries +
    '</Stmt></BkToCstmrStmt></Document>'
  );
}

/** One transaction detail: the debtor (v02 `Dbtr/Nm`, v08 `Dbtr/Pty/Nm`), remittance, optional amount. */
function detail(options: {
  version?: '02' | '08';
  debtor?: string;
  iban?: string;
  ustrd?: string[];
  rf?: string;
  endToEndId?: string;
  amount?: string;
}): string {
  const name = options.debtor
    ? options.version === '08'
      ? `<Dbtr><Pty><Nm>${options.debtor}</Nm></Pty></Dbtr>`
      : `<Dbtr><Nm>${options.debtor}</Nm></Dbtr>`
    : '';
  return (
    '<TxDtls>' +
    `<Refs><EndToEndId>${options.endToEndId ?? 'NOTPROVIDED'}</EndToEndId></Refs>` +
    (options.amount ? `<Amt Ccy="EUR">${options.amount}</Amt>` : '') +
    `<RltdPties>${name}${options.iban ? `<DbtrAcct><Id><IBAN>${options.iban}</IBAN></Id></DbtrAcct>` : ''}</RltdPties>` +
    '<RmtInf>' +
    (options.ustrd ?? []).map((line) => `<Ustrd>${line}</Ustrd>`).join('') +
    (options.rf ? `<Strd><CdtrRefInf><Ref>${options.rf}</Ref></CdtrRefInf></Strd>` : '') +
    '</RmtInf></TxDtls>'
  );
}

/** An MT940 message of one account in EUR. */
function mt940(lines: string[], opening = 'C260114EUR1000,00', closing = 'C260115EUR1000,00'): string {
  return [
    ':20:STMT20260115',
    ':25:BG80BNBG96611020345678',
    ':28C:15/1',
    `:60F:${opening}`,
    ...lines,
    `:62F:${closing}`,
    '-',
    '',
  ].join('\r\n');
}

function refusal(read: () => unknown): StatementError {
  try {
    read();
  } catch (error) {
    if (error instanceof StatementError) return error;
    throw new Error(`not a StatementError: ${String(error)}`);
  }
  throw new Error('the file was accepted');
}

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

/** Windows-1251 bytes of a text (Node has no 1251 encoder): Cyrillic А–я are 0xC0–0xFF, Ё/ё 0xA8/0xB8. */
function windows1251(text: string): Buffer {
  return Buffer.from(
    [...text].map((char) => {
      const code = char.codePointAt(0)!;
      if (code < 0x80) return code;
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
      if (code === 0x401) return 0xa8;
      if (code === 0x451) return 0xb8;
      if (code === 0x2116) return 0xb9; // №
      throw new Error(`no Windows-1251 byte for ${char}`);
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// camt.

describe('camt.053 statements', () => {
  test('a v02 credit gives the payer, the remittance lines and the RF reference', () => {
    const xml = camt053({
      opening: '100.00',
      closing: '220.00',
      entries: [
        {
          amount: '120.00',
          details: detail({
            debtor: 'ЕТ Иван Петров',
            iban: 'BG18RZBB91550123456789',
            ustrd: ['фактура 0000001234', 'и 0000001235'],
            rf: 'RF18539007547034',
            endToEndId: 'E2E-77',
          }),
          extra: '<AddtlNtryInf>Входящ превод SEPA</AddtlNtryInf>',
        },
      ],
    });
    const [statement] = readStatement(utf8(xml));
    expect(statement).toMatchObject({
      format: 'camt.053',
      version: '02',
      id: 'STMT-2026-015',
      sequence: '15',
      createdAt: '2026-01-15T18:00:00+02:00',
      account: { iban: 'BG80BNBG96611020345678', currency: 'EUR' },
      openingBalance: { amount: '100.00', currency: 'EUR', date: '2026-01-15' },
      closingBalance: { amount: '220.00', currency: 'EUR', date: '2026-01-15' },
    });
    expect(statement.entries).toEqual([
      {
        index: 0,
        bankReference: 'REF-1',
        bookingDate: '2026-01-15',
        valueDate: '2026-01-15',
        amount: '120.00',
        currency: 'EUR',
        direction: 'credit',
        reversal: false,
        status: 'BOOK',
        counterparty: { name: 'ЕТ Иван Петров', iban: 'BG18RZBB91550123456789' },
        remittance: ['фактура 0000001234', 'и 0000001235'],
        structuredReference: 'RF18539007547034',
        endToEndId: 'E2E-77',
        transactionCode: 'PMNT/RCDT/ESCT',
        additionalInfo: 'Входящ превод SEPA',
      },
    ]);
  });

  test('v08 reads the status from <Sts><Cd> and the party from Dbtr/Pty, the same as v02 reads them flat', () => {
    const read = (version: '02' | '08') =>
      readStatement(
        utf8(
          camt053({
            version,
            entries: [
              { amount: '50.00', details: detail({ version, debtor: 'Acme OOD', ustrd: ['ф-ра 12'] }) },
            ],
          }),
        ),
      )[0];
    const v02 = read('02');
    const v08 = read('08');
    expect(v08.version).toBe('08');
    expect(v08.entries[0].status).toBe('BOOK');
    expect(v08.entries[0].counterparty).toEqual({ name: 'Acme OOD' });
    expect({ ...v08, version: '02' }).toEqual(v02);
  });

  test('a DtTm booking date gives the date the bank wrote, whatever the offset', () => {
    const xml = camt053({ entries: [{ amount: '1.00' }] }).replace(
      '<BookgDt><Dt>2026-01-15</Dt></BookgDt>',
      '<BookgDt><DtTm>2026-01-15T23:30:00+02:00</DtTm></BookgDt>',
    );
    expect(readStatement(utf8(xml))[0].entries[0].bookingDate).toBe('2026-01-15');
  });

  test('for a debit the counterparty is the creditor, not the debtor (who is the account holder)', () => {
    const details =
      '<TxDtls><RltdPties><Dbtr><Nm>Us Ltd</Nm></Dbtr><Cdtr><Nm>Supplier EOOD</Nm></Cdtr>' +
      '<CdtrAcct><Id><IBAN>BG18RZBB91550123456789</IBAN></Id></CdtrAcct></RltdPties>' +
      '<RltdAgts><CdtrAgt><FinInstnId><BICFI>RZBBBGSF</BICFI></FinInstnId></CdtrAgt></RltdAgts></TxDtls>';
    const [entry] = readStatement(
      utf8(camt053({ entries: [{ amount: '9.99', direction: 'DBIT', details }] })),
    )[0].entries;
    expect(entry.direction).toBe('debit');
    expect(entry.counterparty).toEqual({
      name: 'Supplier EOOD',
      iban: 'BG18RZBB91550123456789',
      bic: 'RZBBBGSF',
    });
  });

  test('a reversal keeps its direction (the money flow) and is marked as a reversal', () => {
    const [statement] = readStatement(
      utf8(
        camt053({
          opening: '500.00',
          closing: '380.00',
          entries: [{ amount: '120.00', direction: 'DBIT', reversal: true }],
        }),
      ),
    );
    expect(statement.entries[0]).toMatchObject({ direction: 'debit', reversal: true, amount: '120.00' });
  });

  test('five-decimal amounts are kept exact and balance exactly', () => {
    const [statement] = readStatement(
      utf8(
        camt053({
          opening: '0.10001',
          closing: '0.30003',
          entries: [{ amount: '0.12345' }, { amount: '0.07657' }],
        }),
      ),
    );
    expect(statement.entries.map((entry) => entry.amount)).toEqual(['0.12345', '0.07657']);
    expect(statement.openingBalance?.amount).toBe('0.10001');
    // Number arithmetic would say 0.10001 + 0.12345 + 0.07657 = 0.30002999999999996.
    expect(statement.closingBalance?.amount).toBe('0.30003');
  });

  test('amounts are written in one form: trailing zeros beyond the cents dropped, cents always shown', () => {
    const [statement] = decodeStatement(
      utf8(camt053({ entries: [{ amount: '8.850' }, { amount: '2700' }, { amount: '5442.09000' }] })),
    );
    expect(statement.entries.map((entry) => entry.amount)).toEqual(['8.85', '2700.00', '5442.09']);
  });

  test('a batch whose details carry amounts adding up to the entry becomes one entry per detail', () => {
    const details =
      detail({ debtor: 'Payer A', ustrd: ['ф-ра 1'], amount: '30.00' }) +
      detail({ debtor: 'Payer B', ustrd: ['ф-ра 2'], amount: '70.00' });
    const [statement] = readStatement(
      utf8(camt053({ opening: '0.00', closing: '100.00', entries: [{ amount: '100.00', details }] })),
    );
    expect(
      statement.entries.map(({ index, amount, counterparty, remittance, bankReference }) => ({
        index,
        amount,
        name: counterparty?.name,
        remittance,
        bankReference,
      })),
    ).toEqual([
      { index: 0, amount: '30.00', name: 'Payer A', remittance: ['ф-ра 1'], bankReference: 'REF-1/1' },
      { index: 1, amount: '70.00', name: 'Payer B', remittance: ['ф-ра 2'], bankReference: 'REF-1/2' },
    ]);
  });

  test('a batch without amounts per detail stays one entry with every remittance line and no single payer', () => {
    const details =
      detail({ debtor: 'Payer A', ustrd: ['ф-ра 1'] }) + detail({ debtor: 'Payer B', ustrd: ['ф-ра 2'] });
    const [statement] = readStatement(utf8(camt053({ entries: [{ amount: '100.00', details }] })));
    expect(statement.entries).toHaveLength(1);
    expect(statement.entries[0]).toMatchObject({ amount: '100.00', remittance: ['ф-ра 1', 'ф-ра 2'] });
    expect(statement.entries[0].counterparty).toBeUndefined();
  });

  test('a batch whose detail amounts do not add up to the entry is not split', () => {
    const details = detail({ amount: '30.00' }) + detail({ amount: '60.00' });
    expect(
      readStatement(utf8(camt053({ entries: [{ amount: '100.00', details }] })))[0].entries,
    ).toHaveLength(1);
  });

  test('a pending entry does not count towards the balance', () => {
    const xml = camt053({
      opening: '10.00',
      closing: '15.00',
      entries: [{ amount: '5.00' }, { amount: '99.00', status: 'PDNG' }],
    });
    expect(readStatement(utf8(xml))[0].entries.map((entry) => entry.status)).toEqual(['BOOK', 'PDNG']);
  });

  test('camt.054 notifications and camt.052 reports are read the same way', () => {
    const base = camt053({ entries: [{ amount: '1.00' }] });
    const notification = base
      .replace('camt.053.001.02', 'camt.054.001.08')
      .replace(/BkToCstmrStmt/g, 'BkToCstmrDbtCdtNtfctn')
      .replace(/<(\/?)Stmt>/g, '<$1Ntfctn>')
      .replace('<Sts>BOOK</Sts>', '<Sts><Cd>BOOK</Cd></Sts>');
    const report = base
      .replace('camt.053.001.02', 'camt.052.001.04')
      .replace(/BkToCstmrStmt/g, 'BkToCstmrAcctRpt')
      .replace(/<(\/?)Stmt>/g, '<$1Rpt>');
    expect(readStatement(utf8(notification))[0]).toMatchObject({ format: 'camt.054', version: '08' });
    expect(readStatement(utf8(report))[0]).toMatchObject({ format: 'camt.052', version: '04' });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Encodings.

describe('text encodings', () => {
  const cyrillic = 'Плащане по фактура № 0000001234 от ЕТ Ёлка';

  test('a camt file declared windows-1251 gives its Cyrillic remittance text', () => {
    const xml = camt053({
      encoding: 'windows-1251',
      entries: [{ amount: '1.00', details: detail({ ustrd: [cyrillic] }) }],
    });
    expect(readStatement(windows1251(xml))[0].entries[0].remittance).toEqual([cyrillic]);
  });

  test('the XML declaration wins: bytes that are not the declared UTF-8 are refused, not guessed', () => {
    const xml = camt053({ entries: [{ amount: '1.00', details: detail({ ustrd: [cyrillic] }) }] });
    const error = refusal(() => readStatement(windows1251(xml)));
    expect(error.code).toBe('MALFORMED');
    expect(error.message).toContain('declares the text encoding "UTF-8"');
  });

  test('an MT940 in Windows-1251 (not valid UTF-8) gives its Cyrillic purpose text', () => {
    const text = mt940(
      [':61:2601150115C120,00NTRFNONREF//B26011500001', `:86:${cyrillic}`],
      undefined,
      'C260115EUR1120,00',
    );
    const [entry] = readStatement(windows1251(text))[0].entries;
    expect(entry.remittance).toEqual([cyrillic]);
  });

  test('a UTF-8 byte order mark is dropped, for camt and MT940 alike', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const xml = camt053({ entries: [{ amount: '1.00', details: detail({ ustrd: [cyrillic] }) }] });
    expect(readStatement(Buffer.concat([bom, utf8(xml)]))[0].entries[0].remittance).toEqual([cyrillic]);
    const text = mt940([':61:2601150115C1,00NTRFNONREF', `:86:${cyrillic}`], undefined, 'C260115EUR1001,00');
    expect(readStatement(Buffer.concat([bom, utf8(text)]))[0].entries[0].remittance).toEqual([cyrillic]);
  });

  test('camt without a declaration in Windows-1251 is read as 1251, as MT940 is', () => {
    const xml = camt053({ entries: [{ amount: '1.00', details: detail({ ustrd: [cyrillic] }) }] }).replace(
      /^<\?xml[^>]*\?>/,
      '',
    );
    expect(readStatement(windows1251(xml))[0].entries[0].remittance).toEqual([cyrillic]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// MT940.

describe('MT940 and MT942', () => {
  test('a statement line gives dates, amount with a decimal comma, references and the bank reference after //', () => {
    const text = mt940(
      [
        ':61:2601150114C1234,5NTRFINV-0000001234//B26011500001',
        'SEPA CREDIT',
        ':86:/EREF/E2E-2026-15/ORDP//NAME/ET IVAN PETROV/IBAN/BG18RZBB91550123456789/REMI/Faktura 0000001234/',
      ],
      undefined,
      'C260115EUR2234,50',
    );
    const [statement] = readStatement(utf8(text));
    expect(statement).toMatchObject({
      format: 'mt940',
      id: 'STMT20260115/15/1',
      sequence: '15/1',
      account: { iban: 'BG80BNBG96611020345678', currency: 'EUR' },
      openingBalance: { amount: '1000.00', currency: 'EUR', date: '2026-01-14' },
      closingBalance: { amount: '2234.50', currency: 'EUR', date: '2026-01-15' },
    });
    expect(statement.entries[0]).toEqual({
      index: 0,
      bankReference: 'B26011500001',
      bookingDate: '2026-01-14',
      valueDate: '2026-01-15',
      amount: '1234.50',
      currency: 'EUR',
      direction: 'credit',
      reversal: false,
      status: 'BOOK',
      counterparty: { name: 'ET IVAN PETROV', iban: 'BG18RZBB91550123456789' },
      remittance: ['Faktura 0000001234'],
      endToEndId: 'E2E-2026-15',
      ownerReference: 'INV-0000001234',
      transactionCode: 'NTRF',
      additionalInfo: 'SEPA CREDIT',
    });
  });

  test('RC reverses a credit (money out) and RD a debit (money in); both are reversals', () => {
    const text = mt940(
      [':61:2601150115RC100,00NTRFNONREF//R1', ':61:2601150115RD30,00NTRFNONREF//R2'],
      'C260114EUR1000,00',
      'C260115EUR930,00',
    );
    const entries = readStatement(utf8(text))[0].entries;
    expect(entries.map(({ direction, reversal, amount }) => ({ direction, reversal, amount }))).toEqual([
      { direction: 'debit', reversal: true, amount: '100.00' },
      { direction: 'credit', reversal: true, amount: '30.00' },
    ]);
  });

  test('German ?NN sub-fields: purpose ?20–?29 joined across lines, SEPA keys split, payer from ?30–?33', () => {
    const text = mt940(
      [
        ':61:2601150115CR50,00NTRFNONREF//0724710290648274',
        ':86:166?00GUTSCHRIFT?100399?20EREF+E2E-1?21SVWZ+Rechnung 0000001',
        '234 vom 10.01.?30DRESDEFF508?31DE51508800500190038900?32Ric',
        'hter Renate',
      ],
      undefined,
      'C260115EUR1050,00',
    );
    const [entry] = readStatement(utf8(text))[0].entries;
    expect(entry).toMatchObject({
      remittance: ['Rechnung 0000001234 vom 10.01.'],
      endToEndId: 'E2E-1',
      counterparty: { name: 'Richter Renate', iban: 'DE51508800500190038900', bic: 'DRESDEFF508' },
      additionalInfo: 'GUTSCHRIFT',
    });
  });

  test('free-text :86: lines stay lines, and several :86: belong to the same statement line', () => {
    const text = mt940(
      [':61:2601150115D10,00NMSCNONREF', ':86:ТАКСА ПОДДРЪЖКА', 'НА СМЕТКА', ':86:ЯНУАРИ 2026'],
      undefined,
      'C260115EUR990,00',
    );
    expect(readStatement(utf8(text))[0].entries[0].remittance).toEqual([
      'ТАКСА ПОДДРЪЖКА',
      'НА СМЕТКА',
      'ЯНУАРИ 2026',
    ]);
  });

  test('an entry date in January for a December value date is dated in the new year', () => {
    const text = mt940([':61:2512310102C1,00NTRFNONREF'], 'C251231EUR0,00', 'C260102EUR1,00');
    expect(readStatement(utf8(text))[0].entries[0]).toMatchObject({
      valueDate: '2025-12-31',
      bookingDate: '2026-01-02',
    });
  });

  test('an MT942 interim report has no balances to check and takes its currency from :34F:', () => {
    const text = [
      ':20:INTRADAY1',
      ':25:BG80BNBG96611020345678',
      ':28C:1/1',
      ':34F:EUR0,',
      ':13D:2601151030+0200',
      ':61:2601150115C25,00NTRFNONREF//X1',
      ':86:ф-ра 0000001234',
      ':90C:1EUR25,00',
      '-',
    ].join('\n');
    const [report] = readStatement(utf8(text));
    expect(report).toMatchObject({ format: 'mt942', createdAt: '2026-01-15T10:30:00+02:00' });
    expect(report.entries[0]).toMatchObject({
      amount: '25.00',
      currency: 'EUR',
      remittance: ['ф-ра 0000001234'],
    });
  });

  test('bank header lines before :20: and SWIFT blocks are skipped', () => {
    const text =
      '{1:F01BNBGBGSFAXXX0000000000}{2:O9401200260115BNBGBGSFAXXX00000000002601151200N}{4:\r\n' + mt940([]);
    expect(readStatement(utf8(text))[0].id).toBe('STMT20260115/15/1');
    expect(readStatement(utf8('ABNANL2A\r\n940\r\nABNANL2A\r\n' + mt940([])))[0].entries).toEqual([]);
  });

  test('the tag-level reading keeps what the statement drops (NONREF, the mark, the funds code)', () => {
    const [message] = readMt94xMessages(mt940([':61:2601150115CR5,00NTRFNONREF']));
    expect(message.lines[0]).toMatchObject({
      mark: 'C',
      fundsCode: 'R',
      ownerReference: 'NONREF',
      amount: '5.00',
    });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Refusals.

describe('refusals: a StatementError with a code and a sentence', () => {
  test('a statement that does not add up names the statement, the figures and the difference', () => {
    const error = refusal(() =>
      readStatement(utf8(camt053({ opening: '100.00', closing: '250.00', entries: [{ amount: '120.00' }] }))),
    );
    expect(error.code).toBe('BALANCE_MISMATCH');
    expect(error.message).toContain('STMT-2026-015');
    expect(error.message).toContain('BG80BNBG96611020345678');
    expect(error.message).toContain('opening balance 100.00 EUR');
    expect(error.message).toContain('+ credits 120.00 − debits 0.00 = 220.00 EUR');
    expect(error.message).toContain('the closing balance is 250.00 EUR');
    expect(error.message).toContain('the difference is 30.00 EUR');
  });

  test('an MT940 that does not add up is refused the same way, and decodeStatement still reads it', () => {
    const text = mt940([':61:2601150115D10,00NTRFNONREF'], 'C260114EUR100,00', 'C260115EUR95,00');
    expect(refusal(() => readStatement(utf8(text), 'jan.sta')).message).toMatch(
      /^jan\.sta: Statement STMT20260115\/15\/1 .* = 90\.00 EUR, but the closing balance is 95\.00 EUR .*difference is 5\.00 EUR/,
    );
    expect(decodeStatement(utf8(text))[0].entries).toHaveLength(1);
  });

  test.each([
    ['an empty file', Buffer.alloc(0), 'UNKNOWN_FORMAT', 'empty'],
    ['a PDF', utf8('%PDF-1.7\n…'), 'UNKNOWN_FORMAT', 'PDF document'],
    ['a CSV export', utf8('Date;Amount;Text\n2026-01-15;12,00;ф-ра 1\n'), 'UNKNOWN_FORMAT', 'camt'],
    [
      'an invoice',
      utf8('<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'),
      'UNKNOWN_FORMAT',
      'not an ISO 20022',
    ],
    [
      'camt.053 v10',
      utf8(camt053({ entries: [] }).replace('001.02', '001.10')),
      'UNSUPPORTED_VERSION',
      'versions 01 to 08',
    ],
    ['a negative amount', utf8(camt053({ entries: [{ amount: '-5.00' }] })), 'BAD_AMOUNT', '"-5.00"'],
    [
      'an impossible date',
      utf8(
        camt053({ entries: [{ amount: '1.00' }] }).replace(
          /2026-01-15<\/Dt><\/BookgDt>/,
          '2026-02-30</Dt></BookgDt>',
        ),
      ),
      'BAD_DATE',
      '2026-02-30',
    ],
    [
      'an entry without CdtDbtInd',
      utf8(camt053({ entries: [{ amount: '1.00' }] }).replace('<CdtDbtInd>CRDT</CdtDbtInd>', '')),
      'MISSING_FIELD',
      'CRDT or DBIT',
    ],
    [
      'an MT940 without :25:',
      utf8(mt940([]).replace(':25:BG80BNBG96611020345678\r\n', '')),
      'MISSING_FIELD',
      ':25:',
    ],
    ['a repeated :60F:', utf8(mt940([':60F:C260114EUR5,00'])), 'MALFORMED', ':60F: is repeated'],
    ['a broken :61:', utf8(mt940([':61:26XX15C5,00NTRF'])), 'MALFORMED', 'value date YYMMDD'],
    [
      'a DOCTYPE',
      utf8('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Document/>'),
      'MALFORMED',
      'DOCTYPE',
    ],
  ])('%s is refused with a specific reason', (_, bytes, code, words) => {
    const error = refusal(() => readStatement(bytes));
    expect(error.code).toBe(code);
    expect(error.message).toContain(words);
  });

  test('a refusal names the entry and its statement, counted in the file', () => {
    const xml = camt053({ entries: [{ amount: '1.00' }, { amount: '1.00' }, { amount: '1,00' }] });
    expect(refusal(() => readStatement(utf8(xml))).message).toContain(
      'The entry 3 of camt.053 statement 1 (STMT-2026-015) has the amount "1,00"',
    );
  });

  test('a file over the size limit is refused before it is read', () => {
    const error = refusal(() => readStatement(Buffer.alloc(MAX_STATEMENT_BYTES + 1, 0x20)));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('MiB');
  });

  test("the file's name, when given, starts the message", () => {
    expect(refusal(() => readStatement(utf8('hello'), 'statement.txt')).message).toMatch(/^statement\.txt: /);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Nothing but StatementError, whatever the bytes.

describe('fuzzing: truncated and random input never throws anything but a StatementError', () => {
  /** A small deterministic generator, so a failure names a seed that reproduces it. */
  function random(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
  }

  const samples: [string, Buffer][] = [
    [
      'camt v02',
      utf8(
        camt053({
          opening: '0.00',
          closing: '5.00',
          entries: [{ amount: '5.00', details: detail({ debtor: 'A', ustrd: ['x'] }) }],
        }),
      ),
    ],
    [
      'camt v08',
      utf8(
        camt053({
          version: '08',
          entries: [{ amount: '5.00', details: detail({ version: '08', debtor: 'A' }) }],
        }),
      ),
    ],
    [
      'mt940',
      utf8(
        mt940(
          [':61:2601150115C5,00NTRFREF//B1', ':86:166?00X?20EREF+A?21SVWZ+B?32NAME'],
          undefined,
          'C260115EUR1005,00',
        ),
      ),
    ],
  ];
  if (bankCorpusPresent) {
    for (const file of [
      'camt/camt054.v8.xml',
      'camt/camt053.v4.xml',
      'mt940/betterplace-sepa_mt9401.sta',
      'mt940/jejik-rabobank.sta',
    ]) {
      samples.push([file, fs.readFileSync(path.join(bankCorpusDir, file))]);
    }
  }

  /** Reads and requires that any refusal is one of the reader's own, not its safety net for faults. */
  function readsOrRefuses(bytes: Buffer): void {
    try {
      readStatement(bytes);
    } catch (error) {
      expect(error).toBeInstanceOf(StatementError);
      expect((error as StatementError).message).not.toContain("fault in the hub's statement reader");
    }
  }

  test.each(samples)('%s cut at every length', (_, bytes) => {
    const step = Math.max(1, Math.floor(bytes.length / 400));
    for (let length = 0; length < bytes.length; length += step) readsOrRefuses(bytes.subarray(0, length));
  });

  test.each(samples)('%s with random bytes overwritten', (_, bytes) => {
    const next = random(bytes.length);
    for (let round = 0; round < 200; round++) {
      const copy = Buffer.from(bytes);
      const changes = 1 + Math.floor(next() * 8);
      for (let i = 0; i < changes; i++) copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);
      readsOrRefuses(copy);
    }
  });

  test('random bytes and random tag soup', () => {
    const next = random(42);
    const pieces = [
      ':20:',
      ':25:',
      ':60F:',
      ':61:',
      ':86:',
      '?20',
      '/REMI/',
      '-',
      '\r\n',
      'C',
      'D',
      'RC',
      '260115',
      ',',
      '<',
      '>',
      'Ntry',
      '{4:',
    ];
    for (let round = 0; round < 500; round++) {
      const length = Math.floor(next() * 300);
      readsOrRefuses(Buffer.from(Array.from({ length }, () => Math.floor(next() * 256))));
      readsOrRefuses(
        utf8(Array.from({ length: length / 4 }, () => pieces[Math.floor(next() * pieces.length)]).join('')),
      );
    }
  });
});

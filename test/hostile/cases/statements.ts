import crypto from 'node:crypto';
import type { Answer, HostileCase } from '../measure';
import * as hostile from '../payloads';
import { answerOf } from './rest';

/**
 * The statements' door through the issuer API (POST /api/v1/statements): the file is recorded once per issuer and
 * content and read at once; one that cannot be read is refused with `STATEMENT_<reason>` and kept with its reason
 * (a refused import row), and no entry or payment comes of it.
 */
export interface StatementDoor {
  apiUrl: string;
  apiKey: string;
}

async function postStatement(door: StatementDoor, body: Buffer, name = 'statement'): Promise<Answer> {
  const response = await fetch(`${door.apiUrl}/statements?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${door.apiKey}`, 'content-type': 'application/octet-stream' },
    body: new Uint8Array(body),
  });
  return answerOf(response);
}

/** A camt.053 of one credit of 100.00, with `edit` applied; a fresh reference each time (a new file). */
function camt053(edit: (xml: string) => string = (xml) => xml): Buffer {
  const id = crypto.randomUUID().slice(0, 8);
  return Buffer.from(
    edit(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-${id}</MsgId><CreDtTm>2026-12-01T18:00:00+02:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-${id}</Id>
      <CreDtTm>2026-12-01T18:00:00+02:00</CreDtTm>
      <Acct><Id><IBAN>BG80BNBG96611020345678</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-12-01</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="EUR">100.00</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-12-01</Dt></BookgDt>
        <ValDt><Dt>2026-12-01</Dt></ValDt>
        <AcctSvcrRef>${id}-1</AcctSvcrRef>
        <NtryDtls><TxDtls><Refs><AcctSvcrRef>${id}-1</AcctSvcrRef></Refs><RmtInf><Ustrd>Invoice 0000000042</Ustrd></RmtInf></TxDtls></NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
`),
  );
}

/** An MT940 of one credit of 100,00 with `edit` applied. */
function mt940(edit: (text: string) => string = (text) => text): Buffer {
  const id = crypto.randomUUID().slice(0, 8).toUpperCase();
  return Buffer.from(
    edit(
      [
        `:20:${id}`,
        ':25:BG80BNBG96611020345678',
        ':28C:1/1',
        ':60F:C261130EUR1000,00',
        `:61:2612011201C100,00NTRF${id}//${id}`,
        ':86:Invoice 0000000042',
        ':62F:C261201EUR1100,00',
        '-',
      ].join('\r\n') + '\r\n',
    ),
  );
}

const post =
  (bytes: () => Buffer, name?: string) =>
  (door: StatementDoor): Promise<Answer> =>
    postStatement(door, bytes(), name);

/** A refused statement is kept with its reason: the file and why, never an entry. */
const REFUSED = { refusedStatements: 1 };

export const statementCases: HostileCase<StatementDoor>[] = [
  {
    name: 'camt.053 with an external entity (XXE)',
    kind: 'XXE and entity tricks',
    expect: 'STATEMENT_MALFORMED',
    detail: /DOCTYPE|DTD/i,
    send: post(() =>
      camt053((xml) =>
        xml
          .replace('<Document', '<!DOCTYPE Document [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Document')
          .replace('Invoice 0000000042', '&x;'),
      ),
    ),
    keeps: REFUSED,
  },
  {
    name: 'camt.053 with billion laughs',
    kind: 'XXE and entity tricks',
    expect: 'STATEMENT_MALFORMED',
    detail: /DOCTYPE|DTD/i,
    send: post(() =>
      camt053((xml) =>
        xml.replace('<Document', `${hostile.billionLaughs.toString().split('\n')[1]}\n<Document`),
      ),
    ),
    keeps: REFUSED,
  },
  {
    name: 'camt.053 nested 100,000 levels deep',
    kind: 'deep nesting',
    expect: 'STATEMENT_MALFORMED',
    send: post(() =>
      camt053((xml) => xml.replace('<Ustrd>', `<Ustrd>${'<a>'.repeat(100_000)}${'</a>'.repeat(100_000)}`)),
    ),
    keeps: REFUSED,
  },
  {
    name: 'camt.053 with a 200,000-character currency attribute',
    kind: 'huge attributes and texts',
    expect: 'STATEMENT_MISSING_FIELD',
    detail: /currency/,
    send: post(() =>
      camt053((xml) => xml.replace('<Amt Ccy="EUR">100.00', `<Amt Ccy="${'E'.repeat(200_000)}">100.00`)),
    ),
    keeps: REFUSED,
  },
  {
    name: 'camt.053 with a byte that is not UTF-8',
    kind: 'invalid UTF-8 and mixed encodings',
    expect: 'STATEMENT_MALFORMED',
    send: post(() => {
      const bytes = camt053();
      bytes[bytes.indexOf('Invoice')] = 0xff;
      return bytes;
    }),
    keeps: REFUSED,
  },
  {
    name: 'camt.053 amount 1E2',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'STATEMENT_BAD_AMOUNT',
    send: post(() => camt053((xml) => xml.replace('<Amt Ccy="EUR">100.00', '<Amt Ccy="EUR">1E2'))),
    keeps: REFUSED,
  },
  {
    name: 'camt.053 amount 100,00',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'STATEMENT_BAD_AMOUNT',
    send: post(() => camt053((xml) => xml.replace('<Amt Ccy="EUR">100.00', '<Amt Ccy="EUR">100,00'))),
    keeps: REFUSED,
  },
  {
    name: 'camt.053 entry amount −100.00 (negative)',
    kind: 'negative quantities',
    expect: 'STATEMENT_BAD_AMOUNT',
    send: post(() => camt053((xml) => xml.replace('<Amt Ccy="EUR">100.00', '<Amt Ccy="EUR">-100.00'))),
    keeps: REFUSED,
  },
  {
    name: 'camt.053 booking date 2026-02-30',
    kind: 'impossible dates',
    expect: 'STATEMENT_BAD_DATE',
    send: post(() => camt053((xml) => xml.replace('<BookgDt><Dt>2026-12-01', '<BookgDt><Dt>2026-02-30'))),
    keeps: REFUSED,
  },
  {
    name: 'MT940 amount of 40 digits, the balances made to add up',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'STATEMENT_BAD_AMOUNT',
    detail: /at most 18/,
    send: post(
      () =>
        mt940((text) =>
          text
            .replace(':60F:C261130EUR1000,00', ':60F:C261130EUR0,00')
            .replace('C100,00N', `C${'1'.repeat(40)},00N`)
            .replace(':62F:C261201EUR1100,00', `:62F:C261201EUR${'1'.repeat(40)},00`),
        ),
      'statement.sta',
    ),
    keeps: REFUSED,
  },
  {
    name: 'MT940 amount 1E2 (read as 1: the balances do not add up)',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'STATEMENT_BALANCE_MISMATCH',
    send: post(() => mt940((text) => text.replace('C100,00N', 'C1E2N')), 'statement.sta'),
    keeps: REFUSED,
  },
  {
    name: 'MT940 value date 261345',
    kind: 'impossible dates',
    expect: 'STATEMENT_MALFORMED',
    detail: /value date/,
    send: post(() => mt940((text) => text.replace(':61:261201', ':61:261345')), 'statement.sta'),
    keeps: REFUSED,
  },
  {
    name: 'a ZIP bomb posted as a statement',
    kind: 'zip bombs and nested zips',
    expect: 'STATEMENT_UNKNOWN_FORMAT',
    send: post(hostile.zipBomb, 'statement.zip'),
    keeps: REFUSED,
  },
  {
    name: 'an empty body',
    kind: 'oversized and truncated uploads',
    expect: 'EMPTY_BODY',
    send: post(() => Buffer.alloc(0)),
  },
  {
    name: 'camt.053 cut in half',
    kind: 'oversized and truncated uploads',
    expect: 'STATEMENT_MALFORMED',
    send: post(() => camt053().subarray(0, 900)),
    keeps: REFUSED,
  },
];

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type { RunningSftpServer } from '../../connectors/sftp/server';
import { countImportEntries } from '../../db/payments/ledger';
import { getStatementImport } from '../../db/payments/statement-imports';
import { corpusDir } from '../domain/corpus-support';
import { eventually, startTestHub, uniqueEmail, type TestHub } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber, payableOf } from '../support/invoice-factory';
import { opensshAvailable, sftpBatch } from '../support/openssh';
import {
  addSftpIssuer,
  rawSftp,
  startTestSftpServer,
  workFolder,
  type SftpIssuer,
} from '../support/sftp-hub';

const describeWithOpenssh = opensshAvailable ? describe : describe.skip;
if (!opensshAvailable)
  console.warn('sftp-statements tests skipped: OpenSSH client (sftp, ssh-keygen) is not installed');

/** One booked entry of a test statement. */
interface TestEntry {
  amount: string;
  direction: 'credit' | 'debit';
  text: string;
  party?: string;
}

/**
 * A small camt.053.001.02 of one EUR account. The closing balance is the opening one plus the entries unless
 * `closing` says otherwise (a file that does not add up). Every entry has its own bank reference, so two files made
 * here never share an entry.
 */
function camt053(entries: TestEntry[], options: { opening?: string; closing?: string } = {}): string {
  const opening = options.opening ?? '1000.00';
  const cents = (amount: string) => Math.round(Number(amount) * 100);
  const net = entries.reduce((sum, e) => sum + (e.direction === 'credit' ? 1 : -1) * cents(e.amount), 0);
  const closing = options.closing ?? ((cents(opening) + net) / 100).toFixed(2);
  const id = crypto.randomUUID().slice(0, 8);
  const balance = (code: string, amount: string, date: string) => `
      <Bal>
        <Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp>
        <Amt Ccy="EUR">${amount}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>${date}</Dt></Dt>
      </Bal>`;
  const entry = (e: TestEntry, i: number) => `
      <Ntry>
        <Amt Ccy="EUR">${e.amount}</Amt>
        <CdtDbtInd>${e.direction === 'credit' ? 'CRDT' : 'DBIT'}</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-12-01</Dt></BookgDt>
        <ValDt><Dt>2026-12-01</Dt></ValDt>
        <AcctSvcrRef>${id}-${i + 1}</AcctSvcrRef>
        <NtryDtls>
          <TxDtls>
            <Refs><AcctSvcrRef>${id}-${i + 1}</AcctSvcrRef></Refs>
            ${
              e.party
                ? `<RltdPties>
              <${e.direction === 'credit' ? 'Dbtr' : 'Cdtr'}><Nm>${e.party}</Nm></${e.direction === 'credit' ? 'Dbtr' : 'Cdtr'}>
            </RltdPties>`
                : ''
            }
            <RmtInf><Ustrd>${e.text}</Ustrd></RmtInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>MSG-${id}</MsgId><CreDtTm>2026-12-01T18:00:00+02:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-${id}</Id>
      <CreDtTm>2026-12-01T18:00:00+02:00</CreDtTm>
      <Acct><Id><IBAN>BG80BNBG96611020345678</IBAN></Id><Ccy>EUR</Ccy></Acct>${balance('OPBD', opening, '2026-11-30')}${balance('CLBD', closing, '2026-12-01')}${entries.map(entry).join('')}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}

describeWithOpenssh('bank statements through /statements on the hub’s SFTP server', () => {
  let hub: TestHub;
  let server: RunningSftpServer;
  let alice: SftpIssuer;

  beforeAll(async () => {
    hub = await startTestHub({ REMINDER_DELAYS: '1h' });
    server = await startTestSftpServer(hub);
    alice = await addSftpIssuer(hub, server.port);
  });
  afterAll(async () => {
    await server?.close();
    await hub?.stop();
  });

  const sha256 = (content: string | Buffer) => crypto.createHash('sha256').update(content).digest('hex');
  const importsOf = async (content: string | Buffer) =>
    (
      await hub.db.query(
        'select id, status, source from statement_imports where issuer_id = $1 and sha256 = $2',
        [alice.issuer.id, sha256(content)],
      )
    ).rows as { id: string; status: string; source: string }[];
  /** The file as the issuer's client downloads it, or undefined while it is not there. */
  const download = async (remote: string) => {
    const local = path.join(workFolder(), path.basename(remote));
    const result = await sftpBatch(alice.target, [`get ${remote} ${local}`]);
    return result.code === 0 ? fs.readFileSync(local, 'utf8') : undefined;
  };
  /** NAME.statement.json once it says `status`. */
  const answerOnceIt = (name: string, status: string) =>
    eventually(
      async () => {
        const text = await download(`/outbox/${name}.statement.json`);
        const answer = text && JSON.parse(text);
        return answer?.status === status && answer;
      },
      60_000,
      `/outbox/${name}.statement.json saying ${status}`,
    );
  const put = async (name: string, content: string | Buffer, remote = `/statements/${name}`) => {
    const local = path.join(workFolder(), path.basename(name));
    fs.writeFileSync(local, content);
    return sftpBatch(alice.target, [`put ${local} ${remote}`]);
  };

  /** An invoice of Alice's delivered through /inbox and archived, so that a statement can pay it. */
  const deliveredInvoice = async () => {
    const number = nextInvoiceNumber();
    const xml = makeUblInvoice({ number, buyerEmail: uniqueEmail('payer'), buyerName: 'Платец ООД' });
    expect(await put(`${number}.xml`, xml, `/inbox/${number}.xml`)).toMatchObject({ code: 0 });
    const result = await eventually(
      async () => {
        const text = await download(`/outbox/${number}.xml.result.json`);
        return text && JSON.parse(text);
      },
      60_000,
      'the invoice result',
    );
    expect(result).toMatchObject({ status: 'accepted' });
    await eventually(
      async () =>
        (await hub.db.query('select 1 from invoice_archive where invoice_id = $1', [result.invoice.id]))
          .rowCount === 1,
      60_000,
      'the invoice in the archive',
    );
    return { number, total: payableOf(xml), id: result.invoice.id as string };
  };

  test('a statement put into /statements is recorded before the OK, imported, and answered in /outbox with the counts', async () => {
    const invoice = await deliveredInvoice();
    const statement = camt053([
      {
        amount: invoice.total,
        direction: 'credit',
        text: `Плащане по фактура № ${invoice.number}`,
        party: 'Платец ООД',
      },
      { amount: '2.50', direction: 'debit', text: 'Такса за обслужване на сметка' },
    ]);

    expect(await put('december.xml', statement)).toMatchObject({ code: 0 });
    // OK means the hub has it: the import is recorded by the time the client hears it.
    const [recorded] = await importsOf(statement);
    expect(recorded).toMatchObject({ source: 'sftp' });

    const answer = await answerOnceIt('december.xml', 'imported');
    expect(answer).toMatchObject({
      file: 'december.xml',
      duplicate: false,
      format: 'camt.053',
      account: 'BG80BNBG96611020345678',
      import: {
        id: recorded.id,
        file: 'december.xml',
        link: `http://portal.test/api/v1/statements/${recorded.id}`,
      },
      counts: { inFile: 2, entries: 2, matched: 1 },
      sha256: sha256(statement),
    });
    expect(answer.counts.review + answer.counts.notAPayment).toBe(1);
    expect(answer.summary).toMatch(/^Imported: 2 entries in the file, 2 new \(1 matched to invoices/);
    expect((await getStatementImport(hub.db, recorded.id))?.status).toBe('imported');
    expect(await countImportEntries(hub.db, recorded.id)).toMatchObject({ entries: 2, matched: 1 });
    const workflow = await hub.temporal.workflow
      .getHandle((await getStatementImport(hub.db, recorded.id))!.workflowId)
      .describe();
    expect(workflow.status.name).toBe('COMPLETED');

    // The file itself is not in /statements once received; its answer is listed in /outbox.
    const listing = await sftpBatch(alice.target, ['ls -1 /', 'ls -1 /statements', 'ls -1 /outbox']);
    expect(listing.stdout).toMatch(/^\/statements$/m);
    expect(listing.stdout).toContain('/outbox/december.xml.statement.json');
    expect(listing.stdout).not.toContain('/statements/december.xml');
    const readBack = await sftpBatch(alice.target, ['get /statements/december.xml /dev/null']);
    expect(readBack.code).not.toBe(0);
    expect(readBack.stderr).toContain('not found');

    // The match reached the invoice: its lifecycle answers "paid" like any other payment.
    await eventually(
      () => download(`/outbox/${invoice.number}.xml.PD.response.xml`),
      60_000,
      'the paid Invoice Response',
    );
  });

  test('a statement uploaded under a temporary name is imported only when renamed to its final name', async () => {
    const statement = camt053([
      { amount: '40.00', direction: 'credit', text: 'вноска по договор', party: 'Иван Иванов' },
    ]);
    expect(await put('november.xml.part', statement)).toMatchObject({ code: 0 });
    expect((await sftpBatch(alice.target, ['ls -1 /statements'])).stdout).toContain('november.xml.part');
    const readBack = await sftpBatch(alice.target, ['get /statements/november.xml.part /dev/null']);
    expect(readBack.stderr).toContain('Permission denied');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await importsOf(statement)).toHaveLength(0);

    expect(
      await sftpBatch(alice.target, ['rename /statements/november.xml.part /statements/november.xml']),
    ).toMatchObject({ code: 0 });
    expect(await importsOf(statement)).toHaveLength(1); // recorded before the rename was answered
    const answer = await answerOnceIt('november.xml', 'imported');
    expect(answer).toMatchObject({ file: 'november.xml', counts: { inFile: 1, entries: 1, matched: 0 } });
    expect((await sftpBatch(alice.target, ['ls -1 /statements'])).stdout).not.toContain('november.xml');
  });

  test('the same statement put twice is one import; the second answer says so and names the first', async () => {
    const statement = camt053([
      { amount: '12.34', direction: 'debit', text: 'наем офис', party: 'Имоти АД' },
    ]);
    expect(await put('weekly.xml', statement)).toMatchObject({ code: 0 });
    const first = await answerOnceIt('weekly.xml', 'imported');

    expect(await put('weekly.xml', statement)).toMatchObject({ code: 0 });
    expect(await put('weekly-again.xml', statement)).toMatchObject({ code: 0 });
    const again = await answerOnceIt('weekly-again.xml', 'imported');
    expect(again).toMatchObject({ duplicate: true, import: { id: first.import.id, file: 'weekly.xml' } });
    expect(again.summary).toMatch(/already had this file/);
    const sameName = JSON.parse((await download('/outbox/weekly.xml.statement.json')) as string);
    expect(sameName).toMatchObject({ duplicate: true, import: { id: first.import.id } });
    expect(await importsOf(statement)).toHaveLength(1);
    expect((await countImportEntries(hub.db, first.import.id)).entries).toBe(1);
  });

  test('a statement whose balances do not add up is refused with the figures, kept, and imports nothing', async () => {
    const statement = camt053([{ amount: '100.00', direction: 'credit', text: 'фактура 1' }], {
      opening: '1000.00',
      closing: '1150.00',
    });
    expect(await put('broken.xml', statement)).toMatchObject({ code: 0 });
    const answer = await answerOnceIt('broken.xml', 'refused');
    expect(answer.error.code).toBe('BALANCE_MISMATCH');
    expect(answer.error.message).toContain('opening balance 1000.00 EUR');
    expect(answer.error.message).toContain('the closing balance is 1150.00 EUR');
    expect(answer.error.message).toContain('the difference is 50.00 EUR');
    expect(answer.summary).toMatch(/^Refused: .*kept with this reason\.$/);
    expect(answer.counts).toBeUndefined();

    const { rows } = await hub.db.query(
      'select status, refusal_code, content from statement_imports where id = $1',
      [answer.import.id],
    );
    expect(rows[0]).toMatchObject({ status: 'refused', refusal_code: 'BALANCE_MISMATCH' });
    expect(rows[0].content.toString()).toBe(statement); // quarantined: the bytes are kept with the reason
    expect((await countImportEntries(hub.db, answer.import.id)).entries).toBe(0);
  });

  test('a camt.053 without a statement in it (corpus camt053.v2.wrong.xml) is refused with its reason', async () => {
    const wrong = fs.readFileSync(path.join(corpusDir, 'bank/camt/camt053.v2.wrong.xml'));
    expect(await put('camt053.v2.wrong.xml', wrong)).toMatchObject({ code: 0 });
    const answer = await answerOnceIt('camt053.v2.wrong.xml', 'refused');
    expect(answer.error).toMatchObject({ code: 'MISSING_FIELD', message: expect.stringContaining('<Stmt>') });
    expect((await countImportEntries(hub.db, answer.import.id)).entries).toBe(0);
  });

  test('an invoice put into /statements is refused with where invoices go; a statement put into /inbox is quarantined with where statements go', async () => {
    const number = nextInvoiceNumber();
    expect(await put('invoice.xml', makeUblInvoice({ number }))).toMatchObject({ code: 0 });
    const refused = await answerOnceIt('invoice.xml', 'refused');
    expect(refused.error.code).toBe('UNKNOWN_FORMAT');
    expect(refused.error.message).toContain(`This is an invoice (number ${number}), not a bank statement`);
    expect(refused.error.message).toContain('/inbox');
    const sameNumber = await hub.db.query('select 1 from invoices where issuer_id = $1 and number = $2', [
      alice.issuer.id,
      number,
    ]);
    expect(sameNumber.rowCount).toBe(0);

    const statement = camt053([{ amount: '5.00', direction: 'credit', text: 'лихва' }]);
    expect(await put('statement.xml', statement, '/inbox/statement.xml')).toMatchObject({ code: 0 });
    const ack = await eventually(
      async () => {
        const text = await download('/outbox/statement.xml.ack.json');
        return text && JSON.parse(text);
      },
      60_000,
      'the acknowledgement',
    );
    expect(ack).toMatchObject({ status: 'quarantined', error: { code: 'BANK_STATEMENT' } });
    expect(ack.error.message).toContain('camt.053');
    expect(ack.error.message).toContain('/statements');
    expect(await importsOf(statement)).toHaveLength(0);
  });

  describe('paths', () => {
    let sftp: SFTPWrapper;
    let end: () => void;
    beforeAll(async () => {
      ({ sftp, end } = await rawSftp(server.port, alice.issuer.id, alice.privateKey));
    });
    afterAll(() => end?.());

    const failure = (call: (done: (error: Error | null | undefined) => void) => void) =>
      new Promise<string | undefined>((resolve) => call((error) => resolve(error?.message)));

    test('a path outside the tree names /statements among the folders there are', async () => {
      expect(await failure((done) => sftp.stat('/elsewhere/a.xml', (e) => done(e)))).toContain(
        '/inbox, /statements and /outbox',
      );
      expect(await failure((done) => sftp.stat('/statements/../inbox', (e) => done(e)))).toContain(
        '/statements',
      );
      expect(await failure((done) => sftp.mkdir('/statements/2026', (e) => done(e)))).toContain(
        '/statements',
      );
      expect(await failure((done) => sftp.stat('/statements/sub/a.xml', (e) => done(e)))).toContain(
        'files only',
      );
    });

    test('a staged file cannot move between /inbox and /statements; a staged statement cannot be read back, and can be removed', async () => {
      expect(await put('moving.xml.part', camt053([]), '/inbox/moving.xml.part')).toMatchObject({ code: 0 });
      expect(
        await failure((done) =>
          sftp.rename('/inbox/moving.xml.part', '/statements/moving.xml', (e) => done(e)),
        ),
      ).toMatch(/cannot move between \/inbox and \/statements/);
      expect(await put('gone.xml.tmp', camt053([]))).toMatchObject({ code: 0 });
      expect(await failure((done) => sftp.open('/statements/gone.xml.tmp', 'r', (e) => done(e)))).toBe(
        'files in /statements cannot be read back; the answer to each is /outbox/NAME.statement.json',
      );
      expect(
        await failure((done) => sftp.unlink('/statements/gone.xml.tmp', (e) => done(e))),
      ).toBeUndefined();
      expect((await sftpBatch(alice.target, ['ls -1 /statements'])).stdout).not.toContain('gone.xml.tmp');
    });
  });
});

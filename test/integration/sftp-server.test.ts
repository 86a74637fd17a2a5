import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { SFTPWrapper } from 'ssh2';
import type { RunningSftpServer } from '../../connectors/sftp/server';
import { listInvoiceEvents } from '../../db/invoices';
import { Channel } from '../../workflows/search-attributes';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { eventually, mailsTo, startTestHub, uniqueEmail, type TestHub } from '../support/hub';
import { makeSshKey, opensshAvailable, sftpBatch } from '../support/openssh';
import {
  addSftpIssuer,
  rawSftp,
  startTestSftpServer,
  tryLogin,
  workFolder,
  type SftpIssuer,
} from '../support/sftp-hub';

const describeWithOpenssh = opensshAvailable ? describe : describe.skip;
if (!opensshAvailable)
  console.warn('sftp-server tests skipped: OpenSSH client (sftp, ssh-keygen) is not installed');

describeWithOpenssh("the hub's SFTP server, used with OpenSSH's sftp client", () => {
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

  const outbox = async (who: SftpIssuer, names: string[]) => {
    const dir = workFolder();
    const result = await sftpBatch(
      who.target,
      names.map((n) => `get /outbox/${n} ${path.join(dir, n)}`),
    );
    if (result.code !== 0) return undefined;
    return Object.fromEntries(names.map((n) => [n, fs.readFileSync(path.join(dir, n), 'utf8')]));
  };
  const waitForOutbox = (who: SftpIssuer, names: string[]) =>
    eventually(() => outbox(who, names), 60_000, `${names.join(', ')} in /outbox`);
  const invoiceFile = (dir: string, name: string, buyerEmail = uniqueEmail()) => {
    const number = nextInvoiceNumber();
    fs.writeFileSync(path.join(dir, name), makeUblInvoice({ number, buyerEmail }));
    return { number, buyerEmail, file: path.join(dir, name) };
  };
  const invoicesNumbered = async (issuerId: string, number: string) =>
    (await hub.db.query('select id from invoices where issuer_id = $1 and number = $2', [issuerId, number]))
      .rows;

  test('a file put into /inbox becomes an invoice mailed to its recipient, with its acknowledgement, result and Invoice Response in /outbox', async () => {
    const dir = workFolder();
    const { number, buyerEmail, file } = invoiceFile(dir, 'march.xml');
    const put = await sftpBatch(alice.target, ['cd inbox', `put ${file}`]);
    expect(put).toMatchObject({ code: 0 });

    const answers = await waitForOutbox(alice, [
      'march.xml.ack.json',
      'march.xml.result.json',
      'march.xml.response.xml',
    ]);
    const ack = JSON.parse(answers['march.xml.ack.json']);
    expect(ack).toMatchObject({
      file: 'march.xml',
      status: 'accepted',
      channel: 'sftp',
      duplicate: false,
      invoice: { number, link: expect.stringContaining('/api/v1/invoices/') },
    });
    expect(JSON.parse(answers['march.xml.result.json'])).toMatchObject({
      status: 'accepted',
      reasons: [],
      invoice: { id: ack.invoice.id, number },
    });
    expect(answers['march.xml.response.xml']).toContain('<cbc:ResponseCode>AB</cbc:ResponseCode>');
    expect(answers['march.xml.response.xml']).toContain(`<cbc:ID>${number}</cbc:ID>`);
    await eventually(async () => (await mailsTo(buyerEmail)).length === 1, 30_000, 'the recipient mail');

    // The channel shows in the invoice, its timeline and the workflow's search attributes (Temporal UI).
    const { rows } = await hub.db.query('select channel, workflow_id from invoices where id = $1', [
      ack.invoice.id,
    ]);
    expect(rows[0].channel).toBe('sftp');
    expect((await listInvoiceEvents(hub.db, ack.invoice.id))[0]).toMatchObject({
      type: 'received',
      detail: { channel: 'sftp' },
    });
    const workflow = await hub.temporal.workflow.getHandle(rows[0].workflow_id).describe();
    expect(workflow.typedSearchAttributes.get(Channel)).toBe('sftp');

    // The same file again: a duplicate acknowledgement pointing at the first invoice, and no second invoice.
    expect(await sftpBatch(alice.target, ['cd inbox', `put ${file}`])).toMatchObject({ code: 0 });
    const again = await eventually(
      async () => {
        const answer = await outbox(alice, ['march.xml.ack.json']);
        const parsed = answer && JSON.parse(answer['march.xml.ack.json']);
        return parsed?.duplicate === true && parsed;
      },
      30_000,
      'the duplicate acknowledgement',
    );
    expect(again).toMatchObject({ status: 'duplicate', invoice: { id: ack.invoice.id, number } });
    expect(await invoicesNumbered(alice.issuer.id, number)).toHaveLength(1);
    expect((await mailsTo(buyerEmail)).length).toBe(1);
  });

  test('a file uploaded under a temporary name is delivered only when renamed to its final name', async () => {
    const dir = workFolder();
    const { number, file } = invoiceFile(dir, 'april.xml');
    expect(await sftpBatch(alice.target, ['cd inbox', `put ${file} april.xml.part`])).toMatchObject({
      code: 0,
    });
    // Staged, visible in /inbox, and not delivered.
    const listing = await sftpBatch(alice.target, ['cd /inbox', 'ls -1']);
    expect(listing.stdout).toContain('april.xml.part');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await invoicesNumbered(alice.issuer.id, number)).toHaveLength(0);

    expect(await sftpBatch(alice.target, ['rename /inbox/april.xml.part /inbox/april.xml'])).toMatchObject({
      code: 0,
    });
    const answers = await waitForOutbox(alice, ['april.xml.ack.json']);
    expect(JSON.parse(answers['april.xml.ack.json'])).toMatchObject({
      status: 'accepted',
      invoice: { number },
    });
    expect((await sftpBatch(alice.target, ['cd /inbox', 'ls -1'])).stdout).not.toContain('april.xml.part');
  });

  test('an upload whose connection is killed mid-transfer is never ingested', async () => {
    const dir = workFolder();
    // A large invoice, sent at 64 kbit/s: the client is killed long before the last byte.
    const number = nextInvoiceNumber();
    const file = path.join(dir, 'big.xml');
    fs.writeFileSync(file, makeUblInvoice({ number, buyerEmail: uniqueEmail(), lines: 600 }));
    expect(fs.statSync(file).size).toBeGreaterThan(200_000);
    for (const name of ['big.xml', 'big.xml.part']) {
      const upload = sftpBatch(alice.target, ['cd inbox', `put ${file} ${name}`], { limitKbit: 64 });
      await new Promise((r) => setTimeout(r, 1500));
      upload.kill();
      await upload;
    }
    await new Promise((r) => setTimeout(r, 2000));
    expect(await invoicesNumbered(alice.issuer.id, number)).toHaveLength(0);
    const recorded = await hub.db.query(
      `select count(*)::int as n from deliveries where issuer_id = $1 and file_name like 'big.xml%'`,
      [alice.issuer.id],
    );
    expect(recorded.rows[0].n).toBe(0);
    const staged = await hub.db.query(`select name from sftp_staged_files where issuer_id = $1`, [
      alice.issuer.id,
    ]);
    expect(staged.rows.map((r) => r.name)).not.toContain('big.xml.part');
    expect((await sftpBatch(alice.target, ['cd /inbox', 'ls -1'])).stdout).not.toMatch(/big\.xml/);
  });

  test('a file that is not an invoice is quarantined with its reason, and the acknowledgement says why', async () => {
    const dir = workFolder();
    fs.writeFileSync(path.join(dir, 'notes.xml'), 'these are not the invoices you are looking for');
    expect(await sftpBatch(alice.target, ['cd inbox', `put ${path.join(dir, 'notes.xml')}`])).toMatchObject({
      code: 0,
    });
    const answers = await waitForOutbox(alice, ['notes.xml.ack.json']);
    const ack = JSON.parse(answers['notes.xml.ack.json']);
    expect(ack).toMatchObject({ status: 'quarantined', error: { code: expect.any(String) } });
    expect(ack.invoice).toBeUndefined();
    const { rows } = await hub.db.query('select status, reason_code, content from deliveries where id = $1', [
      ack.delivery,
    ]);
    expect(rows[0]).toMatchObject({ status: 'quarantined', reason_code: ack.error.code });
    expect(rows[0].content.toString()).toContain('not the invoices'); // the evidence is kept
  });

  test('a ZIP in /inbox is a batch: each invoice in it is delivered on its own, and the batch is acknowledged with every entry', async () => {
    const dir = workFolder();
    const entries = ['one.xml', 'two.xml', 'three.xml'].map((name) => ({ name, ...invoiceFile(dir, name) }));
    execFileSync('zip', ['-q', 'batch.zip', ...entries.map((e) => e.name)], { cwd: dir });
    expect(await sftpBatch(alice.target, ['cd inbox', `put ${path.join(dir, 'batch.zip')}`])).toMatchObject({
      code: 0,
    });
    const answers = await waitForOutbox(alice, [
      'batch.zip.ack.json',
      ...entries.map((e) => `${e.name}.ack.json`),
    ]);
    const batch = JSON.parse(answers['batch.zip.ack.json']);
    expect(batch.entries.map((e: { file: string; status: string }) => [e.file, e.status])).toEqual(
      entries.map((e) => [e.name, 'accepted']),
    );
    for (const entry of entries) {
      expect(JSON.parse(answers[`${entry.name}.ack.json`])).toMatchObject({
        status: 'accepted',
        invoice: { number: entry.number },
      });
      expect(await invoicesNumbered(alice.issuer.id, entry.number)).toHaveLength(1);
      await eventually(
        async () => (await mailsTo(entry.buyerEmail)).length === 1,
        30_000,
        'each recipient mail',
      );
    }
    await waitForOutbox(
      alice,
      entries.map((e) => `${e.name}.result.json`),
    );
  });

  test('a zip bomb is refused with its reason and delivers nothing', async () => {
    const dir = workFolder();
    const { number } = invoiceFile(dir, 'real.xml');
    fs.writeFileSync(path.join(dir, 'zeros.xml'), Buffer.alloc(50 * 1024 * 1024));
    execFileSync('zip', ['-q', 'bomb.zip', 'real.xml', 'zeros.xml'], { cwd: dir });
    expect(fs.statSync(path.join(dir, 'bomb.zip')).size).toBeLessThan(200_000);
    expect(await sftpBatch(alice.target, ['cd inbox', `put ${path.join(dir, 'bomb.zip')}`])).toMatchObject({
      code: 0,
    });
    const answers = await waitForOutbox(alice, ['bomb.zip.ack.json']);
    const ack = JSON.parse(answers['bomb.zip.ack.json']);
    expect(ack).toMatchObject({ status: 'quarantined', error: { code: expect.stringMatching(/^ZIP_/) } });
    expect(ack.error.message).toMatch(/zeros\.xml/);
    expect(await invoicesNumbered(alice.issuer.id, number)).toHaveLength(0); // not even the honest entry
  });

  test('an unknown key, a password, and another issuer’s name cannot log in; a removed key no longer can', async () => {
    const stranger = await makeSshKey();
    const strangerKey = fs.readFileSync(stranger.privateKeyFile);
    expect(
      await tryLogin(server.port, { username: alice.issuer.id, privateKey: strangerKey }),
    ).toBeInstanceOf(Error);
    expect(await tryLogin(server.port, { username: alice.issuer.id, password: 'guess' })).toBeInstanceOf(
      Error,
    );
    const bob = await addSftpIssuer(hub, server.port);
    expect(
      await tryLogin(server.port, { username: bob.issuer.id, privateKey: alice.privateKey }),
    ).toBeInstanceOf(Error);
    expect(await tryLogin(server.port, { username: 'root', privateKey: alice.privateKey })).toBeInstanceOf(
      Error,
    );
    expect(
      await tryLogin(server.port, { username: alice.issuer.id, privateKey: alice.privateKey }),
    ).toBeUndefined();

    const openssh = await sftpBatch({ ...alice.target, key: stranger.privateKeyFile }, ['ls /']);
    expect(openssh.code).not.toBe(0);
    expect(openssh.stderr).toMatch(/Permission denied/);

    await hub.db.query('delete from sftp_keys where issuer_id = $1', [bob.issuer.id]);
    expect(
      await tryLogin(server.port, { username: bob.issuer.id, privateKey: bob.privateKey }),
    ).toBeInstanceOf(Error);
  });

  describe('paths outside the issuer’s own tree', () => {
    let sftp: SFTPWrapper;
    let end: () => void;
    let bob: SftpIssuer;
    beforeAll(async () => {
      bob = await addSftpIssuer(hub, server.port);
      ({ sftp, end } = await rawSftp(server.port, alice.issuer.id, alice.privateKey));
    });
    afterAll(() => end?.());

    const statusOf = (
      call: (done: (error: (Error & { code?: number }) | null | undefined) => void) => void,
    ) =>
      new Promise<{ code?: number; message: string } | undefined>((resolve) =>
        call((error) => resolve(error ? { code: error.code, message: error.message } : undefined)),
      );
    const PERMISSION_DENIED = 3;

    test.each([
      ['a ".." step', '/inbox/../../etc/passwd'],
      ['a relative ".." path', '../outbox'],
      ['an absolute system path', '/etc/passwd'],
      ['another issuer’s id', '/BOB/inbox'],
      ['a NUL byte', '/inbox/a\0b.xml'],
      ['a name over 255 bytes', `/inbox/${'я'.repeat(200)}.xml`],
      ['a folder inside /inbox', '/inbox/sub/a.xml'],
    ])('%s is refused with an SFTP error', async (_what, raw) => {
      const target = raw.replace('BOB', bob.issuer.id);
      const stat = await statusOf((done) => sftp.stat(target, (error) => done(error)));
      expect(stat?.code).toBe(PERMISSION_DENIED);
      const write = await statusOf((done) => sftp.open(target, 'w', (error) => done(error)));
      expect(write?.code).toBe(PERMISSION_DENIED);
      expect(write?.message.length).toBeGreaterThan(10);
    });

    test('symbolic links cannot be made, /outbox cannot be written, and no folder can be made', async () => {
      expect(
        (await statusOf((done) => sftp.symlink('/etc/passwd', '/inbox/link.xml', (error) => done(error))))
          ?.code,
      ).toBe(PERMISSION_DENIED);
      expect(
        (await statusOf((done) => sftp.open('/outbox/forged.ack.json', 'w', (e) => done(e))))?.code,
      ).toBe(PERMISSION_DENIED);
      expect((await statusOf((done) => sftp.mkdir('/inbox/x', (e) => done(e))))?.code).toBe(
        PERMISSION_DENIED,
      );
      expect((await statusOf((done) => sftp.readlink('/inbox', (e) => done(e))))?.code).toBeDefined();
    });

    test('OpenSSH’s client cannot leave the tree either', async () => {
      const result = await sftpBatch(alice.target, [
        '-cd ..',
        '-get /etc/passwd',
        `-ls /${bob.issuer.id}`,
        'pwd',
      ]);
      expect(result.stdout).toContain('Remote working directory: /');
      expect(result.stderr).toMatch(/not allowed|not yours|denied/i);
      expect(result.stdout).not.toContain('root:');
    });

    test('another issuer’s files are not visible: each sees only its own answers', async () => {
      const mine = await sftpBatch(alice.target, ['cd /outbox', 'ls -1']);
      const theirs = await sftpBatch(bob.target, ['cd /outbox', 'ls -1']);
      expect(mine.stdout).toContain('march.xml.ack.json');
      expect(theirs.stdout).not.toContain('march.xml.ack.json');
    });
  });
});

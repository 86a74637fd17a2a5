import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Issuer } from '../../db/issuers';
import { addSftpKey } from '../../db/sftp-keys';
import { parsePublicKey, loadHostKey } from '../../connectors/sftp/keys';
import { startSftpServer, type RunningSftpServer } from '../../connectors/sftp/server';
import { stopChild } from '../../embedded/processes';
import { makeCiiInvoice } from '../support/cii-factory';
import { loggedIn, registeredPerson, startDisputeHub, type DisputeHub } from '../support/dispute-hub';
import { makeFacturXPdf } from '../support/factur-x-pdf';
import { addTestIssuer, eventually, mailsTo, uniqueEmail } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { makeSshKey } from '../support/openssh';
import { createTestPki, type TestPki } from '../support/pki';
import { createSoftHsmToken, softHsmSkipReason, type SoftHsmToken } from '../support/softhsm';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');
const XADES_SIGNED_PROPERTIES_ID = 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties';

/**
 * `bin/hub agent` as an issuer runs it, in its own process, against the hub (worker, gateway over HTTP and the
 * hub's SFTP server) with SIGNATURE_POLICY=trusted and the test PKI's trusted list: what the agent signs must come
 * out of the hub's own verification as TOTAL-PASSED.
 */
describe('the issuer agent: export folder → checked, signed, delivered, answered', () => {
  let pki: TestPki;
  let hub: DisputeHub;
  let sftp: RunningSftpServer;
  let work: string;
  const agents: ChildProcess[] = [];

  beforeAll(async () => {
    pki = await createTestPki();
    hub = await startDisputeHub({ SIGNATURE_POLICY: 'trusted', TRUST_STORE: pki.trustedListPath });
    sftp = await startSftpServer(
      { db: hub.db, temporal: hub.temporal, config: hub.config },
      {
        port: 0,
        host: '127.0.0.1',
        hostKey: loadHostKey(fs.mkdtempSync(path.join(os.tmpdir(), 'agent-sftp-host-'))),
        maxUploadBytes: hub.config.sftp.maxUploadBytes,
        outboxDays: 30,
      },
    );
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-e2e-'));
  });
  afterAll(async () => {
    for (const agent of agents) await stopChild(agent, 5000).catch(() => undefined);
    await sftp?.close();
    await hub?.stop();
    await pki?.close();
  });

  /** A fresh export folder, an issuer and a PKCS#12 of the qualified test signer. */
  const setUp = async () => {
    const { issuer, apiKey } = await addTestIssuer(hub.db);
    const folder = fs.mkdtempSync(path.join(work, 'export-'));
    const passwordFile = path.join(work, `p12-${issuer.id}.pw`);
    fs.writeFileSync(passwordFile, 'agent p12 password\n');
    const p12 = pki.writeP12(pki.signers.qualified, 'agent p12 password');
    return { issuer, apiKey, folder, p12Args: ['--p12', p12, '--password-file', passwordFile] };
  };

  const startAgent = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const child = spawn(process.execPath, [HUB, 'agent', ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    agents.push(child);
    return { child, output, exited, text: () => output.join('') };
  };
  const quick = ['--scan-interval', '200ms', '--settle', '300ms', '--answer-interval', '500ms'];

  const filesIn = (folder: string, ending: string) =>
    fs.existsSync(folder)
      ? fs
          .readdirSync(folder)
          .filter((name) => name.endsWith(ending))
          .sort()
      : [];
  const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
  const invoicesOf = async (issuer: Issuer) =>
    (
      await hub.db.query<{ number: string; status: string; indication: string | null; channel: string }>(
        `select number, status, channel, verification ->> 'indication' as indication
           from invoices where issuer_id = $1 order by number`,
        [issuer.id],
      )
    ).rows;

  test('50 exported invoices (UBL, CII, a Factur-X PDF) are signed, delivered, verified TOTAL-PASSED and mailed; the invalid one lands in failed/ unsent; a view brings the receipt back', async () => {
    const { issuer, apiKey, folder, p12Args } = await setUp();
    const agent = startAgent([
      '--watch',
      folder,
      '--hub',
      hub.baseUrl,
      '--api-key',
      apiKey,
      ...p12Args,
      ...quick,
    ]);

    const recipients = new Map<string, string>();
    const exportInvoice = (name: string, content: string | Buffer, number: string, email: string) => {
      recipients.set(number, email);
      // written under a temporary name and renamed, as accounting systems export
      fs.writeFileSync(path.join(folder, `.${name}.tmp`), content);
      fs.renameSync(path.join(folder, `.${name}.tmp`), path.join(folder, name));
    };
    for (let i = 0; i < 47; i += 1) {
      const number = nextInvoiceNumber();
      const email = uniqueEmail('agent');
      exportInvoice(
        `ubl-${number}.xml`,
        makeUblInvoice({ number, buyerEmail: email, lines: 1 + (i % 3) }),
        number,
        email,
      );
    }
    for (let i = 0; i < 2; i += 1) {
      const number = nextInvoiceNumber();
      const email = uniqueEmail('agent-cii');
      exportInvoice(`cii-${number}.xml`, makeCiiInvoice({ number, buyerEmail: email }), number, email);
    }
    const pdfNumber = nextInvoiceNumber();
    const pdfEmail = uniqueEmail('agent-pdf');
    exportInvoice(
      `factur-x-${pdfNumber}.pdf`,
      await makeFacturXPdf(makeCiiInvoice({ number: pdfNumber, buyerEmail: pdfEmail })),
      pdfNumber,
      pdfEmail,
    );
    // One export breaks a rule: its payable amount does not follow from its lines (BR-CO-16).
    const badNumber = nextInvoiceNumber();
    const bad = makeUblInvoice({ number: badNumber, buyerEmail: uniqueEmail('agent-bad') }).replace(
      /<cbc:PayableAmount currencyID="EUR">[\d.]+<\/cbc:PayableAmount>/,
      '<cbc:PayableAmount currencyID="EUR">1.00</cbc:PayableAmount>',
    );
    fs.writeFileSync(path.join(folder, `bad-${badNumber}.xml`), bad);

    await eventually(
      async () =>
        filesIn(path.join(folder, 'sent'), '.json').length === 50 &&
        filesIn(path.join(folder, 'failed'), '.json').length === 1,
      120_000,
      `50 files in sent/ and 1 in failed/ (agent said: ${agent.text().slice(-2000)})`,
    );
    expect(
      fs
        .readdirSync(folder)
        .filter((name) => !name.startsWith('.') && fs.statSync(path.join(folder, name)).isFile()),
    ).toEqual([]);

    // The invalid invoice: failed/ with every reason, never signed, never at the hub.
    const failed = json(path.join(folder, 'failed', `bad-${badNumber}.json`));
    expect(failed.sent).toBe(false);
    expect(failed.reasons.map((r: { rule?: string }) => r.rule)).toContain('BR-CO-16');
    expect(fs.readFileSync(path.join(folder, 'failed', `bad-${badNumber}.xml`), 'utf8')).toBe(bad);
    expect((await invoicesOf(issuer)).map((row) => row.number)).not.toContain(badNumber);

    // Every sent file names its invoice; the hub verified each signature against the trusted list and mailed it.
    const sent = filesIn(path.join(folder, 'sent'), '.json').map((name) =>
      json(path.join(folder, 'sent', name)),
    );
    expect(new Set(sent.map((answer) => answer.invoice.number))).toEqual(new Set(recipients.keys()));
    expect(
      sent.every((answer) => answer.status === 'sent' && answer.invoice.link.includes(answer.invoice.id)),
    ).toBe(true);
    const rows = await eventually(
      async () => {
        const all = await invoicesOf(issuer);
        return all.length === 50 && all.every((row) => row.status === 'awaiting view') && all;
      },
      120_000,
      'all 50 invoices verified, archived and mailed',
    );
    expect(rows.map((row) => row.indication)).toEqual(rows.map(() => 'TOTAL-PASSED'));
    expect(new Set(rows.map((row) => row.channel))).toEqual(new Set(['api']));
    for (const [number, email] of recipients) {
      const mails = await eventually(
        async () => (await mailsTo(email)).length > 0 && mailsTo(email),
        30_000,
        `mail to ${email}`,
      );
      expect(mails).toHaveLength(1);
      expect(mails[0].text).toContain(number);
    }
    // The PDF's invoice went as its CII, signed; the PDF itself is kept in sent/.
    const pdfAnswer = json(path.join(folder, 'sent', `factur-x-${pdfNumber}.json`));
    expect(pdfAnswer.invoice.number).toBe(pdfNumber);
    expect(fs.readFileSync(path.join(folder, 'sent', `factur-x-${pdfNumber}.signed.xml`), 'utf8')).toMatch(
      /CrossIndustryInvoice[\s\S]*<ds:Signature/,
    );

    // The recipient views one invoice in the portal; the agent writes the receipt into receipts/.
    const [viewedNumber, viewedEmail] = [...recipients][0];
    const viewedAnswer = sent.find((answer) => answer.invoice.number === viewedNumber);
    await registeredPerson(hub, viewedEmail);
    const visitor = await loggedIn(hub, viewedEmail);
    expect(
      (await visitor.call('POST', `/api/v1/portal/invoices/${viewedAnswer.invoice.id}/views`)).status,
    ).toBeLessThan(300);
    const stem = path.parse(viewedAnswer.file).name;
    const receipt = await eventually(
      async () => {
        const file = path.join(folder, 'receipts', `${stem}.receipt.json`);
        return fs.existsSync(file) && json(file);
      },
      30_000,
      'the receipt file',
    );
    expect(receipt).toMatchObject({
      invoice: { id: viewedAnswer.invoice.id, number: viewedNumber },
      viewedAt: expect.any(String),
    });
    // The status file follows the lifecycle, which records the view a moment after the portal did.
    await eventually(
      async () => json(path.join(folder, 'receipts', `${stem}.status.json`)).status === 'viewed',
      30_000,
      'the status file saying viewed',
    );
    expect(filesIn(path.join(folder, 'receipts'), '.receipt.json')).toHaveLength(1);
    // The hub's signed receipt comes along, and bin/hub verify accepts it against the hub's archive key.
    const signedReceipt = await eventually(
      async () => {
        const file = path.join(folder, 'receipts', `${stem}.receipt.xml`);
        return fs.existsSync(file) && file;
      },
      30_000,
      'the signed receipt',
    );
    const checked = await run(process.execPath, [HUB, 'verify', signedReceipt], {
      env: { ...process.env, DATA_DIR: hub.config.dataDir },
    });
    expect(checked.stdout).toContain('signed view receipt, VALID');

    const status = JSON.parse(
      (await run(process.execPath, [HUB, 'agent', 'status', '--watch', folder, '--json'])).stdout,
    );
    expect(status).toMatchObject({ waiting: 0, sent: 50, failed: 1, receipts: 1, inFolder: 0 });
    agent.child.kill('SIGTERM');
    expect(await agent.exited).toBe(0);
  });

  const describeHsm = softHsmSkipReason ? describe.skip : describe;
  if (softHsmSkipReason) console.warn(`PKCS#11 agent test skipped: ${softHsmSkipReason}`);
  describeHsm('signing on a PKCS#11 token (SoftHSM2), delivering by the hub’s SFTP', () => {
    let token: SoftHsmToken;
    beforeAll(async () => {
      token = await createSoftHsmToken(pki.signers.qualified);
    });
    afterAll(() => token?.close());

    test('UBL, CII and Factur-X signed on the token go through SFTP, verify TOTAL-PASSED at the hub and with xmlsec1', async () => {
      const { issuer, apiKey, folder } = await setUp();
      const key = await makeSshKey();
      await addSftpKey(hub.db, { issuerId: issuer.id, ...parsePublicKey(key.publicKey) });
      const pinFile = path.join(work, `pin-${issuer.id}`);
      fs.writeFileSync(pinFile, `${token.pin}\n`);
      const config = path.join(work, `agent-${issuer.id}.json`);
      fs.writeFileSync(
        config,
        JSON.stringify({
          watch: folder,
          hub: hub.baseUrl,
          apiKey,
          pkcs11: token.module,
          tokenLabel: token.tokenLabel,
          pinFile,
          via: 'sftp',
          sftpHost: '127.0.0.1',
          sftpPort: sftp.port,
          sftpUser: issuer.id,
          sftpKey: key.privateKeyFile,
          once: true,
          settle: '100ms',
        }),
      );
      const numbers: string[] = [];
      for (let i = 0; i < 6; i += 1) {
        const number = nextInvoiceNumber();
        numbers.push(number);
        fs.writeFileSync(
          path.join(folder, `ubl-${number}.xml`),
          makeUblInvoice({ number, buyerEmail: uniqueEmail('hsm') }),
        );
      }
      const ciiNumber = nextInvoiceNumber();
      numbers.push(ciiNumber);
      fs.writeFileSync(
        path.join(folder, `cii-${ciiNumber}.xml`),
        makeCiiInvoice({ number: ciiNumber, buyerEmail: uniqueEmail('hsm') }),
      );
      const pdfNumber = nextInvoiceNumber();
      numbers.push(pdfNumber);
      fs.writeFileSync(
        path.join(folder, `fx-${pdfNumber}.pdf`),
        await makeFacturXPdf(makeCiiInvoice({ number: pdfNumber, buyerEmail: uniqueEmail('hsm') })),
      );

      const agent = startAgent(['--config', config], token.env);
      expect(await agent.exited).toBe(0);
      expect(agent.text()).toContain('8 file(s)');
      expect(agent.text()).toContain('8 sent');
      expect(agent.text()).not.toContain(token.pin);
      expect(agent.text()).toContain(`token "${token.tokenLabel}"`);

      const rows = await eventually(
        async () => {
          const all = await invoicesOf(issuer);
          return all.length === 8 && all.every((row) => row.status === 'awaiting view') && all;
        },
        90_000,
        'all 8 invoices verified',
      );
      expect(rows.map((row) => row.number).sort()).toEqual([...numbers].sort());
      expect(rows.every((row) => row.indication === 'TOTAL-PASSED' && row.channel === 'sftp')).toBe(true);

      // The signed XML the agent kept verifies with xmlsec1 (UBL and CII alike) against the test root.
      const anchor = path.join(work, 'xmlsec-root.pem');
      const ca = path.join(work, 'xmlsec-ca.pem');
      fs.writeFileSync(anchor, pki.root.certificatePem);
      fs.writeFileSync(ca, pki.qualifiedCa.certificatePem);
      for (const signed of [
        `ubl-${numbers[0]}.signed.xml`,
        `cii-${ciiNumber}.signed.xml`,
        `fx-${pdfNumber}.signed.xml`,
      ]) {
        const { stderr } = await run('xmlsec1', [
          '--verify',
          '--id-attr:Id',
          XADES_SIGNED_PROPERTIES_ID,
          '--trusted-pem',
          anchor,
          '--untrusted-pem',
          ca,
          path.join(folder, 'sent', signed),
        ]);
        expect(stderr).toContain('OK');
      }
    });
  });

  test('SIGKILLed in the middle of 200 files and started again, the agent delivers every file exactly once', async () => {
    const { issuer, apiKey, folder, p12Args } = await setUp();
    const numbers: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      const number = nextInvoiceNumber();
      numbers.push(number);
      fs.writeFileSync(
        path.join(folder, `${number}.xml`),
        makeUblInvoice({ number, buyerEmail: uniqueEmail('kill'), lines: 1 }),
      );
    }
    const args = ['--watch', folder, '--hub', hub.baseUrl, '--api-key', apiKey, ...p12Args, ...quick];
    const first = startAgent(args);
    const delivered = async () =>
      (await hub.db.query('select count(*)::int as n from invoices where issuer_id = $1', [issuer.id]))
        .rows[0].n as number;
    await eventually(async () => (await delivered()) >= 40, 120_000, '40 invoices at the hub');
    first.child.kill('SIGKILL');
    await first.exited;
    const atKill = await delivered();
    expect(atKill).toBeLessThan(200);

    const second = startAgent(args);
    await eventually(
      async () => filesIn(path.join(folder, 'sent'), '.json').length === 200,
      120_000,
      '200 answers in sent/',
    );
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const rows = await invoicesOf(issuer);
    expect(rows.map((row) => row.number)).toEqual([...numbers].sort());
    // Every exported file is in sent/ exactly once, each naming a different invoice.
    const answers = filesIn(path.join(folder, 'sent'), '.json').map((name) =>
      json(path.join(folder, 'sent', name)),
    );
    expect(answers.map((answer) => answer.file).sort()).toEqual(numbers.map((n) => `${n}.xml`).sort());
    expect(new Set(answers.map((answer) => answer.invoice.id)).size).toBe(200);
    expect(
      filesIn(path.join(folder, 'sent'), '.xml').filter((name) => !name.endsWith('.signed.xml')),
    ).toHaveLength(200);
    expect(filesIn(path.join(folder, '.hub-agent', 'signed'), '.xml')).toEqual([]);
    console.info(
      `agent SIGKILL test: ${atKill} of 200 delivered when killed; afterwards 200 invoices, each once`,
    );
  });

  test('the hub unreachable for a while: the agent backs off, loses nothing, and delivers once it is back', async () => {
    const { issuer, apiKey, folder, p12Args } = await setUp();
    // A port that refuses connections until a relay to the gateway opens on it.
    const port = await freePortNumber();
    const numbers = [nextInvoiceNumber(), nextInvoiceNumber(), nextInvoiceNumber()];
    for (const number of numbers) {
      fs.writeFileSync(
        path.join(folder, `${number}.xml`),
        makeUblInvoice({ number, buyerEmail: uniqueEmail('down') }),
      );
    }
    const agent = startAgent([
      '--watch',
      folder,
      '--hub',
      `http://127.0.0.1:${port}`,
      '--api-key',
      apiKey,
      ...p12Args,
      '--once',
      '--settle',
      '100ms',
    ]);
    await eventually(
      async () => /cannot take invoices now.*trying again in/.test(agent.text()) && true,
      30_000,
      'a retry',
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(filesIn(path.join(folder, 'sent'), '.json')).toEqual([]);
    const relay = await startRelay(port, new URL(hub.baseUrl));
    try {
      expect(await agent.exited).toBe(0);
    } finally {
      relay.close();
    }
    expect(agent.text().match(/trying again in/g)?.length).toBeGreaterThanOrEqual(2);
    expect(agent.text()).toContain('3 sent');
    expect((await invoicesOf(issuer)).map((row) => row.number)).toEqual([...numbers].sort());
  });
});

async function freePortNumber(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP relay from 127.0.0.1:port to the gateway: the hub "coming back". */
async function startRelay(port: number, target: URL): Promise<net.Server> {
  const server = net.createServer((socket) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

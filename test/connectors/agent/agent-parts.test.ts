import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentStop, IssuerAgent } from '../../../connectors/agent/agent';
import { checkExport, isExportCandidate } from '../../../connectors/agent/exports';
import { Journal } from '../../../connectors/agent/journal';
import { AgentOptionsError, loadAgentOptions } from '../../../connectors/agent/options';
import {
  CertificateValidityError,
  assertValidNow,
  expiryWarning,
  openAgentSigner,
} from '../../../connectors/agent/signer';
import { makeUblInvoice, nextInvoiceNumber } from '../../support/invoice-factory';
import { createTestPki, type TestPki } from '../../support/pki';

const temp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'agent-parts-'));

describe('agent settings: command line over config file, every refusal names the setting', () => {
  const folder = temp();
  const p12 = path.join(folder, 'key.p12');
  fs.writeFileSync(p12, 'not read here');
  const base = { watch: folder, hub: 'http://127.0.0.1:1', apiKey: 'k', p12 };

  test('a config file gives the settings, paths relative to it; the command line wins', () => {
    const configFolder = temp();
    fs.mkdirSync(path.join(configFolder, 'exports'));
    fs.writeFileSync(path.join(configFolder, 'key.p12'), '');
    const config = path.join(configFolder, 'agent.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        watch: 'exports',
        hub: 'https://hub.example/',
        apiKey: 'from-file',
        p12: 'key.p12',
        concurrency: 2,
        settle: '5s',
      }),
    );
    const options = loadAgentOptions({ config, apiKey: 'from-cli' });
    expect(options).toMatchObject({
      watch: path.join(configFolder, 'exports'),
      hub: 'https://hub.example',
      apiKey: 'from-cli',
      signing: { kind: 'p12', file: path.join(configFolder, 'key.p12') },
      via: 'api',
      concurrency: 2,
      settleMs: 5000,
      once: false,
    });
  });

  test.each([
    ['no folder', { ...base, watch: undefined }, /--watch DIR/],
    ['a folder that is not there', { ...base, watch: path.join(folder, 'missing') }, /is not a folder/],
    ['a hub that is no URL', { ...base, hub: 'not a url' }, /--hub not a url is not a URL/],
    ['no signing key', { ...base, p12: undefined }, /--p12 FILE --password-file F, or --pkcs11 MODULE.so/],
    ['two signing keys', { ...base, pkcs11: '/nonexistent/module.so' }, /either --p12 or --pkcs11/],
    ['an unknown channel', { ...base, via: 'ftp' }, /--via must be api or sftp/],
    ['SFTP without a key', { ...base, via: 'sftp' }, /--sftp-key FILE/],
    ['a duration in words', { ...base, settle: 'soon' }, /--settle must be a duration/],
    ['no concurrency', { ...base, concurrency: '0' }, /--concurrency must be a whole number above 0/],
  ])('refused: %s', (_case, raw, message) => {
    expect(() => loadAgentOptions(raw as Record<string, unknown>)).toThrow(AgentOptionsError);
    expect(() => loadAgentOptions(raw as Record<string, unknown>)).toThrow(message);
  });

  test('a config file with a misspelt setting is refused with the known ones', () => {
    const config = path.join(temp(), 'agent.json');
    fs.writeFileSync(config, JSON.stringify({ ...base, pinfile: 'x' }));
    expect(() => loadAgentOptions({ config })).toThrow(/unknown settings: pinfile \(known: watch, hub/);
  });
});

describe('the journal: durable, replayed after a crash, one agent per folder', () => {
  test('what was recorded is there after reopening; a torn last line (crash mid-write) is ignored', () => {
    const folder = temp();
    const journal = Journal.open(folder);
    journal.record({ key: 'a', name: 'a.xml', stage: 'signed' });
    journal.record({
      key: 'a',
      stage: 'sent',
      invoice: { id: 'i', number: '1', status: 'received', link: 'l', duplicate: false },
    });
    journal.record({
      key: 'b',
      name: 'b.xml',
      stage: 'failed',
      reasons: [{ code: 'RULE_FAILED', message: 'm' }],
    });
    journal.close();
    fs.appendFileSync(path.join(folder, '.hub-agent', 'journal.jsonl'), '{"key":"c","name":"c.x');

    const again = Journal.open(folder);
    expect(again.get('a')).toMatchObject({ name: 'a.xml', stage: 'sent', invoice: { id: 'i' } });
    expect(again.get('b')?.stage).toBe('failed');
    expect(again.get('c')).toBeUndefined();
    expect(again.counts()).toEqual({ waiting: 0, sent: 1, failed: 1, receipts: 0, following: 1 });
    again.close();
  });

  test('signed bytes of a file already filed (a crash between filing and forgetting) are dropped on reopening', () => {
    const folder = temp();
    const journal = Journal.open(folder);
    journal.keepSigned('filed', '<a/>');
    journal.record({ key: 'filed', name: 'a.xml', stage: 'sent', filedAs: 'sent/a.xml' });
    journal.keepSigned('unsent', '<b/>');
    journal.record({ key: 'unsent', name: 'b.xml', stage: 'signed' });
    journal.close();
    const again = Journal.open(folder);
    expect(again.readSigned('filed')).toBeUndefined();
    expect(again.readSigned('unsent')?.toString()).toBe('<b/>');
    again.close();
  });

  test('signed bytes are kept until forgotten', () => {
    const journal = Journal.open(temp());
    journal.keepSigned('k', '<signed/>');
    expect(journal.readSigned('k')?.toString()).toBe('<signed/>');
    journal.forgetSigned('k');
    expect(journal.readSigned('k')).toBeUndefined();
    journal.close();
  });

  test('a second agent on the same folder is refused while the first lives; a SIGKILLed one’s lock is taken over', async () => {
    const folder = temp();
    const first = Journal.open(folder);
    const lock = path.join(folder, '.hub-agent', 'agent.pid');
    // the lock names a living process that is not this one
    const sleeper = spawn('sleep', ['30']);
    fs.writeFileSync(lock, String(sleeper.pid));
    expect(() => Journal.open(folder)).toThrow(`another agent (pid ${sleeper.pid}) works on this folder`);
    sleeper.kill('SIGKILL');
    await new Promise((resolve) => sleeper.once('exit', resolve));
    const second = Journal.open(folder);
    expect(fs.readFileSync(lock, 'utf8')).toBe(String(process.pid));
    second.close();
    first.close();
  });

  test('a long journal is compacted on opening and says the same afterwards', () => {
    const folder = temp();
    const journal = Journal.open(folder);
    for (let i = 0; i < 1500; i += 1)
      journal.record({ key: `k${i % 100}`, name: `f${i % 100}.xml`, stage: i % 2 ? 'sent' : 'signed' });
    const before = journal.all();
    journal.close();
    const again = Journal.open(folder);
    expect(again.all()).toEqual(before);
    expect(
      fs
        .readFileSync(path.join(folder, '.hub-agent', 'journal.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(100);
    again.close();
  });
});

describe('the signing certificate: warned about before it expires, never used outside its validity', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
  });
  afterAll(() => pki.close());

  test('warnings 30, 14 and 7 days before the end, none before that', () => {
    const certificate = new crypto.X509Certificate(pki.signers.qualified.certificatePem);
    const end = new Date(certificate.validTo).getTime();
    const at = (days: number) => new Date(end - days * 86_400_000);
    expect(expiryWarning(certificate, at(31))).toBeUndefined();
    expect(expiryWarning(certificate, at(29.5))).toMatch(/in 29 day\(s\) \(less than 30\)/);
    expect(expiryWarning(certificate, at(13))).toMatch(/less than 14/);
    expect(expiryWarning(certificate, at(6.5))).toMatch(/in 6 day\(s\) \(less than 7\)/);
    expect(() => assertValidNow(certificate, at(-1))).toThrow(/expired on/);
  });

  test.each(['expired', 'notYetValid'] as const)(
    'a %s certificate signs nothing, and the agent stops with the reason leaving the file in place',
    async (kind) => {
      const folder = temp();
      const p12 = pki.writeP12(pki.signers[kind], 'pw');
      const passwordFile = path.join(folder, '..', `${path.basename(folder)}.pw`);
      fs.writeFileSync(passwordFile, 'pw\n');
      const signer = await openAgentSigner({ kind: 'p12', file: p12, passwordFile });
      await expect(signer.sign(Buffer.from(makeUblInvoice({ number: nextInvoiceNumber() })))).rejects.toThrow(
        CertificateValidityError,
      );

      const number = nextInvoiceNumber();
      fs.writeFileSync(path.join(folder, `${number}.xml`), makeUblInvoice({ number }));
      const options = loadAgentOptions({
        watch: folder,
        hub: 'http://127.0.0.1:9',
        apiKey: 'k',
        p12,
        passwordFile,
        once: true,
        settle: '0ms',
      });
      const agent = new IssuerAgent(options, signer, { log: () => undefined });
      const stopped = await agent.runOnce().catch((error: unknown) => error);
      expect(stopped).toBeInstanceOf(AgentStop);
      expect((stopped as Error).message).toMatch(kind === 'expired' ? /expired on/ : /not valid before/);
      await agent.close();
      expect(fs.existsSync(path.join(folder, `${number}.xml`))).toBe(true);
      expect(fs.readdirSync(path.join(folder, 'sent'))).toEqual([]);
      expect(fs.readdirSync(path.join(folder, 'failed'))).toEqual([]);
    },
  );
});

describe('what the agent takes from the folder and how it checks it', () => {
  test('temporary names of a writer at work are left alone', () => {
    for (const name of [
      '.invoice.xml',
      'invoice.xml.part',
      'invoice.tmp',
      'a.filepart',
      '~lock.xml',
      'x.crdownload',
    ]) {
      expect(isExportCandidate(name)).toBe(false);
    }
    for (const name of ['invoice.xml', 'INV-1.XML', 'factur-x.pdf', 'export'])
      expect(isExportCandidate(name)).toBe(true);
  });

  test('an invoice breaking a rule comes back with each rule, its path and both languages', async () => {
    const xml = makeUblInvoice({ number: nextInvoiceNumber() }).replace(
      /<cbc:InvoiceTypeCode>380</,
      '<cbc:InvoiceTypeCode>999<',
    );
    const checked = await checkExport('x.xml', Buffer.from(xml));
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.reasons).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          code: 'RULE_FAILED',
          rule: expect.stringMatching(/BR-CL-01|CL-01/),
          path: expect.any(String),
          messageBg: expect.any(String),
        }),
      ]),
    );
  });

  test('a file that is not an invoice, and a PDF without one, each say what they are', async () => {
    const notInvoice = await checkExport('order.xml', Buffer.from('<Order xmlns="urn:x"/>'));
    expect(notInvoice).toMatchObject({ ok: false, reasons: [{ code: 'HUB-FORMAT' }] });
    const notXml = await checkExport('note.txt', Buffer.from('hello'));
    expect(notXml).toMatchObject({ ok: false, reasons: [{ code: 'XML-NOT_XML' }] });
    const pdf = await checkExport(
      'scan.pdf',
      Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'),
    );
    expect(pdf.ok).toBe(false);
    if (!pdf.ok) expect(pdf.reasons[0].code).not.toBe('XML-NOT_XML');
  });

  test('a valid UBL passes with its syntax and number', async () => {
    const number = nextInvoiceNumber();
    const checked = await checkExport(`${number}.xml`, Buffer.from(makeUblInvoice({ number })));
    expect(checked).toMatchObject({
      ok: true,
      invoice: { syntax: 'UBL', number, source: 'xml' },
    });
  });
});

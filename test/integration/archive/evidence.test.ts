import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import yazl from 'yazl';
import { archiveSealingActivities } from '../../../activities/archive-sealing';
import { readContainer, type ContainerEntry } from '../../../domain/archive/evidence/asic';
import { verifyEvidencePackage } from '../../../domain/archive/evidence/verify';
import { readArchiveKeys } from '../../../platform/archive-keys';
import { signInvoice } from '../../../domain/signature';
import { acceptInvoice } from '../../../intake';
import { loggedIn, reaches } from '../../support/dispute-hub';
import { uniqueEmail } from '../../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../../support/invoice-factory';
import { createTestPki, type TestPki } from '../../support/pki';
import { populate, startArchiveHub, type ArchiveHub, type Archived } from './archive-hub';

/**
 * The evidence package: one ASiC-E container per invoice, from the API and the portal (both sides) and from
 * `bin/hub archive export`, that `bin/hub evidence verify` accepts offline (no database, no data folder) and rejects
 * after any single file inside is changed. Its CAdES signature also verifies with OpenSSL.
 */
const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', '..', 'bin', 'hub');
let hub: ArchiveHub;
let archived: Archived;
let workDir: string;
let fromApi: Buffer;
let pki: TestPki;

/** `bin/hub` as someone who got the file by mail runs it: no hub settings at all, an empty folder. */
async function offline(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH as string,
    HOME: workDir,
    DATA_DIR: path.join(workDir, 'no-hub-here'),
  };
  try {
    const { stdout, stderr } = await run(HUB, args, { env, cwd: workDir, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A container with the same entries in the same order, one of them replaced. */
async function rewritten(entries: ContainerEntry[], name: string, bytes: Buffer): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve) => {
    zip.outputStream.on('data', (chunk: Buffer) => chunks.push(chunk));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
  for (const entry of entries)
    zip.addBuffer(entry.name === name ? bytes : entry.bytes, entry.name, { compress: !entry.stored });
  zip.end();
  return done;
}

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'evidence-'));
  pki = await createTestPki();
  hub = await startArchiveHub({
    TRUST_STORE: pki.trustedListPath,
    CRL_FILES: pki.crlPath,
    REVOCATION_OFFLINE: 'true',
  });
  archived = await populate(hub);
  await archiveSealingActivities(hub).sealArchive();
  const [first] = archived.invoices;
  const response = await fetch(`${hub.baseUrl}/api/v1/invoices/${first.id}/evidence`, {
    headers: { authorization: `Bearer ${archived.apiKey}` },
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/application\/vnd\.etsi\.asic-e\+zip/);
  fromApi = Buffer.from(await response.arrayBuffer());
}, 240_000);
afterAll(async () => {
  await hub?.stop();
  await pki?.close();
  fs.rmSync(workDir, { recursive: true, force: true });
});

describe('the evidence package of an invoice', () => {
  it('holds the original, report, views, receipt, mails, dispute with attachment, timeline and chain proof', async () => {
    const names = (await readContainer(fromApi)).map((e) => e.name);
    expect(names[0]).toBe('mimetype');
    expect(names).toEqual(
      expect.arrayContaining([
        'README.txt',
        'evidence.json',
        'chain/proof.json',
        'invoice/verification-report.json',
        'receipts/view-receipt.xml',
        'META-INF/ASiCManifest.xml',
        'META-INF/signature001.p7s',
      ]),
    );
    expect(names.some((n) => /^invoice\/.+\.xml$/.test(n) && !n.includes('report'))).toBe(true);
    expect(names.some((n) => /^disputes\/.+note\.png$/.test(n))).toBe(true);
    const index = JSON.parse(
      (await readContainer(fromApi)).find((e) => e.name === 'evidence.json')!.bytes.toString('utf8'),
    ) as { records: { type: string }[] };
    const types = new Set(index.records.map((r) => r.type));
    for (const type of [
      'invoice',
      'view',
      'view-receipt',
      'mail',
      'event',
      'dispute',
      'dispute-entry',
      'dispute-attachment',
    ])
      expect(types).toContain(type);
  });

  it('verifies offline with bin/hub evidence verify, which says what it proves', async () => {
    const file = path.join(workDir, 'from-api.asice');
    fs.writeFileSync(file, fromApi);
    const result = await offline(['evidence', 'verify', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('VALID. This package proves');
    expect(result.stdout).toMatch(/OK \d+ of \d+ files match the signed manifest/);
    expect(result.stdout).toMatch(/OK (\d+) of \1 records match their links in the archive chain/);
    expect(result.stdout).toMatch(
      /OK seal \d+ .* is signed by the archive key and time-stamped by E-Invoice Hub local timestamp unit/,
    );
    expect(result.stdout).toContain('OK receipts/view-receipt.xml: the signed receipt verifies');
    expect(result.stdout).toMatch(/Viewed in an authenticated portal session at /);
    expect(result.stdout).toMatch(/Dispute \(wrong-quantity\) opened/);

    const keys = readArchiveKeys(hub.dataDir)!;
    const cert = path.join(workDir, 'archive.pem');
    fs.writeFileSync(cert, keys.archive.certificatePem);
    const pinned = await offline(['evidence', 'verify', '--archive-cert', cert, file]);
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).toContain("the signer is the hub's archive certificate given with --archive-cert");
  });

  it('has a CAdES signature over its manifest that OpenSSL verifies against the archive certificate', async () => {
    const entries = await readContainer(fromApi);
    const dir = fs.mkdtempSync(path.join(workDir, 'openssl-'));
    const write = (name: string) => {
      const target = path.join(dir, path.basename(name));
      fs.writeFileSync(target, entries.find((e) => e.name === name)!.bytes);
      return target;
    };
    const cert = path.join(dir, 'archive.pem');
    fs.writeFileSync(cert, readArchiveKeys(hub.dataDir)!.archive.certificatePem);
    const { stderr } = await run('openssl', [
      'cms',
      '-verify',
      '-binary',
      '-inform',
      'DER',
      '-in',
      write('META-INF/signature001.p7s'),
      '-content',
      write('META-INF/ASiCManifest.xml'),
      '-CAfile',
      cert,
      '-purpose',
      'any',
      '-out',
      path.join(dir, 'out'),
    ]);
    expect(stderr).toMatch(/Verification successful/);
  });

  it('is rejected after any single file inside is changed, naming what broke', async () => {
    const entries = await readContainer(fromApi);
    expect(entries.length).toBeGreaterThanOrEqual(10);
    for (const entry of entries) {
      const changed = Buffer.from(entry.bytes);
      // One byte: a printable one in text, flipped in binary.
      const at = Math.floor(changed.length / 2);
      changed[at] = changed[at] === 0x41 ? 0x42 : entry.name.endsWith('.p7s') ? changed[at] ^ 0x01 : 0x41;
      const result = await verifyEvidencePackage(await rewritten(entries, entry.name, changed));
      const broken = result.checks.filter((c) => !c.passed).map((c) => c.message);
      expect({ file: entry.name, valid: result.valid }).toEqual({ file: entry.name, valid: false });
      if (entry.name !== 'mimetype' && !entry.name.startsWith('META-INF/'))
        expect(broken.join('\n')).toContain(`${entry.name}: its SHA-256`);
    }
  }, 120_000);

  it('carries the trust data a qualified signature was judged on: certification path, trusted list, CRL', async () => {
    const signer = pki.signers.qualified;
    const xml = signInvoice(
      makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail('signed') }),
      {
        certificatePem: signer.chainPem,
        privateKeyPem: signer.privateKeyPem,
      },
    );
    const { invoice } = await acceptInvoice(hub, {
      issuer: archived.issuer,
      bytes: Buffer.from(await xml),
      channel: 'api',
    });
    await reaches(hub, invoice.workflowId, 'awaiting view');
    const response = await fetch(`${hub.baseUrl}/api/v1/invoices/${invoice.id}/evidence`, {
      headers: { authorization: `Bearer ${archived.apiKey}` },
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    const names = (await readContainer(bytes)).map((e) => e.name);
    expect(names.filter((n) => n.startsWith('trust/certificate-')).length).toBeGreaterThanOrEqual(2);
    expect(names.some((n) => n.startsWith('trust/trusted-list-'))).toBe(true);
    expect(names.some((n) => n.startsWith('trust/crl-'))).toBe(true);
    // Not sealed yet: the package says so, and still verifies (the chain links it to the head it was made at).
    const result = await verifyEvidencePackage(bytes);
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(result.checks.map((c) => c.message).join('\n')).toMatch(
      /pieces of trust data the report rests on/,
    );
    expect(result.facts.join('\n')).toMatch(/signature qualified by /);
    expect(result.facts.join('\n')).toMatch(/were chained after the last seal/);
  }, 120_000);

  it('comes from the portal for both sides and from bin/hub archive export, each verifying', async () => {
    const [first] = archived.invoices;
    const recipient = await loggedIn(hub, archived.buyerEmail);
    const own = await recipient.download(`/api/v1/portal/invoices/${first.id}/evidence`);
    expect(own.status).toBe(200);
    expect((await verifyEvidencePackage(own.bytes)).valid).toBe(true);

    const clerk = await loggedIn(hub, archived.clerkEmail);
    const issuers = await clerk.download(
      `/api/v1/portal/issuers/${archived.issuer.id}/invoices/${first.id}/evidence`,
    );
    expect(issuers.status).toBe(200);
    expect((await verifyEvidencePackage(issuers.bytes)).valid).toBe(true);
    // Someone else's invoice does not exist for them.
    expect((await clerk.download(`/api/v1/portal/invoices/${first.id}/evidence`)).status).toBe(404);

    const out = path.join(workDir, 'export');
    const env = { ...process.env, DATABASE_URL: hub.databaseUrl, DATA_DIR: hub.dataDir };
    const { stdout } = await run(
      HUB,
      ['archive', 'export', first.id, archived.invoices[1].id, '--out', out],
      { env },
    );
    expect(stdout).toMatch(/evidence-.+\.asice \(\d+ bytes\)/);
    const files = fs.readdirSync(out).filter((f) => f.endsWith('.asice'));
    expect(files).toHaveLength(2);
    const verified = await offline(['evidence', 'verify', ...files.map((f) => path.join(out, f))]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/Payment .* \(/);
  }, 120_000);
});

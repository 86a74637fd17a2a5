import { execFile, execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:https';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  signInvoice,
  verifySignature,
  type SignatureReport,
  type TrustMaterial,
} from '../../domain/signature';
import type { SnapshotManifest } from '../../domain/signature/trusted-lists/snapshot';
import { updateTrustSnapshot } from '../../domain/signature/trusted-lists/update';
import { loadConfig } from '../../platform/config';
import { createTestPki, oneByteChanged, trustedListXml, type TestPki } from '../support/pki';

const run = promisify(execFile);
const HUB = resolve(__dirname, '../../bin/hub');
const invoice = readFileSync(join(__dirname, 'fixtures', 'invoice.xml'));
const DAY = 24 * 3600 * 1000;

let pki: TestPki;
let work: string;
let signedInvoice: Buffer;
beforeAll(async () => {
  pki = await createTestPki();
  work = mkdtempSync(join(tmpdir(), 'hub-trusted-lists-'));
  const signer = pki.signers.qualified;
  signedInvoice = Buffer.from(
    await signInvoice(invoice, { certificatePem: signer.chainPem, privateKeyPem: signer.privateKeyPem }),
  );
});
afterAll(async () => {
  await pki.close();
  rmSync(work, { recursive: true, force: true });
});

let folders = 0;
/** A folder holding the given lists, as an operator would place them. */
function listFolder(files: Record<string, string>): string {
  const dir = join(work, `lists-${++folders}`);
  mkdirSync(dir);
  for (const [name, xml] of Object.entries(files)) writeFileSync(join(dir, name), xml);
  return dir;
}

const verifyUnder = (trust: string[], trustedListSigners = [pki.lotlSignerPath]): Promise<SignatureReport> =>
  verifySignature(signedInvoice, { trust, trustedListSigners, crls: [pki.crlPath], offline: true });
const detailOf = (report: SignatureReport, name: string): string =>
  report.checks
    .filter((check) => check.name === name)
    .map((check) => check.detail)
    .join(' | ');

describe('a national trusted list is used only when signed as its LOTL says, and not expired', () => {
  it('a correctly signed national list under a signed LOTL gives qualified', async () => {
    const trust = listFolder({ 'LOTL.xml': await pki.lotlXml(), 'TSL_BG.xml': await pki.nationalListXml() });
    const collected: TrustMaterial[] = [];
    const report = await verifySignature(signedInvoice, {
      trust: [trust],
      trustedListSigners: [pki.lotlSignerPath],
      crls: [pki.crlPath],
      offline: true,
      collectTrustData: (item) => collected.push(item),
    });
    expect(report).toMatchObject({ indication: 'TOTAL-PASSED', level: 'qualified' });
    expect(report.trustWarnings).toBeUndefined();
    expect(report.checks.every((check) => check.passed)).toBe(true);
    expect(report.trustSnapshot).toMatch(
      /LOTL\.xml \(trusted list LOTL EU #300 .*\) signed by CN=Test LOTL Signer/,
    );
    expect(report.trustSnapshot).toMatch(
      /TSL_BG\.xml \(trusted list BG #7 .*\) signed by CN=Test Scheme Operator/,
    );
    // The evidence keeps the national list and the LOTL that vouches for its signer.
    expect(collected.filter((item) => item.kind === 'trusted-list').map((item) => item.name)).toEqual([
      'TSL_BG.xml',
      'LOTL.xml',
    ]);
  });

  const variants: Array<[string, () => Promise<string>, string, RegExp]> = [
    [
      'one byte changed',
      async () => oneByteChanged(await pki.nationalListXml()),
      'TRUSTED_LIST_SIGNATURE_INVALID',
      /signature does not verify .*digest .* does not match/,
    ],
    ['unsigned', () => pki.nationalListXml({ signer: null }), 'TRUSTED_LIST_UNSIGNED', /is not signed/],
    [
      'signed by another key',
      () => pki.nationalListXml({ signer: pki.otherListSigner }),
      'TRUSTED_LIST_SIGNER_UNKNOWN',
      /signed by CN=Someone Else.*not among the 1 certificate\(s\) allowed to sign it \(CN=Test Scheme Operator/,
    ],
    [
      'expired (NextUpdate past)',
      () => pki.nationalListXml({ nextUpdate: new Date(Date.now() - DAY) }),
      'TRUSTED_LIST_EXPIRED',
      /NextUpdate time has passed \(NextUpdate \d{4}-\d\d-\d\dT/,
    ],
  ];
  it.each(variants)(
    'the same list %s is not used for qualified status, and the report says why',
    async (_name, make, code, why) => {
      const trust = listFolder({ 'LOTL.xml': await pki.lotlXml(), 'TSL_BG.xml': await make() });
      // With the root CA folder beside it the chain is still trusted: the signature is advanced, never qualified.
      const report = await verifyUnder([trust, pki.trustStoreDir]);
      expect(report).toMatchObject({ indication: 'TOTAL-PASSED', level: 'advanced' });
      expect(report.trustWarnings).toEqual([
        expect.objectContaining({ code, list: join(trust, 'TSL_BG.xml') }),
      ]);
      const [warning] = report.trustWarnings!;
      expect(warning.message).toMatch(/^Trusted list TSL_BG\.xml is not used/);
      expect(warning.message).toMatch(why);
      expect(warning.messageBg).toMatch(/^Доверителният списък TSL_BG\.xml не се използва/);
      expect(detailOf(report, 'trusted-lists')).toBe(warning.message);
      expect(detailOf(report, 'qualified')).toContain(
        `trusted lists not used: ${join(trust, 'TSL_BG.xml')}: ${code}`,
      );
      expect(report.trustSnapshot).toContain(`TSL_BG.xml (trusted list BG #7`);
      expect(report.trustSnapshot).toContain(`not used: ${code}`);

      // Alone, the list was the only anchor: the signer is not trusted at all.
      const alone = await verifyUnder([trust]);
      expect(alone).toMatchObject({ level: 'none', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    },
  );

  it('a LOTL signed by a key the operator did not give is not used, nor the list only it vouches for', async () => {
    const trust = listFolder({
      'LOTL.xml': await pki.lotlXml({ signer: pki.otherListSigner }),
      'TSL_BG.xml': await pki.nationalListXml(),
    });
    const report = await verifyUnder([trust, pki.trustStoreDir]);
    expect(report.level).toBe('advanced');
    expect(report.trustWarnings?.map((warning) => warning.code)).toEqual([
      'TRUSTED_LIST_SIGNER_UNKNOWN',
      'TRUSTED_LIST_SIGNER_UNKNOWN',
    ]);
    expect(report.trustWarnings?.[1].message).toMatch(
      /TSL_BG\.xml .*no certificate is configured|TSL_BG\.xml .*not among/,
    );
  });

  it('an expired LOTL takes the national list it vouches for out of use', async () => {
    const trust = listFolder({
      'LOTL.xml': await pki.lotlXml({ nextUpdate: new Date(Date.now() - DAY) }),
      'TSL_BG.xml': await pki.nationalListXml(),
    });
    const report = await verifyUnder([trust, pki.trustStoreDir]);
    expect(report.level).toBe('advanced');
    expect(report.trustWarnings?.map((warning) => [warning.code, warning.list])).toEqual([
      ['TRUSTED_LIST_EXPIRED', join(trust, 'LOTL.xml')],
      ['TRUSTED_LIST_SIGNER_UNKNOWN', join(trust, 'TSL_BG.xml')],
    ]);
    expect(report.trustWarnings?.[1].message).toContain('named only by the LOTL');
  });

  it('expiry is judged at the validation time: the same files were usable before NextUpdate', async () => {
    const nextUpdate = new Date(Date.now() + 2 * DAY);
    const trust = listFolder({
      'LOTL.xml': await pki.lotlXml(),
      'TSL_BG.xml': await pki.nationalListXml({ nextUpdate }),
    });
    const options = {
      trust: [trust],
      trustedListSigners: [pki.lotlSignerPath],
      crls: [pki.crlPath],
      offline: true,
    };
    expect((await verifySignature(signedInvoice, options)).level).toBe('qualified');
    const later = await verifySignature(signedInvoice, { ...options, now: new Date(Date.now() + 3 * DAY) });
    expect(later.trustWarnings?.map((warning) => warning.code)).toEqual(['TRUSTED_LIST_EXPIRED']);
  });
});

describe('what a trusted list contributes', () => {
  it("only its signed services: one slipped into the signature's unsigned part is not read", async () => {
    const signed = await pki.nationalListXml();
    const injected = trustedListXml({
      sequenceNumber: 7,
      issued: new Date(),
      providerName: 'Injected TSP',
      services: [
        { name: 'Injected CA', certificate: pki.untrustedRoot.certificate, statusStartingTime: new Date(0) },
      ],
    });
    const providers = /<tsl:TrustServiceProviderList>[\s\S]*<\/tsl:TrustServiceProviderList>/.exec(
      injected,
    )![0];
    const tampered = signed.replace(
      '</ds:Signature>',
      `<ds:Object><tsl:Wrapper xmlns:tsl="http://uri.etsi.org/02231/v2#">${providers}</tsl:Wrapper></ds:Object></ds:Signature>`,
    );
    expect(tampered).not.toBe(signed);
    const trust = listFolder({ 'LOTL.xml': await pki.lotlXml(), 'TSL_BG.xml': tampered });
    const signer = pki.signers.untrusted;
    const untrustedInvoice = await signInvoice(invoice, {
      certificatePem: signer.chainPem,
      privateKeyPem: signer.privateKeyPem,
    });
    const report = await verifySignature(Buffer.from(untrustedInvoice), {
      trust: [trust],
      trustedListSigners: [pki.lotlSignerPath],
      offline: true,
    });
    expect(report.trustWarnings).toBeUndefined();
    expect(report).toMatchObject({ level: 'none', subIndication: 'NO_CERTIFICATE_CHAIN_FOUND' });
    expect(report.trustSnapshot).toContain('TSL_BG.xml (trusted list BG #7 issued');
    expect(report.trustSnapshot).toContain('1 CA/QC certificates');
  });
});

describe('a national list loaded without a LOTL', () => {
  it('is used when the operator gave its signer certificate', async () => {
    const trust = listFolder({ 'TSL_BG.xml': await pki.nationalListXml() });
    const report = await verifyUnder([trust], [pki.listSignerPath]);
    expect(report).toMatchObject({ indication: 'TOTAL-PASSED', level: 'qualified' });
  });

  it('is not used when nothing says who may sign it, and the report says so', async () => {
    const trust = listFolder({ 'TSL_BG.xml': await pki.nationalListXml() });
    const report = await verifyUnder([trust, pki.trustStoreDir], []);
    expect(report.level).toBe('advanced');
    expect(report.trustWarnings).toEqual([expect.objectContaining({ code: 'TRUSTED_LIST_SIGNER_UNKNOWN' })]);
    expect(report.trustWarnings?.[0].message).toContain('no certificate is configured to check it against');
  });

  it("the test PKI's trusted list is such a list, kept as a trust snapshot", async () => {
    const report = await verifyUnder([pki.trustedListPath], []);
    expect(report).toMatchObject({ indication: 'TOTAL-PASSED', level: 'qualified' });
    expect(report.trustSnapshot).toMatch(
      /^trust snapshot \d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ(-\d+)? \(.*manifest sha256 [0-9a-f]{64}\)/,
    );
  });
});

describe('trust snapshots', () => {
  it('a later update is a new snapshot: the earlier one stays as it was, and still verifies what it verified', async () => {
    const trustDir = join(work, 'snapshots-kept', 'trust');
    const update = async (sequenceNumber: number) =>
      updateTrustSnapshot({
        trustDir,
        lists: [
          { name: 'eu-lotl.xml', bytes: Buffer.from(await pki.lotlXml()), source: 'test' },
          {
            name: 'TSL_BG.xml',
            bytes: Buffer.from(await pki.nationalListXml({ sequenceNumber })),
            source: 'test',
          },
        ],
        signers: [{ name: 'lotl.pem', bytes: readFileSync(pki.lotlSignerPath), source: pki.lotlSignerPath }],
      });
    const first = await update(7);
    const firstManifest = readFileSync(join(first.dir, 'manifest.json'));
    const second = await update(8);
    expect(second.dir).not.toBe(first.dir);
    expect(second.current).toBe(true);
    expect(resolve(trustDir, readlinkSync(join(trustDir, 'current')))).toBe(second.dir);
    expect(readFileSync(join(first.dir, 'manifest.json'))).toEqual(firstManifest);

    const old = await verifyUnder([first.dir], []);
    expect(old.level).toBe('qualified');
    expect(old.trustSnapshot).toContain(`trust snapshot ${first.manifest.id} `);
    expect(old.trustSnapshot).toContain('TSL_BG.xml (trusted list BG #7');
    const now = await verifyUnder([join(trustDir, 'current')], []);
    expect(now.trustSnapshot).toContain(`trust snapshot ${second.manifest.id} `);
    expect(now.trustSnapshot).toContain('TSL_BG.xml (trusted list BG #8');
  });
});

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function hub(args: string[], env: Record<string, string>): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [HUB, ...args], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('bin/hub trust update', () => {
  it('loads a LOTL and national lists from disk into a dated snapshot the hub then uses, named in its reports', async () => {
    const dataDir = join(work, 'data-disk');
    const lotl = join(listFolder({ 'eu-lotl.xml': await pki.lotlXml() }), 'eu-lotl.xml');
    const lists = listFolder({ 'TSL_BG.xml': await pki.nationalListXml() });
    const result = await hub(
      ['trust', 'update', '--lotl', lotl, '--lists', lists, '--lotl-signer', pki.lotlSignerPath],
      {
        DATA_DIR: dataDir,
      },
    );
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toMatch(/TSL_BG\.xml: BG #7, .* usable, signed by CN=Test Scheme Operator/);
    expect(result.stdout).toContain('now current');

    const current = join(dataDir, 'trust', 'current');
    const snapshotDir = resolve(join(dataDir, 'trust'), readlinkSync(current));
    const manifest = JSON.parse(readFileSync(join(snapshotDir, 'manifest.json'), 'utf8')) as SnapshotManifest;
    expect(manifest.lists).toEqual([
      expect.objectContaining({
        file: 'eu-lotl.xml',
        kind: 'lotl',
        sequenceNumber: '300',
        signature: expect.objectContaining({ status: 'valid' }),
      }),
      expect.objectContaining({
        file: 'TSL_BG.xml',
        kind: 'national',
        territory: 'BG',
        sequenceNumber: '7',
        issued: expect.any(String),
        nextUpdate: expect.any(String),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        signature: expect.objectContaining({ status: 'valid' }),
      }),
    ]);
    expect(manifest.lists.every((list) => list.problem === undefined)).toBe(true);

    // The hub's configuration adds the current snapshot to TRUST_STORE; the report names the snapshot it used.
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.signature.trust).toEqual([current]);
    const report = await verifyUnder(config.signature.trust, []);
    expect(report.level).toBe('qualified');
    expect(report.trustSnapshot).toContain(`trust snapshot ${manifest.id} (${snapshotDir}, manifest sha256`);
  });

  it('keeps a snapshot whose LOTL it cannot verify but does not make it current, and the exit code says so', async () => {
    const dataDir = join(work, 'data-bad-lotl');
    const lotl = join(listFolder({ 'eu-lotl.xml': await pki.lotlXml({ signer: null }) }), 'eu-lotl.xml');
    const result = await hub(['trust', 'update', '--lotl', lotl, '--lotl-signer', pki.lotlSignerPath], {
      DATA_DIR: dataDir,
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/eu-lotl\.xml: LOTL #300, .* NOT USED: TRUSTED_LIST_UNSIGNED/);
    expect(result.stdout).toContain('NOT made current');
    expect(existsSync(join(dataDir, 'trust', 'current'))).toBe(false);
  });

  it('bin/hub verify takes the LOTL signer with --lotl-signer, and says why a list is not used without it', async () => {
    const trust = listFolder({ 'LOTL.xml': await pki.lotlXml(), 'TSL_BG.xml': await pki.nationalListXml() });
    const file = join(work, 'signed-invoice.xml');
    writeFileSync(file, signedInvoice);
    const args = ['verify', '--json', '--offline', '--crl', pki.crlPath, '--trust', trust, file];
    const signed = await hub([...args, '--lotl-signer', pki.lotlSignerPath], {});
    expect((JSON.parse(signed.stdout) as { signature: SignatureReport }).signature.level).toBe('qualified');
    const unsigned = await hub(args, {});
    const report = (JSON.parse(unsigned.stdout) as { signature: SignatureReport }).signature;
    expect(report.level).not.toBe('qualified');
    expect(report.trustWarnings?.map((warning) => warning.code)).toEqual([
      'TRUSTED_LIST_SIGNER_UNKNOWN',
      'TRUSTED_LIST_SIGNER_UNKNOWN',
    ]);
  });

  describe('--download', () => {
    let server: Server;
    let origin: string;
    let certificateFile: string;
    const served: Record<string, string> = {};
    beforeAll(async () => {
      const dir = join(work, 'https');
      mkdirSync(dir);
      certificateFile = join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-days',
          '2',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
          '-keyout',
          join(dir, 'key.pem'),
          '-out',
          certificateFile,
        ],
        { stdio: 'ignore' },
      );
      server = createServer(
        { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(certificateFile) },
        (request, response) => {
          const body = served[request.url ?? ''];
          response.writeHead(body ? 200 : 404, { 'content-type': 'application/xml' }).end(body ?? '');
        },
      );
      await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
      origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((closed) => server.close(() => closed())));

    it('fetches the LOTL and the lists it points to over HTTPS, and checks them the same way', async () => {
      served['/lotl/eu-lotl.xml'] = await pki.lotlXml({
        pointers: [
          { territory: 'BG', location: `${origin}/tsl/TSL_BG.xml`, signers: [pki.listSigner.certificate] },
          { territory: 'RO', location: `${origin}/tsl/TSL_RO.xml`, signers: [pki.listSigner.certificate] },
        ],
      });
      served['/tsl/TSL_BG.xml'] = await pki.nationalListXml();
      served['/tsl/TSL_RO.xml'] = oneByteChanged(await pki.nationalListXml());
      const dataDir = join(work, 'data-download');
      const result = await hub(
        [
          'trust',
          'update',
          '--download',
          '--lotl-url',
          `${origin}/lotl/eu-lotl.xml`,
          '--lotl-signer',
          pki.lotlSignerPath,
        ],
        { DATA_DIR: dataDir, NODE_EXTRA_CA_CERTS: certificateFile },
      );
      expect(result.code).toBe(1); // one list is not usable
      expect(result.stdout).toMatch(/eu-lotl\.xml: LOTL #300, .* usable/);
      expect(result.stdout).toMatch(/TSL_BG\.xml: BG #7, .* usable, signed by CN=Test Scheme Operator/);
      expect(result.stdout).toMatch(/TSL_RO\.xml: BG #7, .* NOT USED: TRUSTED_LIST_SIGNATURE_INVALID/);
      expect(result.stdout).toContain('now current');
      const manifest = JSON.parse(
        readFileSync(join(dataDir, 'trust', 'current', 'manifest.json'), 'utf8'),
      ) as SnapshotManifest;
      expect(manifest.lists.map((list) => list.source)).toEqual([
        `${origin}/lotl/eu-lotl.xml`,
        `${origin}/tsl/TSL_BG.xml`,
        `${origin}/tsl/TSL_RO.xml`,
      ]);
      const report = await verifyUnder(loadConfig({ DATA_DIR: dataDir }).signature.trust, []);
      expect(report.level).toBe('qualified');
      expect(report.trustWarnings?.map((warning) => warning.code)).toEqual([
        'TRUSTED_LIST_SIGNATURE_INVALID',
      ]);
    });

    it('refuses a server whose certificate is not trusted', async () => {
      const result = await hub(
        [
          'trust',
          'update',
          '--download',
          '--lotl-url',
          `${origin}/lotl/eu-lotl.xml`,
          '--lotl-signer',
          pki.lotlSignerPath,
        ],
        { DATA_DIR: join(work, 'data-untrusted-server') },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/hub: fetch failed|certificate/);
    });
  });
});

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { verifySignature } from '../../domain/signature';

const corpus = resolve(process.env.INTEROP_CORPUS ?? join(__dirname, '..', '..', '..', 'shared', 'corpus'));
const signatures = join(corpus, 'signatures');
const present = existsSync(join(signatures, 'manifest.json'));
if (!present)
  console.warn(`interop corpus not found at ${corpus} (set INTEROP_CORPUS): corpus tests skipped`);
const describeCorpus = present ? describe : describe.skip;

interface Expectation {
  intact: boolean;
  features: string;
  trust?: string;
}
const manifest: Record<string, Expectation> = present
  ? (
      JSON.parse(readFileSync(join(signatures, 'manifest.json'), 'utf8')) as {
        files: Record<string, Expectation>;
      }
    ).files
  : {};
/** The BG plugtest's whole-document reference (URI="#") does not digest to its DigestValue under any canonicalization; xmlsec1 rejects it too (asserted below). */
const DISAGREEMENT = 'dss-Signature-X-BG-1.xml';
const run = promisify(execFile);

describeCorpus('interop corpus: signatures/manifest.json', () => {
  const agreeing = Object.entries(manifest).filter(([file]) => file !== DISAGREEMENT);

  it.each(agreeing)('%s: intact as the manifest says', async (file, expectation) => {
    const report = await verifySignature(readFileSync(join(signatures, file)));
    expect(report.present).toBe(true);
    expect(report.intact).toBe(expectation.intact);
    // Without trust anchors nothing in the corpus may pass.
    expect(report.indication).not.toBe('TOTAL-PASSED');
  });

  it(`${DISAGREEMENT}: its document digest fails here and in xmlsec1 (the manifest expects intact)`, async () => {
    const file = join(signatures, DISAGREEMENT);
    const report = await verifySignature(readFileSync(file));
    expect(report).toMatchObject({
      intact: false,
      indication: 'TOTAL-FAILED',
      subIndication: 'HASH_FAILURE',
    });
    const xmlsec = await run('xmlsec1', [
      '--verify',
      '--insecure',
      '--id-attr:Id',
      'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
      file,
    ]).then(
      () => '',
      (error: { stderr?: string }) => error.stderr ?? '',
    );
    expect(xmlsec).toContain('SignedInfo References (ok/all): 0/1');
  });

  it(`${DISAGREEMENT}: the hub digests the same whole-document bytes as xmlsec1, and no reading of the file matches its DigestValue`, async () => {
    const bytes = readFileSync(join(signatures, DISAGREEMENT));
    // The bytes: UTF-8 declared, no BOM, no CR (so no line-end normalization is involved), one comment before the root.
    expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(false);
    expect(bytes.includes(0x0d)).toBe(false);
    // The root holds nothing but the signature: with the enveloped transform the signed data is an empty <Documents>.
    const text = bytes.toString('utf8');
    expect(text.slice(text.indexOf('<Documents'), text.indexOf('<ds:Signature '))).toBe(
      '<Documents xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
    );
    expect(text.trimEnd().endsWith('</ds:Signature></Documents>')).toBe(true);

    const report = await verifySignature(bytes);
    const digests = report.checks.find((check) => check.name === 'reference-digests')?.detail ?? '';
    const computed = /reference URI="#": digest (\S+) does not match DigestValue ([^;\s]+)/.exec(digests);
    expect(computed?.[2]).toBe('AVVWkO9zrfQBlGfk9qa6c1sN0EM=');

    // xmlsec1 cannot dereference "#" (it reads it as xpointer(id(''))); given URI="" (the whole document without
    // comments, which is how the hub reads "#") it digests exactly what the hub digests, and also finds a mismatch.
    const directory = mkdtempSync(join(tmpdir(), 'bg-1-'));
    try {
      const wholeDocument = join(directory, 'whole-document.xml');
      writeFileSync(wholeDocument, text.replace('URI="#"', 'URI=""'));
      const output = await run('xmlsec1', [
        '--verify',
        '--insecure',
        '--store-references',
        '--id-attr:Id',
        'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
        wholeDocument,
      ]).then(
        () => ({ stdout: '', stderr: 'xmlsec1 accepted the file' }),
        (error: { stdout?: string; stderr?: string }) => ({
          stdout: error.stdout ?? '',
          stderr: error.stderr ?? '',
        }),
      );
      expect(output.stderr).toContain('data and digest do not match');
      const preDigest = /== PreDigest data - start buffer:\n([\s\S]*?)\n== PreDigest data - end buffer/.exec(
        output.stdout,
      )?.[1];
      expect(preDigest).toBe('<Documents xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></Documents>');
      expect(
        createHash('sha1')
          .update(preDigest ?? '')
          .digest('base64'),
      ).toBe(computed?.[1]);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }

    // Nor does any other reading of the document: with the comment, the declaration, the signature kept, or as raw bytes.
    const comment = text.slice(text.indexOf('<!--'), text.indexOf('-->') + 3);
    const root = '<Documents xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">';
    const signature = text.slice(text.indexOf('<ds:Signature '), text.lastIndexOf('</Documents>'));
    const readings = [
      `${comment}\n${root}</Documents>`,
      `${root}${signature}</Documents>`,
      `${comment}\n${root}${signature}</Documents>`,
      `<Documents></Documents>`,
      text,
      text.replace(/\n/g, '\r\n'),
    ];
    for (const reading of readings) {
      expect(createHash('sha1').update(reading).digest('base64')).not.toBe('AVVWkO9zrfQBlGfk9qa6c1sN0EM=');
    }
  });

  it('the phaos sample chains to its CA when that CA is the anchor, and its expiry is reported', async () => {
    const report = await verifySignature(
      readFileSync(join(signatures, 'xmlsec-phaos-signature-rsa-enveloped.xml')),
      {
        trust: [join(signatures, 'xmlsec-phaos-rsa-ca-cert.der')],
      },
    );
    expect(report).toMatchObject({
      intact: true,
      indication: 'INDETERMINATE',
      subIndication: 'OUT_OF_BOUNDS_NO_POE',
    });
    expect(report.checks.find((check) => check.name === 'trust-chain')?.passed).toBe(true);
    expect(report.checks.find((check) => check.name === 'certificate-validity')?.detail).toContain('expired');
  });

  it('verifies the RFC 3161 signature timestamp of the XAdES-T sample over its SignatureValue', async () => {
    const report = await verifySignature(readFileSync(join(signatures, 'dss-xades-extended-t.xml')));
    const timestamp = report.checks.find((check) => check.name === 'timestamp');
    expect(timestamp).toMatchObject({ passed: true });
    expect(timestamp?.detail).toContain('genTime 2022-01-06T14:38:49.000Z');
  });

  it('plain XMLDSig with only a dsig11:ECKeyValue is intact but identifies no signer', async () => {
    const report = await verifySignature(
      readFileSync(join(signatures, 'xmlsec-xmldsig11-enveloping-p256_sha256.xml')),
    );
    expect(report).toMatchObject({
      intact: true,
      indication: 'INDETERMINATE',
      subIndication: 'NO_SIGNING_CERTIFICATE_FOUND',
      level: 'none',
    });
  });
});

describeCorpus('interop corpus: verifySignature never throws', () => {
  const files = ['as2', 'en16931'].flatMap((folder) => listFiles(join(corpus, folder)));

  it(`returns a report for each of the ${files.length} as2/ and en16931/ files`, async () => {
    for (const file of files) {
      const report = await verifySignature(readFileSync(file));
      expect(report).toMatchObject({
        present: expect.any(Boolean),
        intact: false,
        indication: expect.any(String),
      });
    }
  });
});

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

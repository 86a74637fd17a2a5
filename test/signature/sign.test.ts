import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signInvoice, SignerCredentialsError } from '../../domain/signature';
import { parseXml } from '../../domain/xml';
import { createTestPki, type TestPki } from '../support/pki';

const run = promisify(execFile);
const invoice = readFileSync(join(__dirname, 'fixtures', 'invoice.xml'));
const XADES_SIGNED_PROPERTIES_ID = 'http://uri.etsi.org/01903/v1.3.2#:SignedProperties';

async function xmlsecVerify(pki: TestPki, signedXml: string, name: string): Promise<string> {
  const file = join(pki.dir, name);
  writeFileSync(file, signedXml);
  const anchor = join(pki.dir, 'xmlsec-anchor.pem');
  writeFileSync(anchor, pki.root.certificatePem);
  const { stderr } = await run('xmlsec1', [
    '--verify',
    '--id-attr:Id',
    XADES_SIGNED_PROPERTIES_ID,
    '--trusted-pem',
    anchor,
    '--untrusted-pem',
    join(pki.dir, 'xmlsec-ca.pem'),
    file,
  ]);
  return stderr;
}

describe('signInvoice', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
    writeFileSync(join(pki.dir, 'xmlsec-ca.pem'), pki.qualifiedCa.certificatePem);
  });
  afterAll(() => pki.close());

  it('places a XAdES-B signature in the UBL extension, creating UBLExtensions as the first child of the root', async () => {
    const signed = await signInvoice(invoice, {
      certificatePem: pki.signers.qualified.chainPem,
      privateKeyPem: pki.signers.qualified.privateKeyPem,
    });
    const root = parseXml(signed).documentElement!;
    const first = root.getElementsByTagNameNS('*', '*')[0];
    expect(first.localName).toBe('UBLExtensions');
    const signature = root.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0];
    expect(signature.parentNode?.localName).toBe('SignatureInformation');
    expect(signed).toContain('xades:SigningCertificateV2');
    expect(signed).toContain('xades:SigningTime');
    expect(signed).toContain('Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"');
    expect(signed).toContain('Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"');
  });

  it('records the requested signing time', async () => {
    const signingTime = new Date('2026-02-03T10:00:00Z');
    const signed = await signInvoice(
      invoice,
      { certificatePem: pki.signers.qualified.chainPem, privateKeyPem: pki.signers.qualified.privateKeyPem },
      { signingTime },
    );
    expect(signed).toContain('<xades:SigningTime>2026-02-03T10:00:00');
  });

  it('produces an ECDSA signature that xmlsec1 verifies', async () => {
    const p12 = readFileSync(pki.writeP12(pki.signers.qualified, 'secret'));
    const signed = await signInvoice(invoice, { p12, password: 'secret' });
    expect(signed).toContain('ecdsa-sha256');
    await expect(xmlsecVerify(pki, signed, 'ecdsa.xml')).resolves.toMatch(/^OK$/m);
  });

  it('produces an RSA signature that xmlsec1 verifies', async () => {
    const p12 = readFileSync(pki.writeP12(pki.signers.qualifiedRsa, 'secret'));
    const signed = await signInvoice(invoice, { p12, password: 'secret' });
    expect(signed).toContain('rsa-sha256');
    await expect(xmlsecVerify(pki, signed, 'rsa.xml')).resolves.toMatch(/^OK$/m);
  });

  it('adds a UBLExtension to an existing UBLExtensions block and the result still verifies with xmlsec1', async () => {
    const once = await signInvoice(invoice, {
      certificatePem: pki.signers.qualified.chainPem,
      privateKeyPem: pki.signers.qualified.privateKeyPem,
    });
    const withExtensions = once.replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '');
    const signed = await signInvoice(withExtensions, {
      certificatePem: pki.signers.qualifiedRsa.chainPem,
      privateKeyPem: pki.signers.qualifiedRsa.privateKeyPem,
    });
    expect(signed.match(/<ext:UBLExtensions/g)).toHaveLength(1);
    expect(signed.match(/<ext:UBLExtension[ >]/g)).toHaveLength(2);
    await expect(xmlsecVerify(pki, signed, 'existing-extensions.xml')).resolves.toMatch(/^OK$/m);
  });

  it('refuses a PKCS#12 file opened with the wrong password', async () => {
    const p12 = readFileSync(pki.writeP12(pki.signers.qualified, 'secret'));
    await expect(signInvoice(invoice, { p12, password: 'wrong' })).rejects.toBeInstanceOf(
      SignerCredentialsError,
    );
  });

  it('refuses a certificate that does not belong to the private key', async () => {
    await expect(
      signInvoice(invoice, {
        certificatePem: pki.signers.notQualified.certificatePem,
        privateKeyPem: pki.signers.qualified.privateKeyPem,
      }),
    ).rejects.toThrow('No certificate matches the private key');
  });
});

describe('bin/hub sign', () => {
  let pki: TestPki;
  beforeAll(async () => {
    pki = await createTestPki();
    writeFileSync(join(pki.dir, 'xmlsec-ca.pem'), pki.qualifiedCa.certificatePem);
  });
  afterAll(() => pki.close());

  it('signs FILE with --p12/--password into --out, and xmlsec1 verifies the output', async () => {
    const p12 = pki.writeP12(pki.signers.qualified, 'cli-secret');
    const out = join(pki.dir, 'cli-signed.xml');
    await run(join(__dirname, '..', '..', 'bin', 'hub'), [
      'sign',
      join(__dirname, 'fixtures', 'invoice.xml'),
      '--p12',
      p12,
      '--password',
      'cli-secret',
      '--out',
      out,
    ]);
    const signed = readFileSync(out, 'utf8');
    expect(signed).toContain('<sac:SignatureInformation>');
    await expect(xmlsecVerify(pki, signed, 'cli-verified.xml')).resolves.toMatch(/^OK$/m);
  });
});

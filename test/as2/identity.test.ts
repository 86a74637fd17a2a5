import 'reflect-metadata';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { certificateInfo, generateAs2Identity } from '../../connectors/as2/protocol';
import type { OwnKeyPair } from '../../connectors/as2/protocol/cms';

const AS2_ID = 'Hub BG, "test" + 1';
let generated: OwnKeyPair;
beforeAll(async () => {
  generated = await generateAs2Identity(AS2_ID, new Date('2026-03-01T00:00:00Z'));
});

describe('the hub’s AS2 identity', () => {
  it('is a self-signed RSA-2048 certificate whose CN is the AS2 name, signed with SHA-256', () => {
    const certificate = new x509.X509Certificate(generated.certificatePem);
    expect(certificate.subjectName.getField('CN')).toEqual([AS2_ID]);
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.signatureAlgorithm).toMatchObject({
      name: 'RSASSA-PKCS1-v1_5',
      hash: { name: 'SHA-256' },
    });
    expect(new X509Certificate(generated.certificatePem).publicKey.asymmetricKeyDetails?.modulusLength).toBe(
      2048,
    );
    // Self-signed: its own key verifies it (checkIssued would also demand keyCertSign, which an AS2 identity lacks).
    const node = new X509Certificate(generated.certificatePem);
    expect(node.verify(node.publicKey)).toBe(true);
  });

  it('is valid for three years and may sign and encipher keys (critical key usage), not act as a CA', () => {
    const certificate = new x509.X509Certificate(generated.certificatePem);
    expect(certificate.notBefore.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(certificate.notAfter.toISOString()).toBe('2029-03-01T00:00:00.000Z');
    const usage = certificate.getExtension(x509.KeyUsagesExtension);
    expect(usage?.critical).toBe(true);
    expect(usage?.usages).toBe(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment);
    expect(certificate.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(false);
    expect(certificate.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId).toMatch(/^[0-9a-f]{40}$/);
  });

  it('comes with its PKCS#8 private key, which belongs to the certificate', () => {
    expect(generated.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(
      new X509Certificate(generated.certificatePem).checkPrivateKey(
        createPrivateKey(generated.privateKeyPem),
      ),
    ).toBe(true);
  });

  it('gets a fresh key and serial each time', async () => {
    const other = await generateAs2Identity(AS2_ID);
    expect(certificateInfo(other.certificatePem).serialNumber).not.toBe(
      certificateInfo(generated.certificatePem).serialNumber,
    );
    expect(other.privateKeyPem).not.toBe(generated.privateKeyPem);
  });
});

describe('certificateInfo', () => {
  it('tells subject, issuer, serial, validity and the SHA-256 fingerprint partners compare', () => {
    const info = certificateInfo(generated.certificatePem);
    const der = Buffer.from(generated.certificatePem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
    expect(info).toEqual({
      subject: expect.stringContaining('CN='),
      issuer: info.subject,
      serialNumber: new x509.X509Certificate(generated.certificatePem).serialNumber.toUpperCase(),
      notBefore: new Date('2026-03-01T00:00:00Z'),
      notAfter: new Date('2029-03-01T00:00:00Z'),
      sha256Fingerprint: createHash('sha256')
        .update(der)
        .digest('hex')
        .toUpperCase()
        .replace(/(..)(?!$)/g, '$1:'),
    });
  });
});

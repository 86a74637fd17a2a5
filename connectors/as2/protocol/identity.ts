/**
 * The hub's AS2 identity: a self-signed RSA-2048 certificate, as AS2 partners exchange them (AS2 trusts the
 * exchanged certificate itself, not a CA). One key both signs (MDNs) and decrypts (messages), hence both usages.
 */
import 'reflect-metadata';
import { webcrypto, X509Certificate as NodeCertificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import type { OwnKeyPair } from './certificates';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const VALIDITY_YEARS = 3;
const COMMON_NAME = '2.5.4.3';
const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export async function generateAs2Identity(as2Id: string, now = new Date()): Promise<OwnKeyPair> {
  const keys = (await webcrypto.subtle.generateKey(
    { ...RSA_SHA256, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  const serial = webcrypto.getRandomValues(new Uint8Array(16));
  serial[0] &= 0x7f; // a positive INTEGER
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(serial).toString('hex'),
    name: commonNameOf(as2Id),
    notBefore: now,
    notAfter,
    signingAlgorithm: RSA_SHA256,
    keys,
    extensions: [
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
        true,
      ),
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(
    await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey),
  );
  return {
    privateKeyPem: pem('PRIVATE KEY', pkcs8),
    certificatePem: certificate.toString('pem'),
  };
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  /** Upper-case hex, as Node prints it. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** Colon-separated upper-case hex: what partners compare on the phone. */
  sha256Fingerprint: string;
}

export function certificateInfo(certificatePem: string): CertificateInfo {
  const certificate = new NodeCertificate(certificatePem);
  return {
    subject: certificate.subject.replace(/\n/g, ', '),
    issuer: certificate.issuer.replace(/\n/g, ', '),
    serialNumber: certificate.serialNumber,
    notBefore: new Date(certificate.validFrom),
    notAfter: new Date(certificate.validTo),
    sha256Fingerprint: certificate.fingerprint256,
  };
}

/**
 * CN = the AS2 name, as a UTF8String built as ASN.1: x509's string and JSON name forms both parse the value (a
 * quote or a comma in the name would change it), and AS2 names may hold any printable character.
 */
function commonNameOf(as2Id: string): x509.Name {
  const name = new Name([
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type: COMMON_NAME, value: new AttributeValue({ utf8String: as2Id }) }),
    ]),
  ]);
  return new x509.Name(AsnConvert.serialize(name));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

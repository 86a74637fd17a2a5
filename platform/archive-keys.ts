/**
 * The hub's archive key material, generated once into `<data>/archive/` and read from there ever after:
 *   archive-key.pem     the archive signing key and its self-signed certificate ("E-Invoice Hub archive"): seals the
 *                       chain head (and is meant to sign the archive's other documents)
 *   timestamp-unit.pem  the hub's own RFC 3161 timestamp unit, used when no TSA_URL is set: its key and self-signed
 *                       certificate, named "E-Invoice Hub local timestamp unit (not a qualified TSA)" as every report
 *                       names it
 * Each file holds the PKCS#8 private key and the certificate, mode 0600, in a folder of mode 0700. A file is written
 * whole under a temporary name and linked into place (link fails when the name exists), so two processes starting at
 * once end up reading the same pair.
 */
import 'reflect-metadata';
import { createPrivateKey, webcrypto, X509Certificate, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Name, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export const ARCHIVE_KEY_NAME = 'E-Invoice Hub archive';
export const LOCAL_TIMESTAMP_UNIT_NAME = 'E-Invoice Hub local timestamp unit (not a qualified TSA)';

/** Long enough to outlive the ten-year retention of what it seals; verify checks seals against their own time. */
const VALIDITY_YEARS = 30;
const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

export interface ArchiveIdentity {
  name: string;
  privateKey: KeyObject;
  certificatePem: string;
  certificateDer: Buffer;
  certificate: X509Certificate;
}

export interface ArchiveKeys {
  archive: ArchiveIdentity;
  timestampUnit: ArchiveIdentity;
}

export function archiveKeysDir(dataDir: string): string {
  return path.join(dataDir, 'archive');
}

/** The archive key and the local timestamp unit, created on first use. */
export async function loadArchiveKeys(dataDir: string): Promise<ArchiveKeys> {
  const dir = archiveKeysDir(dataDir);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return {
    archive: await loadOrCreate(path.join(dir, 'archive-key.pem'), ARCHIVE_KEY_NAME, 'archive'),
    timestampUnit: await loadOrCreate(
      path.join(dir, 'timestamp-unit.pem'),
      LOCAL_TIMESTAMP_UNIT_NAME,
      'timestamp',
    ),
  };
}

/** The key material if this data folder has it, never creating any (what `archive verify` checks seals against). */
export function readArchiveKeys(dataDir: string): ArchiveKeys | undefined {
  const dir = archiveKeysDir(dataDir);
  const archive = path.join(dir, 'archive-key.pem');
  const unit = path.join(dir, 'timestamp-unit.pem');
  if (!fs.existsSync(archive) || !fs.existsSync(unit)) return undefined;
  return {
    archive: readIdentity(archive, ARCHIVE_KEY_NAME),
    timestampUnit: readIdentity(unit, LOCAL_TIMESTAMP_UNIT_NAME),
  };
}

async function loadOrCreate(
  file: string,
  name: string,
  usage: 'archive' | 'timestamp',
): Promise<ArchiveIdentity> {
  if (!fs.existsSync(file)) {
    const pem = await generateIdentity(name, usage);
    const temporary = `${file}.${process.pid}.${Date.now()}.new`;
    fs.writeFileSync(temporary, pem, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(temporary, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error; // another process was first
    } finally {
      fs.rmSync(temporary, { force: true });
    }
  }
  return readIdentity(file, name);
}

function readIdentity(file: string, name: string): ArchiveIdentity {
  const text = fs.readFileSync(file, 'utf8');
  const keyPem = text.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----\n?/)?.[0];
  const certificatePem = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/)?.[0];
  if (!keyPem || !certificatePem) throw new Error(`${file} does not hold a private key and a certificate`);
  const certificate = new X509Certificate(certificatePem);
  return {
    name,
    privateKey: createPrivateKey(keyPem),
    certificatePem,
    certificateDer: certificate.raw,
    certificate,
  };
}

async function generateIdentity(
  name: string,
  usage: 'archive' | 'timestamp',
  now = new Date(),
): Promise<string> {
  const keys = (await webcrypto.subtle.generateKey(
    { ...RSA_SHA256, modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const notAfter = new Date(now);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + VALIDITY_YEARS);
  const serial = webcrypto.getRandomValues(new Uint8Array(16));
  serial[0] &= 0x7f; // a positive INTEGER
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  if (usage === 'timestamp') {
    // RFC 3161 §2.3: a TSA's certificate has exactly this extended key usage, critical.
    extensions.push(new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true));
    extensions.push(new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.timeStamping], true));
  } else {
    extensions.push(
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation,
        true,
      ),
    );
  }
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Buffer.from(serial).toString('hex'),
    name: commonName(name),
    notBefore: now,
    notAfter,
    signingAlgorithm: RSA_SHA256,
    keys,
    extensions,
  });
  const pkcs8 = Buffer.from(
    await webcrypto.subtle.exportKey('pkcs8', keys.privateKey as webcrypto.CryptoKey),
  );
  const lines = pkcs8.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN PRIVATE KEY-----\n${lines.join('\n')}\n-----END PRIVATE KEY-----\n${certificate.toString('pem')}\n`;
}

/** CN as a UTF8String built as ASN.1 (the string form would parse the parentheses and commas in the names). */
function commonName(value: string): x509.Name {
  const name = new Name([
    new RelativeDistinguishedName([
      new AttributeTypeAndValue({ type: '2.5.4.3', value: new AttributeValue({ utf8String: value }) }),
    ]),
  ]);
  return new x509.Name(AsnConvert.serialize(name));
}

/**
 * Who signs: a key and certificate from a PKCS#12 file or a PEM pair, or a key held elsewhere (a PKCS#11 token,
 * a remote signing service) that only hands back signatures.
 * node-forge reads PKCS#12 (legacy RC2/3DES and OpenSSL 3 AES/PBKDF2 alike); it only understands RSA keys,
 * so every key and certificate is taken as DER and handed to Node's crypto, which knows EC keys too.
 */
import { createPrivateKey, X509Certificate as NodeX509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

/** A private key that never leaves its card, HSM or service: the signature is asked of it. */
export interface ExternalSigningKey {
  /** DER of the signing certificate. */
  certificate: Buffer;
  /** DER of the issuing CA certificates to include (may be empty). */
  chain: Buffer[];
  /** Signs `data` with SHA-256: an RSA PKCS#1 v1.5 signature, or ECDSA as raw r||s (IEEE P1363, as XML-DSig wants). */
  sign(data: Buffer): Promise<Buffer>;
}

/** A private key in a file the hub reads. */
export type SignerKeyFile =
  { p12: Uint8Array; password?: string } | { certificatePem: string; privateKeyPem: string };

export type SignerInput = SignerKeyFile | { external: ExternalSigningKey };

export interface SignerCredentials {
  privateKey: KeyObject;
  /** DER of the signing certificate (the one whose public key matches the private key). */
  certificate: Buffer;
  /** DER of the other certificates the container carried (issuing CAs), signing certificate excluded. */
  chain: Buffer[];
}

/** Raised when the key or certificate cannot be read: wrong password, no key, key and certificate do not match. */
export class SignerCredentialsError extends Error {
  override readonly name = 'SignerCredentialsError';
}

export function loadSignerCredentials(input: SignerKeyFile): SignerCredentials {
  return 'p12' in input
    ? fromPkcs12(input.p12, input.password ?? '')
    : fromPem(input.certificatePem, input.privateKeyPem);
}

function fromPem(certificatePem: string, privateKeyPem: string): SignerCredentials {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw new SignerCredentialsError(`The private key PEM cannot be read: ${message(error)}`);
  }
  const certificates = pemBlocks(certificatePem, 'CERTIFICATE');
  if (certificates.length === 0)
    throw new SignerCredentialsError('The certificate PEM holds no CERTIFICATE block.');
  return pickSigningCertificate(privateKey, certificates);
}

function fromPkcs12(p12: Uint8Array, password: string): SignerCredentials {
  let container: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
    container = forge.pkcs12.pkcs12FromAsn1(asn1, password);
  } catch (error) {
    throw new SignerCredentialsError(
      `The PKCS#12 file cannot be opened (wrong password or not PKCS#12): ${message(error)}`,
    );
  }
  const keys: Buffer[] = [];
  const certificates: Buffer[] = [];
  for (const contents of container.safeContents) {
    for (const bag of contents.safeBags) {
      if (bag.type === forge.pki.oids.pkcs8ShroudedKeyBag || bag.type === forge.pki.oids.keyBag) {
        // forge keeps non-RSA keys as the raw PrivateKeyInfo ASN.1.
        const asn1 = bag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(bag.key)) : bag.asn1;
        if (asn1) keys.push(derOf(asn1));
      } else if (bag.type === forge.pki.oids.certBag) {
        const asn1 = bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1;
        if (asn1) certificates.push(derOf(asn1));
      }
    }
  }
  if (keys.length === 0) throw new SignerCredentialsError('The PKCS#12 file holds no private key.');
  if (certificates.length === 0) throw new SignerCredentialsError('The PKCS#12 file holds no certificate.');
  const privateKey = createPrivateKey({ key: keys[0], format: 'der', type: 'pkcs8' });
  return pickSigningCertificate(privateKey, certificates);
}

function pickSigningCertificate(privateKey: KeyObject, certificates: Buffer[]): SignerCredentials {
  const index = certificates.findIndex((der) => new NodeX509Certificate(der).checkPrivateKey(privateKey));
  if (index < 0) throw new SignerCredentialsError('No certificate matches the private key.');
  return {
    privateKey,
    certificate: certificates[index],
    chain: certificates.filter((_, i) => i !== index),
  };
}

function derOf(asn1: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

export function pemBlocks(pem: string, label: string): Buffer[] {
  const pattern = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`, 'g');
  return [...pem.matchAll(pattern)].map((match) => Buffer.from(match[1].replace(/\s+/g, ''), 'base64'));
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

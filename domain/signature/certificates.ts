/**
 * Certificates as the validator needs them: parsed once (DER -> @peculiar/x509 for extensions and names,
 * node:crypto for the public key), cached by content so repeated validations reuse imported keys.
 */
import 'reflect-metadata';
import { createHash, createPublicKey, X509Certificate as NodeCertificate, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

export interface Certificate {
  der: Buffer;
  /** base64 of the DER: the cache key and the identity used when comparing certificates. */
  id: string;
  parsed: x509.X509Certificate;
  publicKey: KeyObject;
  subject: string;
  issuer: string;
  serialNumberHex: string;
  notBefore: Date;
  notAfter: Date;
}

const cache = new Map<string, Certificate>();
const CACHE_LIMIT = 2000;

/** Parses a DER certificate; undefined when it is not one. */
export function certificateFromDer(der: Buffer | Uint8Array): Certificate | undefined {
  const bytes = Buffer.from(der);
  const id = bytes.toString('base64');
  const cached = cache.get(id);
  if (cached) return cached;
  try {
    const parsed = new x509.X509Certificate(bytes);
    const publicKey = new NodeCertificate(bytes).publicKey;
    const certificate: Certificate = {
      der: bytes,
      id,
      parsed,
      publicKey,
      subject: parsed.subject,
      issuer: parsed.issuer,
      serialNumberHex: parsed.serialNumber.toLowerCase().replace(/^(00)+(?=.)/, ''),
      notBefore: parsed.notBefore,
      notAfter: parsed.notAfter,
    };
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(id, certificate);
    return certificate;
  } catch {
    return undefined;
  }
}

export function digestOf(certificate: Certificate, nodeHash: string): Buffer {
  return createHash(nodeHash).update(certificate.der).digest();
}

/**
 * Whether `issuer` issued `subject`: names chain and the issuer's key verifies the certificate signature.
 * Certificates are cached by content, so the answer (a function of the two DER encodings alone) is kept with them:
 * every invoice of one signer would otherwise verify the same CA signatures again.
 */
export function isIssuedBy(subject: Certificate, issuer: Certificate): boolean {
  let answers = issuedByAnswers.get(subject);
  const known = answers?.get(issuer);
  if (known !== undefined) return known;
  let issued: boolean;
  if (!sameName(subject.parsed.issuerName, issuer.parsed.subjectName)) issued = false;
  else {
    try {
      issued = new NodeCertificate(subject.der).verify(issuer.publicKey);
    } catch {
      issued = false;
    }
  }
  if (!answers) issuedByAnswers.set(subject, (answers = new WeakMap()));
  answers.set(issuer, issued);
  return issued;
}

const issuedByAnswers = new WeakMap<Certificate, WeakMap<Certificate, boolean>>();

export function isSelfIssued(certificate: Certificate): boolean {
  return sameName(certificate.parsed.issuerName, certificate.parsed.subjectName);
}

export function sameName(a: x509.Name, b: x509.Name): boolean {
  return normalizedName(a) === normalizedName(b);
}

/** Attribute type/value pairs, case- and space-folded: names written by different tools compare equal. */
export function normalizedName(name: x509.Name): string {
  return name
    .toJSON()
    .flatMap((rdn) =>
      Object.entries(rdn).flatMap(([type, values]) => values.map((value) => `${type}=${fold(value)}`)),
    )
    .sort()
    .join(',');
}

/** Parses a DN string as written in XML (RFC 2253/4514 style); undefined when it cannot be read. */
export function nameFromString(text: string): x509.Name | undefined {
  try {
    return new x509.Name(
      decodeHexEscapes(text)
        .replace(/\bS=/g, 'ST=')
        .replace(/\bSERIALNUMBER=/gi, '2.5.4.5=')
        .replace(/\bOID\.(\d+(?:\.\d+)+)=/g, '$1='),
    );
  } catch {
    return undefined;
  }
}

/** RFC 4514 writers escape non-ASCII as \XX UTF-8 bytes (the CZ plugtest does); x509's parser does not decode them. */
function decodeHexEscapes(text: string): string {
  return text.replace(/(?:\\[0-9A-Fa-f]{2})+/g, (run) =>
    Buffer.from(run.replace(/\\/g, ''), 'hex').toString('utf8'),
  );
}

function fold(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function keyUsageOf(certificate: Certificate): x509.KeyUsageFlags | undefined {
  return certificate.parsed.getExtension(x509.KeyUsagesExtension)?.usages;
}

export function isCa(certificate: Certificate): boolean {
  return certificate.parsed.getExtension(x509.BasicConstraintsExtension)?.ca === true;
}

export function describeCertificate(certificate: Certificate): string {
  return `${certificate.subject} (serial ${certificate.serialNumberHex})`;
}

/** Public key from a DER SubjectPublicKeyInfo. */
export function publicKeyFromSpki(spki: Buffer): KeyObject {
  return createPublicKey({ key: spki, format: 'der', type: 'spki' });
}

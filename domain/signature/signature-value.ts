/**
 * ds:SignatureValue over the canonicalized ds:SignedInfo, checked with node:crypto against one pinned key.
 * node:crypto rather than WebCrypto because real signers use curves WebCrypto lacks (brainpool in the corpus).
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { canonicalize, isCanonicalizationMethod } from './canonicalize';
import { publicKeyFromSpki } from './certificates';
import { derOid, derSequence, derTlv } from './der';
import { child, strictBase64, textOf } from './signature-structure';
import { XMLDSIG11_NS, XMLDSIG_NS } from './xml-names';

interface SignatureAlgorithm {
  hash: string;
  family: 'rsa' | 'rsa-pss' | 'ecdsa';
}

export const SIGNATURE_ALGORITHMS: Record<string, SignatureAlgorithm> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { hash: 'sha1', family: 'rsa' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha224': { hash: 'sha224', family: 'rsa' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { hash: 'sha256', family: 'rsa' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { hash: 'sha384', family: 'rsa' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { hash: 'sha512', family: 'rsa' },
  'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1': { hash: 'sha256', family: 'rsa-pss' },
  'http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1': { hash: 'sha384', family: 'rsa-pss' },
  'http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1': { hash: 'sha512', family: 'rsa-pss' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1': { hash: 'sha1', family: 'ecdsa' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha224': { hash: 'sha224', family: 'ecdsa' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': { hash: 'sha256', family: 'ecdsa' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': { hash: 'sha384', family: 'ecdsa' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': { hash: 'sha512', family: 'ecdsa' },
};

const HASH_LENGTH: Record<string, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** The canonical form of SignedInfo, the bytes the signature value covers. */
export function canonicalSignedInfo(
  signedInfo: Element,
  method: string,
  inclusivePrefixes: string[],
): Buffer | undefined {
  if (!isCanonicalizationMethod(method)) return undefined;
  return Buffer.from(
    canonicalize({ apex: signedInfo, keepComments: true }, method, { inclusivePrefixes }),
    'utf8',
  );
}

export function verifySignatureValue(
  algorithmUri: string,
  signedBytes: Buffer,
  signatureValue: Buffer,
  key: KeyObject,
): boolean {
  const algorithm = SIGNATURE_ALGORITHMS[algorithmUri];
  if (!algorithm) return false;
  const keyType = key.asymmetricKeyType;
  try {
    if (algorithm.family === 'ecdsa') {
      if (keyType !== 'ec') return false;
      return verify(algorithm.hash, signedBytes, { key, dsaEncoding: 'ieee-p1363' }, signatureValue);
    }
    if (keyType !== 'rsa' && keyType !== 'rsa-pss') return false;
    if (algorithm.family === 'rsa-pss') {
      return verify(
        algorithm.hash,
        signedBytes,
        { key, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: HASH_LENGTH[algorithm.hash] },
        signatureValue,
      );
    }
    return verify(algorithm.hash, signedBytes, key, signatureValue);
  } catch {
    return false;
  }
}

/** A bare public key from ds:KeyValue: RSAKeyValue, or dsig11:ECKeyValue with a named curve. */
export function keyFromKeyValue(keyValue: Element): KeyObject | undefined {
  const rsa = child(keyValue, XMLDSIG_NS, 'RSAKeyValue');
  if (rsa) {
    const modulus = strictBase64(textOf(child(rsa, XMLDSIG_NS, 'Modulus') ?? rsa));
    const exponent = strictBase64(textOf(child(rsa, XMLDSIG_NS, 'Exponent') ?? rsa));
    if (!modulus || !exponent) return undefined;
    try {
      return createPublicKey({
        key: { kty: 'RSA', n: base64url(modulus), e: base64url(exponent) },
        format: 'jwk',
      });
    } catch {
      return undefined;
    }
  }
  const ec = child(keyValue, XMLDSIG11_NS, 'ECKeyValue');
  if (ec) {
    const curve = child(ec, XMLDSIG11_NS, 'NamedCurve')?.getAttribute('URI') ?? '';
    const point = strictBase64(textOf(child(ec, XMLDSIG11_NS, 'PublicKey') ?? ec));
    const oid = /^urn:oid:([\d.]+)$/.exec(curve)?.[1];
    if (!oid || !point) return undefined;
    try {
      return publicKeyFromSpki(ecSpki(oid, point));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function base64url(bytes: Buffer): string {
  return bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** SubjectPublicKeyInfo for an EC point on a named curve, DER-encoded by hand (works for any curve OpenSSL knows). */
function ecSpki(curveOid: string, point: Buffer): Buffer {
  const algorithm = derSequence([derOid('1.2.840.10045.2.1'), derOid(curveOid)]);
  const bitString = derTlv(0x03, Buffer.concat([Buffer.from([0]), point]));
  return derSequence([algorithm, bitString]);
}

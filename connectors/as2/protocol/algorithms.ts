/**
 * The algorithms the AS2 library speaks, each as a named constant with its object identifier and the name Node's
 * crypto knows it by. Anything not listed here is refused with a reason naming its OID.
 */

/** Digest names as RFC 4130 / RFC 5751 write them in `micalg`, `signed-receipt-micalg` and `Received-Content-MIC`. */
export type MicAlgorithm = 'sha1' | 'sha-256' | 'sha-384' | 'sha-512';

export interface DigestAlgorithm {
  mic: MicAlgorithm;
  oid: string;
  /** Name for `crypto.createHash`. */
  node: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** The combined `<digest>WithRSAEncryption` signature OID some signers write instead of plain rsaEncryption. */
  rsaSignatureOid: string;
}

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = [
  { mic: 'sha1', oid: '1.3.14.3.2.26', node: 'sha1', rsaSignatureOid: '1.2.840.113549.1.1.5' },
  { mic: 'sha-256', oid: '2.16.840.1.101.3.4.2.1', node: 'sha256', rsaSignatureOid: '1.2.840.113549.1.1.11' },
  { mic: 'sha-384', oid: '2.16.840.1.101.3.4.2.2', node: 'sha384', rsaSignatureOid: '1.2.840.113549.1.1.12' },
  { mic: 'sha-512', oid: '2.16.840.1.101.3.4.2.3', node: 'sha512', rsaSignatureOid: '1.2.840.113549.1.1.13' },
];

export function digestByOid(oid: string): DigestAlgorithm | undefined {
  return DIGEST_ALGORITHMS.find((digest) => digest.oid === oid);
}

/**
 * Reads a digest name as senders write it: `sha1`, `SHA1`, `sha-1`, `sha256`, `sha-256` (RFC 5751 names and the
 * older spellings pyas2lib, Mendelson and Sterling use). Undefined for anything else (md5 included: not supported).
 */
export function digestByName(name: string): DigestAlgorithm | undefined {
  const folded = name.trim().toLowerCase().replace(/^"|"$/g, '').replace(/-/g, '');
  return DIGEST_ALGORITHMS.find((digest) => digest.mic.replace(/-/g, '') === folded);
}

export function digestByMic(mic: MicAlgorithm): DigestAlgorithm {
  return DIGEST_ALGORITHMS.find((digest) => digest.mic === mic) as DigestAlgorithm;
}

/** Content encryption (RFC 3370, RFC 3565): all CBC, the parameter is the IV as an OCTET STRING. */
export type ContentEncryption = 'des-ede3-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

export interface ContentEncryptionAlgorithm {
  name: ContentEncryption;
  oid: string;
  keyLength: number;
  ivLength: number;
}

export const CONTENT_ENCRYPTION_ALGORITHMS: readonly ContentEncryptionAlgorithm[] = [
  { name: 'des-ede3-cbc', oid: '1.2.840.113549.3.7', keyLength: 24, ivLength: 8 },
  { name: 'aes-128-cbc', oid: '2.16.840.1.101.3.4.1.2', keyLength: 16, ivLength: 16 },
  { name: 'aes-192-cbc', oid: '2.16.840.1.101.3.4.1.22', keyLength: 24, ivLength: 16 },
  { name: 'aes-256-cbc', oid: '2.16.840.1.101.3.4.1.42', keyLength: 32, ivLength: 16 },
];

/** Known but unsupported content encryption, so the refusal can name it. */
export const UNSUPPORTED_CONTENT_ENCRYPTION: Readonly<Record<string, string>> = {
  '1.2.840.113549.3.2': 'RC2-CBC',
  '1.3.14.3.2.7': 'DES-CBC',
  '2.16.840.1.101.3.4.1.6': 'AES-128-GCM',
  '2.16.840.1.101.3.4.1.46': 'AES-256-GCM',
};

export function contentEncryptionByOid(oid: string): ContentEncryptionAlgorithm | undefined {
  return CONTENT_ENCRYPTION_ALGORITHMS.find((algorithm) => algorithm.oid === oid);
}

export function contentEncryptionByName(name: ContentEncryption): ContentEncryptionAlgorithm {
  return CONTENT_ENCRYPTION_ALGORITHMS.find(
    (algorithm) => algorithm.name === name,
  ) as ContentEncryptionAlgorithm;
}

/** Key transport of the content-encryption key to an RSA recipient. OAEP uses the same hash for MGF1. */
export type KeyTransport =
  'rsa-pkcs1-v1_5' | 'rsa-oaep-sha1' | 'rsa-oaep-sha256' | 'rsa-oaep-sha384' | 'rsa-oaep-sha512';

export const OID = {
  rsaEncryption: '1.2.840.113549.1.1.1',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  pSpecified: '1.2.840.113549.1.1.9',
  rsassaPss: '1.2.840.113549.1.1.10',
  /** RFC 3274 */
  compressedData: '1.2.840.113549.1.9.16.1.9',
  zlibCompress: '1.2.840.113549.1.9.16.3.8',
} as const;

/** How an RSA signature is padded. */
export type SignatureScheme = 'rsa-pkcs1-v1_5' | 'rsassa-pss';

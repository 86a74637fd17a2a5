import type { TrustDatum } from '../../signature/types';
import type { ArchiveRecordType } from '../records';
import type { StoredSeal } from '../seals';

/**
 * What an evidence package holds about one invoice, before it is written as a container and after it is read back:
 * every archived record of the invoice with its fields in canonical form (the bytes the chain hashed), the files
 * those records name, the trust data its verification report rests on, and the proof that links each record to a
 * sealed chain head.
 */

/** A field's canonical value: text, a file of the package (a bytea field), or null. */
export type EvidenceFieldValue = string | { file: string } | null;

export interface EvidenceRecord {
  type: ArchiveRecordType;
  key: string;
  /** Its link in the archive chain. */
  seq: number;
  fields: [name: string, value: EvidenceFieldValue][];
}

/**
 * A run of consecutive chain links, from the link after `after` to `head`: the record digest of each, so the link
 * hashes can be recomputed from `after.link` on. Sealed by `seal` (whose head is `head`), or by none yet.
 */
export interface ChainSegment {
  seal: number | null;
  after: { seq: number; link: string };
  links: [seq: number, recordSha256: string][];
  head: { seq: number; link: string };
}

/** A seal as the package carries it (binary values in base64). */
export interface SealProof {
  seal: number;
  previousSealSha256: string | null;
  headSeq: number;
  headLink: string;
  sealedAt: string;
  documentSha256: string;
  signature: string;
  signerCertificatePem: string;
  timestampToken: string;
  timestampAuthority: string;
  timestampTime: string;
}

export interface EvidenceTrustFile extends TrustDatum {
  file: string;
}

export interface EvidenceIndex {
  format: 'einvoice-hub evidence v1';
  invoice: { id: string; number: string; issuer: { name: string; eik: string } };
  exportedAt: string;
  records: EvidenceRecord[];
  trust: EvidenceTrustFile[];
}

export interface ChainProof {
  segments: ChainSegment[];
  seals: SealProof[];
}

export interface EvidenceContents {
  index: EvidenceIndex;
  chain: ChainProof;
  /** The data files by their path in the package (originals, receipts, attachments, trust data). */
  files: Map<string, Buffer>;
}

export const INDEX_PATH = 'evidence.json';
export const CHAIN_PATH = 'chain/proof.json';
export const STATEMENT_PATH = 'README.txt';
export const REPORT_PATH = 'invoice/verification-report.json';

export function sealProof(seal: StoredSeal): SealProof {
  return {
    seal: seal.seal,
    previousSealSha256: seal.previousSealSha256,
    headSeq: seal.headSeq,
    headLink: seal.headLink,
    sealedAt: seal.sealedAt.toISOString(),
    documentSha256: seal.documentSha256,
    signature: seal.signature.toString('base64'),
    signerCertificatePem: seal.signerCertificatePem,
    timestampToken: seal.timestampToken.toString('base64'),
    timestampAuthority: seal.timestampAuthority,
    timestampTime: seal.timestampTime.toISOString(),
  };
}

export function storedSeal(proof: SealProof): StoredSeal {
  return {
    ...proof,
    sealedAt: new Date(proof.sealedAt),
    signature: Buffer.from(proof.signature, 'base64'),
    timestampToken: Buffer.from(proof.timestampToken, 'base64'),
    timestampTime: new Date(proof.timestampTime),
  };
}

/** A name safe as a path segment inside the package: letters, digits, dot, dash, underscore. */
export function safeName(name: string): string {
  const safe = name
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^\.+/, '_');
  return safe.slice(0, 120) || '_';
}

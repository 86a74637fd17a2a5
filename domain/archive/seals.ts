import { createHash, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { verifyTimeStampToken } from '../signature/timestamp';
import type { ArchiveBreak } from './chain';
import { sha256Hex } from './records';

/**
 * A seal: the chain head at a moment, in a short text document signed by the hub's archive key (RSA PKCS#1 v1.5,
 * SHA-256), whose signature is time-stamped (RFC 3161, imprint SHA-256 of the signature value) by a TSA or the hub's
 * own timestamp unit. Each seal names the document digest of the one before, so seals chain too, and a seal vouches
 * for every link up to its head, since each link covers the one before.
 */
export interface SealFacts {
  seal: number;
  previousSealSha256: string | null;
  headSeq: number;
  headLink: string;
  sealedAt: Date;
}

export interface StoredSeal extends SealFacts {
  documentSha256: string;
  signature: Buffer;
  signerCertificatePem: string;
  timestampToken: Buffer;
  /** Who time-stamped: the local unit's name, or "TSA at <url>: <subject>". */
  timestampAuthority: string;
  timestampTime: Date;
}

const SEAL_HEADER = 'E-Invoice Hub archive seal v1';

export function sealDocument(facts: SealFacts): string {
  return [
    SEAL_HEADER,
    `seal ${facts.seal}`,
    `previous seal ${facts.previousSealSha256 ?? 'none'}`,
    `chain head ${facts.headSeq} ${facts.headLink}`,
    `sealed at ${facts.sealedAt.toISOString()}`,
  ]
    .map((line) => line + '\n')
    .join('');
}

export function signSealDocument(document: string, archiveKey: KeyObject): Buffer {
  return sign('sha256', Buffer.from(document, 'utf8'), archiveKey);
}

/** What the timestamp covers: the seal's signature value. */
export function sealTimestampDigest(signature: Buffer): Buffer {
  return createHash('sha256').update(signature).digest();
}

/** The certificates seals are checked against: this hub's, when the data folder holds them. */
export interface SealTrust {
  archiveCertificatePem?: string;
  localUnitCertificatePem?: string;
  localUnitName: string;
}

/** Tolerated difference between the sealing time in the document and the timestamp's genTime. */
const TIMESTAMP_SKEW_MS = 10 * 60_000;

/**
 * Checks every seal in order: their numbering and the previous-seal digests, each document against its columns, the
 * signature (and that it is the hub's archive key), the timestamp (and, for the local unit, that it is this hub's
 * unit), and the sealed head against the chain now (`linkAt`: the chain's link at a sequence number, if present).
 */
export function checkSeals(
  seals: readonly StoredSeal[],
  linkAt: (seq: number) => string | undefined,
  trust: SealTrust,
): ArchiveBreak[] {
  const breaks: ArchiveBreak[] = [];
  const broken = (seal: number, kind: ArchiveBreak['kind'], message: string) =>
    breaks.push({ kind, seal, message: `seal ${seal}${message}` });
  let previous: StoredSeal | undefined;
  for (const seal of seals) {
    const expected = (previous?.seal ?? 0) + 1;
    if (seal.seal > expected) {
      breaks.push({
        kind: 'seal-missing',
        seal: expected,
        message:
          seal.seal - expected === 1
            ? `seal ${expected} missing`
            : `seals ${expected}–${seal.seal - 1} missing`,
      });
    }
    if (previous && seal.seal === expected && seal.previousSealSha256 !== previous.documentSha256) {
      broken(
        seal.seal,
        'seal-invalid',
        ` names previous seal ${seal.previousSealSha256 ?? 'none'}, but seal ${previous.seal} is ${previous.documentSha256}`,
      );
    }
    if (!previous && seal.seal === 1 && seal.previousSealSha256 !== null) {
      broken(seal.seal, 'seal-invalid', ' is the first seal but names a previous one');
    }
    breaks.push(...checkSeal(seal, trust));
    if (previous && seal.headSeq < previous.headSeq) {
      broken(
        seal.seal,
        'seal-head',
        `: its head ${seal.headSeq} is before seal ${previous.seal}'s (${previous.headSeq})`,
      );
    }
    const link = linkAt(seal.headSeq);
    if (link === undefined) {
      broken(seal.seal, 'seal-head', `: the link it sealed (${seal.headSeq}) is missing from the chain`);
    } else if (link !== seal.headLink) {
      broken(
        seal.seal,
        'seal-head',
        `: sealed link ${seal.headSeq} as ${seal.headLink}, the chain now has ${link} (the chain up to it was rewritten)`,
      );
    }
    previous = seal;
  }
  return breaks;
}

/** One seal on its own: its document against its columns, its signature and its timestamp. */
export function checkSeal(seal: StoredSeal, trust: SealTrust): ArchiveBreak[] {
  const breaks: ArchiveBreak[] = [];
  const broken = (number: number, kind: ArchiveBreak['kind'], message: string) =>
    breaks.push({ kind, seal: number, message: `seal ${number}${message}` });
  const document = sealDocument(seal);
  const documentSha256 = sha256Hex(document);
  if (documentSha256 !== seal.documentSha256) {
    broken(
      seal.seal,
      'seal-invalid',
      `: its columns give document digest ${documentSha256}, it was sealed as ${seal.documentSha256} (the seal row was edited)`,
    );
  }
  checkSignature(seal, document, trust, broken);
  checkTimestamp(seal, trust, broken);
  return breaks;
}

function checkSignature(
  seal: StoredSeal,
  document: string,
  trust: SealTrust,
  broken: (seal: number, kind: ArchiveBreak['kind'], message: string) => void,
): void {
  let signer: X509Certificate;
  try {
    signer = new X509Certificate(seal.signerCertificatePem);
  } catch {
    broken(seal.seal, 'seal-invalid', ': its signer certificate cannot be read');
    return;
  }
  if (
    trust.archiveCertificatePem &&
    !signer.raw.equals(new X509Certificate(trust.archiveCertificatePem).raw)
  ) {
    broken(
      seal.seal,
      'seal-invalid',
      ` is signed by ${signer.subject.replace(/\n/g, ', ')} (SHA-256 ${signer.fingerprint256}), not by this hub's archive key`,
    );
  }
  let valid = false;
  try {
    valid = verify('sha256', Buffer.from(document, 'utf8'), signer.publicKey, seal.signature);
  } catch {
    valid = false;
  }
  if (!valid)
    broken(seal.seal, 'seal-invalid', ' signature invalid: it does not verify over the seal document');
  const at = seal.sealedAt.getTime();
  if (at < Date.parse(signer.validFrom) || at > Date.parse(signer.validTo)) {
    broken(
      seal.seal,
      'seal-invalid',
      `: its signer certificate was not valid at ${seal.sealedAt.toISOString()}`,
    );
  }
}

function checkTimestamp(
  seal: StoredSeal,
  trust: SealTrust,
  broken: (seal: number, kind: ArchiveBreak['kind'], message: string) => void,
): void {
  const outcome = verifyTimeStampToken(seal.timestampToken, {
    what: "the seal's signature",
    digest: (hash) => createHash(hash).update(seal.signature).digest(),
  });
  if (!outcome.valid) {
    broken(seal.seal, 'seal-invalid', ` timestamp invalid: ${outcome.detail}`);
    return;
  }
  if (seal.timestampAuthority === trust.localUnitName && trust.localUnitCertificatePem) {
    const unit = new X509Certificate(trust.localUnitCertificatePem);
    if (!outcome.tsa.der.equals(unit.raw)) {
      broken(
        seal.seal,
        'seal-invalid',
        ` timestamp is from ${outcome.tsa.subject}, not this hub's timestamp unit`,
      );
    }
  }
  if (outcome.genTime.getTime() !== seal.timestampTime.getTime()) {
    broken(
      seal.seal,
      'seal-invalid',
      `: the timestamp says ${outcome.genTime.toISOString()}, the seal row ${seal.timestampTime.toISOString()}`,
    );
  }
  if (Math.abs(outcome.genTime.getTime() - seal.sealedAt.getTime()) > TIMESTAMP_SKEW_MS) {
    broken(
      seal.seal,
      'seal-invalid',
      `: time-stamped at ${outcome.genTime.toISOString()}, far from its sealing time ${seal.sealedAt.toISOString()}`,
    );
  }
}

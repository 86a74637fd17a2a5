/**
 * Which trusted lists may be used: each list's signature is checked against the certificates its parent names (the
 * pointer of a usable LOTL for a national list; the operator's certificates for the LOTL, or for a list no usable LOTL
 * names),
 * and a list whose NextUpdate has passed is expired. A list that fails is not used at all; the warning says why.
 * Signatures are judged once per set of files; expiry at each use, since it depends on the time.
 */
import type { Certificate } from '../certificates';
import type { TrustWarning } from '../types';
import { checkListSignature, type ListSignatureVerdict } from './list-signature';
import type { TrustedList } from './trusted-list';
import { trustedListWarning } from './warnings';

export interface ListFile {
  file: string;
  sha256: string;
  /** Undefined when the file could not be read as a list (`readError` says why). */
  list?: TrustedList;
  readError?: string;
}

/** Certificates the operator gave for signing trusted lists, from one file. */
export interface SignerFile {
  file: string;
  certificates: Certificate[];
}

export interface ListAcceptance extends ListFile {
  verdict?: ListSignatureVerdict;
  /** Files the signer's authority comes from: operator signer files, or the LOTL(s) whose pointer named it. */
  vouchedBy: string[];
  /** The signer is named only by a LOTL: the list is usable only while that LOTL is. */
  dependsOnLotl?: string;
}

export function judgeListSignatures(lists: ListFile[], signers: SignerFile[]): ListAcceptance[] {
  const operatorCertificates = signers.flatMap((signer) => signer.certificates);
  const signerFileOf = (certificate: Certificate): string[] =>
    signers.filter((s) => s.certificates.some((c) => c.id === certificate.id)).map((s) => s.file);

  const lotls = lists
    .filter((entry) => entry.list?.kind === 'lotl')
    .map((entry) => judgedAgainst(entry, operatorCertificates, signerFileOf));
  const nationals = lists
    .filter((entry) => entry.list?.kind !== 'lotl')
    .map((entry) => {
      if (!entry.list) return { ...entry, vouchedBy: [] };
      const territory = entry.list.territory;
      // Only a LOTL whose own signature holds can name a national list's signers.
      const naming = lotls.filter((lotl) => lotl.verdict?.status === 'valid');
      const pivots = naming.flatMap((lotl) =>
        (lotl.list?.pointers ?? [])
          .filter((pointer) => pointer.territory === territory)
          .map((pointer) => ({ lotl: lotl.file, signers: pointer.signers })),
      );
      // A list its LOTL names is checked against the LOTL's certificates only; the operator's stand in for a
      // list no usable LOTL names (a national list loaded alone).
      if (pivots.length === 0) return judgedAgainst(entry, operatorCertificates, signerFileOf);
      const verdict = checkListSignature(
        entry.list.document,
        pivots.flatMap((pivot) => pivot.signers),
      );
      if (verdict.status !== 'valid') return { ...entry, verdict, vouchedBy: [] };
      const byLotl = pivots
        .filter((pivot) => pivot.signers.some((c) => c.id === verdict.signer.id))
        .map((pivot) => pivot.lotl);
      return { ...entry, verdict, vouchedBy: byLotl, dependsOnLotl: byLotl[0] };
    });
  const order = new Map(lists.map((entry, index) => [entry.file, index]));
  return [...lotls, ...nationals].sort((a, b) => order.get(a.file)! - order.get(b.file)!);
}

function judgedAgainst(
  entry: ListFile,
  allowed: Certificate[],
  signerFilesOf: (certificate: Certificate) => string[],
): ListAcceptance {
  if (!entry.list) return { ...entry, vouchedBy: [] };
  const verdict = checkListSignature(entry.list.document, allowed);
  return {
    ...entry,
    verdict,
    vouchedBy: verdict.status === 'valid' ? signerFilesOf(verdict.signer) : [],
  };
}

const CODE_OF = {
  unsigned: 'TRUSTED_LIST_UNSIGNED',
  invalid: 'TRUSTED_LIST_SIGNATURE_INVALID',
  'signer-unknown': 'TRUSTED_LIST_SIGNER_UNKNOWN',
} as const;

/** Undefined when the list may be used at `now`; otherwise the warning that says why not. */
export function listProblemAt(
  acceptance: ListAcceptance,
  all: ListAcceptance[],
  now: Date,
): TrustWarning | undefined {
  const { file, verdict, list } = acceptance;
  if (!list) return trustedListWarning('TRUSTED_LIST_UNREADABLE', file, acceptance.readError ?? 'unreadable');
  if (!verdict) return trustedListWarning('TRUSTED_LIST_UNSIGNED', file, 'not checked');
  if (verdict.status !== 'valid') return trustedListWarning(CODE_OF[verdict.status], file, verdict.detail);
  const signer = verdict.signer;
  if (signer.notBefore.getTime() > now.getTime() || signer.notAfter.getTime() < now.getTime())
    return trustedListWarning(
      'TRUSTED_LIST_SIGNATURE_INVALID',
      file,
      `the signing certificate ${signer.subject} is valid only from ${signer.notBefore.toISOString()} to ${signer.notAfter.toISOString()}`,
    );
  if (list.nextUpdate && !(list.nextUpdate.getTime() > now.getTime()))
    return trustedListWarning('TRUSTED_LIST_EXPIRED', file, `NextUpdate ${isoOrInvalid(list.nextUpdate)}`);
  if (acceptance.dependsOnLotl) {
    const lotl = all.find((other) => other.file === acceptance.dependsOnLotl);
    const lotlProblem = lotl && listProblemAt(lotl, all, now);
    if (lotlProblem)
      return trustedListWarning(
        'TRUSTED_LIST_SIGNER_UNKNOWN',
        file,
        `${verdict.detail}, named only by the LOTL ${lotl.file}, which is not used (${lotlProblem.code})`,
      );
  }
  return undefined;
}

function isoOrInvalid(date: Date): string {
  return Number.isNaN(date.getTime()) ? 'not a date' : date.toISOString();
}

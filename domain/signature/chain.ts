/** Certification path from the signing certificate to a trust anchor (signatures checked at each step). */
import { isCa, isIssuedBy, isSelfIssued, type Certificate } from './certificates';
import type { TrustAnchor } from './trust-store';

export interface CertificationPath {
  /** Signing certificate first, anchor certificate last. */
  certificates: Certificate[];
  anchor?: TrustAnchor;
  /** Why no anchor was reached. */
  problem?: string;
}

const MAX_DEPTH = 8;

export function buildCertificationPath(
  signer: Certificate,
  intermediates: Certificate[],
  anchors: TrustAnchor[],
): CertificationPath {
  const path: Certificate[] = [signer];
  let current = signer;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    // An anchor may be the signing certificate itself or any CA on the way (trusted lists name issuing CAs).
    const anchor = anchors.find((candidate) => candidate.certificate.id === current.id);
    if (anchor) return { certificates: path, anchor };
    const issuedByAnchor = anchors.find((candidate) => isIssuedBy(current, candidate.certificate));
    if (issuedByAnchor)
      return { certificates: [...path, issuedByAnchor.certificate], anchor: issuedByAnchor };
    if (isSelfIssued(current)) break;
    const issuer = intermediates.find(
      (candidate) =>
        candidate.id !== current.id &&
        !path.some((c) => c.id === candidate.id) &&
        isCa(candidate) &&
        isIssuedBy(current, candidate),
    );
    if (!issuer) {
      return {
        certificates: path,
        problem: `no issuer certificate found for ${current.subject} (issuer ${current.issuer})`,
      };
    }
    path.push(issuer);
    current = issuer;
  }
  return { certificates: path, problem: `the chain ends at ${current.subject}, which is not a trust anchor` };
}

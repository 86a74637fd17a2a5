/**
 * A trusted list's own enveloped XAdES signature (TS 119 612 clause 5.7), checked the way EU DSS checks it: the
 * signature covers the whole list, its value verifies, its signed properties name the signing certificate, and that
 * certificate is one the parent names: the LOTL's pointer for a national list, the operator's certificates for the
 * LOTL. The hub's own XML-DSig pieces do the work (references, signed scope, signer binding).
 */
import type { Document } from '@xmldom/xmldom';
import { identifySigner } from '../binding';
import type { Certificate } from '../certificates';
import { checkReference, IdIndex } from '../references';
import { checkSignedScope } from '../signed-scope';
import { children, readSignature } from '../signature-structure';
import { canonicalSignedInfo, SIGNATURE_ALGORITHMS } from '../signature-value';
import { XMLDSIG_NS } from '../xml-names';

export type ListSignatureVerdict =
  | { status: 'valid'; signer: Certificate; detail: string }
  | { status: 'unsigned' | 'invalid' | 'signer-unknown'; signer?: Certificate; detail: string };

export function checkListSignature(document: Document, allowedSigners: Certificate[]): ListSignatureVerdict {
  const root = document.documentElement;
  const signatures = root ? children(root, XMLDSIG_NS, 'Signature') : [];
  if (signatures.length === 0) return { status: 'unsigned', detail: 'the list carries no ds:Signature' };
  if (signatures.length > 1)
    return { status: 'invalid', detail: `the list carries ${signatures.length} signatures, not one` };

  const structure = readSignature(signatures[0]);
  if (structure.defects.length) return { status: 'invalid', detail: structure.defects.join('; ') };
  // A list may leave its signing certificate out of KeyInfo; the allowed signers are then the candidates.
  structure.keyInfoCertificates.push(...allowedSigners.map((certificate) => certificate.der));

  const ids = new IdIndex(document);
  const outcomes = structure.references.map((reference) =>
    checkReference(reference, structure.element, document, ids),
  );
  const failedReference = outcomes.find((outcome) => outcome.status !== 'match');
  if (failedReference) return { status: 'invalid', detail: failedReference.detail };
  const scope = checkSignedScope(structure, document, outcomes, ids);
  if (!scope.passed) return { status: 'invalid', detail: scope.detail };

  const method = structure.signatureMethod ?? '';
  const signedInfo =
    structure.signedInfo && structure.canonicalizationMethod
      ? canonicalSignedInfo(
          structure.signedInfo,
          structure.canonicalizationMethod,
          structure.inclusivePrefixes,
        )
      : undefined;
  if (!SIGNATURE_ALGORITHMS[method] || !signedInfo)
    return {
      status: 'invalid',
      detail: `signature algorithm ${method} or canonicalization ${structure.canonicalizationMethod} is not supported`,
    };
  const signer = identifySigner(structure, signedInfo);
  if (!signer.signatureValueVerified || !signer.certificate)
    return { status: 'invalid', detail: signer.signatureValueDetail };
  if (!signer.bindingHolds) return { status: 'invalid', detail: signer.bindingDetail };

  const certificate = signer.certificate;
  if (allowedSigners.length === 0)
    return {
      status: 'signer-unknown',
      signer: certificate,
      detail: `signed by ${certificate.subject}, but no certificate is configured to check it against (no LOTL names this list, and no operator-given signer certificate)`,
    };
  if (!allowedSigners.some((allowed) => allowed.id === certificate.id))
    return {
      status: 'signer-unknown',
      signer: certificate,
      detail: `signed by ${certificate.subject}, which is not among the ${allowedSigners.length} certificate(s) allowed to sign it (${allowedSigners.map((c) => c.subject).join('; ')})`,
    };
  return { status: 'valid', signer: certificate, detail: `signed by ${certificate.subject}` };
}

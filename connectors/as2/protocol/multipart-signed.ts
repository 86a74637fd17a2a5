/**
 * A multipart/signed entity (RFC 1847, RFC 5751 §3.5): the first part is signed exactly as it stands, header block
 * included; the second is the detached CMS signature. Used for AS2 messages and for signed MDNs alike.
 */
import { As2Error } from './errors';
import type { CmsCertificate } from './certificates';
import {
  decodedBody,
  multipartParts,
  parseMimeEntity,
  withCanonicalHeaderBlock,
  type MimeEntity,
} from './mime';
import { verifySignedData, type VerifiedSignature } from './signed-data';

const SIGNATURE_TYPES = ['application/pkcs7-signature', 'application/x-pkcs7-signature'];

export interface VerifiedMultipartSigned {
  /** The first body part, as the signature covers it. */
  signedPart: MimeEntity;
  verification: VerifiedSignature;
  /**
   * True when the signature verified only once the signed part's header block was given CRLF line ends (its body
   * untouched): the bytes arrived with bare LF in the headers.
   */
  headerLineEndsRepaired: boolean;
}

export function splitMultipartSigned(entity: MimeEntity): { signedPart: MimeEntity; signature: Buffer } {
  const parts = multipartParts(entity);
  if (parts.length !== 2)
    throw new As2Error(
      'unexpected-processing-error',
      `A multipart/signed entity has exactly two parts; this one has ${parts.length}.`,
    );
  const [signedPart, signaturePart] = parts;
  if (!SIGNATURE_TYPES.includes(signaturePart.contentType.mediaType))
    throw new As2Error(
      'unexpected-processing-error',
      `The second part of the multipart/signed entity is ${signaturePart.contentType.mediaType}, not application/pkcs7-signature.`,
    );
  return { signedPart, signature: decodedBody(signaturePart) };
}

/** Verifies over the exact bytes received; only the header block of the signed part may be repaired (see above). */
export function verifyMultipartSigned(
  entity: MimeEntity,
  trusted: readonly CmsCertificate[],
  at?: Date,
): VerifiedMultipartSigned {
  const { signedPart, signature } = splitMultipartSigned(entity);
  const exact = signedPart.raw as Buffer; // a multipart part always keeps its raw bytes
  try {
    const verification = verifySignedData(signature, { trusted, at, detachedContent: exact });
    return { signedPart, verification, headerLineEndsRepaired: false };
  } catch (error) {
    const repaired =
      error instanceof As2Error && error.disposition === 'integrity-check-failed'
        ? withCanonicalHeaderBlock(exact)
        : undefined;
    if (!repaired) throw error;
    try {
      const verification = verifySignedData(signature, { trusted, at, detachedContent: repaired });
      return { signedPart: parseMimeEntity(repaired), verification, headerLineEndsRepaired: true };
    } catch {
      throw error; // the failure over the bytes as received is the one to report
    }
  }
}

/**
 * The CMS layer of AS2 in one place: EnvelopedData (RFC 5652 §6), SignedData (§5), CompressedData (RFC 3274).
 * Key material is read once (`readOwnIdentities`, `readCertificates`) and handed to the functions that need it.
 */
export {
  readCertificates,
  readOwnIdentities,
  type CmsCertificate,
  type OwnIdentity,
  type OwnKeyPair,
} from './certificates';
export { createCompressedData, decompressData, MAX_DECOMPRESSED_BYTES } from './compressed-data';
export {
  createEnvelopedData,
  decryptEnvelopedData,
  type Decryption,
  type EnvelopeOptions,
} from './enveloped-data';
export {
  createSignedData,
  verifySignedData,
  type SignatureVerificationOptions,
  type SigningOptions,
  type VerifiedSignature,
} from './signed-data';

/**
 * The part of a CMS SignedData check (RFC 5652 §5.4–5.6) that every CMS object the hub reads shares: find the signer's
 * certificate among those the object carries, check the messageDigest attribute against the content, and verify the
 * signature over the signed attributes. RFC 3161 tokens (./timestamp.ts) and the evidence package's CAdES signature
 * (domain/archive/evidence/) both go through it. Whether the signer is trusted is the caller's question.
 */
import { createHash, verify } from 'node:crypto';
import type { SignedData, SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate as AsnCertificate } from '@peculiar/asn1-x509';
import { certificateFromDer, type Certificate } from './certificates';
import { derTlv } from './der';

export const HASH_BY_OID: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SIGNATURE_HASH_BY_OID: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
export const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

export type SignerCheck =
  | { valid: true; signer: Certificate; certificates: Certificate[]; signerInfo: SignerInfo }
  | { valid: false; detail: string };

/**
 * Checks the first SignerInfo of `signedData` over `content` (the encapsulated content, or the detached one). `what`
 * names the object in messages ("the token"), `signer` its signer ("the TSA").
 */
export function checkCmsSigner(
  signedData: SignedData,
  content: Buffer,
  what: string,
  signer = "the signer's",
): SignerCheck {
  const certificates = (signedData.certificates ?? [])
    .map((choice) => choice.certificate)
    .filter((c): c is AsnCertificate => !!c)
    .map((c) => certificateFromDer(Buffer.from(AsnConvert.serialize(c))))
    .filter((c): c is Certificate => !!c);
  const signerInfo = signedData.signerInfos[0];
  if (!signerInfo) return { valid: false, detail: `${what} has no SignerInfo` };
  const sid = signerInfo.sid.issuerAndSerialNumber;
  const signerCertificate = certificates.find((certificate) => {
    if (sid) {
      const serial = Buffer.from(sid.serialNumber)
        .toString('hex')
        .replace(/^(00)+(?=.)/, '');
      return serial === certificate.serialNumberHex;
    }
    const keyId = signerInfo.sid.subjectKeyIdentifier;
    const ski = certificate.parsed.getExtension('2.5.29.14');
    return !!keyId && !!ski && Buffer.from(ski.value).includes(Buffer.from(keyId.buffer));
  });
  if (!signerCertificate) return { valid: false, detail: `${signer} certificate is not in ${what}` };

  const digestHash = HASH_BY_OID[signerInfo.digestAlgorithm.algorithm];
  if (!digestHash)
    return { valid: false, detail: `digest ${signerInfo.digestAlgorithm.algorithm} is not supported` };
  const attributes = signerInfo.signedAttrs;
  const messageDigest = attributes?.find((attribute) => attribute.attrType === ID_MESSAGE_DIGEST);
  if (!attributes || !messageDigest) return { valid: false, detail: `${what} has no signed attributes` };
  const declaredDigest = Buffer.from(messageDigest.attrValues[0] ?? new ArrayBuffer(0)).subarray(2);
  if (!createHash(digestHash).update(content).digest().equals(declaredDigest)) {
    return { valid: false, detail: `the content does not match the messageDigest attribute of ${what}` };
  }
  // The signature covers the signed attributes encoded as a SET OF (tag 0x31), in the order they were sent.
  const signedAttributes = derTlv(
    0x31,
    Buffer.concat(attributes.map((a) => Buffer.from(AsnConvert.serialize(a)))),
  );
  const signatureHash = SIGNATURE_HASH_BY_OID[signerInfo.signatureAlgorithm.algorithm] ?? digestHash;
  let verified = false;
  try {
    verified = verify(
      signatureHash,
      signedAttributes,
      signerCertificate.publicKey,
      Buffer.from(signerInfo.signature.buffer),
    );
  } catch {
    verified = false;
  }
  if (!verified) return { valid: false, detail: `${signer} signature on ${what} does not verify` };
  return { valid: true, signer: signerCertificate, certificates, signerInfo };
}

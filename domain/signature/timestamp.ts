/**
 * XAdES-T SignatureTimeStamp: an RFC 3161 token whose message imprint is the hash of the canonicalized
 * ds:SignatureValue element; its TSA signature is checked (CMS SignedData, signed attributes) and its genTime
 * becomes the proven signing time when the TSA chains to a trust anchor.
 */
import { createHash, verify } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { ContentInfo, id_signedData, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate as AsnCertificate } from '@peculiar/asn1-x509';
import { TSTInfo } from '@peculiar/asn1-tsp';
import { canonicalize, isCanonicalizationMethod } from './canonicalize';
import { certificateFromDer, type Certificate } from './certificates';
import { derTlv } from './der';
import type { TimeStampData } from './signature-structure';

export type TimeStampOutcome =
  | { valid: true; genTime: Date; tsa: Certificate; certificates: Certificate[]; detail: string }
  | { valid: false; detail: string };

const HASH_BY_OID: Record<string, string> = {
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
const ID_TST_INFO = '1.2.840.113549.1.9.16.1.4';
const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';

export function verifySignatureTimeStamp(
  timeStamp: TimeStampData,
  signatureValue: Element,
): TimeStampOutcome {
  if (!timeStamp.token) return { valid: false, detail: 'the EncapsulatedTimeStamp is missing or not base64' };
  const method = timeStamp.canonicalizationMethod;
  if (!isCanonicalizationMethod(method)) {
    return { valid: false, detail: `canonicalization ${method} is not supported` };
  }
  return verifyTimeStampToken(timeStamp.token, {
    what: 'the canonicalized ds:SignatureValue',
    digest: (hash) =>
      createHash(hash)
        .update(canonicalize({ apex: signatureValue, keepComments: true }, method), 'utf8')
        .digest(),
  });
}

/**
 * Checks an RFC 3161 token (a CMS SignedData carrying a TSTInfo) against what it should time-stamp: its message
 * imprint must be `imprint.digest` of that data under the token's own hash algorithm, and the TSA's signature over the
 * signed attributes must verify with the TSA certificate the token carries. Whether that TSA is trusted is the
 * caller's question.
 */
export function verifyTimeStampToken(
  token: Buffer,
  imprint: { what: string; digest: (nodeHash: string) => Buffer },
): TimeStampOutcome {
  try {
    const contentInfo = AsnConvert.parse(token, ContentInfo);
    if (contentInfo.contentType !== id_signedData)
      return { valid: false, detail: 'the token is not CMS SignedData' };
    const signedData = AsnConvert.parse(contentInfo.content, SignedData);
    const eContent = signedData.encapContentInfo.eContent?.single;
    if (signedData.encapContentInfo.eContentType !== ID_TST_INFO || !eContent) {
      return { valid: false, detail: 'the token does not carry a TSTInfo' };
    }
    const tstInfoBytes = Buffer.from(eContent.buffer);
    const tstInfo = AsnConvert.parse(tstInfoBytes, TSTInfo);
    const imprintHash = HASH_BY_OID[tstInfo.messageImprint.hashAlgorithm.algorithm];
    if (!imprintHash)
      return {
        valid: false,
        detail: `imprint hash ${tstInfo.messageImprint.hashAlgorithm.algorithm} is not supported`,
      };
    const expected = imprint.digest(imprintHash);
    if (!expected.equals(Buffer.from(tstInfo.messageImprint.hashedMessage.buffer))) {
      return { valid: false, detail: `the message imprint does not match ${imprint.what}` };
    }

    const certificates = (signedData.certificates ?? [])
      .map((choice) => choice.certificate)
      .filter((c): c is AsnCertificate => !!c)
      .map((c) => certificateFromDer(Buffer.from(AsnConvert.serialize(c))))
      .filter((c): c is Certificate => !!c);
    const signerInfo = signedData.signerInfos[0];
    if (!signerInfo) return { valid: false, detail: 'the token has no SignerInfo' };
    const sid = signerInfo.sid.issuerAndSerialNumber;
    const tsa = certificates.find((certificate) => {
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
    if (!tsa) return { valid: false, detail: 'the TSA certificate is not in the token' };

    const digestHash = HASH_BY_OID[signerInfo.digestAlgorithm.algorithm];
    if (!digestHash)
      return { valid: false, detail: `digest ${signerInfo.digestAlgorithm.algorithm} is not supported` };
    const attributes = signerInfo.signedAttrs;
    const messageDigest = attributes?.find((attribute) => attribute.attrType === ID_MESSAGE_DIGEST);
    if (!attributes || !messageDigest) return { valid: false, detail: 'the token has no signed attributes' };
    const declaredDigest = Buffer.from(messageDigest.attrValues[0] ?? new ArrayBuffer(0)).subarray(2);
    if (!createHash(digestHash).update(tstInfoBytes).digest().equals(declaredDigest)) {
      return { valid: false, detail: 'the token content does not match its messageDigest attribute' };
    }
    // The signature covers the signed attributes encoded as a SET OF (tag 0x31), in the order they were sent.
    const signedAttributes = derTlv(
      0x31,
      Buffer.concat(attributes.map((a) => Buffer.from(AsnConvert.serialize(a)))),
    );
    const signatureHash = SIGNATURE_HASH_BY_OID[signerInfo.signatureAlgorithm.algorithm] ?? digestHash;
    if (!verify(signatureHash, signedAttributes, tsa.publicKey, Buffer.from(signerInfo.signature.buffer))) {
      return { valid: false, detail: 'the TSA signature on the token does not verify' };
    }
    return {
      valid: true,
      genTime: tstInfo.genTime,
      tsa,
      certificates,
      detail: `RFC 3161 token from ${tsa.subject}, genTime ${tstInfo.genTime.toISOString()}`,
    };
  } catch (error) {
    return {
      valid: false,
      detail: `the token cannot be decoded: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

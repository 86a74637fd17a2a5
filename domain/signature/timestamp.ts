/**
 * XAdES-T SignatureTimeStamp: an RFC 3161 token whose message imprint is the hash of the canonicalized
 * ds:SignatureValue element; its TSA signature is checked (CMS SignedData, signed attributes) and its genTime
 * becomes the proven signing time when the TSA chains to a trust anchor.
 */
import { createHash } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { ContentInfo, id_signedData, SignedData } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { TSTInfo } from '@peculiar/asn1-tsp';
import { canonicalize, isCanonicalizationMethod } from './canonicalize';
import type { Certificate } from './certificates';
import { checkCmsSigner, HASH_BY_OID } from './cms';
import type { TimeStampData } from './signature-structure';

export type TimeStampOutcome =
  | { valid: true; genTime: Date; tsa: Certificate; certificates: Certificate[]; detail: string }
  | { valid: false; detail: string };

const ID_TST_INFO = '1.2.840.113549.1.9.16.1.4';

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

    const signed = checkCmsSigner(signedData, tstInfoBytes, 'the token', 'the TSA');
    if (!signed.valid) return { valid: false, detail: signed.detail };
    const { signer: tsa, certificates } = signed;
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

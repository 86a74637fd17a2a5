/**
 * CMS SignedData made by the hub's own keys (RFC 5652, RSA PKCS#1 v1.5 with SHA-256, signed attributes with the ESS
 * signing-certificate-v2 of RFC 5035): the local timestamp unit's RFC 3161 tokens (./timestamps.ts) encapsulate their
 * TSTInfo; the evidence package's CAdES signature (./evidence/) is detached over its manifest.
 */
import 'reflect-metadata';
import { createHash, sign, type KeyObject } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  ContentInfo,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  id_contentType,
  id_messageDigest,
  id_signedData,
  MessageDigest,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate as AsnCertificate } from '@peculiar/asn1-x509';
import { derOid, derSequence, derTlv } from '../signature/der';

export const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const ID_SIGNING_CERTIFICATE_V2 = '1.2.840.113549.1.9.16.2.47';
const ID_SIGNING_TIME = '1.2.840.113549.1.9.5';
export const ID_SIGNATURE_TIMESTAMP = '1.2.840.113549.1.9.16.2.14';
export const ID_DATA = '1.2.840.113549.1.7.1';

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();
export const arrayBufferOf = (bytes: Buffer): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

export interface CmsSigner {
  privateKey: KeyObject;
  certificateDer: Buffer;
}

export interface CmsContent {
  /** The content type OID (id-data for a detached signature over a file). */
  type: string;
  bytes: Buffer;
  /** Detached: the bytes are signed but not carried. */
  detached?: boolean;
  /** Adds the signing-time attribute. */
  signingTime?: Date;
}

/**
 * Signs `content`. The signature value is known at once; `finish` writes the DER ContentInfo, with unsigned
 * attributes that may depend on that value (a signature timestamp covers it, and may take a TSA's round trip).
 */
export function prepareCms(
  signer: CmsSigner,
  content: CmsContent,
): { signatureValue: Buffer; finish(unsigned?: Attribute[]): Buffer } {
  const certificate = AsnConvert.parse(signer.certificateDer, AsnCertificate);
  // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 ::= SEQUENCE { certHash } with
  // the default hash, SHA-256.
  const essCertId = derSequence([derSequence([derSequence([derTlv(0x04, sha256(signer.certificateDer))])])]);
  const attributes = sortedForDer([
    new Attribute({ attrType: id_contentType, attrValues: [arrayBufferOf(derOid(content.type))] }),
    new Attribute({
      attrType: id_messageDigest,
      attrValues: [AsnConvert.serialize(new MessageDigest(sha256(content.bytes)))],
    }),
    new Attribute({ attrType: ID_SIGNING_CERTIFICATE_V2, attrValues: [arrayBufferOf(essCertId)] }),
    ...(content.signingTime
      ? [
          new Attribute({
            attrType: ID_SIGNING_TIME,
            attrValues: [arrayBufferOf(utcTime(content.signingTime))],
          }),
        ]
      : []),
  ]);
  const signedAttributes = derTlv(
    0x31,
    Buffer.concat(attributes.map((a) => Buffer.from(AsnConvert.serialize(a)))),
  );
  const signatureValue = sign('sha256', signedAttributes, signer.privateKey);
  const digestAlgorithm = new DigestAlgorithmIdentifier({ algorithm: SHA256_OID, parameters: null });
  const finish = (unsigned?: Attribute[]) => {
    const signedData = new SignedData({
      version: CMSVersion.v3,
      digestAlgorithms: new DigestAlgorithmIdentifiers([digestAlgorithm]),
      encapContentInfo: new EncapsulatedContentInfo({
        eContentType: content.type,
        eContent: content.detached
          ? undefined
          : new EncapsulatedContent({ single: new OctetString(content.bytes) }),
      }),
      certificates: new CertificateSet([new CertificateChoices({ certificate })]),
      signerInfos: new SignerInfos([
        new SignerInfo({
          version: CMSVersion.v1,
          sid: new SignerIdentifier({
            issuerAndSerialNumber: new IssuerAndSerialNumber({
              issuer: certificate.tbsCertificate.issuer,
              serialNumber: certificate.tbsCertificate.serialNumber,
            }),
          }),
          digestAlgorithm,
          signedAttrs: attributes,
          signatureAlgorithm: new AlgorithmIdentifier({ algorithm: RSA_ENCRYPTION, parameters: null }),
          signature: new OctetString(signatureValue),
          unsignedAttrs: unsigned?.length ? unsigned : undefined,
        }),
      ]),
    });
    return Buffer.from(
      AsnConvert.serialize(
        new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) }),
      ),
    );
  };
  return { signatureValue, finish };
}

/** Signs `content` and returns the DER ContentInfo. */
export function signCms(signer: CmsSigner, content: CmsContent): Buffer {
  return prepareCms(signer, content).finish();
}

/** The signature-time-stamp unsigned attribute (RFC 3126 / CAdES-T): an RFC 3161 token over the signature value. */
export function signatureTimeStampAttribute(token: Buffer): Attribute {
  return new Attribute({ attrType: ID_SIGNATURE_TIMESTAMP, attrValues: [arrayBufferOf(token)] });
}

/** DER orders the members of a SET OF by their encodings (X.690 §11.6). */
function sortedForDer(attributes: Attribute[]): Attribute[] {
  return attributes
    .map((attribute) => ({ attribute, der: Buffer.from(AsnConvert.serialize(attribute)) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map(({ attribute }) => attribute);
}

/** UTCTime YYMMDDHHMMSSZ (RFC 5652 §11.3: dates before 2050). */
function utcTime(at: Date): Buffer {
  const text = at.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
  return derTlv(0x17, Buffer.from(text, 'ascii'));
}

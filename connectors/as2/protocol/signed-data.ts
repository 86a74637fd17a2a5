/**
 * CMS SignedData (RFC 5652 §5): verifying a partner's signature, detached (multipart/signed) or enveloping
 * (application/pkcs7-mime; smime-type=signed-data), and signing our own MDNs.
 *
 * Only the partner's configured certificates are trusted; certificates carried inside the SignedData are used to
 * describe an unknown signer, never to verify. A partner may have two valid certificates during a rollover
 * (OpenAS2 PR #612, django-pyas2 #123): the signer is matched by issuer + serial or SKI, else every valid
 * certificate is tried.
 */
import 'reflect-metadata';
import { constants, createHash, publicDecrypt, sign, verify, type KeyObject } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  CMSVersion,
  DigestAlgorithmIdentifier,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  id_contentType,
  id_data,
  id_messageDigest,
  id_signedData,
  id_signingTime,
  MessageDigest,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  SigningTime,
} from '@peculiar/asn1-cms';
import { AsnConvert, AsnProp, AsnPropTypes, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate as AsnCertificate } from '@peculiar/asn1-x509';
import { derOid, derTlv } from '../../../domain/signature/der';
import {
  DIGEST_ALGORITHMS,
  digestByMic,
  digestByOid,
  OID,
  type DigestAlgorithm,
  type MicAlgorithm,
  type SignatureScheme,
} from './algorithms';
import {
  cmsCertificate,
  describeCertificate,
  describeIdentifier,
  isIdentifiedBy,
  issuerAndSerialOf,
  isValidAt,
  readOwnIdentities,
  type CmsCertificate,
  type OwnKeyPair,
} from './certificates';
import { contentInfoDer, encapsulatedOctets, parseCms, readContentInfo } from './content-info';
import { As2Error } from './errors';

/**
 * RFC 4055 §3.1, explicitly tagged:
 *   RSASSA-PSS-params ::= SEQUENCE {
 *     hashAlgorithm    [0] HashAlgorithm DEFAULT sha1,
 *     maskGenAlgorithm [1] MaskGenAlgorithm DEFAULT mgf1SHA1,
 *     saltLength       [2] INTEGER DEFAULT 20,
 *     trailerField     [3] TrailerField DEFAULT trailerFieldBC }
 */
export class RsassaPssParams {
  hashAlgorithm?: AlgorithmIdentifier;
  maskGenAlgorithm?: AlgorithmIdentifier;
  saltLength?: number;
  trailerField?: number;

  constructor(params: Partial<RsassaPssParams> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AlgorithmIdentifier, context: 0, optional: true })(
  RsassaPssParams.prototype,
  'hashAlgorithm',
);
AsnProp({ type: AlgorithmIdentifier, context: 1, optional: true })(
  RsassaPssParams.prototype,
  'maskGenAlgorithm',
);
AsnProp({ type: AsnPropTypes.Integer, context: 2, optional: true })(RsassaPssParams.prototype, 'saltLength');
AsnProp({ type: AsnPropTypes.Integer, context: 3, optional: true })(
  RsassaPssParams.prototype,
  'trailerField',
);
AsnType({ type: AsnTypeTypes.Sequence })(RsassaPssParams);

export interface VerifiedSignature {
  signer: CmsCertificate;
  digest: DigestAlgorithm;
  scheme: SignatureScheme;
  /** The content the signature covers: the detached content given, or the encapsulated one. */
  content: Buffer;
}

export interface SignatureVerificationOptions {
  /** The partner's certificates; only those valid at `at` count. */
  trusted: readonly CmsCertificate[];
  /** Default now. */
  at?: Date;
  /** For a detached signature (multipart/signed): the exact bytes of the first body part. */
  detachedContent?: Buffer;
}

export function verifySignedData(ber: Buffer, options: SignatureVerificationOptions): VerifiedSignature {
  const info = readContentInfo(ber, 'The signature');
  if (info.contentType !== id_signedData)
    throw new As2Error(
      'unexpected-processing-error',
      `Expected CMS SignedData (${id_signedData}), found content type ${info.contentType}.`,
    );
  const signed = parseCms(info.content, SignedData, 'The SignedData');
  const eContent = signed.encapContentInfo.eContent;
  const content = options.detachedContent ?? (eContent ? encapsulatedOctets(eContent) : undefined);
  if (!content)
    throw new As2Error(
      'unexpected-processing-error',
      'The SignedData is detached but no signed content came with it.',
    );
  const at = options.at ?? new Date();
  const valid = options.trusted.filter((certificate) => isValidAt(certificate, at));
  if (valid.length === 0)
    throw new As2Error(
      'authentication-failed',
      options.trusted.length === 0
        ? 'No partner certificate is configured to verify the signature with.'
        : `None of the partner's certificates is valid on ${at.toISOString()}: ${options.trusted.map(validity).join('; ')}.`,
    );
  if (signed.signerInfos.length === 0)
    throw new As2Error('authentication-failed', 'The SignedData has no signer.');
  let firstFailure: As2Error | undefined;
  for (const signerInfo of signed.signerInfos) {
    try {
      return verifySigner(signerInfo, signed, content, valid);
    } catch (error) {
      if (!(error instanceof As2Error)) throw error;
      firstFailure ??= error;
    }
  }
  throw firstFailure as As2Error;
}

function verifySigner(
  signerInfo: SignerInfo,
  signed: SignedData,
  content: Buffer,
  valid: readonly CmsCertificate[],
): VerifiedSignature {
  const digest = digestByOid(signerInfo.digestAlgorithm.algorithm);
  if (!digest)
    throw new As2Error(
      'unexpected-processing-error',
      `Unsupported signature digest ${signerInfo.digestAlgorithm.algorithm}; supported: SHA-1, SHA-256, SHA-384, SHA-512.`,
    );
  const scheme = signatureSchemeOf(signerInfo.signatureAlgorithm, digest);
  const named = valid.filter((certificate) => isIdentifiedBy(certificate, signerInfo.sid));
  const candidates = named.length > 0 ? named : valid;
  const attributes = signerInfo.signedAttrs;
  const signedBytes = attributes ? signedAttributesDer(attributes) : content;
  const signature = Buffer.from(signerInfo.signature.buffer);
  const signer = candidates.find((certificate) =>
    signatureVerifies(signedBytes, signature, certificate.publicKey, digest, scheme),
  );
  if (!signer) {
    // Without signed attributes the signature covers the content itself: if a partner key opens the PKCS#1
    // signature block, that partner signed, and what changed is the content.
    if (
      !attributes &&
      scheme.kind === 'rsa-pkcs1-v1_5' &&
      candidates.some((c) => opensSignature(c.publicKey, signature))
    )
      throw new As2Error(
        'integrity-check-failed',
        `The content does not match the partner's signature (${digest.mic}, no signed attributes): it was changed after signing.`,
      );
    throw new As2Error(
      'authentication-failed',
      named.length > 0
        ? `The signature does not verify with the partner certificate ${named.map(describeCertificate).join('; ')}.`
        : `The message is signed by ${describeSigner(signerInfo, signed)}, which is none of the partner's valid certificates (${valid.map(describeCertificate).join('; ')}).`,
    );
  }
  if (attributes) checkSignedAttributes(attributes, signed.encapContentInfo.eContentType, content, digest);
  return { signer, digest, scheme: scheme.kind, content };
}

function checkSignedAttributes(
  attributes: readonly Attribute[],
  contentType: string,
  content: Buffer,
  digest: DigestAlgorithm,
): void {
  const single = (type: string): ArrayBuffer | undefined => {
    const found = attributes.filter((attribute) => attribute.attrType === type);
    if (found.length !== 1 || found[0].attrValues.length !== 1) return undefined;
    return found[0].attrValues[0];
  };
  const typeValue = single(id_contentType);
  if (!typeValue || !Buffer.from(typeValue).equals(derOid(contentType)))
    throw new As2Error(
      'integrity-check-failed',
      `The signed content-type attribute is ${typeValue ? 'not' : 'absent, not'} the content type ${contentType}.`,
    );
  const digestValue = single(id_messageDigest);
  if (!digestValue)
    throw new As2Error('integrity-check-failed', 'The signed attributes have no single messageDigest.');
  const signedDigest = Buffer.from(AsnConvert.parse(digestValue, OctetString).buffer);
  const actual = createHash(digest.node).update(content).digest();
  if (!signedDigest.equals(actual))
    throw new As2Error(
      'integrity-check-failed',
      `The content's ${digest.mic} digest ${actual.toString('base64')} does not match the signed messageDigest ${signedDigest.toString('base64')}: the content was changed after signing.`,
    );
}

/** RFC 5652 §5.4: the signature covers the DER SET OF the attributes (tag 0x31), not their [0] IMPLICIT form. */
function signedAttributesDer(attributes: readonly Attribute[]): Buffer {
  return derTlv(
    0x31,
    Buffer.concat(attributes.map((attribute) => Buffer.from(AsnConvert.serialize(attribute)))),
  );
}

type Scheme = { kind: 'rsa-pkcs1-v1_5' } | { kind: 'rsassa-pss'; saltLength: number };

function signatureSchemeOf(identifier: AlgorithmIdentifier, digest: DigestAlgorithm): Scheme {
  const oid = identifier.algorithm;
  if (oid === OID.rsaEncryption || DIGEST_ALGORITHMS.some((d) => d.rsaSignatureOid === oid))
    return { kind: 'rsa-pkcs1-v1_5' };
  if (oid === OID.rsassaPss) {
    const params = identifier.parameters
      ? parseCms(identifier.parameters, RsassaPssParams, 'The RSASSA-PSS parameters')
      : new RsassaPssParams();
    const hash = params.hashAlgorithm ? digestByOid(params.hashAlgorithm.algorithm) : digestByMic('sha1');
    const mgf = params.maskGenAlgorithm;
    const mgfHash = !mgf
      ? digestByMic('sha1')
      : mgf.algorithm === OID.mgf1 && mgf.parameters
        ? digestByOid(parseCms(mgf.parameters, AlgorithmIdentifier, 'The MGF1 hash').algorithm)
        : undefined;
    // Node's PSS uses the signature digest for MGF1 as well.
    if (hash === digest && mgfHash === digest && (params.trailerField ?? 1) === 1)
      return { kind: 'rsassa-pss', saltLength: params.saltLength ?? 20 };
    throw new As2Error(
      'unexpected-processing-error',
      'Unsupported RSASSA-PSS parameters: the PSS hash and the MGF1 hash must both be the signer digest.',
    );
  }
  throw new As2Error(
    'unexpected-processing-error',
    `Unsupported signature algorithm ${oid}; supported: RSA PKCS#1 v1.5 and RSASSA-PSS.`,
  );
}

function signatureVerifies(
  data: Buffer,
  signature: Buffer,
  key: KeyObject,
  digest: DigestAlgorithm,
  scheme: Scheme,
): boolean {
  try {
    return scheme.kind === 'rsassa-pss'
      ? verify(
          digest.node,
          data,
          { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength },
          signature,
        )
      : verify(digest.node, data, key, signature);
  } catch {
    return false; // e.g. a key that is not RSA
  }
}

function opensSignature(key: KeyObject, signature: Buffer): boolean {
  try {
    publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
    return true;
  } catch {
    return false;
  }
}

function describeSigner(signerInfo: SignerInfo, signed: SignedData): string {
  for (const choice of signed.certificates ?? []) {
    if (!choice.certificate) continue;
    try {
      const carried = cmsCertificate(
        Buffer.from(AsnConvert.serialize(choice.certificate)),
        'A carried certificate',
      );
      if (isIdentifiedBy(carried, signerInfo.sid)) return describeCertificate(carried);
    } catch {
      // an unreadable carried certificate only costs the description
    }
  }
  return describeIdentifier(signerInfo.sid);
}

function validity(certificate: CmsCertificate): string {
  return `${describeCertificate(certificate)} valid ${certificate.notBefore.toISOString()} to ${certificate.notAfter.toISOString()}`;
}

export interface SigningOptions extends OwnKeyPair {
  digest: MicAlgorithm;
  /** Default RSA PKCS#1 v1.5: what every AS2 peer verifies. */
  scheme?: SignatureScheme;
  /** Default true. Without them the signature covers the content directly (some old peers send that). */
  signedAttributes?: boolean;
  /** false: the content travels inside the SignedData (smime-type=signed-data). Default true. */
  detached?: boolean;
  signingTime?: Date;
}

export function createSignedData(content: Buffer, options: SigningOptions): Buffer {
  const [{ certificate, privateKey }] = readOwnIdentities([options]);
  const digest = digestByMic(options.digest);
  const scheme = options.scheme ?? 'rsa-pkcs1-v1_5';
  const attributes =
    options.signedAttributes === false
      ? undefined
      : sortedForDer([
          new Attribute({ attrType: id_contentType, attrValues: [arrayBufferOf(derOid(id_data))] }),
          new Attribute({
            attrType: id_signingTime,
            attrValues: [AsnConvert.serialize(new SigningTime(options.signingTime ?? new Date()))],
          }),
          new Attribute({
            attrType: id_messageDigest,
            attrValues: [
              AsnConvert.serialize(new MessageDigest(createHash(digest.node).update(content).digest())),
            ],
          }),
        ]);
  const toSign = attributes ? signedAttributesDer(attributes) : content;
  const saltLength = createHash(digest.node).digest().length;
  const signature =
    scheme === 'rsassa-pss'
      ? sign(digest.node, toSign, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength })
      : sign(digest.node, toSign, privateKey);
  const digestIdentifier = new DigestAlgorithmIdentifier({ algorithm: digest.oid });
  const tbs = AsnConvert.parse(certificate.der, AsnCertificate);
  return contentInfoDer(
    id_signedData,
    new SignedData({
      version: CMSVersion.v1,
      digestAlgorithms: new DigestAlgorithmIdentifiers([digestIdentifier]),
      encapContentInfo: new EncapsulatedContentInfo({
        eContentType: id_data,
        eContent:
          options.detached === false
            ? new EncapsulatedContent({ single: new OctetString(content) })
            : undefined,
      }),
      certificates: new CertificateSet([new CertificateChoices({ certificate: tbs })]),
      signerInfos: new SignerInfos([
        new SignerInfo({
          version: CMSVersion.v1,
          sid: new SignerIdentifier({ issuerAndSerialNumber: issuerAndSerialOf(certificate) }),
          digestAlgorithm: digestIdentifier,
          signedAttrs: attributes,
          signatureAlgorithm: signatureIdentifier(scheme, digest, saltLength),
          signature: new OctetString(signature),
        }),
      ]),
    }),
  );
}

function signatureIdentifier(
  scheme: SignatureScheme,
  digest: DigestAlgorithm,
  saltLength: number,
): AlgorithmIdentifier {
  if (scheme === 'rsa-pkcs1-v1_5')
    return new AlgorithmIdentifier({ algorithm: OID.rsaEncryption, parameters: null });
  const hash = new AlgorithmIdentifier({ algorithm: digest.oid, parameters: null });
  const params = new RsassaPssParams({
    hashAlgorithm: hash,
    maskGenAlgorithm: new AlgorithmIdentifier({
      algorithm: OID.mgf1,
      parameters: AsnConvert.serialize(hash),
    }),
    saltLength,
  });
  return new AlgorithmIdentifier({ algorithm: OID.rsassaPss, parameters: AsnConvert.serialize(params) });
}

/** DER orders the members of a SET OF by their encodings (X.690 §11.6). */
function sortedForDer(attributes: Attribute[]): Attribute[] {
  return attributes
    .map((attribute) => ({ attribute, der: Buffer.from(AsnConvert.serialize(attribute)) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map(({ attribute }) => attribute);
}

function arrayBufferOf(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

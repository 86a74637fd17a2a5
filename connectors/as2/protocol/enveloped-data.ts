/**
 * CMS EnvelopedData (RFC 5652 §6) with RSA key transport: the AS2 encryption layer.
 *
 * Node 20 refuses RSA PKCS#1 v1.5 private decryption (CVE-2023-46809 hardening), and that is what nearly every AS2
 * peer sends, so the content-encryption key is decrypted as raw RSA and its padding checked here (in a way that
 * does not tell a bad padding from a wrong key); OAEP goes through Node's crypto. The content cipher (3DES or AES in
 * CBC mode) is Node's.
 */
import 'reflect-metadata';
import {
  constants,
  createCipheriv,
  createDecipheriv,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';
import {
  CMSVersion,
  EncryptedContent,
  EncryptedContentInfo,
  EnvelopedData,
  id_data,
  id_envelopedData,
  KeyTransRecipientInfo,
  RecipientIdentifier,
  RecipientInfo,
  RecipientInfos,
  type KeyEncryptionAlgorithmIdentifier,
} from '@peculiar/asn1-cms';
import { AsnConvert, AsnProp, AsnType, AsnTypeTypes, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier } from '@peculiar/asn1-x509';
import {
  contentEncryptionByName,
  contentEncryptionByOid,
  digestByMic,
  digestByOid,
  OID,
  UNSUPPORTED_CONTENT_ENCRYPTION,
  type ContentEncryption,
  type KeyTransport,
  type MicAlgorithm,
} from './algorithms';
import {
  describeCertificate,
  describeIdentifier,
  isIdentifiedBy,
  issuerAndSerialOf,
  type CmsCertificate,
  type OwnIdentity,
} from './certificates';
import { contentInfoDer, parseCms, readContentInfo } from './content-info';
import { As2Error, reasonOf } from './errors';

/**
 * RFC 4055 §4.1, explicitly tagged:
 *   RSAES-OAEP-params ::= SEQUENCE {
 *     hashFunc    [0] AlgorithmIdentifier DEFAULT sha1Identifier,
 *     maskGenFunc [1] AlgorithmIdentifier DEFAULT mgf1SHA1Identifier,
 *     pSourceFunc [2] AlgorithmIdentifier DEFAULT pSpecifiedEmptyIdentifier }
 */
export class RsaesOaepParams {
  hashFunc?: AlgorithmIdentifier;
  maskGenFunc?: AlgorithmIdentifier;
  pSourceFunc?: AlgorithmIdentifier;

  constructor(params: Partial<RsaesOaepParams> = {}) {
    Object.assign(this, params);
  }
}
AsnProp({ type: AlgorithmIdentifier, context: 0, optional: true })(RsaesOaepParams.prototype, 'hashFunc');
AsnProp({ type: AlgorithmIdentifier, context: 1, optional: true })(RsaesOaepParams.prototype, 'maskGenFunc');
AsnProp({ type: AlgorithmIdentifier, context: 2, optional: true })(RsaesOaepParams.prototype, 'pSourceFunc');
AsnType({ type: AsnTypeTypes.Sequence })(RsaesOaepParams);

export interface Decryption {
  content: Buffer;
  contentEncryption: ContentEncryption;
  keyTransport: KeyTransport;
  /** Which of our certificates the message was encrypted for. */
  recipient: CmsCertificate;
}

/** Decrypts for whichever of our identities the sender chose (named by issuer + serial, or SKI). */
export function decryptEnvelopedData(ber: Buffer, own: readonly OwnIdentity[]): Decryption {
  const info = readContentInfo(ber, 'The enveloped-data body');
  if (info.contentType !== id_envelopedData)
    throw new As2Error(
      'unexpected-processing-error',
      `Expected CMS EnvelopedData (${id_envelopedData}), found content type ${info.contentType}.`,
    );
  const enveloped = parseCms(info.content, EnvelopedData, 'The EnvelopedData');
  const { algorithm, iv } = contentCipherOf(enveloped.encryptedContentInfo);
  const keyTransports = enveloped.recipientInfos
    .map((recipient) => recipient.ktri)
    .filter((ktri): ktri is KeyTransRecipientInfo => ktri !== undefined);
  if (keyTransports.length === 0)
    throw new As2Error(
      'unexpected-processing-error',
      'The message is encrypted for recipients without RSA key transport (key agreement, KEK or password); only RSA key transport is supported.',
    );
  const chosen = keyTransports
    .flatMap((ktri) => own.map((identity) => ({ ktri, identity })))
    .find(({ ktri, identity }) => isIdentifiedBy(identity.certificate, ktri.rid));
  if (!chosen)
    throw new As2Error(
      'decryption-failed',
      `The message is encrypted for ${keyTransports.map((ktri) => describeIdentifier(ktri.rid)).join('; ')}, ` +
        `none of which is our certificate (${own.map((identity) => describeCertificate(identity.certificate)).join('; ') || 'none configured'}).`,
    );
  const keyTransport = keyTransportOf(chosen.ktri.keyEncryptionAlgorithm);
  const key = unwrapKey(
    Buffer.from(chosen.ktri.encryptedKey.buffer),
    chosen.identity.privateKey,
    keyTransport,
    algorithm.keyLength,
  );
  const encrypted = encryptedBytes(enveloped.encryptedContentInfo.encryptedContent);
  let content: Buffer;
  try {
    const decipher = createDecipheriv(algorithm.name, key, iv);
    content = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch {
    // Deliberately the same words whether the key or the content was wrong (RFC 3218 §2.3.2).
    throw new As2Error(
      'decryption-failed',
      `The content cannot be decrypted with the key of ${describeCertificate(chosen.identity.certificate)} (${algorithm.name}): wrong key or corrupted message.`,
    );
  }
  return { content, contentEncryption: algorithm.name, keyTransport, recipient: chosen.identity.certificate };
}

export interface EnvelopeOptions {
  /** Default AES-256-CBC. */
  contentEncryption?: ContentEncryption;
  /** Default RSA PKCS#1 v1.5: what every AS2 peer reads (pyas2lib cannot read OAEP-only messages). */
  keyTransport?: KeyTransport;
}

export function createEnvelopedData(
  content: Buffer,
  recipients: readonly CmsCertificate[],
  options: EnvelopeOptions = {},
): Buffer {
  const algorithm = contentEncryptionByName(options.contentEncryption ?? 'aes-256-cbc');
  const keyTransport = options.keyTransport ?? 'rsa-pkcs1-v1_5';
  const key = randomBytes(algorithm.keyLength);
  const iv = randomBytes(algorithm.ivLength);
  const cipher = createCipheriv(algorithm.name, key, iv);
  const encrypted = Buffer.concat([cipher.update(content), cipher.final()]);
  const recipientInfos = new RecipientInfos(
    recipients.map(
      (recipient) =>
        new RecipientInfo({
          ktri: new KeyTransRecipientInfo({
            version: CMSVersion.v0,
            rid: new RecipientIdentifier({ issuerAndSerialNumber: issuerAndSerialOf(recipient) }),
            keyEncryptionAlgorithm: keyTransportIdentifier(keyTransport),
            encryptedKey: new OctetString(wrapKey(key, recipient, keyTransport)),
          }),
        }),
    ),
  );
  return contentInfoDer(
    id_envelopedData,
    new EnvelopedData({
      version: CMSVersion.v0,
      recipientInfos,
      encryptedContentInfo: new EncryptedContentInfo({
        contentType: id_data,
        contentEncryptionAlgorithm: new AlgorithmIdentifier({
          algorithm: algorithm.oid,
          parameters: AsnConvert.serialize(new OctetString(iv)),
        }),
        encryptedContent: new EncryptedContent({ value: new OctetString(encrypted) }),
      }),
    }),
  );
}

function contentCipherOf(info: EncryptedContentInfo) {
  const oid = info.contentEncryptionAlgorithm.algorithm;
  const algorithm = contentEncryptionByOid(oid);
  if (!algorithm)
    throw new As2Error(
      'unexpected-processing-error',
      `Unsupported content encryption ${UNSUPPORTED_CONTENT_ENCRYPTION[oid] ?? 'algorithm'} (${oid}); supported: 3DES-CBC, AES-128/192/256-CBC.`,
    );
  const parameters = info.contentEncryptionAlgorithm.parameters;
  const iv = parameters
    ? Buffer.from(parseCms(parameters, OctetString, 'The content encryption IV').buffer)
    : undefined;
  if (!iv || iv.length !== algorithm.ivLength)
    throw new As2Error(
      'unexpected-processing-error',
      `The ${algorithm.name} parameters do not hold a ${algorithm.ivLength}-byte IV.`,
    );
  return { algorithm, iv };
}

function encryptedBytes(content: EncryptedContent | undefined): Buffer {
  if (content?.value) return Buffer.from(content.value.buffer);
  if (content?.constructedValue)
    return Buffer.concat(content.constructedValue.map((chunk) => Buffer.from(chunk.buffer)));
  throw new As2Error(
    'unexpected-processing-error',
    'The EnvelopedData carries no encrypted content (detached).',
  );
}

function keyTransportOf(identifier: KeyEncryptionAlgorithmIdentifier): KeyTransport {
  if (identifier.algorithm === OID.rsaEncryption) return 'rsa-pkcs1-v1_5';
  if (identifier.algorithm !== OID.rsaesOaep)
    throw new As2Error(
      'unexpected-processing-error',
      `Unsupported key transport ${identifier.algorithm}; supported: RSA PKCS#1 v1.5 and RSAES-OAEP.`,
    );
  const params = identifier.parameters
    ? parseCms(identifier.parameters, RsaesOaepParams, 'The RSAES-OAEP parameters')
    : new RsaesOaepParams();
  const hash = params.hashFunc ? digestByOid(params.hashFunc.algorithm) : digestByMic('sha1');
  const mgfHash = params.maskGenFunc
    ? params.maskGenFunc.algorithm === OID.mgf1 && params.maskGenFunc.parameters
      ? digestByOid(parseCms(params.maskGenFunc.parameters, AlgorithmIdentifier, 'The MGF1 hash').algorithm)
      : undefined
    : digestByMic('sha1');
  const emptyLabel =
    !params.pSourceFunc ||
    (params.pSourceFunc.algorithm === OID.pSpecified &&
      (!params.pSourceFunc.parameters ||
        parseCms(params.pSourceFunc.parameters, OctetString, 'The OAEP label').byteLength === 0));
  // Node's OAEP uses one hash for both the label and MGF1, and no label.
  if (!hash || !mgfHash || hash !== mgfHash || !emptyLabel)
    throw new As2Error(
      'unexpected-processing-error',
      'Unsupported RSAES-OAEP parameters: the OAEP hash and the MGF1 hash must be the same SHA-1/SHA-2 digest, with an empty label.',
    );
  return `rsa-oaep-${hash.node}`;
}

function keyTransportIdentifier(keyTransport: KeyTransport): AlgorithmIdentifier {
  if (keyTransport === 'rsa-pkcs1-v1_5')
    return new AlgorithmIdentifier({ algorithm: OID.rsaEncryption, parameters: null });
  const hash = digestOfOaep(keyTransport);
  const hashIdentifier = new AlgorithmIdentifier({ algorithm: hash.oid, parameters: null });
  // RFC 4055: the all-default (SHA-1) parameters are an empty SEQUENCE.
  const params =
    hash.mic === 'sha1'
      ? new RsaesOaepParams()
      : new RsaesOaepParams({
          hashFunc: hashIdentifier,
          maskGenFunc: new AlgorithmIdentifier({
            algorithm: OID.mgf1,
            parameters: AsnConvert.serialize(hashIdentifier),
          }),
        });
  return new AlgorithmIdentifier({ algorithm: OID.rsaesOaep, parameters: AsnConvert.serialize(params) });
}

function digestOfOaep(keyTransport: Exclude<KeyTransport, 'rsa-pkcs1-v1_5'>) {
  const byNode: Record<typeof keyTransport, MicAlgorithm> = {
    'rsa-oaep-sha1': 'sha1',
    'rsa-oaep-sha256': 'sha-256',
    'rsa-oaep-sha384': 'sha-384',
    'rsa-oaep-sha512': 'sha-512',
  };
  return digestByMic(byNode[keyTransport]);
}

function wrapKey(key: Buffer, recipient: CmsCertificate, keyTransport: KeyTransport): Buffer {
  return keyTransport === 'rsa-pkcs1-v1_5'
    ? publicEncrypt({ key: recipient.publicKey, padding: constants.RSA_PKCS1_PADDING }, key)
    : publicEncrypt(
        {
          key: recipient.publicKey,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: digestOfOaep(keyTransport).node,
        },
        key,
      );
}

function unwrapKey(
  encryptedKey: Buffer,
  privateKey: KeyObject,
  keyTransport: KeyTransport,
  keyLength: number,
): Buffer {
  if (keyTransport !== 'rsa-pkcs1-v1_5') {
    try {
      return privateDecrypt(
        {
          key: privateKey,
          padding: constants.RSA_PKCS1_OAEP_PADDING,
          oaepHash: digestOfOaep(keyTransport).node,
        },
        encryptedKey,
      );
    } catch (error) {
      throw new As2Error(
        'decryption-failed',
        `The content-encryption key cannot be unwrapped (OAEP): ${reasonOf(error)}`,
      );
    }
  }
  // RFC 3218 §2.3.2 (Bleichenbacher): a bad PKCS#1 v1.5 padding must not be told apart from a wrong content key,
  // so a failed unwrap continues with a random key and fails where a wrong key would, at the content.
  let block: Buffer;
  try {
    // Raw RSA (OpenSSL, fast) and the padding checked here: Node refuses RSA_PKCS1_PADDING for decryption.
    block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, encryptedKey);
  } catch {
    return randomBytes(keyLength);
  }
  return unpadKeyBlock(block, keyLength) ?? randomBytes(keyLength);
}

/**
 * EME-PKCS1-v1_5 decoding (RFC 8017 §7.2.2) of a block that must carry a key of exactly `keyLength` bytes:
 * 0x00 0x02, at least eight non-zero padding bytes, 0x00, the key. Every byte is looked at whatever it holds, so
 * how long the check takes does not say where the padding went wrong.
 */
export function unpadKeyBlock(block: Buffer, keyLength: number): Buffer | undefined {
  const separator = block.length - keyLength - 1;
  if (separator < 10) return undefined; // the block is too short for any padding: a property of the key, not secret
  let bad = block[0] | (block[1] ^ 0x02) | block[separator];
  for (let i = 2; i < separator; i++) bad |= ((block[i] - 1) >> 8) & 1; // 1 when the padding byte is zero
  return bad === 0 ? Buffer.from(block.subarray(separator + 1)) : undefined;
}

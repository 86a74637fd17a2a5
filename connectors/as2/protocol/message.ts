/**
 * Opening an inbound AS2 message (RFC 4130): peel its layers in whatever order the sender wrapped them
 * (encrypted, signed, compressed, nested any way), check what the agreement requires, and compute the MIC the MDN
 * must return. Nothing is stored and nothing is answered here: the gateway does both.
 */
import { id_envelopedData, id_signedData } from '@peculiar/asn1-cms';
import {
  OID,
  type ContentEncryption,
  type KeyTransport,
  type MicAlgorithm,
  type SignatureScheme,
} from './algorithms';
import {
  readCertificates,
  readOwnIdentities,
  type CmsCertificate,
  type OwnIdentity,
  type OwnKeyPair,
} from './certificates';
import { decompressData } from './compressed-data';
import { readContentInfo } from './content-info';
import { parseDispositionNotificationOptions } from './disposition-options';
import { decryptEnvelopedData } from './enveloped-data';
import { As2Error } from './errors';
import { chooseMicAlgorithm, computeMic, type Mic } from './mic';
import { decodedBody, fileNameOf, mimeEntityFromHttp, parseInnerContent, type MimeEntity } from './mime';
import { verifyMultipartSigned } from './multipart-signed';
import { verifySignedData } from './signed-data';

export interface InboundAs2Message {
  /** As received over HTTP; names are lower-cased here whatever the server did. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface OpenAs2Options {
  /** Our key pairs; several while our certificate rolls over. */
  own: OwnKeyPair[];
  /** The partner's certificates (PEM); several while theirs rolls over. */
  partnerCertificates: string[];
  requireSignature?: boolean;
  requireEncryption?: boolean;
  /** When certificate validity is judged; default now. */
  at?: Date;
  /** The MIC algorithm when the sender neither asks for one nor signs; default sha1 (see `chooseMicAlgorithm`). */
  defaultMicAlgorithm?: MicAlgorithm;
  /** Most bytes a compressed layer may inflate to; default MAX_DECOMPRESSED_BYTES. */
  maxDecompressedBytes?: number;
}

export type As2Layer = 'signed' | 'encrypted' | 'compressed';

export interface As2Payload {
  /** The payload entity's own MIME headers (lower-case names); empty when the sender sent bare content. */
  headers: Record<string, string>;
  contentType: string;
  fileName?: string;
  /** Content-Transfer-Encoding undone; otherwise the bytes exactly as sent. */
  body: Buffer;
}

export interface OpenedAs2Message {
  payload: As2Payload;
  signature?: {
    certificatePem: string;
    digestAlgorithm: MicAlgorithm;
    scheme: SignatureScheme;
    /** The signed part's header block arrived with bare LF and verified only as CRLF (content untouched). */
    headerLineEndsRepaired: boolean;
  };
  encryption?: {
    contentEncryption: ContentEncryption;
    keyTransport: KeyTransport;
    /** Which of our certificates the sender encrypted for. */
    certificatePem: string;
  };
  compressed: boolean;
  /** From the outside in, e.g. encrypted → signed → compressed. */
  layers: As2Layer[];
  mic: Mic;
}

/** More would be no legitimate sender's doing; a message nesting itself must not recurse forever. */
const MAX_LAYERS = 8;

const CMS_MEDIA_TYPES = ['application/pkcs7-mime', 'application/x-pkcs7-mime'];
const SIGNED_MEDIA_TYPE = 'multipart/signed';
/** S/MIME container names that say nothing about the payload. */
const CONTAINER_FILE_NAME = /^smime\.p7[mszc]$/i;

export function openAs2Message(inbound: InboundAs2Message, options: OpenAs2Options): OpenedAs2Message {
  const keys: Keys = {
    own: readOwnIdentities(options.own),
    trusted: readCertificates(options.partnerCertificates, 'Partner'),
    at: options.at,
    maxDecompressedBytes: options.maxDecompressedBytes,
  };
  const http = mimeEntityFromHttp(inbound.headers, inbound.body);
  const unwrapped = unwrap(http, keys);
  requireAgreedSecurity(unwrapped, options);
  return {
    payload:
      'entity' in unwrapped.inner
        ? payloadOf(unwrapped.inner.entity)
        : barePayload(unwrapped.inner.bare, http),
    signature: unwrapped.signature,
    encryption: unwrapped.encryption,
    compressed: unwrapped.layers.includes('compressed'),
    layers: unwrapped.layers,
    mic: receivedContentMic(unwrapped, http, options),
  };
}

/** Peels layer after layer until what is left is no S/MIME entity: the payload. */
function unwrap(http: MimeEntity, keys: Keys): Unwrapped {
  const state: UnwrapState = { layers: [] };
  let inner: Inner = { entity: http };
  while ('entity' in inner && isWrapped(inner.entity)) {
    if (state.layers.length >= MAX_LAYERS)
      throw new As2Error(
        'unexpected-processing-error',
        `The message nests more than ${MAX_LAYERS} S/MIME layers.`,
      );
    inner = peel(inner.entity, keys, state);
  }
  return { ...state, inner };
}

function requireAgreedSecurity(unwrapped: Unwrapped, options: OpenAs2Options): void {
  if (options.requireEncryption && !unwrapped.encryption)
    throw new As2Error(
      'insufficient-message-security',
      'The agreement requires encrypted messages; this one is not encrypted.',
    );
  if (options.requireSignature && !unwrapped.signature)
    throw new As2Error(
      'insufficient-message-security',
      'The agreement requires signed messages; this one is not signed.',
    );
}

/**
 * RFC 4130 §7.3.1 and RFC 5402 §4. Signed: the signed entity as it was signed (header block included).
 * Encrypted or compressed but unsigned: the innermost, decompressed entity with its headers (RFC 5402 §4.2/4.3
 * settle the compressed cases RFC 4130 predates). Neither: the content without any header, as received.
 */
function receivedContentMic(unwrapped: Unwrapped, http: MimeEntity, options: OpenAs2Options): Mic {
  const { inner } = unwrapped;
  const innermost = 'entity' in inner ? inner.entity.raw : inner.bare;
  const bytes = unwrapped.signedBytes ?? (unwrapped.layers.length > 0 ? innermost : undefined) ?? http.body;
  const requested = parseDispositionNotificationOptions(http.headers.get('disposition-notification-options'));
  return computeMic(
    bytes,
    chooseMicAlgorithm({
      requested: requested.micAlgorithm,
      signatureDigest: unwrapped.signature?.digestAlgorithm,
      fallback: options.defaultMicAlgorithm,
    }),
  );
}

interface Keys {
  own: OwnIdentity[];
  trusted: CmsCertificate[];
  at?: Date;
  maxDecompressedBytes?: number;
}

interface UnwrapState {
  layers: As2Layer[];
  signature?: OpenedAs2Message['signature'];
  encryption?: OpenedAs2Message['encryption'];
  /** What the outermost signature covers: the MIC input of a signed message. */
  signedBytes?: Buffer;
}

interface Unwrapped extends UnwrapState {
  inner: Inner;
}

function isWrapped(entity: MimeEntity): boolean {
  return (
    entity.contentType.mediaType === SIGNED_MEDIA_TYPE ||
    CMS_MEDIA_TYPES.includes(entity.contentType.mediaType)
  );
}

type Inner = { entity: MimeEntity } | { bare: Buffer };

function peel(entity: MimeEntity, keys: Keys, state: UnwrapState): Inner {
  if (entity.contentType.mediaType === SIGNED_MEDIA_TYPE) {
    const verified = verifyMultipartSigned(entity, keys.trusted, keys.at);
    recordSignature(state, verified.verification, verified.headerLineEndsRepaired);
    return { entity: verified.signedPart };
  }
  // The ContentInfo's own type decides, not the smime-type parameter: senders omit it or get it wrong.
  const ber = decodedBody(entity);
  const contentType = readContentInfo(ber, `The ${entity.contentType.mediaType} body`).contentType;
  let content: Buffer;
  if (contentType === id_envelopedData) {
    const decrypted = decryptEnvelopedData(ber, keys.own);
    state.layers.push('encrypted');
    state.encryption ??= {
      contentEncryption: decrypted.contentEncryption,
      keyTransport: decrypted.keyTransport,
      certificatePem: decrypted.recipient.pem,
    };
    content = decrypted.content;
  } else if (contentType === OID.compressedData) {
    state.layers.push('compressed');
    content = decompressData(ber, keys.maxDecompressedBytes);
  } else if (contentType === id_signedData) {
    const verified = verifySignedData(ber, { trusted: keys.trusted, at: keys.at });
    recordSignature(state, verified, false);
    content = verified.content;
  } else
    throw new As2Error(
      'unexpected-processing-error',
      `The ${entity.contentType.mediaType} body holds CMS content type ${contentType}, which AS2 does not use.`,
    );
  const inner = parseInnerContent(content);
  return inner ? { entity: inner } : { bare: content };
}

function recordSignature(
  state: UnwrapState,
  verified: {
    signer: CmsCertificate;
    digest: { mic: MicAlgorithm };
    scheme: SignatureScheme;
    content: Buffer;
  },
  headerLineEndsRepaired: boolean,
): void {
  state.layers.push('signed');
  if (state.signature) return;
  state.signature = {
    certificatePem: verified.signer.pem,
    digestAlgorithm: verified.digest.mic,
    scheme: verified.scheme,
    headerLineEndsRepaired,
  };
  state.signedBytes = verified.content;
}

function payloadOf(entity: MimeEntity): As2Payload {
  const fileName = fileNameOf(entity.headers);
  return {
    headers: entity.headers.toRecord(),
    contentType: entity.contentType.mediaType,
    ...(fileName ? { fileName } : {}),
    body: decodedBody(entity),
  };
}

/** Content without MIME headers (Mendelson's encrypt-only messages): the HTTP headers may still name the file. */
function barePayload(content: Buffer, http: MimeEntity): As2Payload {
  const fileName = fileNameOf(http.headers);
  return {
    headers: {},
    contentType: 'application/octet-stream',
    ...(fileName && !CONTAINER_FILE_NAME.test(fileName) ? { fileName } : {}),
    body: content,
  };
}

/**
 * Building an AS2 message: the payload as a MIME entity, then compressed, signed and encrypted in the order asked
 * for, as HTTP headers and body, with the MIC the receiver must return. Tests craft every combination (and
 * tampered copies) with it; it is also what outgoing AS2 would send.
 */
import {
  digestByName,
  type ContentEncryption,
  type KeyTransport,
  type MicAlgorithm,
  type SignatureScheme,
} from './algorithms';
import { as2Name, newMessageId } from './as2-headers';
import { readCertificates, type OwnKeyPair } from './certificates';
import { createCompressedData } from './compressed-data';
import { createEnvelopedData } from './enveloped-data';
import { chooseMicAlgorithm, computeMic, type Mic } from './mic';
import {
  base64Lines,
  composeEntity,
  composeMultipartSigned,
  parameterValue,
  toHttp,
  type HeaderLines,
} from './mime-compose';
import { createSignedData } from './signed-data';

export interface OutgoingPayload {
  body: Buffer;
  contentType: string;
  fileName?: string;
  /** Default binary: the bytes travel untouched (what signed XML needs; see peers.md on pyas2lib). */
  transferEncoding?: 'binary' | 'base64';
}

export type As2Step = 'compress' | 'sign' | 'encrypt';

export interface BuildAs2Options {
  sign?: OwnKeyPair & {
    digest: MicAlgorithm;
    scheme?: SignatureScheme;
    /** Default true. */
    signedAttributes?: boolean;
    /** application/pkcs7-mime; smime-type=signed-data instead of multipart/signed. */
    enveloping?: boolean;
  };
  encrypt?: {
    /** The receiver's certificate(s), PEM. */
    certificatePem: string | string[];
    contentEncryption?: ContentEncryption;
    keyTransport?: KeyTransport;
  };
  compress?: boolean;
  /** The steps from the payload outwards; default compress → sign → encrypt for those configured. */
  order?: As2Step[];
  /** Transfer encoding of the application/pkcs7-mime layers; default binary (what AS2 peers send). */
  cmsTransferEncoding?: 'binary' | 'base64';
  as2From?: string;
  as2To?: string;
  messageId?: string;
  subject?: string;
  /** Ask for a receipt: Disposition-Notification-To, and for a signed one, its options. */
  receipt?: { to: string; signed?: { micAlgorithms: string[] } };
  /** The MIC algorithm the receiver will use when the receipt request names none (receiver's default). */
  defaultMicAlgorithm?: MicAlgorithm;
}

export interface BuiltAs2Message {
  headers: Record<string, string>;
  body: Buffer;
  messageId: string;
  /** What the receiver must return in Received-Content-MIC. */
  mic: Mic;
}

const DEFAULT_ORDER: As2Step[] = ['compress', 'sign', 'encrypt'];

export function buildAs2Message(payload: OutgoingPayload, options: BuildAs2Options): BuiltAs2Message {
  const steps = stepsOf(options);
  const payloadEntity = composeEntity(payloadHeaders(payload), encodedBody(payload));
  let current = payloadEntity;
  let signedBytes: Buffer | undefined;
  for (const step of steps) {
    if (step === 'compress')
      current = cmsEntity(createCompressedData(current), 'compressed-data', 'smime.p7z', options);
    else if (step === 'encrypt' && options.encrypt) {
      const recipients = readCertificates([options.encrypt.certificatePem].flat(), 'Receiver');
      current = cmsEntity(
        createEnvelopedData(current, recipients, options.encrypt),
        'enveloped-data',
        'smime.p7m',
        options,
      );
    } else if (step === 'sign' && options.sign) {
      signedBytes = current;
      current = options.sign.enveloping
        ? cmsEntity(
            createSignedData(current, { ...options.sign, detached: false }),
            'signed-data',
            'smime.p7m',
            options,
          )
        : multipartSigned(current, options.sign);
    }
  }
  const { headers, body } =
    steps.length === 0 ? { headers: payloadHttpHeaders(payload), body: payload.body } : toHttp(current);
  const messageId = options.messageId ?? newMessageId(options.as2From);
  const requested = options.receipt?.signed?.micAlgorithms
    .map((name) => digestByName(name)?.mic)
    .find(Boolean);
  // The same rule and the same bytes as openAs2Message (RFC 4130 §7.3.1, RFC 5402 §4).
  const micBytes = signedBytes ?? (steps.length > 0 ? payloadEntity : payload.body);
  const mic = computeMic(
    micBytes,
    chooseMicAlgorithm({
      requested,
      signatureDigest: options.sign?.digest,
      fallback: options.defaultMicAlgorithm,
    }),
  );
  return { headers: { ...as2Headers(options, messageId), ...headers }, body, messageId, mic };
}

function stepsOf(options: BuildAs2Options): As2Step[] {
  const configured = new Set<As2Step>(
    [
      options.compress ? 'compress' : undefined,
      options.sign ? 'sign' : undefined,
      options.encrypt ? 'encrypt' : undefined,
    ].filter((step): step is As2Step => step !== undefined),
  );
  const order = options.order ?? DEFAULT_ORDER.filter((step) => configured.has(step));
  if (
    order.length !== configured.size ||
    new Set(order).size !== order.length ||
    order.some((step) => !configured.has(step))
  )
    throw new Error(
      `The order ${JSON.stringify(order)} must list each configured step (${[...configured].join(', ')}) once.`,
    );
  return order;
}

function payloadHeaders(payload: OutgoingPayload): HeaderLines {
  const headers: [string, string][] = [
    ['Content-Type', payload.contentType],
    ['Content-Transfer-Encoding', payload.transferEncoding ?? 'binary'],
  ];
  if (payload.fileName)
    headers.push(['Content-Disposition', `attachment; filename=${parameterValue(payload.fileName)}`]);
  return headers;
}

function payloadHttpHeaders(payload: OutgoingPayload): Record<string, string> {
  return Object.fromEntries(payloadHeaders(payload).map(([name, value]) => [name.toLowerCase(), value]));
}

function encodedBody(payload: OutgoingPayload): Buffer {
  return payload.transferEncoding === 'base64' ? base64Lines(payload.body) : payload.body;
}

function cmsEntity(der: Buffer, smimeType: string, fileName: string, options: BuildAs2Options): Buffer {
  const base64 = options.cmsTransferEncoding === 'base64';
  return composeEntity(
    [
      ['Content-Type', `application/pkcs7-mime; smime-type=${smimeType}; name=${fileName}`],
      ['Content-Transfer-Encoding', base64 ? 'base64' : 'binary'],
      ['Content-Disposition', `attachment; filename=${fileName}`],
    ],
    base64 ? base64Lines(der) : der,
  );
}

function multipartSigned(entity: Buffer, signer: NonNullable<BuildAs2Options['sign']>): Buffer {
  return composeMultipartSigned(entity, createSignedData(entity, signer), signer.digest);
}

function as2Headers(options: BuildAs2Options, messageId: string): Record<string, string> {
  const headers: Record<string, string> = {
    'mime-version': '1.0',
    'as2-version': '1.2',
    'message-id': messageId,
  };
  if (options.as2From) headers['as2-from'] = as2Name(options.as2From);
  if (options.as2To) headers['as2-to'] = as2Name(options.as2To);
  if (options.subject) headers.subject = options.subject;
  if (options.receipt) {
    headers['disposition-notification-to'] = options.receipt.to;
    if (options.receipt.signed)
      headers['disposition-notification-options'] =
        `signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, ${options.receipt.signed.micAlgorithms.join(', ')}`;
  }
  return headers;
}

/**
 * Message Disposition Notifications, the AS2 receipt (RFC 4130 §7, RFC 3798): building ours, signed when the
 * sender asks, and reading a partner's.
 *
 *   multipart/report; report-type=disposition-notification
 *     text/plain                          what a person reads
 *     message/disposition-notification    Reporting-UA, Original-Recipient, Final-Recipient, Original-Message-ID,
 *                                         Disposition, Received-Content-MIC
 */
import type { MicAlgorithm } from './algorithms';
import { as2Name, newMessageId } from './as2-headers';
import { readCertificates, type OwnKeyPair } from './certificates';
import { As2Error } from './errors';
import { formatMic, parseMic, type Mic } from './mic';
import {
  composeEntity,
  composeMultipartBody,
  composeMultipartSigned,
  newBoundary,
  toHttp,
} from './mime-compose';
import {
  decodedBody,
  mimeEntityFromHttp,
  multipartParts,
  readHeaderBlock,
  MimeHeaders,
  type MimeEntity,
} from './mime';
import { splitMultipartSigned, verifyMultipartSigned } from './multipart-signed';
import { createSignedData } from './signed-data';

export {
  parseDispositionNotificationOptions,
  type DispositionNotificationOptions,
} from './disposition-options';

/** `processed`, or a failure with its RFC 4130 modifier (e.g. `error` + `authentication-failed`). */
export type MdnDisposition =
  { type: 'processed' } | { type: 'failed' | 'error' | 'warning'; modifier: string; text: string };

export interface MdnRequest {
  /** The Message-ID of the message this answers, as it arrived (angle brackets added when missing). */
  originalMessageId: string;
  reportingUa: string;
  /** Our AS2 name (the original message's AS2-To): the MDN's AS2-From and Final-Recipient. */
  ourAs2Id: string;
  /** The partner's AS2 name (the original message's AS2-From): the MDN's AS2-To. */
  partnerAs2Id: string;
  disposition: MdnDisposition;
  /** Received-Content-MIC; required in signed receipts (RFC 4130 §7.3.1) unless the content could not be read. */
  mic?: Mic;
  humanText: string;
  /** Sign as multipart/signed with this key and digest (the sender's signed-receipt-micalg). */
  sign?: OwnKeyPair & { micalg: MicAlgorithm };
}

export interface BuiltMdn {
  /** HTTP headers of the receipt (lower-case names), Content-Type included. */
  headers: Record<string, string>;
  body: Buffer;
  messageId: string;
}

const DISPOSITION_MODE = 'automatic-action/MDN-sent-automatically';
/** RFC 3798 §3.2.7: the field that carries the reason of a failure, error or warning. */
const REASON_FIELD = { failed: 'Failure', error: 'Error', warning: 'Warning' } as const;

export function buildMdn(request: MdnRequest): BuiltMdn {
  const reportBoundary = newBoundary();
  const report = composeEntity(
    [
      [
        'Content-Type',
        `multipart/report; report-type=disposition-notification; boundary="${reportBoundary}"`,
      ],
    ],
    composeMultipartBody(
      [humanReadablePart(request.humanText), dispositionNotificationPart(request)],
      reportBoundary,
    ),
  );
  const entity = request.sign ? signedEntity(report, request.sign) : report;
  const messageId = newMessageId(request.ourAs2Id);
  const { headers, body } = toHttp(entity);
  return {
    headers: {
      'mime-version': '1.0',
      'as2-version': '1.2',
      'message-id': messageId,
      'as2-from': as2Name(request.ourAs2Id),
      'as2-to': as2Name(request.partnerAs2Id),
      date: new Date().toUTCString(),
      subject: 'Message Disposition Notification',
      ...headers,
    },
    body,
    messageId,
  };
}

function humanReadablePart(text: string): Buffer {
  const body = Buffer.from(`${crlf(text).replace(/\r\n$/, '')}\r\n`, 'utf8');
  const eightBit = body.some((byte) => byte > 0x7f);
  return composeEntity(
    [
      ['Content-Type', `text/plain; charset=${eightBit ? 'utf-8' : 'us-ascii'}`],
      ['Content-Transfer-Encoding', eightBit ? '8bit' : '7bit'],
    ],
    body,
  );
}

function dispositionNotificationPart(request: MdnRequest): Buffer {
  const { disposition } = request;
  const fields: [string, string][] = [
    ['Reporting-UA', oneLine(request.reportingUa)],
    ['Original-Recipient', `rfc822; ${oneLine(request.ourAs2Id)}`],
    ['Final-Recipient', `rfc822; ${oneLine(request.ourAs2Id)}`],
    ['Original-Message-ID', `<${oneLine(request.originalMessageId).replace(/^<|>$/g, '')}>`],
    ['Disposition', `${DISPOSITION_MODE}; ${dispositionValue(disposition)}`],
  ];
  if (disposition.type !== 'processed')
    fields.push([REASON_FIELD[disposition.type], oneLine(disposition.text)]);
  if (request.mic) fields.push(['Received-Content-MIC', formatMic(request.mic)]);
  const body = Buffer.from(fields.map(([name, value]) => `${name}: ${value}\r\n`).join(''), 'utf8');
  return composeEntity(
    [
      ['Content-Type', 'message/disposition-notification'],
      ['Content-Transfer-Encoding', body.some((byte) => byte > 0x7f) ? '8bit' : '7bit'],
    ],
    body,
  );
}

function dispositionValue(disposition: MdnDisposition): string {
  switch (disposition.type) {
    case 'processed':
      return 'processed';
    case 'failed':
      return `failed/failure: ${oneLine(disposition.modifier)}`;
    default:
      return `processed/${disposition.type}: ${oneLine(disposition.modifier)}`;
  }
}

function signedEntity(report: Buffer, signer: OwnKeyPair & { micalg: MicAlgorithm }): Buffer {
  return composeMultipartSigned(
    report,
    createSignedData(report, { ...signer, digest: signer.micalg }),
    signer.micalg,
  );
}

export interface ParsedMdn {
  originalMessageId?: string;
  /** `processed`, or `failed` / `error` / `warning` as in `MdnDisposition`; other RFC 3798 types lower-cased. */
  disposition: string;
  /** e.g. `authentication-failed`, `duplicate-document`. */
  modifier?: string;
  /** The Failure / Error / Warning field. */
  text?: string;
  mic?: Mic;
  /** The whole Disposition field, for diagnostics. */
  dispositionField: string;
  reportingUa?: string;
  finalRecipient?: string;
  humanText?: string;
  signed: boolean;
  /** Set when signed: whether the signature verifies with one of the partner's certificates. */
  signatureValid?: boolean;
  /** Why it did not. */
  signatureProblem?: string;
}

export interface ParseMdnOptions {
  partnerCertificates: string[];
  /** When certificate validity is judged; default now. */
  at?: Date;
}

/** Reads a receipt as received over HTTP (or a whole entity's headers and body); the signature never throws. */
export function parseMdn(
  received: { headers: Record<string, string>; body: Buffer },
  options: ParseMdnOptions,
): ParsedMdn {
  const entity = mimeEntityFromHttp(received.headers, received.body);
  let report = entity;
  let signature: Pick<ParsedMdn, 'signed' | 'signatureValid' | 'signatureProblem'> = { signed: false };
  if (entity.contentType.mediaType === 'multipart/signed') {
    try {
      report = verifyMultipartSigned(
        entity,
        readCertificates(options.partnerCertificates, 'Partner'),
        options.at,
      ).signedPart;
      signature = { signed: true, signatureValid: true };
    } catch (error) {
      if (!(error instanceof As2Error)) throw error;
      report = splitMultipartSigned(entity).signedPart;
      signature = { signed: true, signatureValid: false, signatureProblem: error.message };
    }
  }
  if (report.contentType.mediaType !== 'multipart/report')
    throw new As2Error(
      'unexpected-processing-error',
      `An MDN is multipart/report; this is ${report.contentType.mediaType}.`,
    );
  const parts = multipartParts(report);
  const notification = parts.find(
    (part) => part.contentType.mediaType === 'message/disposition-notification',
  );
  if (!notification)
    throw new As2Error(
      'unexpected-processing-error',
      'The multipart/report has no message/disposition-notification part.',
    );
  const fields = notificationFields(notification);
  const dispositionField = fields.get('disposition');
  if (!dispositionField)
    throw new As2Error('unexpected-processing-error', 'The MDN has no Disposition field.');
  const human = parts.find((part) => part !== notification && part.contentType.mediaType === 'text/plain');
  const micField = fields.get('received-content-mic');
  const mic = micField ? parseMic(micField) : undefined;
  return {
    ...readDisposition(dispositionField),
    originalMessageId: fields.get('original-message-id'),
    text: fields.get('failure') ?? fields.get('error') ?? fields.get('warning'),
    ...(mic ? { mic } : {}),
    dispositionField,
    reportingUa: fields.get('reporting-ua'),
    finalRecipient: fields.get('final-recipient')?.replace(/^rfc822;\s*/i, ''),
    humanText: human ? decodedBody(human).toString('utf8') : undefined,
    ...signature,
  };
}

/** The notification body is a block of fields; its final empty line is optional in practice. */
function notificationFields(part: MimeEntity): MimeHeaders {
  const body = decodedBody(part);
  const block = readHeaderBlock(Buffer.concat([body, Buffer.from('\r\n\r\n')]));
  if (!block)
    throw new As2Error('unexpected-processing-error', 'The disposition notification fields cannot be read.');
  return new MimeHeaders(block.fields);
}

/** `automatic-action/MDN-sent-automatically; processed/error: authentication-failed` → error, authentication-failed. */
function readDisposition(field: string): { disposition: string; modifier?: string } {
  const value = field.slice(field.indexOf(';') + 1).trim();
  const [type, ...rest] = value.split('/');
  const modifierText = rest.join('/');
  const colon = modifierText.indexOf(':');
  const kind = (colon < 0 ? modifierText : modifierText.slice(0, colon)).trim().toLowerCase();
  const modifier =
    colon < 0
      ? undefined
      : modifierText
          .slice(colon + 1)
          .trim()
          .toLowerCase() || undefined;
  const disposition = type.trim().toLowerCase();
  if (disposition === 'failed') return { disposition: 'failed', modifier: modifier ?? (kind || undefined) };
  if (disposition === 'processed' && (kind === 'error' || kind === 'warning' || kind === 'failure'))
    return { disposition: kind === 'failure' ? 'failed' : kind, modifier };
  return { disposition, ...(modifier ? { modifier } : {}) };
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim();
}

function crlf(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

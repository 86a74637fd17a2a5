import { buildAs2Message, parseMdn, type BuiltAs2Message } from '../../../connectors/as2/protocol';
import type { As2Keys } from '../../support/as2-peers';
import type { Answer, HostileCase } from '../measure';
import * as hostile from '../payloads';
import { answerOf } from './rest';

/**
 * The AS2 receiver (POST /as2), with messages crafted by the hub's own AS2 library acting as a registered partner.
 * The code is the negative MDN's disposition modifier; where intake refused the content, the MDN's text names
 * intake's reason, which `detail` checks. Answers that are no MDN (no AS2 headers, a body over the limit) carry
 * the gateway's error code.
 */
export interface As2Door {
  url: string;
  as2To: string;
  partner: As2Keys;
  hubCertPem: string;
  /** AS2_MAX_MESSAGE_BYTES of the hub under test. */
  maxMessageBytes: number;
}

type Message = Pick<BuiltAs2Message, 'headers' | 'body'>;

function craft(
  door: As2Door,
  body: Buffer,
  options: { fileName?: string; compress?: boolean; encrypt?: boolean } = {},
): BuiltAs2Message {
  return buildAs2Message(
    { body, contentType: 'application/xml', fileName: options.fileName ?? 'invoice.xml' },
    {
      as2From: door.partner.as2Id,
      as2To: door.as2To,
      sign: { privateKeyPem: door.partner.keyPem, certificatePem: door.partner.certPem, digest: 'sha-256' },
      ...(options.encrypt === false
        ? {}
        : { encrypt: { certificatePem: door.hubCertPem, contentEncryption: 'aes-128-cbc' as const } }),
      compress: options.compress,
      receipt: { to: 'mailto:as2@partner.example', signed: { micAlgorithms: ['sha-256'] } },
    },
  );
}

async function post(door: As2Door, message: Message): Promise<Answer> {
  const response = await fetch(door.url, {
    method: 'POST',
    headers: message.headers,
    body: new Uint8Array(message.body),
  });
  if (!(response.headers.get('content-type') ?? '').includes('multipart/')) return answerOf(response);
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  const mdn = parseMdn(
    { headers, body: Buffer.from(await response.arrayBuffer()) },
    { partnerCertificates: [door.hubCertPem] },
  );
  return { code: mdn.modifier ?? mdn.disposition, detail: mdn.text };
}

const send =
  (bytes: () => Buffer, options?: Parameters<typeof craft>[2]) =>
  (door: As2Door): Promise<Answer> =>
    post(door, craft(door, bytes(), options));

/** Content intake refused: the delivery is quarantined with its reason (the evidence), no MDN is kept. */
const QUARANTINE = { quarantined: 1 };

export const as2Cases: HostileCase<As2Door>[] = [
  {
    name: 'external entity (XXE), signed and encrypted',
    kind: 'XXE and entity tricks',
    expect: 'unexpected-processing-error',
    detail: /DTD_FORBIDDEN/,
    send: send(() => hostile.xxeFile),
    keeps: QUARANTINE,
  },
  {
    name: 'billion laughs, compressed',
    kind: 'XXE and entity tricks',
    expect: 'unexpected-processing-error',
    detail: /DTD_FORBIDDEN/,
    send: send(() => hostile.billionLaughs, { compress: true }),
    keeps: QUARANTINE,
  },
  {
    name: '100,000 nested elements',
    kind: 'deep nesting',
    expect: 'unexpected-processing-error',
    detail: /TOO_DEEP/,
    send: send(() => hostile.deepNesting()),
    keeps: QUARANTINE,
  },
  {
    name: 'UTF-8 with a Windows-1251 name pasted in',
    kind: 'invalid UTF-8 and mixed encodings',
    expect: 'unexpected-processing-error',
    detail: /INVALID_ENCODING/,
    send: send(hostile.mixedEncoding),
    keeps: QUARANTINE,
  },
  {
    name: 'a zlib bomb: 50 MiB of zeros in the compressed layer',
    kind: 'zip bombs and nested zips',
    expect: 'decompression-failed',
    send: send(hostile.zeros, { compress: true }),
  },
  {
    name: 'a ZIP inside the ZIP batch it carries',
    kind: 'zip bombs and nested zips',
    expect: 'unexpected-processing-error',
    detail: /ZIP_NESTED/,
    send: send(hostile.nestedZip, { fileName: 'batch.zip' }),
    keeps: QUARANTINE,
  },
  {
    name: 'multipart/signed without a boundary',
    kind: 'MIME without boundaries',
    expect: 'unexpected-processing-error',
    detail: /boundary/,
    send: (door) => {
      const message = craft(door, hostile.invoice(), { encrypt: false });
      const contentType = message.headers['content-type'].replace(/;\s*boundary="?[^";]+"?/i, '');
      return post(door, { headers: { ...message.headers, 'content-type': contentType }, body: message.body });
    },
  },
  {
    name: 'an encrypted message cut in half',
    kind: 'oversized and truncated uploads',
    expect: 'unexpected-processing-error',
    detail: /not a CMS ContentInfo/,
    send: (door) => {
      const message = craft(door, hostile.invoice());
      return post(door, {
        headers: message.headers,
        body: message.body.subarray(0, message.body.length / 2),
      });
    },
  },
  {
    name: 'a body over AS2_MAX_MESSAGE_BYTES',
    kind: 'oversized and truncated uploads',
    expect: 'PAYLOAD_TOO_LARGE',
    send: (door) => {
      const message = craft(door, hostile.invoice(), { encrypt: false });
      return post(door, { headers: message.headers, body: Buffer.alloc(door.maxMessageBytes + 1024, 0x41) });
    },
  },
  {
    name: 'no AS2 headers at all',
    kind: 'MIME without boundaries',
    expect: 'NOT_AN_AS2_MESSAGE',
    send: (door) => post(door, { headers: { 'content-type': 'application/xml' }, body: hostile.invoice() }),
  },
  {
    name: 'signature wrapping: another invoice in place of the signed one',
    kind: 'signature wrapping and duplicate Ids',
    expect: 'integrity-check-failed',
    send: (door) => {
      const signed = craft(door, hostile.invoice(), { encrypt: false });
      const forged = Buffer.from(
        signed.body.toString('latin1').replace(/<cbc:ID>\d{10}<\/cbc:ID>/, '<cbc:ID>9999999999</cbc:ID>'),
        'latin1',
      );
      return post(door, { headers: signed.headers, body: forged });
    },
  },
  {
    name: 'an invoice with two elements of one Id',
    kind: 'signature wrapping and duplicate Ids',
    expect: 'unexpected-processing-error',
    detail: /DUPLICATE_ID/,
    send: send(hostile.duplicateIds),
    keeps: QUARANTINE,
  },
  {
    name: 'AS2-From with a Cyrillic look-alike of the partner’s id',
    kind: 'Unicode look-alike identifiers',
    expect: 'authentication-failed',
    send: (door) => {
      const message = craft(door, hostile.invoice());
      // Sent as a raw client would: the look-alike's UTF-8 bytes in the header.
      const lookAlike = Buffer.from(door.partner.as2Id.replace('A', '\u0410'), 'utf8').toString('latin1');
      return post(door, { headers: { ...message.headers, 'as2-from': lookAlike }, body: message.body });
    },
  },
  {
    name: 'issue date 2026-02-30',
    kind: 'impossible dates',
    expect: 'unexpected-processing-error',
    detail: /INVALID_DATE/,
    send: send(() => hostile.issueDate('2026-02-30')),
    keeps: QUARANTINE,
  },
  {
    name: 'amount due with 40 digits',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'unexpected-processing-error',
    detail: /INVALID_NUMBER/,
    send: send(() => hostile.payableAmount('9'.repeat(40))),
    keeps: QUARANTINE,
  },
];

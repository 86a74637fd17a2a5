import http from 'node:http';
import type { Answer, HostileCase } from '../measure';
import * as hostile from '../payloads';

/** The issuer API: POST /api/v1/invoices with the issuer's key. The answer's code is the API's error code. */
export interface RestDoor {
  apiUrl: string;
  apiKey: string;
  /** MAX_INVOICE_BYTES of the hub under test. */
  maxInvoiceBytes: number;
}

async function postInvoice(door: RestDoor, body: Buffer, contentType = 'application/xml'): Promise<Answer> {
  const response = await fetch(`${door.apiUrl}/invoices`, {
    method: 'POST',
    headers: { authorization: `Bearer ${door.apiKey}`, 'content-type': contentType },
    body: new Uint8Array(body),
  });
  return answerOf(response);
}

export async function answerOf(response: Response): Promise<Answer> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { error?: { code: string; message: string } };
    return { code: body.error?.code ?? `HTTP ${response.status}`, detail: body.error?.message ?? text };
  } catch {
    return { code: `HTTP ${response.status}`, detail: text.slice(0, 200) };
  }
}

/**
 * A body that says it has more bytes than it sends, then the client gives up: the gateway must answer (or drop the
 * connection) at once and keep nothing of the half upload.
 */
function truncatedUpload(door: RestDoor): Promise<Answer> {
  const url = new URL(`${door.apiUrl}/invoices`);
  const whole = hostile.invoice();
  return new Promise((resolve) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: {
          authorization: `Bearer ${door.apiKey}`,
          'content-type': 'application/xml',
          'content-length': String(whole.length),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ code: `HTTP ${response.statusCode}`, detail: text }));
      },
    );
    request.on('error', (error) => resolve({ code: 'CONNECTION_CLOSED', detail: error.message }));
    request.write(whole.subarray(0, whole.length / 2));
    setTimeout(() => request.destroy(), 200);
  });
}

const post =
  (bytes: () => Buffer, contentType?: string) =>
  (door: RestDoor): Promise<Answer> =>
    postInvoice(door, bytes(), contentType);

export const restCases: HostileCase<RestDoor>[] = [
  {
    name: 'external entity reading /etc/passwd (XXE)',
    kind: 'XXE and entity tricks',
    expect: 'DTD_FORBIDDEN',
    send: post(() => hostile.xxeFile),
  },
  {
    name: 'external DTD by URL',
    kind: 'XXE and entity tricks',
    expect: 'DTD_FORBIDDEN',
    send: post(() => hostile.xxeHttp),
  },
  {
    name: 'parameter entity fetching a remote DTD',
    kind: 'XXE and entity tricks',
    expect: 'DTD_FORBIDDEN',
    send: post(() => hostile.parameterEntity),
  },
  {
    name: 'billion laughs',
    kind: 'XXE and entity tricks',
    expect: 'DTD_FORBIDDEN',
    send: post(() => hostile.billionLaughs),
  },
  {
    name: '100,000 nested elements',
    kind: 'deep nesting',
    expect: 'TOO_DEEP',
    send: post(() => hostile.deepNesting()),
  },
  {
    name: '510,000 elements (over the element limit, counted before a node is built)',
    kind: 'deep nesting',
    expect: 'TOO_MANY_ELEMENTS',
    send: post(() => hostile.manyElements),
  },
  {
    name: 'a 200,000-character attribute',
    kind: 'huge attributes and texts',
    expect: 'ATTRIBUTE_TOO_LONG',
    send: post(() => hostile.hugeAttribute()),
  },
  {
    name: '1,000 attributes on one element',
    kind: 'huge attributes and texts',
    expect: 'TOO_MANY_ATTRIBUTES',
    send: post(() => hostile.manyAttributes()),
  },
  {
    name: 'a text node larger than MAX_INVOICE_BYTES',
    kind: 'huge attributes and texts',
    expect: 'PAYLOAD_TOO_LARGE',
    send: (door) => postInvoice(door, hostile.hugeText(door.maxInvoiceBytes + 1024)),
  },
  {
    name: 'a byte that is not UTF-8',
    kind: 'invalid UTF-8 and mixed encodings',
    expect: 'INVALID_ENCODING',
    send: post(hostile.invalidUtf8),
  },
  {
    name: 'UTF-8 with a Windows-1251 name pasted in',
    kind: 'invalid UTF-8 and mixed encodings',
    expect: 'INVALID_ENCODING',
    send: post(hostile.mixedEncoding),
  },
  {
    name: 'declared UTF-16 without a byte order mark',
    kind: 'invalid UTF-8 and mixed encodings',
    expect: 'INVALID_ENCODING',
    send: post(hostile.utf16WithoutBom),
  },
  {
    name: 'an encoding nobody knows',
    kind: 'invalid UTF-8 and mixed encodings',
    expect: 'UNSUPPORTED_ENCODING',
    send: post(hostile.unknownEncoding),
  },
  {
    name: 'a document cut in half',
    kind: 'oversized and truncated uploads',
    expect: 'MALFORMED',
    send: post(hostile.truncated),
  },
  {
    name: 'an upload that stops halfway (Content-Length not reached)',
    kind: 'oversized and truncated uploads',
    expect: 'CONNECTION_CLOSED',
    send: truncatedUpload,
  },
  {
    name: 'an empty body',
    kind: 'oversized and truncated uploads',
    expect: 'EMPTY_BODY',
    send: post(() => Buffer.alloc(0)),
  },
  {
    name: 'multipart without a boundary',
    kind: 'MIME without boundaries',
    expect: 'UNSUPPORTED_MEDIA_TYPE',
    send: post(hostile.invoice, 'multipart/form-data'),
  },
  {
    name: 'signature wrapping: the signed Id twice',
    kind: 'signature wrapping and duplicate Ids',
    expect: 'DUPLICATE_ID',
    send: post(hostile.signatureWrapping),
  },
  {
    name: 'two elements with one Id',
    kind: 'signature wrapping and duplicate Ids',
    expect: 'DUPLICATE_ID',
    send: post(hostile.duplicateIds),
  },
  {
    name: 'number with Cyrillic letters among Latin ones',
    kind: 'Unicode look-alike identifiers',
    expect: 'CONFUSABLE_INVOICE_NUMBER',
    send: post(() => hostile.lookAlikeNumber(hostile.cyrillicInLatin)),
  },
  {
    name: 'number in full-width digits',
    kind: 'Unicode look-alike identifiers',
    expect: 'CONFUSABLE_INVOICE_NUMBER',
    send: post(() => hostile.lookAlikeNumber(hostile.fullWidthDigits)),
  },
  {
    name: 'number with a zero-width space',
    kind: 'Unicode look-alike identifiers',
    expect: 'CONFUSABLE_INVOICE_NUMBER',
    send: post(() => hostile.lookAlikeNumber(hostile.zeroWidthSpace)),
  },
  {
    name: 'amount due 4.422E1',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'INVALID_NUMBER',
    send: post(() => hostile.payableAmount('4.422E1')),
  },
  {
    name: 'amount due 1,044.22',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'INVALID_NUMBER',
    send: post(() => hostile.payableAmount('1,044.22')),
  },
  {
    name: 'amount due of 40 digits',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'INVALID_NUMBER',
    send: post(() => hostile.payableAmount('1'.repeat(40))),
  },
  {
    name: 'quantity −1 with a Unicode minus',
    kind: 'negative quantities',
    expect: 'INVALID_NUMBER',
    send: post(() => hostile.lineQuantity('\u22121')),
  },
  {
    name: 'issue date 2026-02-30',
    kind: 'impossible dates',
    expect: 'INVALID_DATE',
    send: post(() => hostile.issueDate('2026-02-30')),
  },
  {
    name: 'due date 2026-13-01',
    kind: 'impossible dates',
    expect: 'INVALID_DATE',
    send: post(() => hostile.dueDate('2026-13-01')),
  },
];

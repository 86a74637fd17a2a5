import zlib from 'node:zlib';
import type { PortalVisitor } from '../../portal/harness';
import type { Answer, HostileCase } from '../measure';
import * as hostile from '../payloads';

/**
 * Dispute attachments: the recipient's upload for its next dispute message (POST …/disputes/uploads?name=…), typed
 * by its bytes. The code is the API's error code and the refusal it names ("ATTACHMENT_REFUSED:NOT_ALLOWED"); a
 * refused file is never staged.
 */
export interface DisputeDoor {
  baseUrl: string;
  visitor: PortalVisitor;
  /** The visitor's session cookie, for requests it cannot make (a streamed body). */
  cookie: string;
  invoiceId: string;
}

async function upload(
  door: DisputeDoor,
  bytes: Buffer,
  name: string,
  contentType = 'application/octet-stream',
): Promise<Answer> {
  const path = `/api/v1/portal/invoices/${door.invoiceId}/disputes/uploads?name=${encodeURIComponent(name)}`;
  const answer = await door.visitor.sendBytes(path, bytes, contentType);
  const error = (answer.body as { error?: { code: string; message: string; refusal?: string } } | undefined)
    ?.error;
  if (!error) return { code: `HTTP ${answer.status}`, detail: answer.text.slice(0, 200) };
  return { code: error.refusal ? `${error.code}:${error.refusal}` : error.code, detail: error.message };
}

/** Streams `total` bytes without a Content-Length (chunked), so the limit must hold while the body is read. */
async function uploadChunked(door: DisputeDoor, total: number): Promise<Answer> {
  const chunk = new Uint8Array(256 * 1024).fill(0x25);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= total) return controller.close();
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const path = `/api/v1/portal/invoices/${door.invoiceId}/disputes/uploads?name=big.pdf`;
  try {
    const response = await fetch(door.baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/pdf', cookie: door.cookie },
      body,
      duplex: 'half',
    } as RequestInit);
    const answer = (await response.json()) as { error?: { code: string; message: string; refusal?: string } };
    const error = answer.error;
    if (!error) return { code: `HTTP ${response.status}` };
    return { code: error.refusal ? `${error.code}:${error.refusal}` : error.code, detail: error.message };
  } catch (error) {
    return { code: 'CONNECTION_CLOSED', detail: (error as Error).message };
  }
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A valid 1×1 grey PNG. */
function png(): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(1, 0);
  header.writeUInt32BE(1, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', zlib.deflateSync(Buffer.from([0, 0x80]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

const send =
  (bytes: () => Buffer, name: string, contentType?: string) =>
  (door: DisputeDoor): Promise<Answer> =>
    upload(door, bytes(), name, contentType);

export const disputeCases: HostileCase<DisputeDoor>[] = [
  {
    name: 'an HTML page declared image/png',
    kind: 'MIME types that lie',
    expect: 'ATTACHMENT_REFUSED:NOT_ALLOWED',
    send: send(() => Buffer.from('<html><script>alert(1)</script></html>'), 'photo.png', 'image/png'),
  },
  {
    name: 'an SVG with a script',
    kind: 'MIME types that lie',
    expect: 'ATTACHMENT_REFUSED:NOT_ALLOWED',
    send: send(
      () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      'chart.png',
      'image/png',
    ),
  },
  {
    name: 'an XML file with an external entity',
    kind: 'XXE and entity tricks',
    expect: 'ATTACHMENT_REFUSED:NOT_ALLOWED',
    send: send(() => hostile.xxeFile, 'scan.pdf', 'application/pdf'),
  },
  {
    name: 'a ZIP bomb named scan.pdf',
    kind: 'zip bombs and nested zips',
    expect: 'ATTACHMENT_REFUSED:NOT_ALLOWED',
    send: send(hostile.zipBomb, 'scan.pdf', 'application/pdf'),
  },
  {
    name: 'a PNG with a ZIP appended (polyglot)',
    kind: 'zip bombs and nested zips',
    expect: 'ATTACHMENT_REFUSED:DAMAGED',
    send: send(() => Buffer.concat([png(), hostile.nestedZip()]), 'photo.png', 'image/png'),
  },
  {
    name: 'a PDF cut off before %%EOF',
    kind: 'oversized and truncated uploads',
    expect: 'ATTACHMENT_REFUSED:DAMAGED',
    send: send(() => Buffer.from('%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n'), 'invoice.pdf'),
  },
  {
    name: 'a PNG cut in half',
    kind: 'oversized and truncated uploads',
    expect: 'ATTACHMENT_REFUSED:DAMAGED',
    send: send(() => png().subarray(0, 30), 'photo.png'),
  },
  {
    name: 'an empty file',
    kind: 'oversized and truncated uploads',
    expect: 'ATTACHMENT_REFUSED:EMPTY',
    send: send(() => Buffer.alloc(0), 'empty.pdf'),
  },
  {
    name: 'a 6 MiB file that says its length',
    kind: 'oversized and truncated uploads',
    expect: 'ATTACHMENT_TOO_LARGE:TOO_LARGE',
    send: send(() => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(6 * 1024 * 1024)]), 'big.pdf'),
  },
  {
    name: 'a 64 MiB stream without Content-Length',
    kind: 'oversized and truncated uploads',
    expect: 'ATTACHMENT_TOO_LARGE:TOO_LARGE',
    send: (door) => uploadChunked(door, 64 * 1024 * 1024),
  },
  {
    name: 'a program named ../../etc/passwd.pdf',
    kind: 'path traversal and NUL bytes in names',
    expect: 'ATTACHMENT_REFUSED:NOT_ALLOWED',
    send: send(
      () => Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...Buffer.alloc(56)]),
      '../../etc/passwd.pdf',
    ),
  },
  {
    name: 'a PDF named invoice.pdf\\0.exe',
    kind: 'path traversal and NUL bytes in names',
    expect: 'NUL_CHARACTER',
    send: send(() => Buffer.from('%PDF-1.7\n'), 'invoice.pdf\0.exe'),
  },
];

/**
 * What may be attached to a dispute: PDF, PNG and JPEG files of at most 5 MiB. The type is decided by the bytes —
 * the file's signature and a walk over its structure — never by its name or the type a browser declares, so a
 * renamed file is known for what it is, and an HTML page calling itself image/png is refused.
 *
 * Plain functions over Uint8Array: the gateway refuses with them, and the portal says the same before uploading.
 */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_ENTRY = 5;
export const MAX_FILE_NAME_LENGTH = 120;

export const ATTACHMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

const EXTENSIONS: Record<AttachmentType, string[]> = {
  'application/pdf': ['pdf'],
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
};

/** What a refused file turned out to be, so the person is told in words ("a ZIP archive"). */
export type FoundKind =
  | 'zip'
  | 'html'
  | 'svg'
  | 'xml'
  | 'gif'
  | 'webp'
  | 'heic'
  | 'tiff'
  | 'bmp'
  | 'office'
  | 'executable'
  | 'archive'
  | 'text'
  | 'unknown';

const FOUND_NAMES: Record<FoundKind, string> = {
  zip: 'a ZIP archive (Word and Excel files are ZIP archives too)',
  html: 'an HTML document',
  svg: 'an SVG image',
  xml: 'an XML document',
  gif: 'a GIF image',
  webp: 'a WebP image',
  heic: 'a HEIC/HEIF photo (export it as JPEG)',
  tiff: 'a TIFF image',
  bmp: 'a BMP image',
  office: 'an Office document (save it as PDF)',
  executable: 'a program',
  archive: 'a compressed archive',
  text: 'a text file',
  unknown: 'of a type the hub does not accept',
};

export type AttachmentRefusalCode = 'EMPTY' | 'TOO_LARGE' | 'NOT_ALLOWED' | 'DAMAGED';

export type SniffResult =
  | { ok: true; contentType: AttachmentType; extension: string }
  | { ok: false; code: AttachmentRefusalCode; found?: FoundKind; reason: string };

const ALLOWED = 'Attach PDF, PNG or JPEG files only.';

/** Decides from the bytes alone whether a file may be attached, and as what. */
export function sniffAttachment(bytes: Uint8Array): SniffResult {
  if (bytes.length === 0) return refuse('EMPTY', 'The file is empty.');
  if (bytes.length > MAX_ATTACHMENT_BYTES) {
    return refuse(
      'TOO_LARGE',
      `The file has ${bytes.length} bytes; an attachment may have at most 5 MiB (${MAX_ATTACHMENT_BYTES} bytes).`,
    );
  }
  if (startsWith(bytes, PDF_MAGIC)) {
    const problem = pdfProblem(bytes);
    return problem ? damaged('PDF', problem) : accepted('application/pdf');
  }
  if (startsWith(bytes, PNG_MAGIC)) {
    const problem = pngProblem(bytes);
    return problem ? damaged('PNG', problem) : accepted('image/png');
  }
  if (startsWith(bytes, JPEG_MAGIC)) {
    const problem = jpegProblem(bytes);
    return problem ? damaged('JPEG', problem) : accepted('image/jpeg');
  }
  const found = recognise(bytes);
  return { ok: false, code: 'NOT_ALLOWED', found, reason: `The file is ${FOUND_NAMES[found]}. ${ALLOWED}` };
}

/**
 * The name the file is kept and downloaded under: no folders, no control or quote characters, at most 120
 * characters, and an extension that matches its real type ("scan.pdf" holding a PNG becomes "scan.png").
 */
export function attachmentFileName(declared: string | undefined, contentType: AttachmentType): string {
  const extensions = EXTENSIONS[contentType];
  let name = (declared ?? '')
    .replace(/^.*[\\/]/, '')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"*<>?|:]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const dot = name.lastIndexOf('.');
  const extension = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (!extensions.includes(extension)) {
    const known = Object.values(EXTENSIONS).flat();
    const stem = known.includes(extension) ? name.slice(0, dot) : name;
    name = `${stem || 'attachment'}.${extensions[0]}`;
  }
  if (name.length > MAX_FILE_NAME_LENGTH) {
    const tail = name.slice(name.lastIndexOf('.'));
    name = name.slice(0, MAX_FILE_NAME_LENGTH - tail.length) + tail;
  }
  return name;
}

function accepted(contentType: AttachmentType): SniffResult {
  return { ok: true, contentType, extension: EXTENSIONS[contentType][0] };
}

function refuse(code: AttachmentRefusalCode, reason: string): SniffResult {
  return { ok: false, code, reason };
}

function damaged(kind: string, problem: string): SniffResult {
  return refuse('DAMAGED', `The file starts like a ${kind} but is not a complete one: ${problem}.`);
}

const PDF_MAGIC = bytesOf('%PDF-');
const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

function bytesOf(ascii: string): number[] {
  return Array.from(ascii, (c) => c.charCodeAt(0));
}

function startsWith(bytes: Uint8Array, prefix: number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function latin1(bytes: Uint8Array, from: number, to: number): string {
  let text = '';
  for (let i = Math.max(0, from); i < Math.min(bytes.length, to); i++) text += String.fromCharCode(bytes[i]);
  return text;
}

/**
 * A PDF: the header names a version, and the file ends as a reader finds it — `startxref`, the offset of the last
 * cross-reference section (a table or a stream object) that lies inside the file, then `%%EOF`.
 */
function pdfProblem(bytes: Uint8Array): string | undefined {
  if (!/^%PDF-(1\.[0-7]|2\.0)\s/.test(latin1(bytes, 0, 9))) return 'its header names no PDF version';
  const tail = latin1(bytes, bytes.length - 2048, bytes.length);
  const end = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail.replace(/\0+$/, ''));
  if (!end) return 'it does not end with "startxref" and "%%EOF" (cut off?)';
  const offset = Number(end[1]);
  if (offset < 9 || offset >= bytes.length) return 'its cross-reference offset lies outside the file';
  const target = latin1(bytes, offset, offset + 40).replace(/^\s+/, '');
  if (!/^xref\b/.test(target) && !/^\d+\s+\d+\s+obj\b/.test(target)) {
    return 'its cross-reference offset does not point at a cross-reference section';
  }
  return undefined;
}

/**
 * A PNG: chunks from IHDR to IEND, each with a valid length and CRC, at least one IDAT, and nothing after IEND
 * (nothing writes data there, except to smuggle another file along).
 */
function pngProblem(bytes: Uint8Array): string | undefined {
  let at = 8;
  let index = 0;
  let sawData = false;
  while (at + 12 <= bytes.length) {
    const length = readUint32(bytes, at);
    const type = latin1(bytes, at + 4, at + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) return `chunk ${index + 1} has no valid type`;
    if (at + 12 + length > bytes.length) return `chunk ${type} runs past the end of the file (cut off?)`;
    const crc = readUint32(bytes, at + 8 + length);
    if (crc32(bytes, at + 4, at + 8 + length) !== crc) return `chunk ${type} fails its checksum`;
    if (index === 0) {
      if (type !== 'IHDR' || length !== 13) return 'it does not begin with an image header (IHDR)';
      if (readUint32(bytes, at + 8) === 0 || readUint32(bytes, at + 12) === 0) return 'the image has no size';
    }
    if (type === 'IDAT') sawData = true;
    at += 12 + length;
    index++;
    if (type === 'IEND') {
      if (!sawData) return 'it holds no image data (IDAT)';
      return at === bytes.length ? undefined : 'data follows the end of the image';
    }
  }
  return 'it has no end chunk (IEND) (cut off?)';
}

const STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7]);
const START_OF_FRAME = new Set([
  0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf,
]);

/**
 * A JPEG: well-formed marker segments, a frame header (SOF) before the first scan, entropy-coded scans, and an
 * end-of-image marker. Bytes after it are allowed: phones append motion-photo videos and vendor trailers there.
 */
function jpegProblem(bytes: Uint8Array): string | undefined {
  let at = 2;
  let sawFrame = false;
  let sawScan = false;
  while (at < bytes.length) {
    if (bytes[at] !== 0xff) return `a marker is missing at byte ${at}`;
    while (bytes[at] === 0xff && at < bytes.length) at++; // fill bytes
    if (at >= bytes.length) break;
    const marker = bytes[at++];
    if (marker === 0xd9) {
      if (!sawScan) return 'it ends before any image data';
      return undefined;
    }
    if (STANDALONE.has(marker)) continue;
    if (marker === 0xd8 || marker === 0x00) return `an unexpected marker 0x${marker.toString(16)} appears`;
    if (at + 2 > bytes.length) break;
    const length = (bytes[at] << 8) | bytes[at + 1];
    if (length < 2 || at + length > bytes.length) return 'a segment runs past the end of the file (cut off?)';
    if (START_OF_FRAME.has(marker)) {
      if (length < 8) return 'its frame header is too short';
      // The height may be 0 (given later by a DNL marker); the width may not.
      const width = (bytes[at + 5] << 8) | bytes[at + 6];
      if (width === 0) return 'the image has no width';
      sawFrame = true;
    }
    at += length;
    if (marker === 0xda) {
      if (!sawFrame) return 'image data comes before the frame header';
      sawScan = true;
      // Entropy-coded data runs to the next marker that is neither a stuffed 0xFF00 nor a restart marker.
      while (at < bytes.length) {
        if (bytes[at] === 0xff && at + 1 < bytes.length) {
          const next = bytes[at + 1];
          if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7) && next !== 0xff) break;
        }
        at++;
      }
    }
  }
  return 'it has no end-of-image marker (cut off?)';
}

/** Names what a refused file is, from the usual signatures. */
function recognise(bytes: Uint8Array): FoundKind {
  const has = (prefix: number[], at = 0) => startsWith(bytes, prefix, at);
  const ascii = (text: string, at = 0) => has(bytesOf(text), at);
  if (ascii('PK\x03\x04') || ascii('PK\x05\x06') || ascii('PK\x07\x08')) return 'zip';
  if (has([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return 'office';
  if (ascii('GIF87a') || ascii('GIF89a')) return 'gif';
  if (ascii('RIFF') && ascii('WEBP', 8)) return 'webp';
  if (ascii('ftyp', 4) && /^(heic|heix|hevc|heim|heis|mif1|msf1|avif)$/.test(latin1(bytes, 8, 12)))
    return 'heic';
  if (ascii('II*\0') || ascii('MM\0*')) return 'tiff';
  if (ascii('BM') && bytes.length > 14) return 'bmp';
  if (ascii('MZ') || has([0x7f, 0x45, 0x4c, 0x46]) || has([0xcf, 0xfa, 0xed, 0xfe])) return 'executable';
  if (has([0x1f, 0x8b]) || ascii('Rar!') || has([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]) || ascii('BZh'))
    return 'archive';
  const head = new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, 1024))
    .replace(/^\ufeff/, '')
    .trimStart()
    .toLowerCase();
  if (/^<!doctype html|^<html|^<head|^<body|^<script|^<iframe|^<meta/.test(head)) return 'html';
  if (/^<svg|^<\?xml[^>]*>\s*(<!--[\s\S]*?-->\s*)*(<!doctype svg[^>]*>\s*)?<svg/.test(head)) return 'svg';
  if (/^<\?xml/.test(head)) return /<html/.test(head) ? 'html' : 'xml';
  if (looksLikeText(bytes.subarray(0, 1024)))
    return /<(script|html|body|iframe)\b/.test(head) ? 'html' : 'text';
  return 'unknown';
}

function looksLikeText(sample: Uint8Array): boolean {
  for (const byte of sample) {
    if (byte === 0) return false;
    if (byte < 0x09 || (byte > 0x0d && byte < 0x20 && byte !== 0x1b)) return false;
  }
  return true;
}

function readUint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309), as PNG chunks carry it. */
function crc32(bytes: Uint8Array, from: number, to: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = from; i < to; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

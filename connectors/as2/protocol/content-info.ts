/**
 * The CMS ContentInfo wrapper and the OCTET STRINGs inside it. AS2 peers write BER with indefinite lengths and
 * content split into chunks (a constructed OCTET STRING: Mendelson and Sterling both do), which asn1-schema hands
 * over as raw BER; `octets` joins the chunks.
 */
import 'reflect-metadata';
import { ContentInfo, type EncapsulatedContent } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { As2Error, reasonOf } from './errors';

export function readContentInfo(ber: Buffer, what: string): ContentInfo {
  try {
    return AsnConvert.parse(ber, ContentInfo);
  } catch (error) {
    throw new As2Error('unexpected-processing-error', `${what} is not a CMS ContentInfo: ${reasonOf(error)}`);
  }
}

export function parseCms<T>(ber: ArrayBuffer, type: new () => T, what: string): T {
  try {
    return AsnConvert.parse(ber, type);
  } catch (error) {
    throw new As2Error('unexpected-processing-error', `${what} cannot be read: ${reasonOf(error)}`);
  }
}

export function contentInfoDer(contentType: string, content: object): Buffer {
  return Buffer.from(
    AsnConvert.serialize(new ContentInfo({ contentType, content: AsnConvert.serialize(content) })),
  );
}

/** The bytes of an encapsulated content, primitive or chunked. */
export function encapsulatedOctets(content: EncapsulatedContent): Buffer {
  if (content.single) return Buffer.from(content.single.buffer);
  if (content.any) return octets(Buffer.from(content.any));
  return Buffer.alloc(0);
}

/** An OCTET STRING in BER, primitive (04) or constructed (24, definite or indefinite length), as one buffer. */
export function octets(ber: Buffer): Buffer {
  const chunks: Buffer[] = [];
  const end = readOctetString(ber, 0, chunks);
  if (end !== ber.length) throw malformed('trailing bytes after the OCTET STRING');
  return Buffer.concat(chunks);
}

const PRIMITIVE_OCTET_STRING = 0x04;
const CONSTRUCTED_OCTET_STRING = 0x24;
const INDEFINITE = -1;

function readOctetString(ber: Buffer, offset: number, chunks: Buffer[]): number {
  const tag = ber[offset];
  const { length, start } = readLength(ber, offset + 1);
  if (tag === PRIMITIVE_OCTET_STRING) {
    if (length === INDEFINITE || start + length > ber.length) throw malformed('a truncated OCTET STRING');
    chunks.push(ber.subarray(start, start + length));
    return start + length;
  }
  if (tag !== CONSTRUCTED_OCTET_STRING)
    throw malformed(`tag 0x${(tag ?? 0).toString(16)} where an OCTET STRING belongs`);
  let cursor = start;
  if (length === INDEFINITE) {
    while (!(ber[cursor] === 0 && ber[cursor + 1] === 0)) {
      if (cursor >= ber.length) throw malformed('an OCTET STRING without its end-of-contents');
      cursor = readOctetString(ber, cursor, chunks);
    }
    return cursor + 2;
  }
  const end = start + length;
  while (cursor < end) cursor = readOctetString(ber, cursor, chunks);
  if (cursor !== end) throw malformed('OCTET STRING chunks overrun their length');
  return end;
}

function readLength(ber: Buffer, offset: number): { length: number; start: number } {
  const first = ber[offset];
  if (first === undefined) throw malformed('a truncated length');
  if (first < 0x80) return { length: first, start: offset + 1 };
  if (first === 0x80) return { length: INDEFINITE, start: offset + 1 };
  const count = first & 0x7f;
  if (count > 4 || offset + count >= ber.length) throw malformed('an unreadable length');
  let length = 0;
  for (let i = 1; i <= count; i++) length = length * 256 + ber[offset + i];
  return { length, start: offset + 1 + count };
}

function malformed(reason: string): As2Error {
  return new As2Error('unexpected-processing-error', `The CMS content is malformed: ${reason}.`);
}

/**
 * Writing MIME entities: always CRLF (RFC 5322 / RFC 2046 canonical form), so that what is signed here is what any
 * peer reads back. Bodies are written as given: binary content is never converted.
 */
import { randomBytes } from 'node:crypto';
import { readHeaderBlock } from './mime';

export type HeaderLines = readonly (readonly [name: string, value: string])[];

const CRLF = '\r\n';

export function composeEntity(headers: HeaderLines, body: Buffer): Buffer {
  const block = headers.map(([name, value]) => `${name}: ${value}${CRLF}`).join('') + CRLF;
  return Buffer.concat([Buffer.from(block, 'utf8'), body]);
}

/** RFC 2046 §5.1.1: each delimiter is CRLF "--" boundary; the CRLF before it belongs to it, not to the part. */
export function composeMultipartBody(parts: readonly Buffer[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts)
    chunks.push(Buffer.from(`--${boundary}${CRLF}`, 'latin1'), part, Buffer.from(CRLF));
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`, 'latin1'));
  return Buffer.concat(chunks);
}

/** A boundary that cannot occur in base64 or in the content by chance (RFC 2046 allows "=" and "_"). */
export function newBoundary(): string {
  return `----=_Part_${randomBytes(12).toString('hex')}`;
}

/** Base64 in lines of 76 characters (RFC 2045 §6.8). */
export function base64Lines(bytes: Buffer): Buffer {
  const text = bytes.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += 76) lines.push(text.slice(i, i + 76));
  return Buffer.from(lines.join(CRLF) + CRLF, 'latin1');
}

/** A parameter value as a token when it is one, else as a quoted-string (RFC 2045 §5.1). */
export function parameterValue(value: string): string {
  return /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/.test(value) ? value : `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/** Splits a composed entity into what HTTP carries: its header fields (lower-case names) and its body. */
export function toHttp(entity: Buffer): { headers: Record<string, string>; body: Buffer } {
  const block = readHeaderBlock(entity);
  if (!block) throw new Error('A composed entity always has a header block.');
  const headers: Record<string, string> = {};
  for (const field of block.fields) headers[field.name] = field.value;
  return { headers, body: entity.subarray(block.bodyStart) };
}

/** RFC 1847 / RFC 5751 §3.5: the signed entity as it was signed, then its detached CMS signature in base64. */
export function composeMultipartSigned(signedEntity: Buffer, signature: Buffer, micalg: string): Buffer {
  const boundary = newBoundary();
  const signaturePart = composeEntity(
    [
      ['Content-Type', 'application/pkcs7-signature; name=smime.p7s; smime-type=signed-data'],
      ['Content-Transfer-Encoding', 'base64'],
      ['Content-Disposition', 'attachment; filename="smime.p7s"'],
    ],
    base64Lines(signature),
  );
  return composeEntity(
    [
      [
        'Content-Type',
        `multipart/signed; protocol="application/pkcs7-signature"; micalg=${micalg}; boundary="${boundary}"`,
      ],
    ],
    composeMultipartBody([signedEntity, signaturePart], boundary),
  );
}

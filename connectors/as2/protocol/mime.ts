/**
 * A MIME reader that keeps bytes exactly as they arrived. Signatures and MICs are computed over the raw bytes of an
 * entity, so nothing here converts line ends or re-serializes headers: every part keeps its raw bytes (header block,
 * empty line, body) next to its parsed headers. Both CRLF and bare LF line ends are read, because captures and some
 * peers use LF (pyas2lib PR #8, phase2 #12).
 */
import { As2Error } from './errors';

export interface HeaderField {
  /** Lower-case: MIME and HTTP header names are case-insensitive. */
  name: string;
  /** Unfolded and trimmed. */
  value: string;
}

export class MimeHeaders {
  constructor(readonly fields: readonly HeaderField[]) {}

  /** HTTP servers hand over headers as a record; names are lower-cased here whatever the caller did. */
  static fromRecord(record: Readonly<Record<string, string>>): MimeHeaders {
    return new MimeHeaders(
      Object.entries(record).map(([name, value]) => ({ name: name.toLowerCase(), value: value.trim() })),
    );
  }

  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    return this.fields.find((field) => field.name === wanted)?.value;
  }

  /** One value per name, the first occurrence winning. */
  toRecord(): Record<string, string> {
    const record: Record<string, string> = {};
    for (const field of this.fields) if (!(field.name in record)) record[field.name] = field.value;
    return record;
  }
}

/** A structured header value: `value *(";" name "=" value)`, e.g. a Content-Type with its parameters. */
export interface HeaderValue {
  value: string;
  /** Lower-case names; quoted values unquoted; RFC 2231 continuations and charsets decoded. */
  parameters: Record<string, string>;
}

export interface ContentType extends HeaderValue {
  /** Lower-case `type/subtype`. */
  mediaType: string;
}

export interface MimeEntity {
  headers: MimeHeaders;
  contentType: ContentType;
  /** The body as on the wire: still transfer-encoded. */
  body: Buffer;
  /** The entity's exact bytes (header block, empty line, body); absent when HTTP delivered the headers apart. */
  raw?: Buffer;
}

/** A whole entity: its header block, an empty line, its body. */
export function parseMimeEntity(raw: Buffer): MimeEntity {
  const block = readHeaderBlock(raw);
  if (!block) throw malformed('The MIME entity does not start with a header block ended by an empty line.');
  return entity(new MimeHeaders(block.fields), raw.subarray(block.bodyStart), raw);
}

/** An entity as HTTP delivers it: the headers apart (the transport's), the body as received. */
export function mimeEntityFromHttp(headers: Readonly<Record<string, string>>, body: Buffer): MimeEntity {
  return entity(MimeHeaders.fromRecord(headers), body, undefined);
}

/**
 * Content decrypted or decompressed from CMS: a MIME entity, or, from some senders (Mendelson's encrypt-only
 * messages), the bare payload without any header. A header block counts only when it names a Content-Type, so a
 * payload whose first lines merely look like `name: value` is not taken for headers.
 */
export function parseInnerContent(content: Buffer): MimeEntity | undefined {
  const block = readHeaderBlock(content);
  if (!block || !block.fields.some((field) => field.name === 'content-type')) return undefined;
  return entity(new MimeHeaders(block.fields), content.subarray(block.bodyStart), content);
}

function entity(headers: MimeHeaders, body: Buffer, raw: Buffer | undefined): MimeEntity {
  const contentType = parseContentType(headers.get('content-type'));
  return raw ? { headers, contentType, body, raw } : { headers, contentType, body };
}

export function parseContentType(value: string | undefined): ContentType {
  // RFC 2045 §5.2: without a (valid) Content-Type, a body is text/plain.
  const parsed = parseHeaderValue(value ?? 'text/plain');
  const mediaType = parsed.value.toLowerCase();
  return { ...parsed, mediaType: /^[^/\s]+\/[^/\s]+$/.test(mediaType) ? mediaType : 'text/plain' };
}

interface HeaderBlock {
  fields: HeaderField[];
  /** Offset of the first body byte, after the empty line. */
  bodyStart: number;
}

/**
 * The header block at the start of `bytes`, or undefined when the bytes do not start with one: every line before
 * the first empty line must be a field (`name:`) or the continuation of one.
 */
export function readHeaderBlock(bytes: Buffer): HeaderBlock | undefined {
  const fields: HeaderField[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const lf = bytes.indexOf(0x0a, offset);
    if (lf < 0) return undefined;
    const end = lf > offset && bytes[lf - 1] === 0x0d ? lf - 1 : lf;
    if (end === offset) {
      for (const field of fields) field.value = field.value.trim();
      return { fields, bodyStart: lf + 1 };
    }
    const line = bytes.toString('utf8', offset, end);
    if (line[0] === ' ' || line[0] === '\t') {
      // RFC 5322 §2.2.3: unfolding removes the line break and keeps the white space.
      if (fields.length === 0) return undefined;
      fields[fields.length - 1].value += line;
    } else {
      const field = /^([!-9;-~]+)[ \t]*:(.*)$/s.exec(line);
      if (!field) return undefined;
      fields.push({ name: field[1].toLowerCase(), value: field[2] });
    }
    offset = lf + 1;
  }
  return undefined;
}

/**
 * The entity's raw bytes with bare LF line ends of its header block made CRLF, the body untouched; undefined when
 * the header block had none. MIME headers are CRLF by definition (RFC 5322), so a signer signed them so; captures
 * saved in text mode and some proxies lose the CRs (both corpus captures of Mendelson and Sterling did).
 */
export function withCanonicalHeaderBlock(raw: Buffer): Buffer | undefined {
  const block = readHeaderBlock(raw);
  if (!block) return undefined;
  const header = raw.subarray(0, block.bodyStart);
  const canonical = Buffer.from(header.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
  return canonical.equals(header) ? undefined : Buffer.concat([canonical, raw.subarray(block.bodyStart)]);
}

/**
 * The body parts of a multipart entity (RFC 2046 §5.1.1), each with its exact raw bytes. The line break before a
 * delimiter belongs to the delimiter, so a part's bytes end before it; preamble and epilogue are dropped.
 */
export function multipartParts(multipart: MimeEntity): MimeEntity[] {
  const boundary = multipart.contentType.parameters.boundary;
  if (!multipart.contentType.mediaType.startsWith('multipart/'))
    throw malformed(`Expected a multipart entity, found ${multipart.contentType.mediaType}.`);
  if (!boundary)
    throw malformed(`The ${multipart.contentType.mediaType} Content-Type has no boundary parameter.`);
  const delimiters = findDelimiters(multipart.body, Buffer.from(`--${boundary}`, 'latin1'));
  const closing = delimiters.findIndex((delimiter) => delimiter.closing);
  if (closing < 0)
    throw malformed(
      delimiters.length === 0
        ? `The ${multipart.contentType.mediaType} body does not contain its boundary "${boundary}".`
        : `The ${multipart.contentType.mediaType} body has no closing delimiter "--${boundary}--" (truncated?).`,
    );
  const parts: MimeEntity[] = [];
  for (let i = 0; i < closing; i++) {
    const start = delimiters[i].contentStart;
    const raw = multipart.body.subarray(start, Math.max(start, delimiters[i + 1].lineBreakStart));
    const block = readHeaderBlock(raw);
    parts.push(
      block
        ? entity(new MimeHeaders(block.fields), raw.subarray(block.bodyStart), raw)
        : entity(new MimeHeaders([]), raw, raw),
    );
  }
  return parts;
}

interface Delimiter {
  /** Where the line break before the delimiter starts (it belongs to the delimiter). */
  lineBreakStart: number;
  /** First byte after the delimiter line. */
  contentStart: number;
  closing: boolean;
}

function findDelimiters(body: Buffer, dashBoundary: Buffer): Delimiter[] {
  const found: Delimiter[] = [];
  for (let at = body.indexOf(dashBoundary); at >= 0; at = body.indexOf(dashBoundary, at + 1)) {
    if (at > 0 && body[at - 1] !== 0x0a) continue;
    let cursor = at + dashBoundary.length;
    const closing = body[cursor] === 0x2d && body[cursor + 1] === 0x2d;
    if (closing) cursor += 2;
    while (body[cursor] === 0x20 || body[cursor] === 0x09) cursor++; // transport padding
    const crlf = body[cursor] === 0x0d && body[cursor + 1] === 0x0a;
    const lineEnds = cursor >= body.length || crlf || body[cursor] === 0x0a;
    if (!lineEnds && !closing) continue; // a longer line that merely starts with the boundary
    found.push({
      lineBreakStart: at === 0 ? 0 : at >= 2 && body[at - 2] === 0x0d ? at - 2 : at - 1,
      contentStart: crlf ? cursor + 2 : lineEnds ? cursor + 1 : cursor,
      closing,
    });
    if (closing) break;
  }
  return found;
}

/** The body with its Content-Transfer-Encoding undone. */
export function decodedBody(part: MimeEntity): Buffer {
  const encoding = (part.headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  switch (encoding) {
    case '7bit':
    case '8bit':
    case 'binary':
      return part.body;
    case 'base64':
      return decodeBase64(part.body);
    case 'quoted-printable':
      return decodeQuotedPrintable(part.body);
    default:
      throw malformed(`Unsupported Content-Transfer-Encoding "${encoding}".`);
  }
}

function decodeBase64(body: Buffer): Buffer {
  const text = body.toString('latin1').replace(/[\s]+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text))
    throw malformed('The base64 body contains characters outside the base64 alphabet.');
  return Buffer.from(text, 'base64');
}

function decodeQuotedPrintable(body: Buffer): Buffer {
  const out = Buffer.alloc(body.length);
  let length = 0;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (byte !== 0x3d) {
      out[length++] = byte;
      continue;
    }
    if (body[i + 1] === 0x0a)
      i += 1; // soft line break, LF
    else if (body[i + 1] === 0x0d && body[i + 2] === 0x0a)
      i += 2; // soft line break, CRLF
    else {
      const hex = body.toString('latin1', i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex))
        out[length++] = byte; // RFC 2045 §6.7 note 1: keep a stray "="
      else {
        out[length++] = parseInt(hex, 16);
        i += 2;
      }
    }
  }
  return out.subarray(0, length);
}

/** Content-Disposition filename, else the Content-Type name parameter. */
export function fileNameOf(headers: MimeHeaders): string | undefined {
  const disposition = headers.get('content-disposition');
  return (
    (disposition ? parseHeaderValue(disposition).parameters.filename : undefined) ??
    parseContentType(headers.get('content-type')).parameters.name
  );
}

/** `value *(";" name "=" (token | quoted-string))`, tolerant of stray semicolons and white space. */
export function parseHeaderValue(text: string): HeaderValue {
  let index = 0;
  const readUntil = (stops: string): string => {
    const start = index;
    while (index < text.length && !stops.includes(text[index])) index++;
    return text.slice(start, index);
  };
  const value = readUntil(';').trim();
  const raw: [string, string][] = [];
  while (index < text.length) {
    index++; // the ";"
    const name = readUntil('=;').trim().toLowerCase();
    let parameter = '';
    if (text[index] === '=') {
      index++;
      while (text[index] === ' ' || text[index] === '\t') index++;
      if (text[index] === '"') {
        parameter = readQuoted();
        readUntil(';'); // anything after the closing quote is not part of the value
      } else parameter = readUntil(';').trim();
    }
    if (name) raw.push([name, parameter]);
  }
  return { value, parameters: combineParameters(raw) };

  function readQuoted(): string {
    let result = '';
    for (index++; index < text.length && text[index] !== '"'; index++) {
      if (text[index] === '\\' && index + 1 < text.length) index++;
      result += text[index];
    }
    index++; // the closing quote
    return result;
  }
}

/** Plain parameters, and RFC 2231 extended (`name*=utf-8''…`) and continued (`name*0`, `name*1*`) ones. */
function combineParameters(raw: [string, string][]): Record<string, string> {
  const plain: Record<string, string> = {};
  const sections = new Map<string, { index: number; value: string; encoded: boolean }[]>();
  for (const [name, value] of raw) {
    const extended = /^(.+?)\*(?:(\d+)(\*)?)?$/.exec(name);
    if (!extended) {
      if (!(name in plain)) plain[name] = value;
      continue;
    }
    const [, base, section, star] = extended;
    const list = sections.get(base) ?? [];
    list.push({
      index: section === undefined ? 0 : Number(section),
      value,
      encoded: section === undefined || !!star,
    });
    sections.set(base, list);
  }
  for (const [name, list] of sections) {
    list.sort((a, b) => a.index - b.index);
    const charsetMatch = list[0].encoded ? /^([^']*)'[^']*'(.*)$/s.exec(list[0].value) : null;
    const charset = (charsetMatch?.[1] ?? '').toLowerCase();
    if (charsetMatch) list[0] = { ...list[0], value: charsetMatch[2] };
    const bytes = Buffer.concat(
      list.map((part) => (part.encoded ? percentDecoded(part.value) : Buffer.from(part.value, 'utf8'))),
    );
    plain[name] = bytes.toString(charset === 'iso-8859-1' || charset === 'latin1' ? 'latin1' : 'utf8');
  }
  return plain;
}

function percentDecoded(text: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(text[i], 'utf8'));
  }
  return Buffer.from(bytes);
}

function malformed(reason: string): As2Error {
  return new As2Error('unexpected-processing-error', reason);
}

import {
  decodedBody,
  fileNameOf,
  mimeEntityFromHttp,
  multipartParts,
  parseContentType,
  parseHeaderValue,
  parseInnerContent,
  parseMimeEntity,
  withCanonicalHeaderBlock,
} from '../../connectors/as2/protocol/mime';
import { As2Error } from '../../connectors/as2/protocol';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

describe('MIME header blocks', () => {
  it('reads names case-insensitively and unfolds folded lines, keeping the white space', () => {
    const entity = parseMimeEntity(
      bytes(
        'CONTENT-TYPE: multipart/signed; protocol="application/pkcs7-signature";\r\n\tmicalg=sha-256;\r\n boundary="b"\r\nX-Empty:\r\n\r\nbody',
      ),
    );
    expect(entity.headers.get('content-type')).toBe(
      'multipart/signed; protocol="application/pkcs7-signature";\tmicalg=sha-256; boundary="b"',
    );
    expect(entity.headers.get('x-empty')).toBe('');
    expect(entity.contentType).toMatchObject({
      mediaType: 'multipart/signed',
      parameters: { protocol: 'application/pkcs7-signature', micalg: 'sha-256', boundary: 'b' },
    });
    expect(entity.body.toString()).toBe('body');
  });

  it('reads header blocks with bare LF line ends, and a CRLF empty line after LF headers', () => {
    const entity = parseMimeEntity(bytes('Content-Type: text/plain\nSubject: x\n\r\nline1\nline2'));
    expect(entity.headers.get('subject')).toBe('x');
    expect(entity.body.toString()).toBe('line1\nline2');
  });

  it('refuses an entity without a header block ended by an empty line', () => {
    expect(() => parseMimeEntity(bytes('no header here'))).toThrow(As2Error);
    expect(() => parseMimeEntity(bytes('Content-Type: text/plain\r\n'))).toThrow(/empty line/);
  });

  it('parses parameters: quoted values with escapes and semicolons, stray semicolons, case of names', () => {
    expect(parseHeaderValue('attachment; FileName="a \\"quoted\\"; name.xml";; size=3;')).toEqual({
      value: 'attachment',
      parameters: { filename: 'a "quoted"; name.xml', size: '3' },
    });
  });

  it('decodes RFC 2231 extended and continued parameters', () => {
    expect(
      parseHeaderValue("attachment; filename*=utf-8''%D1%84%D0%B0%D0%BA%D1%82%D1%83%D1%80%D0%B0.xml")
        .parameters.filename,
    ).toBe('фактура.xml');
    expect(
      parseHeaderValue('attachment; filename*0="long"; filename*1="-name.xml"').parameters.filename,
    ).toBe('long-name.xml');
  });

  it('defaults a missing or broken Content-Type to text/plain (RFC 2045 §5.2)', () => {
    expect(parseContentType(undefined).mediaType).toBe('text/plain');
    expect(parseContentType('garbage').mediaType).toBe('text/plain');
    expect(parseContentType('Application/EDI-Consent').mediaType).toBe('application/edi-consent');
  });

  it('names the file from Content-Disposition, else from the Content-Type name', () => {
    const headers = (record: Record<string, string>) => mimeEntityFromHttp(record, Buffer.alloc(0)).headers;
    expect(
      fileNameOf(
        headers({ 'Content-Disposition': 'attachment; filename=a.xml', 'content-type': 'x/y; name=b' }),
      ),
    ).toBe('a.xml');
    expect(fileNameOf(headers({ 'content-type': 'application/xml; name="b.xml"' }))).toBe('b.xml');
    expect(fileNameOf(headers({}))).toBeUndefined();
  });
});

describe('HTTP entities and whole entities', () => {
  it('takes headers delivered apart by HTTP, lower-casing their names', () => {
    const entity = mimeEntityFromHttp(
      { 'Content-Type': 'application/xml', 'AS2-From': ' a ' },
      bytes('<x/>'),
    );
    expect(entity.headers.toRecord()).toEqual({ 'content-type': 'application/xml', 'as2-from': 'a' });
    expect(entity.raw).toBeUndefined();
    expect(entity.body.toString()).toBe('<x/>');
  });

  it('keeps the exact bytes of a whole entity', () => {
    const raw = bytes('Content-Type: text/plain\r\n\r\nexact\r\n');
    expect(parseMimeEntity(raw).raw?.equals(raw)).toBe(true);
  });

  it('takes decrypted content for a MIME entity only when its header block names a Content-Type', () => {
    expect(parseInnerContent(bytes('Content-Type: application/xml\r\n\r\n<x/>'))?.contentType.mediaType).toBe(
      'application/xml',
    );
    // An EDIFACT payload whose lines look like "name: value" is not a header block.
    expect(parseInnerContent(bytes("UNB+UNOA:2+X:14+Y:14'\nUNH+1+ORDERS:D:96A'\n\nrest"))).toBeUndefined();
    expect(parseInnerContent(bytes('<?xml version="1.0"?><x/>'))).toBeUndefined();
  });
});

describe('multipart bodies (RFC 2046 §5.1)', () => {
  const multipart = (body: string, boundary = 'b1') =>
    mimeEntityFromHttp({ 'content-type': `multipart/mixed; boundary="${boundary}"` }, bytes(body));

  it('gives each part its exact raw bytes, the line break before a delimiter belonging to the delimiter', () => {
    const first = 'Content-Type: text/plain\r\n\r\nline one\r\nline two\r\n';
    const second =
      'Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n\r\n\x00\r\n\xff';
    const parts = multipartParts(
      multipart(`preamble\r\n--b1\r\n${first}\r\n--b1 \t\r\n${second}\r\n--b1--\r\nepilogue`),
    );
    expect(parts.map((part) => part.raw?.toString('latin1'))).toEqual([first, second]);
    expect(parts[0].body.toString()).toBe('line one\r\nline two\r\n');
    expect(parts[1].body).toEqual(bytes('\x00\r\n\xff'));
    expect(parts[1].contentType.mediaType).toBe('application/octet-stream');
  });

  it('reads bare LF delimiters without converting anything', () => {
    const parts = multipartParts(
      multipart('--b1\nContent-Type: text/plain\n\na\nb\n--b1\n\nno headers\n--b1--\n'),
    );
    expect(parts.map((part) => part.raw?.toString())).toEqual([
      'Content-Type: text/plain\n\na\nb',
      '\nno headers',
    ]);
    expect(parts[1].headers.fields).toEqual([]);
    expect(parts[1].body.toString()).toBe('no headers');
  });

  it('does not split at a line that merely starts with the boundary', () => {
    const parts = multipartParts(multipart('--b1\r\n\r\n--b1x is content\r\n--b1--'));
    expect(parts.map((part) => part.body.toString())).toEqual(['--b1x is content']);
  });

  it('refuses a body without its boundary, without a closing delimiter, or without a boundary parameter', () => {
    expect(() => multipartParts(multipart('nothing'))).toThrow(/does not contain its boundary/);
    expect(() => multipartParts(multipart('--b1\r\n\r\ntruncated'))).toThrow(/no closing delimiter/);
    expect(() =>
      multipartParts(mimeEntityFromHttp({ 'content-type': 'multipart/mixed' }, bytes('x'))),
    ).toThrow(/no boundary parameter/);
  });

  it('reads nested multiparts through the raw bytes of the outer part', () => {
    const inner = 'Content-Type: multipart/alternative; boundary=in\r\n\r\n--in\r\n\r\ndeep\r\n--in--\r\n';
    const [outer] = multipartParts(multipart(`--b1\r\n${inner}\r\n--b1--\r\n`));
    expect(multipartParts(outer).map((part) => part.body.toString())).toEqual(['deep']);
  });
});

describe('Content-Transfer-Encoding', () => {
  const part = (encoding: string, body: string) =>
    mimeEntityFromHttp({ 'content-transfer-encoding': encoding }, bytes(body));

  it('decodes base64 across line breaks', () => {
    expect(decodedBody(part('base64', 'aGVsbG8g\r\nd29y\nbGQ=\r\n')).toString()).toBe('hello world');
  });

  it('decodes quoted-printable with soft line breaks and keeps a stray "="', () => {
    expect(decodedBody(part('Quoted-Printable', 'caf=C3=A9 =\r\nlong=\nline =3D ok = end')).toString()).toBe(
      'café longline = ok = end',
    );
  });

  it('passes 7bit, 8bit and binary through byte for byte', () => {
    for (const encoding of ['7bit', '8bit', 'binary'])
      expect(decodedBody(part(encoding, 'a\r\nb\nc\x00')).equals(bytes('a\r\nb\nc\x00'))).toBe(true);
  });

  it('refuses base64 with characters outside the alphabet and unknown encodings', () => {
    expect(() => decodedBody(part('base64', 'not*base64'))).toThrow(/base64 alphabet/);
    expect(() => decodedBody(part('x-uuencode', 'begin'))).toThrow(
      /Unsupported Content-Transfer-Encoding "x-uuencode"/,
    );
  });
});

describe('canonical header block', () => {
  it('makes the header block CRLF and leaves the body byte for byte', () => {
    expect(withCanonicalHeaderBlock(bytes('A: 1\nB: 2\n\nbody\nwith LF\n'))?.toString()).toBe(
      'A: 1\r\nB: 2\r\n\r\nbody\nwith LF\n',
    );
  });

  it('says there is nothing to repair when the header block is CRLF already', () => {
    expect(withCanonicalHeaderBlock(bytes('A: 1\r\n\r\nbody\n'))).toBeUndefined();
  });
});

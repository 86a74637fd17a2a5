/**
 * Safe XML parsing for everything the hub receives from outside (invoices, signatures, trusted lists).
 *
 * One streaming pass enforces the limits and refuses any DOCTYPE before anything of it is built, so hostile input
 * fails fast with memory bounded by the input size, and builds the @xmldom/xmldom Document from the same events
 * (parsing twice, a pre-scan and then xmldom's parser, cost twice the time). Plain XML is read by a fast reader
 * (plain-reader.ts), everything else by saxes. The document is kept exactly as written (no whitespace trimming),
 * because signature canonicalization depends on every text node.
 */
import type { Document, Node } from '@xmldom/xmldom';
import { SaxesParser } from 'saxes';
import { readPlainXml } from './plain-reader';
import { TreeBuilder } from './tree-builder';

export type { Document, Element, Node } from '@xmldom/xmldom';

/**
 * The DOM textContent of a node: for an element, the text and CDATA below it in document order, comments and
 * processing instructions left out. xmldom's getter walks with a frame object and a closure per node, which the
 * invoice readers and rules paid thousands of times per invoice; an element holding one text node (nearly all of
 * them) is answered without a walk.
 */
export function textContent(node: Node): string {
  const type = node.nodeType;
  if (type !== ELEMENT_NODE && type !== DOCUMENT_FRAGMENT_NODE) return node.nodeValue ?? '';
  const first = node.firstChild;
  if (!first) return '';
  if (!first.nextSibling && (first.nodeType === TEXT_NODE || first.nodeType === CDATA_SECTION_NODE)) {
    return first.nodeValue ?? '';
  }
  let text = '';
  for (let child: Node | null = first; child; child = child.nextSibling) {
    const childType = child.nodeType;
    if (childType === ELEMENT_NODE || childType === DOCUMENT_FRAGMENT_NODE) text += textContent(child);
    else if (childType !== COMMENT_NODE && childType !== PROCESSING_INSTRUCTION_NODE)
      text += child.nodeValue ?? '';
  }
  return text;
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const PROCESSING_INSTRUCTION_NODE = 7;
const COMMENT_NODE = 8;
const DOCUMENT_FRAGMENT_NODE = 11;

export type XmlInputErrorCode =
  | 'EMPTY'
  | 'NOT_XML'
  | 'INVALID_ENCODING'
  | 'UNSUPPORTED_ENCODING'
  | 'DTD_FORBIDDEN'
  | 'TOO_LARGE'
  | 'TOO_DEEP'
  | 'TOO_MANY_ELEMENTS'
  | 'TOO_MANY_ATTRIBUTES'
  | 'ATTRIBUTE_TOO_LONG'
  | 'TEXT_TOO_LONG'
  | 'MALFORMED';

/** Input the hub refuses to parse; `code` says which check refused it, the message says where and why. */
export class XmlInputError extends Error {
  override readonly name = 'XmlInputError';
  constructor(
    readonly code: XmlInputErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface XmlLimits {
  /** Bytes of the encoded input (strings are measured as UTF-8). */
  maxBytes: number;
  /** Nesting depth of elements; real invoices stay below 15. */
  maxDepth: number;
  /** Element count over the whole document. */
  maxElements: number;
  /** Attributes (namespace declarations included) on one element. */
  maxAttributesPerElement: number;
  /** Characters in one attribute value. */
  maxAttributeLength: number;
  /** Characters in one text or CDATA node; embedded attachments (base64) need several MiB. */
  maxTextLength: number;
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxDepth: 64,
  maxElements: 500_000,
  maxAttributesPerElement: 64,
  maxAttributeLength: 64 * 1024,
  maxTextLength: 10 * 1024 * 1024,
});

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses untrusted XML into an @xmldom/xmldom Document, or throws XmlInputError.
 * Accepts UTF-8 (with or without BOM), UTF-16 with a BOM and the single-byte encodings a declaration names; refuses DOCTYPE declarations outright,
 * which rules out external entities (XXE) and entity expansion (billion laughs).
 */
export function parseXml(input: Uint8Array | string, limits: Partial<XmlLimits> = {}): Document {
  const effective: XmlLimits = { ...DEFAULT_XML_LIMITS, ...limits };
  const text = typeof input === 'string' ? checkStringSize(input, effective) : decodeBytes(input, effective);
  const start = firstNonWhitespace(text);
  if (start < 0) throw new XmlInputError('EMPTY', 'The input is empty: no XML document was found.');
  if (text[start] !== '<') {
    throw new XmlInputError(
      'NOT_XML',
      `The input is not XML: it starts with ${JSON.stringify(text.slice(start, start + 20))} instead of "<".`,
    );
  }
  return parseDocument(text, effective);
}

function checkStringSize(text: string, limits: XmlLimits): string {
  // A UTF-16 code unit encodes to at most 3 UTF-8 bytes; measure exactly only when it could matter.
  if (text.length * 3 > limits.maxBytes && Buffer.byteLength(text, 'utf8') > limits.maxBytes) {
    throw tooLarge(Buffer.byteLength(text, 'utf8'), limits.maxBytes);
  }
  return text;
}

function decodeBytes(bytes: Uint8Array, limits: XmlLimits): string {
  if (bytes.byteLength > limits.maxBytes) throw tooLarge(bytes.byteLength, limits.maxBytes);
  if (
    bytes.byteLength >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    const label = bytes[0] === 0xff ? 'utf-16le' : 'utf-16be';
    try {
      return new TextDecoder(label, { fatal: true }).decode(bytes);
    } catch {
      throw new XmlInputError(
        'INVALID_ENCODING',
        `The input starts with a ${label.toUpperCase()} byte order mark but is not valid ${label.toUpperCase()}.`,
      );
    }
  }
  const declared = declaredEncoding(
    Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 200)).toString('latin1'),
  );
  if (declared && !['utf-8', 'utf8'].includes(declared.toLowerCase())) return decodeDeclared(bytes, declared);
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    throw new XmlInputError(
      'INVALID_ENCODING',
      `The input is not valid UTF-8: the byte sequence at offset ${offset} (0x${(bytes[offset] ?? 0).toString(16).padStart(2, '0')}) is not UTF-8. Save the file as UTF-8.`,
    );
  }
}

function declaredEncoding(head: string): string | undefined {
  return /^\uFEFF?\s*<\?xml\s[^?]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1];
}

/** Legacy single-byte encodings (ISO-8859-x, windows-125x) still come out of older accounting systems. */
function decodeDeclared(bytes: Uint8Array, encoding: string): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    throw new XmlInputError(
      'UNSUPPORTED_ENCODING',
      `The XML declaration names encoding "${encoding}", which the hub does not know; save the file as UTF-8.`,
    );
  }
  if (decoder.encoding.startsWith('utf-16')) {
    throw new XmlInputError(
      'INVALID_ENCODING',
      `The XML declaration names encoding "${encoding}" but the input has no UTF-16 byte order mark.`,
    );
  }
  try {
    return decoder.decode(bytes);
  } catch {
    throw new XmlInputError(
      'INVALID_ENCODING',
      `The input is not valid ${encoding} as its XML declaration says.`,
    );
  }
}

/** Locates the first byte that breaks UTF-8, so the message can point at it. */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const length =
      b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    try {
      utf8Decoder.decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return 0;
}

function tooLarge(size: number, max: number): XmlInputError {
  return new XmlInputError('TOO_LARGE', `The input is ${size} bytes; the limit is ${max} bytes.`);
}

function firstNonWhitespace(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // BOM (U+FEFF) counts as whitespace here: TextDecoder strips it from bytes, but strings may carry it.
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return i;
  }
  return -1;
}

/**
 * Plain XML (what invoices are) is read by the fast reader; anything else, or anything it is unsure of, by saxes,
 * whose streaming pass checks well-formedness, namespaces and the limits tag by tag and reports the exact fault.
 * Both feed the same TreeBuilder, so the Document is the same whichever read it.
 *
 * Six saxes handlers at most: a seventh `on()` turns the saxes parser into a slow dictionary-mode object in V8
 * (measured: five times slower), so the DOCTYPE is found by reading the prolog when the root element opens, and the
 * attribute, depth and element limits are checked as each start tag completes.
 */
function parseDocument(text: string, limits: XmlLimits): Document {
  refuseTooManyElements(text, limits);
  // Both readers validate the declaration; if it is malformed the parse fails and this Document is dropped.
  const plain = new TreeBuilder(/^\uFEFF?<\?xml\s+([\s\S]*?)\?>/.exec(text)?.[1]);
  if (readPlainXml(text, limits, plain)) return plain.document;
  return readWithSaxes(text, limits);
}

/**
 * The element limit, checked before any node is built: a node costs hundreds of bytes, so 2 MB of `<a/>` would
 * otherwise take 350-750 MiB before the limit trips in the reader. "<" not followed by "/", "!" or "?" bounds the
 * start tags from above (it also counts such text inside comments, CDATA and instructions); only when that bound is
 * over the limit does saxes count them exactly, building nothing. Any other fault is left to the reader to report.
 */
function refuseTooManyElements(text: string, limits: XmlLimits): void {
  let candidates = 0;
  for (let i = text.indexOf('<'); i >= 0; i = text.indexOf('<', i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (next !== 0x2f && next !== 0x21 && next !== 0x3f) candidates++;
  }
  if (candidates <= limits.maxElements) return;
  const counter = new SaxesParser({ position: true });
  let elements = 0;
  let depth = 0;
  counter.on('opentag', (tag) => {
    // Depth is refused first, as the reader does: a document too deep is that before it is too large.
    if (++depth > limits.maxDepth) {
      throw new XmlInputError(
        'TOO_DEEP',
        `Element <${tag.name}> at line ${counter.line}, column ${counter.column + 1} is nested ${depth} levels deep; the limit is ${limits.maxDepth}.`,
      );
    }
    if (++elements > limits.maxElements) {
      throw new XmlInputError(
        'TOO_MANY_ELEMENTS',
        `The document has more than ${limits.maxElements} elements (line ${counter.line}, column ${counter.column + 1}).`,
      );
    }
  });
  counter.on('closetag', () => {
    depth--;
  });
  try {
    counter.write(text).close();
  } catch (error) {
    if (error instanceof XmlInputError) throw error;
  }
}

/** saxes' reading of any text; parseXml's fallback, exported for the test that compares the two readers. */
export function readWithSaxes(text: string, limits: XmlLimits): Document {
  const builder = new TreeBuilder(/^\uFEFF?<\?xml\s+([\s\S]*?)\?>/.exec(text)?.[1]);
  const parser = new SaxesParser({ xmlns: true, position: true });
  let depth = 0;
  let elements = 0;
  const where = (): string => `line ${parser.line}, column ${parser.column + 1}`;

  parser.on('opentag', (tag) => {
    if (elements === 0) refuseDoctype(text, parser.position);
    depth++;
    elements++;
    if (depth > limits.maxDepth) {
      throw new XmlInputError(
        'TOO_DEEP',
        `Element <${tag.name}> at ${where()} is nested ${depth} levels deep; the limit is ${limits.maxDepth}.`,
      );
    }
    if (elements > limits.maxElements) {
      throw new XmlInputError(
        'TOO_MANY_ELEMENTS',
        `The document has more than ${limits.maxElements} elements (${where()}).`,
      );
    }
    const attributes = Object.values(tag.attributes);
    if (attributes.length > limits.maxAttributesPerElement) {
      throw new XmlInputError(
        'TOO_MANY_ATTRIBUTES',
        `Element <${tag.name}> at ${where()} has ${attributes.length} attributes; the limit is ${limits.maxAttributesPerElement}.`,
      );
    }
    for (const attribute of attributes) {
      if (attribute.value.length > limits.maxAttributeLength) {
        throw new XmlInputError(
          'ATTRIBUTE_TOO_LONG',
          `Attribute ${attribute.name} of the element ending at ${where()} is ${attribute.value.length} characters long; the limit is ${limits.maxAttributeLength}.`,
        );
      }
    }
    builder.openElement(tag.uri, tag.name, attributes);
  });
  // saxes reports a close tag for self-closing elements too.
  parser.on('closetag', () => {
    depth--;
    builder.closeElement();
  });
  const checkText = (value: string): void => {
    if (value.length > limits.maxTextLength) {
      throw new XmlInputError(
        'TEXT_TOO_LONG',
        `A text node ending at ${where()} is ${value.length} characters long; the limit is ${limits.maxTextLength}.`,
      );
    }
  };
  parser.on('text', (value) => {
    checkText(value);
    builder.text(value);
  });
  parser.on('cdata', (value) => {
    checkText(value);
    builder.cdata(value);
  });
  parser.on('comment', (value) => {
    builder.comment(value);
  });
  parser.on('processinginstruction', (instruction) => {
    builder.processingInstruction(instruction.target, instruction.body);
  });

  try {
    // Without an error handler saxes throws its own error (message with line and column) at the first fault.
    parser.write(text).close();
  } catch (error) {
    if (error instanceof XmlInputError) throw error;
    // A DOCTYPE with no root element after it is still refused as a DOCTYPE.
    if (elements === 0) refuseDoctype(text, text.length);
    throw new XmlInputError(
      'MALFORMED',
      `The XML is not well-formed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return builder.document;
}

/**
 * A DOCTYPE can only stand in the prolog, which saxes has read (and found well-formed) when the root element
 * opens: the prolog is then only the declaration, comments, processing instructions, whitespace and the DOCTYPE.
 * Also run on a document that failed before any element, so a DOCTYPE is refused as such there too.
 * The DTD itself is never used (saxes knows no entities but the five predefined ones), but it is refused outright.
 */
function refuseDoctype(text: string, prologEnd: number): void {
  let i = 0;
  while (i < prologEnd) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0xfeff) {
      i++;
      continue;
    }
    const end = text.startsWith('<?', i)
      ? text.indexOf('?>', i + 2) + 2
      : text.startsWith('<!--', i)
        ? text.indexOf('-->', i + 4) + 3
        : -1;
    if (end > i) {
      i = end;
      continue;
    }
    if (end === -1 && text.startsWith('<!DOCTYPE', i)) {
      const before = text.slice(0, i);
      const line = before.split('\n').length;
      const column = i - before.lastIndexOf('\n');
      throw new XmlInputError(
        'DTD_FORBIDDEN',
        `The document declares a DOCTYPE (line ${line}, column ${column}); DTDs and entity declarations are refused to rule out external entities and entity expansion.`,
      );
    }
    return; // the root element's start tag, or markup saxes refuses anyway
  }
}

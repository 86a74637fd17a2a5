/**
 * Factur-X 1.0 and ZUGFeRD 2.x: the UN/CEFACT CII invoice a PDF/A-3 carries as an embedded file. The XML is found the
 * way the specifications place it: a file specification named factur-x.xml (ZUGFeRD 2.0: zugferd-invoice.xml,
 * XRechnung: xrechnung.xml, or the name the XMP metadata gives) in the catalog's associated files (/AF) or its
 * /Names /EmbeddedFiles name tree. The profile comes from the XMP metadata (fx:ConformanceLevel).
 *
 * The PDF is untrusted: objects are read with pdf-lib's object parser, but every stream is decompressed here within
 * a size limit (a few KiB of Flate can expand to gigabytes), and whatever the bytes are, the only error is a
 * FacturXError that says what is wrong. pdf-lib's PDFDocument.load is not used: it is asynchronous, decompresses
 * object streams without a limit and writes warnings to the console for damaged objects.
 */
import zlib from 'node:zlib';
import {
  PDFArray,
  PDFContext,
  PDFDict,
  PDFHexString,
  PDFName,
  PDFNumber,
  PDFObject,
  PDFObjectParser,
  PDFRawStream,
  PDFRef,
  PDFString,
  decodePDFRawStream,
} from 'pdf-lib';
// pdf-lib exports its object parser but not the byte stream the parser reads; the scanner below needs both.
import ByteStream from 'pdf-lib/cjs/core/parser/ByteStream';
import { DEFAULT_XML_LIMITS, XmlInputError, parseXml } from '../xml';
import type { Element } from '../xml';
import { CII_NAMESPACES } from './cii';

export type EmbeddedInvoiceStandard = 'Factur-X' | 'ZUGFeRD' | 'XRechnung' | 'unknown';

/** The invoice XML found in a PDF, exactly as embedded (after decompression). */
export interface EmbeddedInvoice {
  xml: Buffer;
  /** The embedded file's name (/UF, else /F), e.g. "factur-x.xml". */
  fileName: string;
  /** The file specification's /AFRelationship, e.g. "Alternative" or "Data". */
  relationship?: string;
  /** The XMP metadata's conformance level, e.g. "EN 16931", "BASIC", "EXTENDED", "XRECHNUNG". */
  profile?: string;
  standard: EmbeddedInvoiceStandard;
}

export type FacturXErrorCode =
  | 'NOT_PDF'
  | 'TRUNCATED_PDF'
  | 'DAMAGED_PDF'
  | 'ENCRYPTED_PDF'
  | 'NO_EMBEDDED_INVOICE'
  | 'UNSUPPORTED_FILTER'
  | 'TOO_LARGE'
  | 'NOT_CII_XML';

export interface FacturXErrorDetails {
  /** The names of the files the PDF embeds (NO_EMBEDDED_INVOICE). */
  embeddedFiles?: string[];
  /** The embedded file the error is about. */
  fileName?: string;
  /** The embedded XML's root element as {namespace}localName (NOT_CII_XML). */
  rootElement?: string;
}

/** A PDF the hub cannot take an invoice from; `code` says which check refused it, the message says why. */
export class FacturXError extends Error {
  override readonly name = 'FacturXError';
  constructor(
    readonly code: FacturXErrorCode,
    message: string,
    readonly details: FacturXErrorDetails = {},
  ) {
    super(message);
  }
}

export interface FacturXLimits {
  /** Bytes one stream may decompress to (the embedded XML, the XMP metadata) and all object streams together. */
  maxDecompressedBytes: number;
}

export const DEFAULT_FACTUR_X_LIMITS: Readonly<FacturXLimits> = Object.freeze({
  maxDecompressedBytes: 10 * 1024 * 1024,
});

/** The names the specifications give the invoice XML, in the order they are looked for (compared ignoring case). */
export const EMBEDDED_INVOICE_FILE_NAMES = [
  'factur-x.xml',
  'zugferd-invoice.xml',
  'ZUGFeRD-invoice.xml',
  'xrechnung.xml',
] as const;

const STANDARD_OF_FILE_NAME: Record<string, EmbeddedInvoiceStandard> = {
  'factur-x.xml': 'Factur-X',
  'zugferd-invoice.xml': 'ZUGFeRD',
  'xrechnung.xml': 'XRechnung',
};

/** PDF readers accept up to 1 KiB of other bytes before the "%PDF-" header and after the closing %%EOF. */
const LENIENCY_BYTES = 1024;

/** True when the bytes are a PDF (its "%PDF-" header within the first KiB). */
export function isPdf(bytes: Uint8Array): boolean {
  return headerOffset(bytes) >= 0;
}

/**
 * Finds and returns the CII invoice embedded in a Factur-X / ZUGFeRD PDF; throws FacturXError, and nothing else,
 * for any PDF without one and for any bytes that are not a readable PDF.
 */
export function extractEmbeddedInvoice(
  pdf: Uint8Array,
  limits: Partial<FacturXLimits> = {},
): EmbeddedInvoice {
  const effective: FacturXLimits = { ...DEFAULT_FACTUR_X_LIMITS, ...limits };
  try {
    return extract(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength), effective);
  } catch (error) {
    if (error instanceof FacturXError) throw error;
    throw new FacturXError(
      'DAMAGED_PDF',
      `The PDF could not be read: ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
}

function extract(bytes: Buffer, limits: FacturXLimits): EmbeddedInvoice {
  refuseNonPdf(bytes);
  const document = scanDocument(bytes, limits);
  if (document.encrypted) {
    throw new FacturXError(
      'ENCRYPTED_PDF',
      'The PDF is encrypted (its trailer has /Encrypt), so the invoice inside cannot be read; export the PDF without a password or permission restrictions.',
    );
  }
  const catalog = document.catalog;
  if (!catalog) {
    throw new FacturXError(
      'DAMAGED_PDF',
      `The PDF is damaged: it has no document catalog (/Root)${damageNote(document)}.`,
    );
  }
  const xmp = readXmp(catalog, limits);
  const attachments = listAttachments(catalog);
  const attachment = findInvoiceAttachment(attachments, xmp.fileName);
  if (!attachment) throw noEmbeddedInvoice(attachments, document);

  const stream = embeddedFileStream(attachment.spec);
  if (!stream) {
    throw new FacturXError(
      'DAMAGED_PDF',
      `The PDF names an embedded file ${quote(attachment.fileName)} but its file specification has no embedded file stream (/EF)${damageNote(document)}.`,
      { fileName: attachment.fileName },
    );
  }
  let xml: Buffer;
  try {
    xml = decodeStream(
      stream,
      `The embedded file ${quote(attachment.fileName)}`,
      limits.maxDecompressedBytes,
    );
  } catch (error) {
    if (!(error instanceof FacturXError)) throw error;
    throw new FacturXError(error.code, error.message, { fileName: attachment.fileName });
  }
  refuseNonCii(xml, attachment.fileName, limits);
  return {
    xml,
    fileName: attachment.fileName,
    relationship: nameOf(attachment.spec.lookup(PDFName.of('AFRelationship'))),
    profile: xmp.profile,
    standard: STANDARD_OF_FILE_NAME[baseName(attachment.fileName).toLowerCase()] ?? xmp.standard ?? 'unknown',
  };
}

// ---- The file as a whole ----------------------------------------------------------------------------------------

function headerOffset(bytes: Uint8Array): number {
  const window = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, LENIENCY_BYTES + 5));
  return window.indexOf('%PDF-', 0, 'latin1');
}

function refuseNonPdf(bytes: Buffer): void {
  if (bytes.length === 0) throw new FacturXError('NOT_PDF', 'The file is empty, not a PDF.');
  if (!isPdf(bytes)) {
    const start = bytes.subarray(0, 16).toString('latin1');
    const looksXml = /^\uFEFF?\s*</.test(bytes.subarray(0, 64).toString('utf8'));
    throw new FacturXError(
      'NOT_PDF',
      `The file is not a PDF: it has no "%PDF-" header (it starts with ${JSON.stringify(start)})${looksXml ? '; it looks like XML, which is read as an invoice XML, not as a PDF' : ''}.`,
    );
  }
  // A PDF ends with %%EOF (readers accept up to 1 KiB after it); without it the file was cut short.
  const tail = bytes.subarray(Math.max(0, bytes.length - LENIENCY_BYTES));
  if (tail.indexOf('%%EOF', 0, 'latin1') < 0) {
    throw new FacturXError(
      'TRUNCATED_PDF',
      `The PDF is truncated: it does not end with the %%EOF marker (${bytes.length} bytes read). The copy is incomplete or the file is still being written; copy or export it again.`,
    );
  }
}

interface ScannedDocument {
  catalog?: PDFDict;
  encrypted: boolean;
  damagedObjects: number;
}

function scanDocument(bytes: Buffer, limits: FacturXLimits): ScannedDocument {
  const context = PDFContext.create();
  const scanner = new PdfObjectScanner(bytes, context, limits.maxDecompressedBytes);
  scanner.scan();
  const declared = context.lookup(scanner.root);
  const catalog =
    declared instanceof PDFDict
      ? declared
      : // A damaged trailer: take the object that says it is the catalog, as PDF readers do.
        context
          .enumerateIndirectObjects()
          .map(([, object]) => object)
          .find(
            (object): object is PDFDict =>
              object instanceof PDFDict && object.get(PDFName.of('Type')) === PDFName.of('Catalog'),
          );
  return { catalog, encrypted: scanner.encrypted, damagedObjects: scanner.damagedObjects };
}

function damageNote(document: ScannedDocument): string {
  return document.damagedObjects > 0 ? `; ${document.damagedObjects} of its objects could not be read` : '';
}

const keyword = (text: string): number[] => [...Buffer.from(text, 'latin1')];
const OBJ = keyword('obj');
const TRAILER = keyword('trailer');
const ENDOBJ = keyword('endobj');
const ENDSTREAM = Buffer.from('endstream', 'latin1');
const CR = 0x0d;
const LF = 0x0a;
/** Damaged objects whose failed parse ran past the next "endobj" (so the scan would read the same bytes again). */
const MAX_OVERRUNNING_FAILURES = 4;

const PERIOD = 0x2e;
const isDigit = (byte: number): boolean => byte >= 0x30 && byte <= 0x39;
const isNumeric = (byte: number): boolean =>
  isDigit(byte) || byte === PERIOD || byte === 0x2b || byte === 0x2d;

/**
 * pdf-lib's object parser with two changes for hostile files: no console warning for numbers beyond 2^53 (a file
 * can hold thousands), and a stream without a usable /Length ends at the first "endstream", found once.
 */
class QuietObjectParser extends PDFObjectParser {
  /** Where a search for "endstream" found none: every later search from there on would scan in vain again. */
  private noEndstreamFrom = Infinity;

  constructor(
    protected readonly source: Buffer,
    context: PDFContext,
  ) {
    super(ByteStream.of(source), context);
  }

  protected override parseRawNumber(): number {
    let value = '';
    // The integer part with its sign or leading period, then the digits after it, as pdf-lib reads numbers.
    while (!this.bytes.done() && isNumeric(this.bytes.peek())) {
      const byte = this.bytes.next();
      value += String.fromCharCode(byte);
      if (byte === PERIOD) break;
    }
    while (!this.bytes.done() && isDigit(this.bytes.peek())) value += String.fromCharCode(this.bytes.next());
    const number = Number(value);
    if (!value || !Number.isFinite(number)) throw new Error(`not a number: ${JSON.stringify(value)}`);
    return number;
  }

  /** pdf-lib's own search counts nested "stream" keywords, which PDF syntax does not have. */
  protected override findEndOfStreamFallback(): number {
    const start = this.bytes.offset();
    const at = start >= this.noEndstreamFrom ? -1 : this.source.indexOf(ENDSTREAM, start);
    if (at < 0) {
      this.noEndstreamFrom = Math.min(this.noEndstreamFrom, start);
      throw new Error('a stream has no "endstream"');
    }
    let end = at;
    if (end > start && this.source[end - 1] === LF) end--;
    if (end > start && this.source[end - 1] === CR) end--;
    this.bytes.moveTo(at + ENDSTREAM.length);
    return end;
  }
}

/**
 * Reads every indirect object front to back, as pdf-lib's own parser does: a later definition of an object replaces
 * an earlier one, which is how incremental updates work, and the cross-reference tables are not needed. Objects
 * inside object streams are read too (the stream decompressed within the limit); a damaged object is skipped up to
 * its "endobj" and counted.
 */
class PdfObjectScanner extends QuietObjectParser {
  root: PDFObject | undefined;
  encrypted = false;
  damagedObjects = 0;
  private overrunningFailures = 0;
  private objectStreamBytesLeft: number;

  constructor(
    source: Buffer,
    context: PDFContext,
    private readonly maxDecompressedBytes: number,
  ) {
    super(source, context);
    this.objectStreamBytesLeft = maxDecompressedBytes;
  }

  scan(): void {
    const bytes = this.bytes;
    while (!bytes.done()) {
      this.skipWhitespaceAndComments();
      if (bytes.done()) return;
      const start = bytes.offset();
      if (isDigit(bytes.peek())) this.readIndirectObject(start);
      else if (this.matchKeyword(TRAILER)) this.readTrailer();
      else bytes.next();
    }
  }

  private readIndirectObject(start: number): void {
    const bytes = this.bytes;
    const ref = this.matchObjectHeader();
    if (!ref) {
      // Not "n g obj" (an xref table row, a stray number): step over the first number.
      bytes.moveTo(start);
      while (!bytes.done() && isDigit(bytes.peek())) bytes.next();
      return;
    }
    const bodyStart = bytes.offset();
    try {
      this.skipWhitespaceAndComments();
      const object = this.parseObject();
      this.skipWhitespaceAndComments();
      this.matchKeyword(ENDOBJ);
      this.store(ref, object);
    } catch (error) {
      // A compression bomb stops the scan; any other fault only costs this object.
      if (error instanceof FacturXError && error.code === 'TOO_LARGE') throw error;
      this.damagedObjects++;
      const failedAt = bytes.offset();
      const endobj = this.source.indexOf('endobj', bodyStart, 'latin1');
      const resume = endobj < 0 ? this.source.length : endobj + ENDOBJ.length;
      if (failedAt > resume && ++this.overrunningFailures > MAX_OVERRUNNING_FAILURES) {
        bytes.moveTo(this.source.length);
        return;
      }
      bytes.moveTo(resume);
    }
  }

  /** "n g obj", read without exceptions: a hostile file can hold millions of numbers that are not headers. */
  private matchObjectHeader(): PDFRef | undefined {
    const objectNumber = this.matchDigits();
    if (objectNumber === undefined) return undefined;
    this.skipWhitespaceAndComments();
    const generation = this.matchDigits();
    if (generation === undefined) return undefined;
    this.skipWhitespaceAndComments();
    return this.matchKeyword(OBJ) ? PDFRef.of(objectNumber, generation) : undefined;
  }

  private matchDigits(): number | undefined {
    let value = 0;
    let digits = 0;
    while (!this.bytes.done() && isDigit(this.bytes.peek()) && digits < 16) {
      value = value * 10 + (this.bytes.next() - 0x30);
      digits++;
    }
    return digits > 0 ? value : undefined;
  }

  private store(ref: PDFRef, object: PDFObject): void {
    if (object instanceof PDFRawStream) {
      const type = object.dict.get(PDFName.of('Type'));
      if (type === PDFName.of('ObjStm')) return this.readObjectStream(object);
      // A cross-reference stream is also the trailer; its table is not needed.
      if (type === PDFName.of('XRef')) return this.readTrailerDict(object.dict);
    }
    this.context.assign(ref, object);
  }

  private readTrailer(): void {
    try {
      this.skipWhitespaceAndComments();
      this.readTrailerDict(this.parseDict());
    } catch {
      this.damagedObjects++;
    }
  }

  private readTrailerDict(dict: PDFDict): void {
    const root = dict.get(PDFName.of('Root'));
    if (root) this.root = root;
    if (dict.get(PDFName.of('Encrypt'))) this.encrypted = true;
  }

  /** An object stream: N pairs "object-number offset", then the objects from /First on. */
  private readObjectStream(stream: PDFRawStream): void {
    let decoded: Buffer;
    try {
      decoded = decodeStream(stream, 'An object stream of the PDF', this.objectStreamBytesLeft);
    } catch (error) {
      if (!(error instanceof FacturXError) || error.code !== 'TOO_LARGE') throw error;
      throw new FacturXError(
        'TOO_LARGE',
        `The PDF's object streams decompress to more than ${describeBytes(this.maxDecompressedBytes)} together, the limit; the PDF is refused as a possible compression bomb.`,
      );
    }
    this.objectStreamBytesLeft -= decoded.length;
    const count = stream.dict.get(PDFName.of('N'));
    const first = stream.dict.get(PDFName.of('First'));
    if (!(count instanceof PDFNumber) || !(first instanceof PDFNumber)) {
      this.damagedObjects++;
      return;
    }
    const firstOffset = first.asNumber();
    if (!Number.isSafeInteger(firstOffset) || firstOffset < 0 || firstOffset > decoded.length) {
      this.damagedObjects++;
      return;
    }
    const header = decoded.subarray(0, firstOffset).toString('latin1').trim().split(/\s+/).map(Number);
    const entries: { objectNumber: number; position: number }[] = [];
    for (let i = 0; i < count.asNumber() && 2 * i + 1 < header.length; i++) {
      const [objectNumber, offset] = [header[2 * i], header[2 * i + 1]];
      const position = firstOffset + offset;
      if (Number.isSafeInteger(objectNumber) && Number.isSafeInteger(offset) && position < decoded.length)
        entries.push({ objectNumber, position });
      else this.damagedObjects++;
    }
    // Each object is read within its own slot, up to where the next one starts, and each slot once: a damaged
    // object cannot make the parser read the rest of the stream again for every entry.
    const positions = [...new Set(entries.map((entry) => entry.position))].sort((a, b) => a - b);
    const objects = new Map<number, PDFObject | undefined>();
    positions.forEach((position, index) => {
      const slot = decoded.subarray(position, positions[index + 1] ?? decoded.length);
      try {
        objects.set(position, new QuietObjectParser(slot, this.context).parseObject());
      } catch {
        objects.set(position, undefined);
      }
    });
    for (const { objectNumber, position } of entries) {
      const object = objects.get(position);
      if (object) this.context.assign(PDFRef.of(objectNumber, 0), object);
      else this.damagedObjects++;
    }
  }
}

// ---- Streams ------------------------------------------------------------------------------------------------------

const MAX_FILTERS = 4;
const PDF_LIB_FILTERS = new Set(['ASCIIHexDecode', 'ASCII85Decode', 'LZWDecode', 'RunLengthDecode']);
const FILTER_ABBREVIATIONS: Record<string, string> = {
  Fl: 'FlateDecode',
  AHx: 'ASCIIHexDecode',
  A85: 'ASCII85Decode',
  LZW: 'LZWDecode',
  RL: 'RunLengthDecode',
};

/** The stream's data with its filters undone, each step allowed `maxBytes` of output; `what` names it in messages. */
function decodeStream(stream: PDFRawStream, what: string, maxBytes: number): Buffer {
  const context = stream.dict.context;
  const filterObject = stream.dict.lookup(PDFName.of('Filter'));
  const paramsObject = stream.dict.lookup(PDFName.of('DecodeParms'));
  const filters =
    filterObject instanceof PDFArray ? filterObject.asArray() : filterObject ? [filterObject] : [];
  const params = paramsObject instanceof PDFArray ? paramsObject.asArray() : [paramsObject];
  if (filters.length > MAX_FILTERS) {
    throw new FacturXError(
      'UNSUPPORTED_FILTER',
      `${what} is encoded with a chain of ${filters.length} filters; the hub decodes at most ${MAX_FILTERS}.`,
    );
  }
  let data = Buffer.from(stream.contents.buffer, stream.contents.byteOffset, stream.contents.byteLength);
  if (filters.length === 0) {
    if (data.length > maxBytes) throw tooLarge(what, maxBytes);
    // A copy: unfiltered contents are a view of the caller's PDF bytes.
    return Buffer.from(data);
  }
  filters.forEach((filter, index) => {
    const filterParams = context.lookup(params[index]);
    const step = {
      what,
      maxBytes,
      context,
      params: filterParams instanceof PDFDict ? filterParams : undefined,
    };
    data = applyFilter(context.lookup(filter), data, step);
  });
  return data;
}

interface FilterStep {
  what: string;
  maxBytes: number;
  context: PDFContext;
  params?: PDFDict;
}

function applyFilter(filter: PDFObject | undefined, data: Buffer, step: FilterStep): Buffer {
  const { what, maxBytes, params } = step;
  const raw = filter instanceof PDFName ? filter.decodeText() : String(filter);
  const name = FILTER_ABBREVIATIONS[raw] ?? raw;
  const predictor = params?.get(PDFName.of('Predictor'));
  if (predictor instanceof PDFNumber && predictor.asNumber() > 1) {
    throw new FacturXError(
      'UNSUPPORTED_FILTER',
      `${what} is encoded with ${name} and predictor ${predictor.asNumber()}, which the hub does not decode.`,
    );
  }
  if (name === 'FlateDecode') {
    try {
      return zlib.inflateSync(data, { maxOutputLength: maxBytes });
    } catch (error) {
      // By its code: under a test runner's sandbox, Node's errors are not instances of the sandbox's RangeError.
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(what, maxBytes);
      throw new FacturXError(
        'DAMAGED_PDF',
        `The PDF is damaged: ${lowerFirst(what)} has corrupt FlateDecode data (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
  }
  if (PDF_LIB_FILTERS.has(name)) {
    const single = PDFRawStream.of(step.context.obj({ Filter: name, DecodeParms: params }), data);
    // One byte more than allowed tells a stream that is too large from one of exactly the limit.
    const decoded = decodePDFRawStream(single).getBytes(maxBytes + 1);
    if (decoded.length > maxBytes) throw tooLarge(what, maxBytes);
    return Buffer.from(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  }
  // The identity crypt filter leaves the data as it is; any other belongs to an encrypted PDF.
  const cryptFilter = nameOf(params?.get(PDFName.of('Name')));
  if (name === 'Crypt' && (cryptFilter === undefined || cryptFilter === 'Identity')) return data;
  throw new FacturXError(
    'UNSUPPORTED_FILTER',
    `${what} is encoded with the ${name} filter, which the hub does not decode (it decodes FlateDecode, ASCIIHexDecode, ASCII85Decode, LZWDecode and RunLengthDecode).`,
  );
}

function tooLarge(what: string, maxBytes: number): FacturXError {
  return new FacturXError(
    'TOO_LARGE',
    `${what} decompresses to more than ${describeBytes(maxBytes)}, the limit; the PDF is refused as a possible compression bomb.`,
  );
}

function describeBytes(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  return Number.isInteger(mib) ? `${mib} MiB (${bytes} bytes)` : `${bytes} bytes`;
}

// ---- Embedded files -----------------------------------------------------------------------------------------------

interface Attachment {
  fileName: string;
  spec: PDFDict;
}

/** The file specifications of the catalog's /AF array and of its /Names /EmbeddedFiles tree, each once. */
function listAttachments(catalog: PDFDict): Attachment[] {
  const found = new Map<PDFDict, Attachment>();
  const add = (spec: PDFObject | undefined, key?: string): void => {
    if (!(spec instanceof PDFDict) || found.has(spec)) return;
    const fileName = textOf(spec.lookup(PDFName.of('UF'))) ?? textOf(spec.lookup(PDFName.of('F'))) ?? key;
    if (fileName !== undefined) found.set(spec, { fileName, spec });
  };
  const associated = catalog.lookup(PDFName.of('AF'));
  if (associated instanceof PDFArray) {
    for (let i = 0; i < associated.size(); i++) add(associated.lookup(i));
  }
  const names = catalog.lookup(PDFName.of('Names'));
  const tree = names instanceof PDFDict ? names.lookup(PDFName.of('EmbeddedFiles')) : undefined;
  if (tree instanceof PDFDict) {
    for (const [key, value] of nameTreeEntries(tree)) add(catalog.context.lookup(value), key);
  }
  return [...found.values()];
}

/** Walks a name tree's /Kids and /Names, guarding against cycles and absurd sizes. */
function nameTreeEntries(root: PDFDict): [string | undefined, PDFObject][] {
  const entries: [string | undefined, PDFObject][] = [];
  const visited = new Set<PDFDict>();
  const pending: PDFDict[] = [root];
  while (pending.length > 0 && visited.size < 10_000) {
    const node = pending.pop() as PDFDict;
    if (visited.has(node)) continue;
    visited.add(node);
    const pairs = node.lookup(PDFName.of('Names'));
    if (pairs instanceof PDFArray) {
      for (let i = 0; i + 1 < pairs.size(); i += 2) entries.push([textOf(pairs.lookup(i)), pairs.get(i + 1)]);
    }
    const kids = node.lookup(PDFName.of('Kids'));
    if (kids instanceof PDFArray) {
      for (let i = kids.size() - 1; i >= 0; i--) {
        const kid = kids.lookup(i);
        if (kid instanceof PDFDict) pending.push(kid);
      }
    }
  }
  return entries;
}

function findInvoiceAttachment(
  attachments: Attachment[],
  xmpFileName: string | undefined,
): Attachment | undefined {
  const wanted = [xmpFileName, ...EMBEDDED_INVOICE_FILE_NAMES]
    .filter((name): name is string => name !== undefined && name !== '')
    .map((name) => name.toLowerCase());
  for (const name of wanted) {
    const found = attachments.find((attachment) => baseName(attachment.fileName).toLowerCase() === name);
    if (found) return found;
  }
  return undefined;
}

function embeddedFileStream(spec: PDFDict): PDFRawStream | undefined {
  const files = spec.lookup(PDFName.of('EF'));
  if (!(files instanceof PDFDict)) return undefined;
  const stream = files.lookup(PDFName.of('UF')) ?? files.lookup(PDFName.of('F'));
  return stream instanceof PDFRawStream ? stream : undefined;
}

function noEmbeddedInvoice(attachments: Attachment[], document: ScannedDocument): FacturXError {
  const embeddedFiles = attachments.map((attachment) => attachment.fileName);
  if (embeddedFiles.length === 0 && document.damagedObjects > 0) {
    return new FacturXError(
      'DAMAGED_PDF',
      `The PDF is damaged${damageNote(document)}, and no embedded invoice was found in what could be read.`,
    );
  }
  const expected = 'no embedded file named factur-x.xml, zugferd-invoice.xml or xrechnung.xml';
  const shown = embeddedFiles.slice(0, 20).map(quote).join(', ');
  const more = embeddedFiles.length > 20 ? ` and ${embeddedFiles.length - 20} more` : '';
  return new FacturXError(
    'NO_EMBEDDED_INVOICE',
    embeddedFiles.length === 0
      ? `The PDF has no embedded files, so it carries no Factur-X / ZUGFeRD invoice (${expected}); it is a plain PDF. Send the invoice XML (UBL or CII) or a Factur-X PDF.`
      : `The PDF carries no Factur-X / ZUGFeRD invoice (${expected}); it embeds ${embeddedFiles.length === 1 ? 'one other file' : `${embeddedFiles.length} other files`}: ${shown}${more}.`,
    { embeddedFiles },
  );
}

// ---- The embedded XML ---------------------------------------------------------------------------------------------

function refuseNonCii(xml: Buffer, fileName: string, limits: FacturXLimits): void {
  let root: Element | null;
  try {
    const maxBytes = Math.max(DEFAULT_XML_LIMITS.maxBytes, limits.maxDecompressedBytes);
    root = parseXml(xml, { maxBytes, maxTextLength: maxBytes }).documentElement as Element | null;
  } catch (error) {
    if (!(error instanceof XmlInputError)) throw error;
    throw new FacturXError(
      'NOT_CII_XML',
      `The embedded file ${quote(fileName)} is not XML the hub can read, so not a CII invoice: ${error.message}`,
      { fileName },
    );
  }
  const namespace = root?.namespaceURI ?? '';
  const localName = root?.localName ?? root?.nodeName ?? '';
  if (localName === 'CrossIndustryInvoice' && namespace === CII_NAMESPACES.rsm) return;
  const rootElement = `{${namespace}}${localName}`;
  const legacy = /ferd:CrossIndustryDocument/.test(namespace)
    ? ' This is ZUGFeRD 1.0, which the hub does not read; export ZUGFeRD 2.x / Factur-X.'
    : '';
  throw new FacturXError(
    'NOT_CII_XML',
    `The embedded file ${quote(fileName)} is ${namespace ? rootElement : `<${localName}> without a namespace`}, not a UN/CEFACT CII D16B invoice ({${CII_NAMESPACES.rsm}}CrossIndustryInvoice), which a Factur-X / ZUGFeRD PDF must carry.${legacy}`,
    { fileName, rootElement },
  );
}

// ---- XMP metadata ---------------------------------------------------------------------------------------------------

interface XmpFacts {
  profile?: string;
  fileName?: string;
  standard?: EmbeddedInvoiceStandard;
}

/** The hybrid-invoice properties of the XMP metadata: fx:ConformanceLevel and fx:DocumentFileName (or zf:…). */
function readXmp(catalog: PDFDict, limits: FacturXLimits): XmpFacts {
  const metadata = catalog.lookup(PDFName.of('Metadata'));
  if (!(metadata instanceof PDFRawStream)) return {};
  let root: Element | null;
  try {
    root = parseXml(decodeStream(metadata, 'The XMP metadata', limits.maxDecompressedBytes))
      .documentElement as Element | null;
  } catch {
    // Metadata the hub cannot read only costs the profile; the invoice is still found by its file name.
    return {};
  }
  const facts: XmpFacts = {};
  const take = (namespace: string | null, localName: string | null, value: string): void => {
    const standard = standardOfNamespace(namespace ?? '');
    if (!standard || value.trim() === '') return;
    if (localName === 'ConformanceLevel') facts.profile ??= value.trim();
    else if (localName === 'DocumentFileName') facts.fileName ??= value.trim();
    else return;
    facts.standard ??= standard;
  };
  const pending: Element[] = root ? [root] : [];
  while (pending.length > 0) {
    const element = pending.pop() as Element;
    for (let i = 0; i < element.attributes.length; i++) {
      const attribute = element.attributes.item(i);
      if (attribute) take(attribute.namespaceURI, attribute.localName, attribute.value);
    }
    let hasChildElements = false;
    for (let child = element.firstChild; child; child = child.nextSibling) {
      if (child.nodeType === 1) {
        pending.push(child as Element);
        hasChildElements = true;
      }
    }
    if (!hasChildElements) take(element.namespaceURI, element.localName, element.textContent ?? '');
  }
  return facts;
}

/** The XMP namespaces of the hybrid formats: urn:factur-x:pdfa:…, urn:zugferd:pdfa:…, urn:ferd:pdfa:…, XRechnung's. */
function standardOfNamespace(namespace: string): EmbeddedInvoiceStandard | undefined {
  if (/zugferd|:ferd:/i.test(namespace)) return 'ZUGFeRD';
  if (/xrechnung/i.test(namespace)) return 'XRechnung';
  if (/factur-x/i.test(namespace)) return 'Factur-X';
  return undefined;
}

// ---- Small readers --------------------------------------------------------------------------------------------------

function textOf(object: PDFObject | undefined): string | undefined {
  return object instanceof PDFString || object instanceof PDFHexString ? object.decodeText() : undefined;
}

function nameOf(object: PDFObject | undefined): string | undefined {
  return object instanceof PDFName ? object.decodeText() : undefined;
}

function baseName(fileName: string): string {
  return fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
}

/** A name from the PDF as it can be shown in a message: quoted, control characters escaped, at most 100 characters. */
function quote(name: string): string {
  return JSON.stringify(name.length > 100 ? `${name.slice(0, 100)}…` : name);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

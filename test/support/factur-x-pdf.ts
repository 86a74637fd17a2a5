/**
 * Factur-X / ZUGFeRD PDFs for tests: a one-page PDF written with pdf-lib that shows the invoice number and total and
 * carries the CII XML as an associated embedded file (catalog /AF and /Names /EmbeddedFiles, /AFRelationship), with
 * the XMP metadata that names the standard and profile. Not PDF/A-3 conformant (no embedded fonts, no output intent):
 * the hub reads the XML, not the picture.
 *
 * Also the broken and hostile PDFs the extraction tests need: other attachments only, encrypted, compression bombs,
 * and hand-written files (writeRawPdf) for what pdf-lib will not produce.
 */
import zlib from 'node:zlib';
import { AFRelationship, PDFDocument, PDFHexString, PDFName, StandardFonts } from 'pdf-lib';

export type FacturXStandard = 'Factur-X' | 'ZUGFeRD' | 'XRechnung';

export interface PdfAttachment {
  fileName: string;
  content: string | Uint8Array;
  mimeType?: string;
}

export interface FacturXPdfOptions {
  /** The embedded file's name; default the standard's (factur-x.xml, zugferd-invoice.xml, xrechnung.xml). */
  fileName?: string;
  /** The XMP ConformanceLevel; default "EN 16931" ("XRECHNUNG" for XRechnung). */
  profile?: string;
  standard?: FacturXStandard;
  relationship?: 'Alternative' | 'Data' | 'Source';
  /** Other files embedded next to the invoice (a timesheet, a delivery note). */
  attachments?: PdfAttachment[];
  /** Leave out the XMP metadata. */
  withoutXmp?: boolean;
  /** pdf-lib's default (true) puts the dictionaries in compressed object streams and writes an xref stream. */
  useObjectStreams?: boolean;
}

/** The XMP namespace and file name each standard prescribes. */
const STANDARDS: Record<
  FacturXStandard,
  { namespace: string; prefix: string; fileName: string; profile: string }
> = {
  'Factur-X': {
    namespace: 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#',
    prefix: 'fx',
    fileName: 'factur-x.xml',
    profile: 'EN 16931',
  },
  ZUGFeRD: {
    namespace: 'urn:zugferd:pdfa:CrossIndustryDocument:invoice:2p0#',
    prefix: 'zf',
    fileName: 'zugferd-invoice.xml',
    profile: 'EN 16931',
  },
  XRechnung: {
    namespace: 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#',
    prefix: 'fx',
    fileName: 'xrechnung.xml',
    profile: 'XRECHNUNG',
  },
};

const FIXED_DATE = new Date('2026-11-20T09:00:00Z');

/** A Factur-X (or ZUGFeRD, XRechnung) PDF carrying `ciiXml` byte for byte. */
export async function makeFacturXPdf(
  ciiXml: string | Buffer,
  options: FacturXPdfOptions = {},
): Promise<Buffer> {
  const standard = STANDARDS[options.standard ?? 'Factur-X'];
  const fileName = options.fileName ?? standard.fileName;
  const xml = typeof ciiXml === 'string' ? Buffer.from(ciiXml, 'utf8') : ciiXml;
  const doc = await PDFDocument.create();
  await drawInvoicePage(doc, xml.toString('utf8'));
  await doc.attach(xml, fileName, {
    mimeType: 'text/xml',
    description: `${options.standard ?? 'Factur-X'} invoice`,
    creationDate: FIXED_DATE,
    modificationDate: FIXED_DATE,
    afRelationship: AFRelationship[options.relationship ?? 'Alternative'],
  });
  for (const attachment of options.attachments ?? []) await attach(doc, attachment);
  if (!options.withoutXmp) {
    setXmp(
      doc,
      xmpPacket(standard.namespace, standard.prefix, fileName, options.profile ?? standard.profile),
    );
  }
  return Buffer.from(await doc.save({ useObjectStreams: options.useObjectStreams ?? true }));
}

/** A PDF whose only embedded files are `attachments` (none: a plain PDF). */
export async function makePdfWithAttachments(attachments: PdfAttachment[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  await drawInvoicePage(doc, '');
  for (const attachment of attachments) await attach(doc, attachment);
  return Buffer.from(await doc.save());
}

/** A Factur-X PDF whose trailer names a standard security handler (/Encrypt), as a password-protected export has. */
export async function makeEncryptedPdf(ciiXml: string | Buffer): Promise<Buffer> {
  const doc = await PDFDocument.load(await makeFacturXPdf(ciiXml));
  const filler = PDFHexString.of('28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A');
  doc.context.trailerInfo.Encrypt = doc.context.register(
    doc.context.obj({ Filter: 'Standard', V: 1, R: 2, Length: 40, O: filler, U: filler, P: -3904 }),
  );
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/**
 * A PDF whose factur-x.xml is a few KiB of FlateDecode that expands to `decompressedBytes` (a CII start tag and then
 * spaces); `layers` 2 compresses it twice (/Filter [/FlateDecode /FlateDecode]), so each layer is small.
 */
export function makeCompressionBombPdf(decompressedBytes: number, layers: 1 | 2 = 1): Buffer {
  const head = Buffer.from(
    '<?xml version="1.0"?><rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100">',
  );
  let data = zlib.deflateSync(Buffer.concat([head, Buffer.alloc(decompressedBytes - head.length, 0x20)]), {
    level: 9,
  });
  if (layers === 2) data = zlib.deflateSync(data, { level: 9 });
  const filter = layers === 2 ? '[/FlateDecode /FlateDecode]' : '/FlateDecode';
  return facturXRawPdf(streamObject(`/Type /EmbeddedFile /Subtype /text#2Fxml /Filter ${filter}`, data));
}

/** A PDF whose catalog sits in an object stream that expands to `decompressedBytes`. */
export function makeObjectStreamBombPdf(decompressedBytes: number): Buffer {
  const objects = Buffer.from('1 0 << /Type /Catalog >>');
  const data = zlib.deflateSync(
    Buffer.concat([objects, Buffer.alloc(decompressedBytes - objects.length, 0x20)]),
  );
  return writeRawPdf([streamObject('/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode', data)]);
}

export interface RawFacturXParts {
  /** Added to the catalog dictionary, e.g. "/Metadata 6 0 R". */
  catalogExtra?: string;
  /** Objects 6, 7, … */
  extraObjects?: (string | Buffer)[];
}

/**
 * A hand-written Factur-X PDF: object 1 the catalog, 2 the /AF array, 3 the file specification of factur-x.xml,
 * 4 the embedded file (`embeddedFile`, a stream object's body), 5 an empty page tree, then `extraObjects`.
 */
export function facturXRawPdf(embeddedFile: string | Buffer, parts: RawFacturXParts = {}): Buffer {
  return writeRawPdf([
    `<< /Type /Catalog /Pages 5 0 R /AF 2 0 R /Names << /EmbeddedFiles << /Names [(factur-x.xml) 3 0 R] >> >> ${parts.catalogExtra ?? ''} >>`,
    '[3 0 R]',
    '<< /Type /Filespec /F (factur-x.xml) /UF (factur-x.xml) /AFRelationship /Alternative /EF << /F 4 0 R /UF 4 0 R >> >>',
    embeddedFile,
    '<< /Type /Pages /Kids [] /Count 0 >>',
    ...(parts.extraObjects ?? []),
  ]);
}

/** An indirect stream object's body: the dictionary (Length added) and the data. */
export function streamObject(dictionary: string, data: Uint8Array): Buffer {
  return Buffer.concat([
    Buffer.from(`<< ${dictionary} /Length ${data.length} >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream', 'latin1'),
  ]);
}

/**
 * Writes a PDF from object bodies (objects[i] is object i + 1, generation 0) with a correct cross-reference table
 * and trailer; for the structures pdf-lib will not write (nested name trees, cycles, bombs, damaged objects).
 */
export function writeRawPdf(objects: (string | Buffer)[], trailer = '/Root 1 0 R'): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0].length;
  objects.forEach((body, index) => {
    const object = Buffer.concat([
      Buffer.from(`${index + 1} 0 obj\n`, 'latin1'),
      typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    offsets.push(length);
    parts.push(object);
    length += object.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} ${trailer} >>`,
    'startxref',
    String(length),
    '%%EOF',
    '',
  ].join('\n');
  return Buffer.concat([...parts, Buffer.from(xref, 'latin1')]);
}

/** The XMP packet of a Factur-X / ZUGFeRD PDF: PDF/A-3 identification, the extension schema and its properties. */
export function xmpPacket(namespace: string, prefix: string, fileName: string, profile: string): string {
  const property = (name: string, description: string) => `
              <rdf:li rdf:parseType="Resource">
                <pdfaProperty:name>${name}</pdfaProperty:name>
                <pdfaProperty:valueType>Text</pdfaProperty:valueType>
                <pdfaProperty:category>external</pdfaProperty:category>
                <pdfaProperty:description>${description}</pdfaProperty:description>
              </rdf:li>`;
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
  <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
    <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">
      <pdfaid:part>3</pdfaid:part>
      <pdfaid:conformance>B</pdfaid:conformance>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
        xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
      <pdfaExtension:schemas>
        <rdf:Bag>
          <rdf:li rdf:parseType="Resource">
            <pdfaSchema:schema>Factur-X PDFA Extension Schema</pdfaSchema:schema>
            <pdfaSchema:namespaceURI>${namespace}</pdfaSchema:namespaceURI>
            <pdfaSchema:prefix>${prefix}</pdfaSchema:prefix>
            <pdfaSchema:property>
              <rdf:Seq>${property('DocumentFileName', 'The name of the embedded XML document')}${property('DocumentType', 'The type of the hybrid document in capital letters, e.g. INVOICE or ORDER')}${property('Version', 'The actual version of the standard applying to the embedded XML document')}${property('ConformanceLevel', 'The conformance level of the embedded XML document')}
              </rdf:Seq>
            </pdfaSchema:property>
          </rdf:li>
        </rdf:Bag>
      </pdfaExtension:schemas>
    </rdf:Description>
    <rdf:Description rdf:about="" xmlns:${prefix}="${namespace}">
      <${prefix}:DocumentType>INVOICE</${prefix}:DocumentType>
      <${prefix}:DocumentFileName>${fileName}</${prefix}:DocumentFileName>
      <${prefix}:Version>1.0</${prefix}:Version>
      <${prefix}:ConformanceLevel>${profile}</${prefix}:ConformanceLevel>
    </rdf:Description>
  </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

/** Replaces the catalog's /Metadata with an uncompressed XMP stream, as PDF/A wants it. */
export function setXmp(doc: PDFDocument, xmp: string): void {
  const stream = doc.context.stream(Buffer.from(xmp, 'utf8'), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
}

async function attach(doc: PDFDocument, attachment: PdfAttachment): Promise<void> {
  const content =
    typeof attachment.content === 'string' ? Buffer.from(attachment.content, 'utf8') : attachment.content;
  await doc.attach(content, attachment.fileName, {
    mimeType: attachment.mimeType ?? 'application/octet-stream',
    creationDate: FIXED_DATE,
    modificationDate: FIXED_DATE,
    afRelationship: AFRelationship.Supplement,
  });
}

/** The visible page: what a person sees of the invoice (number and amount due, read from the CII). */
async function drawInvoicePage(doc: PDFDocument, xml: string): Promise<void> {
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([595, 842]);
  const number = /<ram:ID>([^<]*)<\/ram:ID>\s*<ram:TypeCode>/.exec(xml)?.[1] ?? '-';
  const total = /<ram:DuePayableAmount>([^<]*)</.exec(xml)?.[1] ?? '-';
  const currency = /<ram:InvoiceCurrencyCode>([^<]*)</.exec(xml)?.[1] ?? '';
  const lines = [`Invoice ${number}`, `Amount due: ${total} ${currency}`.trim(), 'Factur-X EN 16931'];
  lines.forEach((text, index) => page.drawText(text, { x: 56, y: 780 - 28 * index, size: 16, font }));
}

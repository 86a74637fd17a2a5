import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import zlib from 'node:zlib';
import { parseInvoice, summarizeInvoice } from '../../domain/invoice';
import {
  FacturXError,
  type FacturXErrorCode,
  extractEmbeddedInvoice,
  isPdf,
} from '../../domain/invoice/factur-x';
import { verifyInvoice } from '../../domain/verification';
import { parseXml } from '../../domain/xml';
import { ciiPayableOf, makeCiiInvoice } from '../support/cii-factory';
import {
  facturXRawPdf,
  makeCompressionBombPdf,
  makeEncryptedPdf,
  makeFacturXPdf,
  makeObjectStreamBombPdf,
  makePdfWithAttachments,
  streamObject,
  writeRawPdf,
} from '../support/factur-x-pdf';
import { type InvoiceSpec, makeUblInvoice, payableOf } from '../support/invoice-factory';

const cii = makeCiiInvoice({ number: '0000000123', buyerEmail: 'ap@buyer.example' });
const FX_NAMESPACE = 'urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#';

/** The FacturXError the extraction throws; fails the test if it returns, or throws anything else. */
function refusal(pdf: Uint8Array, limits?: { maxDecompressedBytes: number }): FacturXError {
  try {
    extractEmbeddedInvoice(pdf, limits);
  } catch (error) {
    if (error instanceof FacturXError) return error;
    throw new Error(`expected a FacturXError, got ${String(error)}`);
  }
  throw new Error('expected a FacturXError, but an invoice was extracted');
}

const embeddedFile = (xml: string | Buffer) =>
  streamObject('/Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode', zlib.deflateSync(xml));

describe('extractEmbeddedInvoice: the CII of a Factur-X / ZUGFeRD PDF', () => {
  it.each([
    ['compressed object streams and an xref stream', true],
    ['a classic xref table', false],
  ])(
    'returns the embedded factur-x.xml byte for byte, with its relationship, profile and standard (%s)',
    async (_layout, useObjectStreams) => {
      const pdf = await makeFacturXPdf(cii, { useObjectStreams });
      expect(isPdf(pdf)).toBe(true);
      const embedded = extractEmbeddedInvoice(pdf);
      expect(embedded).toMatchObject({
        fileName: 'factur-x.xml',
        relationship: 'Alternative',
        profile: 'EN 16931',
        standard: 'Factur-X',
      });
      expect(embedded.xml.equals(Buffer.from(cii))).toBe(true);
    },
  );

  it('finds the ZUGFeRD 2.0 and XRechnung names, with the profile from the zf: and fx: metadata', async () => {
    const zugferd = extractEmbeddedInvoice(await makeFacturXPdf(cii, { standard: 'ZUGFeRD' }));
    expect(zugferd).toMatchObject({
      fileName: 'zugferd-invoice.xml',
      profile: 'EN 16931',
      standard: 'ZUGFeRD',
    });
    expect(zugferd.xml.toString()).toBe(cii);
    const xrechnung = extractEmbeddedInvoice(await makeFacturXPdf(cii, { standard: 'XRechnung' }));
    expect(xrechnung).toMatchObject({
      fileName: 'xrechnung.xml',
      profile: 'XRECHNUNG',
      standard: 'XRechnung',
    });
  });

  it('matches the invoice file name ignoring case, and reads /AFRelationship /Data', async () => {
    const legacy = await makeFacturXPdf(cii, { standard: 'ZUGFeRD', fileName: 'ZUGFeRD-invoice.xml' });
    expect(extractEmbeddedInvoice(legacy)).toMatchObject({
      fileName: 'ZUGFeRD-invoice.xml',
      standard: 'ZUGFeRD',
    });
    const upper = await makeFacturXPdf(cii, { fileName: 'FACTUR-X.XML', relationship: 'Data' });
    expect(extractEmbeddedInvoice(upper)).toMatchObject({
      fileName: 'FACTUR-X.XML',
      relationship: 'Data',
      standard: 'Factur-X',
    });
  });

  it('takes the file the XMP metadata names (fx:DocumentFileName) when it has another name', async () => {
    const pdf = await makeFacturXPdf(cii, { fileName: 'invoice-0000000123.xml', profile: 'BASIC' });
    expect(extractEmbeddedInvoice(pdf)).toMatchObject({
      fileName: 'invoice-0000000123.xml',
      profile: 'BASIC',
      standard: 'Factur-X',
    });
  });

  it('picks the invoice out from among other attachments', async () => {
    const pdf = await makeFacturXPdf(cii, {
      attachments: [
        { fileName: 'timesheet.csv', content: 'day,hours\n2026-11-02,8\n' },
        { fileName: 'order.xml', content: '<Order/>' },
      ],
    });
    expect(extractEmbeddedInvoice(pdf).xml.toString()).toBe(cii);
  });

  it('leaves the profile out when there is no XMP metadata, and finds the file by its name alone', async () => {
    const embedded = extractEmbeddedInvoice(await makeFacturXPdf(cii, { withoutXmp: true }));
    expect(embedded.profile).toBeUndefined();
    expect(embedded).toMatchObject({ fileName: 'factur-x.xml', standard: 'Factur-X' });
  });

  it('reads XMP properties written as attributes, and compressed XMP', () => {
    const xmp = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:fx="${FX_NAMESPACE}" fx:DocumentType="INVOICE" fx:DocumentFileName="factur-x.xml" fx:Version="1.0" fx:ConformanceLevel="EXTENDED"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
    const pdf = facturXRawPdf(embeddedFile(cii), {
      catalogExtra: '/Metadata 6 0 R',
      extraObjects: [
        streamObject('/Type /Metadata /Subtype /XML /Filter /FlateDecode', zlib.deflateSync(xmp)),
      ],
    });
    expect(extractEmbeddedInvoice(pdf)).toMatchObject({ profile: 'EXTENDED', standard: 'Factur-X' });
  });

  it('walks the /EmbeddedFiles name tree through /Kids, and a cycle in it does not hang', () => {
    const pdf = writeRawPdf([
      '<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles 3 0 R >> >>',
      '<< /Type /Pages /Kids [] /Count 0 >>',
      '<< /Kids [4 0 R 5 0 R] >>',
      '<< /Limits [(a.txt) (b.txt)] /Names [(a.txt) 6 0 R (b.txt) 6 0 R] /Kids [3 0 R] >>',
      '<< /Limits [(factur-x.xml) (factur-x.xml)] /Kids [5 0 R] /Names [(factur-x.xml) 7 0 R] >>',
      '<< /Type /Filespec /F (a.txt) /EF << /F 8 0 R >> >>',
      '<< /Type /Filespec /F (factur-x.xml) /EF << /F 9 0 R >> >>',
      streamObject('/Type /EmbeddedFile', Buffer.from('a')),
      embeddedFile(cii),
    ]);
    expect(extractEmbeddedInvoice(pdf)).toMatchObject({ fileName: 'factur-x.xml', relationship: undefined });
  });

  it('reads an incrementally updated PDF as updated: the later definition of an object wins', () => {
    const corrected = makeCiiInvoice({ number: '0000000124' });
    const original = facturXRawPdf(embeddedFile(cii));
    const previousXref = /startxref\s+(\d+)/.exec(original.toString('latin1'))?.[1];
    const object = Buffer.concat([
      Buffer.from('4 0 obj\n'),
      embeddedFile(corrected),
      Buffer.from('\nendobj\n'),
    ]);
    const xref = `xref\n4 1\n${String(original.length).padStart(10, '0')} 00000 n \ntrailer\n<< /Size 6 /Root 1 0 R /Prev ${previousXref} >>\nstartxref\n${original.length + object.length}\n%%EOF\n`;
    const embedded = extractEmbeddedInvoice(Buffer.concat([original, object, Buffer.from(xref)]));
    expect(embedded.xml.toString()).toBe(corrected);
  });

  it('decodes the other standard filters (ASCIIHexDecode over FlateDecode)', () => {
    const data = Buffer.from(`${zlib.deflateSync(cii).toString('hex')}>`);
    const pdf = facturXRawPdf(streamObject('/Type /EmbeddedFile /Filter [/AHx /Fl]', data));
    expect(extractEmbeddedInvoice(pdf).xml.toString()).toBe(cii);
  });

  it('gives back an invoice the hub accepts: extraction then verification', async () => {
    const report = await verifyInvoice(extractEmbeddedInvoice(await makeFacturXPdf(cii)).xml, {
      requireSignature: false,
    });
    expect(report.validation).toEqual({ valid: true, findings: [] });
    expect(report.document).toMatchObject({ syntax: 'CII', number: '0000000123' });
  });
});

describe('extractEmbeddedInvoice: what it refuses, each with its code and reason', () => {
  it('refuses bytes that are not a PDF (NOT_PDF), and says when they are XML', () => {
    expect(refusal(Buffer.alloc(0))).toMatchObject({
      code: 'NOT_PDF',
      message: 'The file is empty, not a PDF.',
    });
    expect(refusal(Buffer.from(cii)).message).toMatch(/no "%PDF-" header .*it looks like XML/);
    expect(refusal(Buffer.from('PK\x03\x04zipped', 'latin1')).code).toBe('NOT_PDF');
    expect(isPdf(Buffer.from(cii))).toBe(false);
  });

  it('refuses a truncated PDF (TRUNCATED_PDF): the copy is incomplete or still being written', async () => {
    const pdf = await makeFacturXPdf(cii);
    for (const fraction of [0.1, 0.5, 0.9, 0.99]) {
      const error = refusal(pdf.subarray(0, Math.floor(pdf.length * fraction)));
      expect(error.code).toBe('TRUNCATED_PDF');
      expect(error.message).toMatch(/does not end with the %%EOF marker/);
    }
    expect(refusal(Buffer.from('%PDF-1.7\n')).code).toBe('TRUNCATED_PDF');
  });

  it('refuses a damaged PDF (DAMAGED_PDF): an unreadable catalog, corrupt compressed data, a missing stream', () => {
    const noCatalog = writeRawPdf(['<< /Type /Catalog /AF [2 0 R', '(unterminated']);
    expect(refusal(noCatalog)).toMatchObject({ code: 'DAMAGED_PDF' });
    expect(refusal(noCatalog).message).toMatch(/no document catalog .*2 of its objects could not be read/);
    expect(refusal(Buffer.from('%PDF-1.4\ngarbage\n%%EOF\n')).message).toMatch(/no document catalog/);

    const corrupt = facturXRawPdf(
      streamObject('/Type /EmbeddedFile /Filter /FlateDecode', Buffer.from('x'.repeat(64))),
    );
    expect(refusal(corrupt)).toMatchObject({ code: 'DAMAGED_PDF', details: { fileName: 'factur-x.xml' } });
    expect(refusal(corrupt).message).toMatch(/"factur-x.xml" has corrupt FlateDecode data/);

    const withoutStream = facturXRawPdf('null');
    expect(refusal(withoutStream).message).toMatch(
      /names an embedded file "factur-x.xml" but .* no embedded file stream/,
    );
  });

  it('refuses an encrypted PDF (ENCRYPTED_PDF)', async () => {
    const error = refusal(await makeEncryptedPdf(cii));
    expect(error.code).toBe('ENCRYPTED_PDF');
    expect(error.message).toMatch(/encrypted .*without a password/);
  });

  it('lists the embedded files when none of them is the invoice (NO_EMBEDDED_INVOICE)', async () => {
    const pdf = await makePdfWithAttachments([
      { fileName: 'timesheet.csv', content: 'day,hours\n' },
      { fileName: 'delivery-note.pdf', content: '%PDF-1.4' },
      { fileName: 'invoice.xml', content: cii },
    ]);
    const error = refusal(pdf);
    expect(error.code).toBe('NO_EMBEDDED_INVOICE');
    expect(error.details.embeddedFiles).toEqual(['timesheet.csv', 'delivery-note.pdf', 'invoice.xml']);
    expect(error.message).toBe(
      'The PDF carries no Factur-X / ZUGFeRD invoice (no embedded file named factur-x.xml, zugferd-invoice.xml or xrechnung.xml); it embeds 3 other files: "timesheet.csv", "delivery-note.pdf", "invoice.xml".',
    );
    const plain = refusal(await makePdfWithAttachments([]));
    expect(plain).toMatchObject({ code: 'NO_EMBEDDED_INVOICE', details: { embeddedFiles: [] } });
    expect(plain.message).toMatch(/has no embedded files, .*; it is a plain PDF/);
  });

  it('refuses an embedded file that is UBL, ZUGFeRD 1.0 or not XML at all (NOT_CII_XML), naming its root', async () => {
    const ubl = refusal(await makeFacturXPdf(makeUblInvoice({ number: '0000000123' })));
    expect(ubl).toMatchObject({
      code: 'NOT_CII_XML',
      details: {
        fileName: 'factur-x.xml',
        rootElement: '{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice',
      },
    });
    expect(ubl.message).toMatch(/is \{urn:oasis:.*Invoice-2\}Invoice, not a UN\/CEFACT CII D16B invoice/);
    const zugferd1 = refusal(
      await makeFacturXPdf(
        '<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"/>',
        { standard: 'ZUGFeRD', fileName: 'ZUGFeRD-invoice.xml' },
      ),
    );
    expect(zugferd1.message).toMatch(/ZUGFeRD 1\.0, which the hub does not read/);
    const text = refusal(await makeFacturXPdf('Invoice 0000000123: 44.22 EUR'));
    expect(text.code).toBe('NOT_CII_XML');
    expect(text.message).toMatch(/is not XML the hub can read, so not a CII invoice: The input is not XML/);
    const doctype = refusal(
      await makeFacturXPdf(`<!DOCTYPE x [<!ENTITY e "e">]>${cii.replace(/^<\?xml[^>]*>/, '')}`),
    );
    expect(doctype.message).toMatch(/declares a DOCTYPE/);
  });

  it('refuses a compression bomb (TOO_LARGE): a few KiB of Flate expanding past the limit', () => {
    const bomb = makeCompressionBombPdf(11 * 1024 * 1024);
    expect(bomb.length).toBeLessThan(16 * 1024);
    const error = refusal(bomb);
    expect(error).toMatchObject({ code: 'TOO_LARGE', details: { fileName: 'factur-x.xml' } });
    expect(error.message).toBe(
      'The embedded file "factur-x.xml" decompresses to more than 10 MiB (10485760 bytes), the limit; the PDF is refused as a possible compression bomb.',
    );
    // Two Flate layers: each layer alone is small; the limit holds for every step.
    const layered = makeCompressionBombPdf(64 * 1024 * 1024, 2);
    expect(layered.length).toBeLessThan(4 * 1024);
    expect(refusal(layered, { maxDecompressedBytes: 1024 * 1024 }).code).toBe('TOO_LARGE');
    // The catalog inside an object stream that expands without end.
    expect(refusal(makeObjectStreamBombPdf(11 * 1024 * 1024)).message).toMatch(
      /object streams decompress to more than 10 MiB/,
    );
  });

  it('takes the limit as an option: exactly the limit passes, one byte more is refused', async () => {
    const pdf = await makeFacturXPdf(cii);
    const size = Buffer.byteLength(cii);
    expect(extractEmbeddedInvoice(pdf, { maxDecompressedBytes: size }).xml.length).toBe(size);
    expect(refusal(pdf, { maxDecompressedBytes: size - 1 }).code).toBe('TOO_LARGE');
    const hex = facturXRawPdf(
      streamObject('/Type /EmbeddedFile /Filter /AHx', Buffer.from(Buffer.from(cii).toString('hex'))),
    );
    expect(extractEmbeddedInvoice(hex, { maxDecompressedBytes: size }).xml.toString()).toBe(cii);
    expect(refusal(hex, { maxDecompressedBytes: size - 1 }).code).toBe('TOO_LARGE');
  });

  it('refuses a filter it does not decode (UNSUPPORTED_FILTER), naming it', () => {
    const dct = refusal(
      facturXRawPdf(streamObject('/Type /EmbeddedFile /Filter /DCTDecode', Buffer.from(cii))),
    );
    expect(dct).toMatchObject({ code: 'UNSUPPORTED_FILTER' });
    expect(dct.message).toMatch(/the DCTDecode filter, which the hub does not decode/);
    const predictor = facturXRawPdf(
      streamObject('/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 4 >>', zlib.deflateSync(cii)),
    );
    expect(refusal(predictor).message).toMatch(/FlateDecode and predictor 12/);
  });

  it('throws nothing but FacturXError for 300 mutilated copies of a Factur-X PDF, and stays fast', async () => {
    const seed = crypto.randomInt(2 ** 31);
    const random = seededRandom(seed);
    const originals = [await makeFacturXPdf(cii), await makeFacturXPdf(cii, { useObjectStreams: false })];
    const codes = new Map<string, number>();
    const started = Date.now();
    for (let i = 0; i < 300; i++) {
      const mutant = mutilate(originals[i % 2], random);
      let outcome: string;
      try {
        extractEmbeddedInvoice(mutant);
        outcome = 'extracted';
      } catch (error) {
        if (!(error instanceof FacturXError)) throw new Error(`seed ${seed}, copy ${i}: ${String(error)}`);
        outcome = error.code;
      }
      codes.set(outcome, (codes.get(outcome) ?? 0) + 1);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
    // The damage lands in the structure, the compressed streams or the XML, so the outcomes vary; each is one of the codes.
    expect([...codes.keys()].every((code) => code === 'extracted' || isFacturXCode(code))).toBe(true);
    expect(codes.size).toBeGreaterThanOrEqual(3);
  });
});

// ---- The CII factory ---------------------------------------------------------------------------------------------

const VALID_BG_VAT = ['BG123456786', 'BG987654322', 'BG175074752', 'BG831650349'];
const VALID_IBANS = ['BG80BNBG96611020345678', 'BG18RZBB91550123456789'];
const NAMES = [
  'Електроснабдяване ЕАД',
  'Poluchatel EOOD',
  'A & B "Trade" <Ltd>',
  "O'Brien & Сие ООД",
  'Ñoño GmbH',
];

function randomSpec(random: () => number, index: number): InvoiceSpec {
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)];
  const issue = new Date(Date.UTC(2026, 0, 1) + Math.floor(random() * 700) * 86_400_000);
  const due = new Date(issue.getTime() + Math.floor(random() * 60) * 86_400_000);
  const [sellerVat, buyerVat] = [pick(VALID_BG_VAT), pick(VALID_BG_VAT)];
  // Unit prices from 0.01 to 10,000.00, on 1 to 12 lines.
  const prices = Array.from(
    { length: 1 + Math.floor(random() * 12) },
    () => 1 + Math.floor(random() * 1_000_000),
  );
  return {
    number: String(Math.floor(random() * 1e10)).padStart(10, '0'),
    issueDate: issue.toISOString().slice(0, 10),
    dueDate: due.toISOString().slice(0, 10),
    buyerEmail: index % 5 === 4 ? '' : `ap+${index}@buyer-${Math.floor(random() * 1000)}.example`,
    buyerName: pick(NAMES),
    sellerName: pick(NAMES),
    sellerVat,
    buyerVat,
    lines: prices.length,
    payeeIban: pick(VALID_IBANS),
    linePriceCents: (line) => prices[line - 1],
  };
}

describe('makeCiiInvoice', () => {
  const seed = crypto.randomInt(2 ** 31);
  const specs = Array.from({ length: 20 }, (_, i) => randomSpec(seededRandom(seed + i), i));

  it('makes CII invoices the hub accepts with no finding at all, for 20 random specs', async () => {
    for (const spec of specs) {
      const report = await verifyInvoice(Buffer.from(makeCiiInvoice(spec)), { requireSignature: false });
      expect({ seed, number: spec.number, validation: report.validation }).toEqual({
        seed,
        number: spec.number,
        validation: { valid: true, findings: [] },
      });
    }
  });

  it('gives the same parties, totals, payable amount and buyer e-mail as makeUblInvoice for the same spec', () => {
    for (const spec of [{ number: '0000000001' }, ...specs]) {
      const ciiXml = makeCiiInvoice(spec);
      const ublXml = makeUblInvoice(spec);
      const fromCii = parseInvoice(ciiXml);
      const fromUbl = parseInvoice(ublXml);
      const { syntax: ciiSyntax, ...ciiSummary } = summarizeInvoice(fromCii);
      const { syntax: ublSyntax, ...ublSummary } = summarizeInvoice(fromUbl);
      expect([ciiSyntax, ublSyntax]).toEqual(['CII', 'UBL']);
      expect({ seed, ...ciiSummary }).toEqual({ seed, ...ublSummary });
      expect(fromCii.totals).toEqual(fromUbl.totals);
      // taxTotal is UBL's alone: which cac:TaxTotal a breakdown sits in (BR-CO-14 is checked per TaxTotal).
      const withoutTaxTotal = (breakdown: typeof fromUbl.vatBreakdown) =>
        breakdown.map(({ taxTotal: _taxTotal, ...rest }) => rest);
      expect(withoutTaxTotal(fromCii.vatBreakdown)).toEqual(withoutTaxTotal(fromUbl.vatBreakdown));
      expect(fromCii.lines.map((line) => [line.quantity, line.netPrice, line.netAmount])).toEqual(
        fromUbl.lines.map((line) => [line.quantity, line.netPrice, line.netAmount]),
      );
      expect(fromCii.buyer.electronicAddress).toEqual(fromUbl.buyer.electronicAddress);
      expect(fromCii.payment?.creditTransfers[0].accountId).toBe(
        fromUbl.payment?.creditTransfers[0].accountId,
      );
      expect(ciiPayableOf(ciiXml)).toBe(payableOf(ublXml));
    }
  });
});

// ---- The official EN 16931 CII rules (CEN schematron compiled to XSLT, run by Saxon-HE) -------------------------

const M2 = process.env.MAVEN_REPO ?? path.join(os.homedir(), '.m2', 'repository');
const saxonJars = [
  process.env.SAXON_HE_JAR ?? path.join(M2, 'net/sf/saxon/Saxon-HE/12.5/Saxon-HE-12.5.jar'),
  process.env.XMLRESOLVER_JAR ?? path.join(M2, 'org/xmlresolver/xmlresolver/5.2.2/xmlresolver-5.2.2.jar'),
];
const CEN_CII_XSLT = path.resolve(
  __dirname,
  '../../../shared/corpus/oracle/en16931-1.3.16/cii/xslt/EN16931-CII-validation.xslt',
);
const javaPresent = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
const missingForCen = [...saxonJars, CEN_CII_XSLT].filter((file) => !fs.existsSync(file));
const cenSkipReason = !javaPresent
  ? 'java is not installed'
  : missingForCen.length > 0
    ? `missing ${missingForCen.join(', ')} (scripts/install-validation-artefacts.sh; the CEN artefact is in shared/corpus)`
    : undefined;
if (cenSkipReason) console.warn(`EN 16931 CII validation skipped: ${cenSkipReason}.`);

(cenSkipReason ? describe.skip : describe)(
  `makeCiiInvoice checked by the official EN 16931 CII validation artefact${cenSkipReason ? ` (skipped: ${cenSkipReason})` : ''}`,
  () => {
    it('has no fatal failed assertion for three factory invoices', () => {
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cen-cii-'));
      try {
        const input = path.join(work, 'in');
        const output = path.join(work, 'svrl');
        fs.mkdirSync(input);
        fs.mkdirSync(output);
        const random = seededRandom(20261120);
        const invoices = [{ number: '0000000123' }, randomSpec(random, 1), randomSpec(random, 4)];
        invoices.forEach((spec, i) => fs.writeFileSync(path.join(input, `${i}.xml`), makeCiiInvoice(spec)));
        // Saxon's folder mode validates every file in one JVM: a JVM start and the XSLT compile cost seconds.
        const run = spawnSync(
          'java',
          [
            '-cp',
            saxonJars.join(path.delimiter),
            'net.sf.saxon.Transform',
            `-s:${input}`,
            `-xsl:${CEN_CII_XSLT}`,
            `-o:${output}`,
          ],
          { encoding: 'utf8' },
        );
        if (run.status !== 0) throw new Error(`Saxon failed (${run.status}): ${run.stderr}`);
        for (let i = 0; i < invoices.length; i++) {
          const svrl = parseXml(fs.readFileSync(path.join(output, `${i}.xml`)));
          const fired = svrl.getElementsByTagNameNS(SVRL, 'fired-rule').length;
          const fatal = Array.from(svrl.getElementsByTagNameNS(SVRL, 'failed-assert'))
            .filter((assertion) => assertion.getAttribute('flag') === 'fatal')
            .map((assertion) => `${assertion.getAttribute('id')}: ${(assertion.textContent ?? '').trim()}`);
          expect(fired).toBeGreaterThan(10);
          expect(fatal).toEqual([]);
        }
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  },
);

// ---- A Factur-X PDF from another tool: Akretion's factur-x library (Python, on pypdf) ---------------------------

const FACTURX_PYTHON = path.resolve(__dirname, '../../.tools/facturx-venv/bin/python');
const facturxSkipReason = fs.existsSync(FACTURX_PYTHON)
  ? undefined
  : `${path.relative(process.cwd(), FACTURX_PYTHON)} is absent (run scripts/install-peers.sh)`;
if (facturxSkipReason) console.warn(`Factur-X PDFs from Akretion's factur-x skipped: ${facturxSkipReason}.`);

/** Runs a Python script in the factur-x venv with the given arguments; fails with its stderr. */
function runFacturx(script: string, ...args: string[]): string {
  const run = spawnSync(FACTURX_PYTHON, ['-c', script, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`factur-x failed (${run.status}): ${run.stderr}`);
  return run.stdout;
}

(facturxSkipReason ? describe.skip : describe)(
  `Factur-X PDFs from Akretion's factur-x library${facturxSkipReason ? ` (skipped: ${facturxSkipReason})` : ''}`,
  () => {
    let work: string;
    beforeAll(() => {
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'facturx-'));
    });
    afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

    it('reads the invoice from a PDF factur-x wrote (pypdf, compressed XMP, another attachment)', async () => {
      const [plain, xml, output] = ['plain.pdf', 'factur-x.xml', 'facturx.pdf'].map((name) =>
        path.join(work, name),
      );
      fs.writeFileSync(plain, await makePdfWithAttachments([]));
      fs.writeFileSync(xml, cii);
      // check_xsd: factur-x also validates the factory's CII against the Factur-X EN 16931 XML schema.
      runFacturx(
        `import sys, facturx
pdf = open(sys.argv[1], 'rb').read()
xml = open(sys.argv[2], 'rb').read()
out = facturx.generate_from_binary(pdf, xml, check_xsd=True, afrelationship='alternative',
    attachments={'timesheet.csv': {'filedata': b'day,hours\\n', 'description': 'Timesheet'}})
open(sys.argv[3], 'wb').write(out)`,
        plain,
        xml,
        output,
      );
      const embedded = extractEmbeddedInvoice(fs.readFileSync(output));
      expect(embedded).toMatchObject({
        fileName: 'factur-x.xml',
        relationship: 'Alternative',
        profile: 'EN 16931',
        standard: 'Factur-X',
      });
      expect(embedded.xml.equals(Buffer.from(cii))).toBe(true);
    });

    it('finds the same invoice in the test PDFs of makeFacturXPdf (the test PDFs follow the specification)', async () => {
      const pdf = path.join(work, 'hub.pdf');
      fs.writeFileSync(pdf, await makeFacturXPdf(cii, { useObjectStreams: true }));
      const found = runFacturx(
        `import sys, facturx
name, xml = facturx.get_xml_from_pdf(open(sys.argv[1], 'rb').read(), check_xsd=True)
sys.stdout.write(name + '\\n' + xml.decode('utf-8'))`,
        pdf,
      );
      expect(found).toBe(`factur-x.xml\n${cii}`);
    });
  },
);

// ---- Helpers ------------------------------------------------------------------------------------------------------

const SVRL = 'http://purl.oclc.org/dsdl/svrl';

const FACTUR_X_CODES: FacturXErrorCode[] = [
  'NOT_PDF',
  'TRUNCATED_PDF',
  'DAMAGED_PDF',
  'ENCRYPTED_PDF',
  'NO_EMBEDDED_INVOICE',
  'UNSUPPORTED_FILTER',
  'TOO_LARGE',
  'NOT_CII_XML',
];
const isFacturXCode = (code: string): boolean => (FACTUR_X_CODES as string[]).includes(code);

/** mulberry32: a small seeded generator, so a failing run can be repeated from its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A copy with random damage: flipped bytes, a cut-out run, a duplicated run or random bytes, keeping %%EOF. */
function mutilate(pdf: Buffer, random: () => number): Buffer {
  const copy = Buffer.from(pdf);
  const at = () => Math.floor(random() * copy.length);
  switch (Math.floor(random() * 4)) {
    case 0:
      for (let i = 0; i < 1 + random() * 20; i++) copy[at()] = Math.floor(random() * 256);
      return copy;
    case 1: {
      const start = at();
      return Buffer.concat([
        copy.subarray(0, start),
        copy.subarray(Math.min(copy.length, start + 1 + at() / 8)),
      ]);
    }
    case 2: {
      const start = at();
      const run = copy.subarray(start, start + Math.floor(random() * 2000));
      return Buffer.concat([copy.subarray(0, start), run, run, copy.subarray(start)]);
    }
    default: {
      const noise = Buffer.from(
        Array.from({ length: Math.floor(random() * 4000) }, () => Math.floor(random() * 256)),
      );
      return Buffer.concat([
        Buffer.from('%PDF-1.7\n'),
        noise,
        Buffer.from('\n1 0 obj << /Type /Catalog >>\n%%EOF\n'),
      ]);
    }
  }
}

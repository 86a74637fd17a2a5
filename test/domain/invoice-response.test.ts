import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as xpath from 'xpath';
import {
  InvoiceResponseError,
  buildInvoiceResponse,
  type InvoiceResponseInput,
  type ResponseCode,
} from '../../domain/invoice-response';
import { parseXml, type Document } from '../../domain/xml';
import { VALIDATION_JARS } from '../oracle/official-validators';

const NS = {
  ar: 'urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
  svrl: 'http://purl.oclc.org/dsdl/svrl',
};

/** The buyer answers its seller about invoice 0000000042 (BT-1), as the hub does on the buyer's behalf. */
function responseInput(
  responseCode: ResponseCode,
  extra: Partial<InvoiceResponseInput> = {},
): InvoiceResponseInput {
  return {
    id: `0000000042-${responseCode}`,
    issueDate: '2026-02-11',
    issueTime: '09:30:00+02:00',
    responseCode,
    effectiveDate: '2026-02-11',
    invoice: { number: '0000000042', issueDate: '2026-02-10', typeCode: '380' },
    sender: {
      name: 'Получател & Син <ООД>',
      electronicAddress: { value: 'BG175074752', scheme: '9926' },
    },
    receiver: {
      name: 'Доставчик "Север" ЕООД',
      electronicAddress: { value: 'BG831650349', scheme: '9926' },
      identifier: { value: '831650349' },
    },
    ...extra,
  };
}

const REJECTION_REASONS = [
  { text: 'BR-CO-15: сумата с ДДС (BT-112) трябва да е равна на сумата без ДДС (BT-109) + ДДС (BT-110)' },
  { code: 'LEG' as const, text: 'чл. 114, ал. 1 ЗДДС: номерът на фактурата трябва да има точно 10 цифри' },
  { code: 'REF' as const, text: 'BR-55: the credit note names no preceding invoice (BT-25) & says "<none>"' },
];

function read(xml: string): {
  doc: Document;
  texts: (expr: string) => string[];
  names: (expr: string) => string[];
} {
  const doc = parseXml(xml);
  const select = xpath.useNamespaces(NS);
  const nodes = (expr: string) => select(expr, doc as unknown as globalThis.Node) as globalThis.Node[];
  return {
    doc,
    texts: (expr) => nodes(expr).map((node) => node.textContent ?? ''),
    names: (expr) => nodes(expr).map((node) => (node as globalThis.Element).localName),
  };
}

function refusal(input: InvoiceResponseInput): { code: string; message: string } {
  try {
    buildInvoiceResponse(input);
  } catch (error) {
    if (error instanceof InvoiceResponseError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('buildInvoiceResponse', () => {
  it('writes a UBL 2.1 ApplicationResponse with the BIS Invoice Response 3.1 identifiers, in schema order', () => {
    const { doc, texts, names } = read(buildInvoiceResponse(responseInput('AB')));
    expect(doc.documentElement?.namespaceURI).toBe(NS.ar);
    expect(doc.documentElement?.localName).toBe('ApplicationResponse');
    expect(names('/ar:ApplicationResponse/*')).toEqual([
      'CustomizationID',
      'ProfileID',
      'ID',
      'IssueDate',
      'IssueTime',
      'SenderParty',
      'ReceiverParty',
      'DocumentResponse',
    ]);
    expect(texts('/ar:ApplicationResponse/cbc:CustomizationID')).toEqual([
      'urn:fdc:peppol.eu:poacc:trns:invoice_response:3',
    ]);
    expect(texts('/ar:ApplicationResponse/cbc:ProfileID')).toEqual([
      'urn:fdc:peppol.eu:poacc:bis:invoice_response:3',
    ]);
    expect(texts('/ar:ApplicationResponse/cbc:ID')).toEqual(['0000000042-AB']);
    expect(texts('/ar:ApplicationResponse/cbc:IssueDate')).toEqual(['2026-02-11']);
    expect(texts('/ar:ApplicationResponse/cbc:IssueTime')).toEqual(['09:30:00+02:00']);
    expect(names('//cac:ReceiverParty/*')).toEqual(['EndpointID', 'PartyIdentification', 'PartyLegalEntity']);
    expect(names('//cac:DocumentResponse/*')).toEqual(['Response', 'DocumentReference']);
    expect(names('//cac:Response/*')).toEqual(['ResponseCode', 'EffectiveDate']);
    expect(names('//cac:DocumentReference/*')).toEqual(['ID', 'IssueDate', 'DocumentTypeCode']);
  });

  it('names the answered invoice by its number (BT-1), issue date and type code', () => {
    const credit = responseInput('AB', {
      invoice: { number: '0000000043', issueDate: '2026-02-12', typeCode: '381' },
    });
    const { texts } = read(buildInvoiceResponse(credit));
    expect(texts('//cac:DocumentReference/cbc:ID')).toEqual(['0000000043']);
    expect(texts('//cac:DocumentReference/cbc:IssueDate')).toEqual(['2026-02-12']);
    expect(texts('//cac:DocumentReference/cbc:DocumentTypeCode')).toEqual(['381']);
  });

  it('puts the buyer as sender and the issuer as receiver, each with endpoint, scheme and registered name', () => {
    const { texts } = read(buildInvoiceResponse(responseInput('AP')));
    expect(texts('//cac:SenderParty/cbc:EndpointID')).toEqual(['BG175074752']);
    expect(texts('//cac:SenderParty/cbc:EndpointID/@schemeID')).toEqual(['9926']);
    expect(texts('//cac:SenderParty/cac:PartyLegalEntity/cbc:RegistrationName')).toEqual([
      'Получател & Син <ООД>',
    ]);
    expect(texts('//cac:ReceiverParty/cac:PartyLegalEntity/cbc:RegistrationName')).toEqual([
      'Доставчик "Север" ЕООД',
    ]);
    expect(texts('//cac:ReceiverParty/cac:PartyIdentification/cbc:ID')).toEqual(['831650349']);
    expect(texts('//cac:ReceiverParty/cac:PartyIdentification/cbc:ID/@schemeID')).toEqual([]);
  });

  it('gives a rejection one coded Status per reason, in order, with the text exactly as given', () => {
    const xml = buildInvoiceResponse(
      responseInput('RE', {
        reasons: REJECTION_REASONS,
        actions: [{ code: 'NIN', text: 'Издайте нова фактура' }],
      }),
    );
    const { texts } = read(xml);
    expect(texts('//cac:Response/cbc:ResponseCode')).toEqual(['RE']);
    expect(texts('//cac:Status/cbc:StatusReasonCode')).toEqual(['OTH', 'LEG', 'REF', 'NIN']);
    expect(texts('//cac:Status/cbc:StatusReasonCode/@listID')).toEqual([
      'OPStatusReason',
      'OPStatusReason',
      'OPStatusReason',
      'OPStatusAction',
    ]);
    expect(texts('//cac:Status/cbc:StatusReason')).toEqual([
      ...REJECTION_REASONS.map((reason) => reason.text),
      'Издайте нова фактура',
    ]);
    // The markup characters are escaped, the Cyrillic is written as itself (UTF-8).
    expect(xml).toContain('&amp; says "&lt;none&gt;"');
    expect(xml).toContain('чл. 114, ал. 1 ЗДДС');
  });

  it('states when the status became effective', () => {
    const paid = responseInput('PD', { effectiveDate: '2026-03-05' });
    expect(read(buildInvoiceResponse(paid)).texts('//cac:Response/cbc:EffectiveDate')).toEqual([
      '2026-03-05',
    ]);
  });

  it('writes the same bytes for the same input, so a resent response is identical', () => {
    const input = responseInput('RE', { reasons: REJECTION_REASONS });
    expect(buildInvoiceResponse(input)).toBe(buildInvoiceResponse(structuredClone(input)));
  });

  it('escapes attribute values and replaces characters XML cannot carry with U+FFFD', () => {
    const input = responseInput('RE', { reasons: [{ text: 'bad byte \u0001 here, CR\r kept, tab\t kept' }] });
    const { texts } = read(buildInvoiceResponse(input));
    expect(texts('//cbc:StatusReason')).toEqual(['bad byte \uFFFD here, CR\r kept, tab\t kept']);
  });

  it('leaves out the endpoint of a party whose address is not known (the response is then not Peppol-valid)', () => {
    const input = responseInput('AB');
    const { texts, names } = read(buildInvoiceResponse({ ...input, sender: { name: 'Получател ООД' } }));
    expect(names('//cac:SenderParty/*')).toEqual(['PartyLegalEntity']);
    expect(texts('//cac:SenderParty//cbc:RegistrationName')).toEqual(['Получател ООД']);
  });

  it('refuses a rejection, query or conditional acceptance that gives no reason', () => {
    for (const code of ['RE', 'UQ', 'CA'] as const) {
      expect(refusal(responseInput(code))).toEqual({
        code: 'MISSING_REASON',
        message: `a ${code} response must give at least one reason (PEPPOL-T111-R001)`,
      });
    }
  });

  it('refuses "partially paid" (PPD) on anything but a paid status', () => {
    const input = responseInput('AP', { reasons: [{ code: 'PPD', text: 'paid 100.00 of 207.20 EUR' }] });
    expect(refusal(input).code).toBe('INVALID_CODE');
    expect(() =>
      buildInvoiceResponse(
        responseInput('PD', { reasons: [{ code: 'PPD', text: 'paid 100.00 of 207.20 EUR' }] }),
      ),
    ).not.toThrow();
  });

  it('refuses blank values, impossible dates and times, and codes outside the lists, naming the field', () => {
    const base = responseInput('AB');
    expect(refusal({ ...base, id: '  ' })).toEqual({ code: 'MISSING_VALUE', message: 'id is empty' });
    expect(refusal({ ...base, receiver: { ...base.receiver, name: '' } }).message).toBe(
      'receiver.name is empty',
    );
    expect(refusal({ ...base, issueDate: '2026-02-30' }).code).toBe('INVALID_DATE');
    expect(refusal({ ...base, effectiveDate: '11.02.2026' }).message).toMatch(/^effectiveDate "11.02.2026"/);
    expect(refusal({ ...base, issueTime: '25:00:00' }).code).toBe('INVALID_TIME');
    expect(refusal({ ...base, responseCode: 'OK' as ResponseCode }).code).toBe('INVALID_CODE');
    expect(refusal({ ...base, invoice: { ...base.invoice, typeCode: '220' } }).message).toMatch(
      /invoice.typeCode/,
    );
    const badScheme = { ...base, sender: { ...base.sender, electronicAddress: { value: 'x', scheme: '' } } };
    expect(refusal(badScheme).message).toMatch(/sender.electronicAddress.scheme/);
    expect(refusal({ ...base, reasons: [{ text: ' ' }] }).message).toBe('reasons[0].text is empty');
  });
});

// ---- The official Peppol rules (T111 schematron as compiled XSLT, run by Saxon-HE) -------------------------

const jars = VALIDATION_JARS;
/** The newest OpenPeppol release inside phive-rules-peppol 4.0.0 (May 2025). */
const T111_IN_JAR = 'external/schematron/openpeppol/2025.5/xslt/PEPPOLBIS-T111.xslt';

const javaPresent = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
const missingJars = Object.values(jars).filter((jar) => !fs.existsSync(jar));
const skipReason = !javaPresent
  ? 'java is not installed'
  : missingJars.length > 0
    ? `missing ${missingJars.join(', ')} (run scripts/install-validation-artefacts.sh)`
    : undefined;
const describeOfficial = skipReason ? describe.skip : describe;
if (skipReason) console.warn(`Peppol T111 validation skipped: ${skipReason}.`);

interface Assertion {
  id: string;
  flag: string;
  text: string;
}

/** Validates every file in one JVM (Saxon's folder mode): a JVM start costs about a second. */
function validateWithPeppolRules(files: Record<string, string>): Record<string, Assertion[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'invoice-response-'));
  const input = path.join(work, 'in');
  const output = path.join(work, 'svrl');
  fs.mkdirSync(input);
  fs.mkdirSync(output);
  for (const [name, xml] of Object.entries(files)) fs.writeFileSync(path.join(input, `${name}.xml`), xml);
  try {
    const run = spawnSync(
      'java',
      [
        '-cp',
        `${jars.saxon}${path.delimiter}${jars.xmlresolver}`,
        'net.sf.saxon.Transform',
        `-s:${input}`,
        `-xsl:jar:file:${jars.rules}!/${T111_IN_JAR}`,
        `-o:${output}`,
      ],
      { encoding: 'utf8' },
    );
    if (run.status !== 0) throw new Error(`Saxon failed (${run.status}): ${run.stderr}`);
    return Object.fromEntries(
      Object.keys(files).map((name) => [
        name,
        failedAssertions(fs.readFileSync(path.join(output, `${name}.xml`))),
      ]),
    );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function failedAssertions(svrl: Buffer): Assertion[] {
  const doc = parseXml(svrl);
  const select = xpath.useNamespaces(NS);
  const fired = select('//svrl:fired-rule', doc as unknown as globalThis.Node) as globalThis.Node[];
  // An SVRL without fired rules means the stylesheet did not recognise the document at all.
  if (fired.length === 0) throw new Error('the T111 rules fired no rule: the document was not recognised');
  return (select('//svrl:failed-assert', doc as unknown as globalThis.Node) as globalThis.Element[]).map(
    (node) => ({
      id: node.getAttribute('id') ?? '',
      flag: node.getAttribute('flag') ?? '',
      text: (node.textContent ?? '').trim(),
    }),
  );
}

describeOfficial('Invoice Responses checked by the official Peppol T111 rules', () => {
  const valid: Record<string, InvoiceResponseInput> = {
    acknowledged: responseInput('AB'),
    rejected: responseInput('RE', { reasons: REJECTION_REASONS, actions: [{ code: 'NIN' }] }),
    accepted: responseInput('AP', { effectiveDate: '2026-02-12' }),
    paid: responseInput('PD', { effectiveDate: '2026-03-05' }),
    partiallyPaid: responseInput('PD', { reasons: [{ code: 'PPD', text: 'Платени 100.00 от 207.20 EUR' }] }),
    creditNoteAcknowledged: responseInput('AB', {
      invoice: { number: '0000000043', issueDate: '2026-02-12', typeCode: '381' },
    }),
    underQuery: responseInput('UQ', {
      reasons: [{ code: 'REF', text: 'Липсва номер на поръчка' }],
      actions: [{ code: 'PIN' }],
    }),
  };
  const rejected = buildInvoiceResponse(responseInput('RE', { reasons: REJECTION_REASONS }));
  let results: Record<string, Assertion[]>;

  beforeAll(() => {
    results = validateWithPeppolRules({
      ...Object.fromEntries(
        Object.entries(valid).map(([name, input]) => [name, buildInvoiceResponse(input)]),
      ),
      // What the builder does not make, to show the rules really run: a UUID in the reference (UBL has it,
      // the BIS data model does not), and a rejection stripped of its reason codes.
      controlUuid: rejected.replace(
        '<cbc:IssueDate>2026-02-10',
        '<cbc:UUID>0b7e</cbc:UUID>\n<cbc:IssueDate>2026-02-10',
      ),
      controlNoReasonCode: rejected.replace(/<cbc:StatusReasonCode[^>]*>[A-Z]+<\/cbc:StatusReasonCode>/g, ''),
      senderWithoutAddress: buildInvoiceResponse({
        ...valid.acknowledged,
        sender: { name: 'Получател ООД' },
      }),
      senderWithEmailAddress: buildInvoiceResponse({
        ...valid.acknowledged,
        sender: {
          name: 'Получател ООД',
          electronicAddress: { value: 'accounts@poluchatel.bg', scheme: 'EM' },
        },
      }),
    });
  }, 120_000);

  it.each(Object.keys(valid))('%s: no assertion fails, fatal or warning', (name) => {
    expect(results[name]).toEqual([]);
  });

  it('the rules do run: a UUID in the document reference is fatal (B03903), and so is a rejection without a code (R001)', () => {
    expect(results.controlUuid.map((a) => `${a.id} ${a.flag}`)).toEqual(['PEPPOL-T111-B03903 fatal']);
    expect(results.controlNoReasonCode.map((a) => `${a.id} ${a.flag}`)).toEqual(['PEPPOL-T111-R001 fatal']);
  });

  it('a party without a Peppol address fails exactly the address rules, as ResponseParty documents', () => {
    expect(results.senderWithoutAddress.map((a) => `${a.id} ${a.flag}`)).toEqual([
      'PEPPOL-T111-B00801 fatal',
    ]);
    expect(results.senderWithEmailAddress.map((a) => `${a.id} ${a.flag}`)).toEqual([
      'PEPPOL-T111-B00902 fatal',
    ]);
  });
});

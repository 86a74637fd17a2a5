/**
 * The verification report for one invoice file (ETSI EN 319 102-1 style): is it a valid invoice under EN 16931
 * (and Peppol, and Bulgarian law), and does it carry an intact, trusted, qualified signature of its issuer.
 * Never throws on bad input: whatever the bytes are, the answer is a report that says what is wrong.
 */
import type { Document } from '@xmldom/xmldom';
import { InvoiceFormatError, parseInvoice, summarizeInvoice } from '../invoice';
import type { Finding, Invoice } from '../invoice/model';
import { validateInvoice } from '../rules';
import { verifySignature } from '../signature';
import type { Indication, SignatureOptions, SignatureReport, SubIndication } from '../signature/types';
import { XmlInputError, parseXml } from '../xml';

export interface ReportDocument {
  syntax: 'UBL' | 'CII';
  /** Invoice or CreditNote, with the type code (BT-3), e.g. "Invoice 380". */
  type: string;
  number: string;
  issueDate: string;
  supplier: { name?: string; vatId?: string; id?: string };
  customer: { name?: string; vatId?: string; id?: string; email?: string };
  total: { amount: string; currency: string };
}

export interface InvoiceReport {
  file?: string;
  indication: Indication;
  subIndication?: SubIndication;
  /** Null when the bytes are not an invoice the hub can read. */
  document: ReportDocument | null;
  validation: { valid: boolean; findings: Finding[] };
  signature: SignatureReport;
}

export type VerificationOptions = SignatureOptions & {
  file?: string;
  /** Given the invoice's model when the file could be read as one, so a caller needs not parse it again. */
  keepInvoice?: (invoice: Invoice) => void;
};

/** Reads, validates and checks the signature of one invoice. */
export async function verifyInvoice(
  input: Uint8Array,
  options: VerificationOptions = {},
): Promise<InvoiceReport> {
  const requireSignature = options.requireSignature ?? true;
  let document: Document;
  try {
    document = parseXml(input);
  } catch (error) {
    return unreadable(options.file, formatFinding(error), notChecked('the file is not XML the hub can read'));
  }
  let invoice: Invoice | undefined;
  let formatProblem: Finding | undefined;
  try {
    invoice = parseInvoice(document);
  } catch (error) {
    formatProblem = formatFinding(error);
  }
  // The signature validator gets the already parsed document: each file is parsed once.
  const signature = normalizeSignature(await checkSignature(document, options), requireSignature);
  if (!invoice) return unreadable(options.file, formatProblem as Finding, signature);
  options.keepInvoice?.(invoice);
  return assembleReport(options.file, invoice, validateInvoice(invoice), signature);
}

/** Combines the rules' findings with the signature report into the overall indication. */
export function assembleReport(
  file: string | undefined,
  invoice: Invoice,
  findings: Finding[],
  signature: SignatureReport,
): InvoiceReport {
  const valid = !findings.some((finding) => finding.severity === 'fatal');
  const summary = summarizeInvoice(invoice);
  return {
    file,
    // An invalid invoice fails whatever its signature says; the signature's sub-indication still tells why it failed too.
    indication: valid ? signature.indication : 'TOTAL-FAILED',
    subIndication: valid
      ? signature.subIndication
      : signature.indication === 'TOTAL-FAILED'
        ? signature.subIndication
        : undefined,
    document: {
      syntax: summary.syntax,
      type: `${summary.kind} ${invoice.typeCode}`.trim(),
      number: summary.number,
      issueDate: summary.issueDate,
      supplier: summary.supplier,
      customer: summary.customer,
      total: { amount: summary.total, currency: summary.currency },
    },
    validation: { valid, findings },
    signature,
  };
}

async function checkSignature(document: Document, options: VerificationOptions): Promise<SignatureReport> {
  try {
    return await verifySignature(document, options);
  } catch (error) {
    return {
      present: true,
      intact: false,
      level: 'none',
      checks: [
        {
          name: 'signature-validation',
          passed: false,
          detail: `The signature could not be validated: ${error instanceof Error ? error.message : String(error)}`,
        },
      ],
      indication: 'INDETERMINATE',
    };
  }
}

/**
 * The hub requires a signature by default: an unsigned invoice is INDETERMINATE ("no signature"), never passed.
 * When a signature is optional, an unsigned invoice passes on its content alone.
 */
function normalizeSignature(signature: SignatureReport, requireSignature: boolean): SignatureReport {
  if (signature.present) return signature;
  const checks = signature.checks.some((check) => check.name === 'signature-present')
    ? signature.checks
    : [
        {
          name: 'signature-present',
          passed: !requireSignature,
          detail: requireSignature
            ? 'No signature: the invoice carries no XAdES signature, and the hub requires a signature of the issuer.'
            : 'No signature: the invoice carries no XAdES signature (not required here).',
        },
        ...signature.checks,
      ];
  return {
    ...signature,
    checks,
    intact: false,
    level: 'none',
    indication: requireSignature ? 'INDETERMINATE' : 'TOTAL-PASSED',
    subIndication: requireSignature ? signature.subIndication : undefined,
  };
}

function notChecked(reason: string): SignatureReport {
  return {
    present: false,
    intact: false,
    level: 'none',
    checks: [{ name: 'signature-present', passed: false, detail: `Not checked: ${reason}.` }],
    indication: 'INDETERMINATE',
  };
}

function unreadable(file: string | undefined, finding: Finding, signature: SignatureReport): InvoiceReport {
  return {
    file,
    indication: 'TOTAL-FAILED',
    subIndication: 'FORMAT_FAILURE',
    document: null,
    validation: { valid: false, findings: [finding] },
    signature,
  };
}

/** Turns a parsing error into a finding a person can act on. */
function formatFinding(error: unknown): Finding {
  if (error instanceof XmlInputError) {
    return {
      ruleId: `XML-${error.code}`,
      severity: 'fatal',
      path: '/',
      message: error.message,
      messageBg: XML_MESSAGES_BG[error.code] ?? 'Файлът не е XML документ, който хъбът може да прочете.',
    };
  }
  if (error instanceof InvoiceFormatError) {
    return {
      ruleId: 'HUB-FORMAT',
      severity: 'fatal',
      path: '/*',
      message: error.message,
      messageBg: `Документът не е фактура, която хъбът приема${error.rootElement ? ` (коренен елемент ${error.rootElement})` : ''}; очаква се UBL 2.1 Invoice или CreditNote, или UN/CEFACT CII CrossIndustryInvoice.`,
    };
  }
  return {
    ruleId: 'HUB-FORMAT',
    severity: 'fatal',
    path: '/*',
    message: `The invoice could not be read: ${error instanceof Error ? error.message : String(error)}`,
    messageBg: 'Фактурата не може да бъде прочетена.',
  };
}

const XML_MESSAGES_BG: Record<string, string> = {
  EMPTY: 'Файлът е празен: не съдържа XML документ.',
  NOT_XML: 'Файлът не е XML: не започва с "<".',
  INVALID_ENCODING: 'Файлът не е валиден UTF-8; запишете го в кодировка UTF-8.',
  UNSUPPORTED_ENCODING: 'Кодировката, посочена в XML декларацията, не се поддържа; запишете файла в UTF-8.',
  DTD_FORBIDDEN:
    'Документът съдържа DOCTYPE; DTD и декларации на обекти не се допускат от съображения за сигурност.',
  TOO_LARGE: 'Файлът е по-голям от допустимия размер.',
  TOO_DEEP: 'Елементите в документа са вложени твърде дълбоко.',
  TOO_MANY_ELEMENTS: 'Документът съдържа твърде много елементи.',
  TOO_MANY_ATTRIBUTES: 'Елемент в документа има твърде много атрибути.',
  ATTRIBUTE_TOO_LONG: 'Атрибут в документа е твърде дълъг.',
  TEXT_TOO_LONG: 'Текстово съдържание в документа е твърде дълго.',
  MALFORMED: 'XML документът не е добре оформен (well-formed).',
};

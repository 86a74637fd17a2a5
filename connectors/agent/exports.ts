/**
 * What an accounting system exports: a UBL or CII invoice as XML, or a Factur-X / ZUGFeRD PDF whose embedded CII
 * is the invoice (the PDF is only its picture; the hub receives the XML). Checked with the hub's own rules before
 * anything is signed, so an invoice the hub would reject never leaves the issuer's machine.
 */
import {
  FacturXError,
  extractEmbeddedInvoice,
  isPdf,
  type FacturXErrorCode,
} from '../../domain/invoice/factur-x';
import type { Finding } from '../../domain/invoice/model';
import { verifyInvoice } from '../../domain/verification';
import type { Reason } from './journal';

export interface ExportedInvoice {
  /** The invoice XML the agent signs and sends. */
  xml: Buffer;
  syntax: 'UBL' | 'CII';
  /** Where the XML came from: the file itself, or the PDF it was embedded in. */
  source: 'xml' | 'factur-x';
  number: string;
}

export type CheckedExport =
  { ok: true; invoice: ExportedInvoice; warnings: Reason[] } | { ok: false; reasons: Reason[] };

/** Files the agent never takes: temporary names of a writer still at work, and its own folders. */
export function isExportCandidate(name: string): boolean {
  if (name.startsWith('.') || name.startsWith('~')) return false;
  return !/\.(part|partial|tmp|temp|filepart|crdownload|swp)$/i.test(name);
}

/** Reads the invoice out of the file and checks it with the hub's rules (the signature comes later). */
export async function checkExport(name: string, bytes: Buffer): Promise<CheckedExport> {
  let xml = bytes;
  let source: ExportedInvoice['source'] = 'xml';
  if (isPdf(bytes)) {
    try {
      xml = extractEmbeddedInvoice(bytes).xml;
      source = 'factur-x';
    } catch (error) {
      if (!(error instanceof FacturXError)) throw error;
      return {
        ok: false,
        reasons: [{ code: error.code, message: error.message, messageBg: FACTUR_X_MESSAGES_BG[error.code] }],
      };
    }
  }
  const report = await verifyInvoice(xml, { requireSignature: false, file: name });
  if (!report.document) {
    const findings = report.validation.findings;
    return {
      ok: false,
      reasons: findings.map((finding) => reasonOf(finding)),
    };
  }
  const fatal = report.validation.findings.filter((finding) => finding.severity === 'fatal');
  if (fatal.length) return { ok: false, reasons: fatal.map((finding) => reasonOf(finding)) };
  return {
    ok: true,
    invoice: {
      xml,
      syntax: report.document.syntax,
      source,
      number: report.document.number,
    },
    warnings: report.validation.findings
      .filter((finding) => finding.severity !== 'fatal')
      .map((finding) => reasonOf(finding)),
  };
}

/** A rule's finding as a reason in failed/NAME.json; reading problems (XML-*, HUB-FORMAT) keep their own code. */
function reasonOf(finding: Finding): Reason {
  const unreadable = finding.ruleId.startsWith('XML-') || finding.ruleId === 'HUB-FORMAT';
  return {
    code: unreadable ? finding.ruleId : 'RULE_FAILED',
    message: finding.message,
    messageBg: finding.messageBg,
    ...(unreadable ? {} : { rule: finding.ruleId, path: finding.path }),
  };
}

const FACTUR_X_MESSAGES_BG: Record<FacturXErrorCode, string> = {
  NOT_PDF: 'Файлът не е PDF.',
  TRUNCATED_PDF: 'PDF файлът е непълен (няма край): вероятно записът му е прекъснат.',
  DAMAGED_PDF: 'PDF файлът е повреден и не може да бъде прочетен.',
  ENCRYPTED_PDF: 'PDF файлът е шифрован; фактурата в него не може да бъде прочетена.',
  NO_EMBEDDED_INVOICE:
    'В PDF файла няма вградена фактура (factur-x.xml, zugferd-invoice.xml или xrechnung.xml).',
  UNSUPPORTED_FILTER: 'Вградената фактура е компресирана по начин, който не се поддържа.',
  TOO_LARGE: 'Вградената фактура е по-голяма от допустимото след разархивиране.',
  NOT_CII_XML: 'Вграденият файл не е фактура във формат UN/CEFACT CII.',
};

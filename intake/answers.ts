import type { DeliveryRecord } from '../db/deliveries';
import type { InvoiceRecord } from '../db/invoices';
import type { ImportCounts } from '../db/payments/ledger';
import type { StatementImport } from '../db/payments/statement-imports';
import type { Invoice, Party } from '../domain/invoice/model';
import {
  buildInvoiceResponse,
  type ClarificationReasonCode,
  type ResponseCode,
  type ResponseParty,
} from '../domain/invoice-response';
import type { ChannelAnswerStage } from '../workflows/messages';

/**
 * The answer files an issuer finds in its outbox, named after the file it delivered:
 *   NAME.ack.json       on receipt: the invoice it became (or the one it repeats), or why it was quarantined
 *   NAME.result.json    after verification: accepted, or rejected with every reason and its rule id
 *   NAME.response.xml   the Peppol Invoice Response (AB or RE); later NAME.AP.response.xml (viewed), NAME.PD.response.xml (paid)
 * A ZIP batch answers per entry (named after the entry's file name) and once for the batch (NAME.ack.json).
 * A bank statement put into SFTP /statements is answered by one file that follows its import:
 *   NAME.statement.json received, refused with the reason, or imported with the counts
 */
export const answerNames = {
  ack: (fileName: string) => `${baseName(fileName)}.ack.json`,
  result: (fileName: string) => `${baseName(fileName)}.result.json`,
  response: (fileName: string, code: string) =>
    code === 'AB' || code === 'RE'
      ? `${baseName(fileName)}.response.xml`
      : `${baseName(fileName)}.${code}.response.xml`,
  statement: (fileName: string) => `${baseName(fileName)}.statement.json`,
};

/** The statement answer's name ends so; no invoice answer's does. */
export function isStatementAnswerName(name: string): boolean {
  return name.endsWith('.statement.json') && name.length > '.statement.json'.length;
}

/** Answer keys: each answer is written once, whatever retries and crashes happen. */
export const answerKeys = {
  ack: (deliveryId: string) => `ack:${deliveryId}`,
  result: (invoiceId: string) => `result:${invoiceId}`,
  response: (invoiceId: string, code: string) => `response:${invoiceId}:${code}`,
};

/** A ZIP entry may sit in folders; its answers are named after the file alone. */
export function baseName(fileName: string): string {
  return fileName.split('/').filter(Boolean).pop() ?? fileName;
}

export interface AckEntry {
  file: string;
  status: 'accepted' | 'duplicate' | 'quarantined';
  invoice?: { id: string; number: string; status: string; link: string };
  error?: { code: string; message: string };
}

export interface Acknowledgement extends AckEntry {
  delivery: string;
  channel: string;
  receivedAt: string;
  sha256: string;
  /** true when the file repeated an invoice delivered before: `invoice` is that first one. */
  duplicate: boolean;
  /** For a ZIP batch: one entry per invoice file inside it. */
  entries?: AckEntry[];
}

export function ackEntry(delivery: DeliveryRecord, invoice: InvoiceRecord | undefined, publicUrl: string) {
  const status = delivery.status === 'batch' || delivery.status === 'received' ? 'accepted' : delivery.status;
  const entry: AckEntry = { file: delivery.fileName, status };
  if (invoice) {
    entry.invoice = {
      id: invoice.id,
      number: invoice.number,
      status: invoice.status,
      link: `${publicUrl}/api/v1/invoices/${invoice.id}`,
    };
  }
  if (delivery.reason) entry.error = delivery.reason;
  return entry;
}

export function acknowledgement(
  delivery: DeliveryRecord,
  invoice: InvoiceRecord | undefined,
  publicUrl: string,
  entries?: AckEntry[],
): Acknowledgement {
  return {
    ...ackEntry(delivery, invoice, publicUrl),
    delivery: delivery.id,
    channel: delivery.channel,
    receivedAt: delivery.receivedAt,
    sha256: delivery.sha256,
    duplicate: delivery.status === 'duplicate',
    ...(entries ? { entries } : {}),
  };
}

export interface VerificationResultFile {
  file: string;
  invoice: { id: string; number: string; link: string };
  status: 'accepted' | 'rejected';
  /** Every reason the invoice was refused, each with the rule it breaks. */
  reasons: { rule: string; message: string }[];
  warnings: { rule: string; message: string }[];
  at: string;
}

/** The lifecycle's reasons read "BR-CO-15: ..."; the result file gives the rule id its own field. */
export function splitRule(reason: string): { rule: string; message: string } {
  const match = /^([A-Z][A-Za-z0-9-]*(?:\[[^\]]+\])?):\s*(.*)$/s.exec(reason);
  return match ? { rule: match[1], message: match[2] } : { rule: 'HUB', message: reason };
}

/**
 * NAME.statement.json: what became of a statement file, as its import stands now (it is rendered from the import each
 * time it is read, so it moves from received to imported by itself).
 */
export interface StatementAnswerFile {
  file: string;
  status: 'received' | 'refused' | 'imported';
  /** One sentence for a person reading the file. */
  summary: string;
  /** true when the hub had these bytes before: `import` is that first one, and nothing was imported again. */
  duplicate: boolean;
  import: { id: string; file: string; link: string; receivedAt: string; importedAt?: string };
  uploadedAt: string;
  sha256: string;
  /** Why the file was refused; it is kept with this reason. */
  error?: { code: string; message: string };
  format?: string;
  statements?: string[];
  account?: string;
  /** inFile: entries in the file; entries: those new to the hub, each decided as one of the others. */
  counts?: { inFile: number } & ImportCounts;
}

export function statementAnswer(
  upload: { name: string; uploadedAt: Date; repeated: boolean },
  record: StatementImport,
  counts: ImportCounts,
  publicUrl: string,
): StatementAnswerFile {
  const answer: StatementAnswerFile = {
    file: upload.name,
    status: record.status,
    summary: statementSummary(upload, record, counts),
    duplicate: upload.repeated,
    import: {
      id: record.id,
      file: record.fileName,
      link: `${publicUrl}/api/v1/statements/${record.id}`,
      receivedAt: record.receivedAt,
      ...(record.importedAt ? { importedAt: record.importedAt } : {}),
    },
    uploadedAt: upload.uploadedAt.toISOString(),
    sha256: record.sha256,
  };
  if (record.status === 'refused') {
    answer.error = record.refusal ?? { code: 'REFUSED', message: 'the statement was refused' };
    return answer;
  }
  if (record.format) {
    answer.format = record.format;
    answer.statements = record.statementIds;
    if (record.account) answer.account = record.account;
  }
  if (record.status === 'imported') answer.counts = { inFile: record.entryCount, ...counts };
  return answer;
}

function statementSummary(
  upload: { repeated: boolean },
  record: StatementImport,
  counts: ImportCounts,
): string {
  const before = upload.repeated
    ? `The hub already had this file (received ${record.receivedAt.slice(0, 10)} as ${record.fileName}); nothing new was imported. `
    : '';
  if (record.status === 'refused') {
    return `${before}Refused: ${record.refusal?.message ?? 'the file cannot be read'} The file is kept with this reason.`;
  }
  if (record.status === 'received')
    return `${before}Received; the import is under way and this answer follows it.`;
  const decided = [
    `${counts.matched} matched to invoices`,
    `${counts.review} for review`,
    `${counts.notAPayment} not a payment`,
    ...(counts.ignored ? [`${counts.ignored} ignored`] : []),
  ];
  const known = record.entryCount - counts.entries;
  return (
    `${before}Imported: ${record.entryCount} ${record.entryCount === 1 ? 'entry' : 'entries'} in the file, ` +
    `${counts.entries} new (${decided.join(', ')})` +
    (known > 0 ? `; ${known} known from an earlier statement.` : '.')
  );
}

export function jsonFile(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value, null, 2) + '\n');
}

/** The Invoice Response status for each stage the lifecycle reports. */
export function responseCodeFor(stage: ChannelAnswerStage): ResponseCode {
  return ({ verified: 'AB', rejected: 'RE', viewed: 'AP', paid: 'PD' } as const)[stage];
}

/**
 * The Peppol Invoice Response for one stage of the invoice: from its buyer (on whose behalf the hub answers) to its
 * seller. A rejection carries every reason, each coded as the BIS list allows, and asks for a corrected invoice.
 */
export function invoiceResponse(
  invoice: { id: string; model: Invoice; reasons: string[] },
  code: ResponseCode,
  at: Date,
): string {
  const iso = at.toISOString();
  return buildInvoiceResponse({
    id: `${invoice.id}-${code}`,
    issueDate: iso.slice(0, 10),
    issueTime: `${iso.slice(11, 19)}Z`,
    responseCode: code,
    effectiveDate: iso.slice(0, 10),
    reasons:
      code === 'RE'
        ? invoice.reasons.map((reason) => ({ code: reasonCode(splitRule(reason).rule), text: reason }))
        : undefined,
    actions:
      code === 'RE' ? [{ code: 'NIN', text: 'send a corrected invoice under a new number' }] : undefined,
    invoice: {
      number: invoice.model.number,
      issueDate: invoice.model.issueDate,
      typeCode: invoice.model.typeCode,
    },
    sender: responseParty(invoice.model.buyer),
    receiver: responseParty(invoice.model.seller),
  });
}

function reasonCode(rule: string): ClarificationReasonCode {
  if (rule.startsWith('BG-')) return 'LEG'; // the Bulgarian VAT Act's content, numbering and rate rules
  if (rule === 'BR-55') return 'REF'; // the corrected invoice a note must name
  if (rule === 'HUB-01') return 'REC'; // no recipient the hub can deliver to
  return 'OTH';
}

/** A party as the response names it: its Peppol address when it has one, else its Bulgarian VAT number (9926). */
function responseParty(party: Party): ResponseParty {
  const address = party.electronicAddress;
  const peppolAddress =
    address?.scheme && address.scheme.toUpperCase() !== 'EM'
      ? { value: address.value, scheme: address.scheme }
      : party.vatId?.toUpperCase().startsWith('BG')
        ? { value: party.vatId, scheme: '9926' }
        : undefined;
  return {
    name: party.name ?? party.tradingName ?? party.contact?.email ?? 'unknown',
    electronicAddress: peppolAddress,
  };
}

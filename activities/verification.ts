import { ApplicationFailure } from '@temporalio/common';
import { issuerNumberingNeighbours, saveVerification } from '../db/invoices';
import { keepTrustMaterial } from '../db/trust-material';
import type { Invoice, InvoiceSummary } from '../domain/invoice/model';
import type { SignatureReport, TrustMaterial } from '../domain/signature/types';
import { summarizeInvoice } from '../domain/invoice';
import { checkNumbering } from '../domain/rules';
import { isEmailAddress } from '../domain/operations/undeliverable';
import { verifyInvoice as verifyInvoiceDocument } from '../domain/verification';
import type { HubConfig } from '../platform/config';
import type { ActivityDeps } from './index';
import { loadInvoiceWithOriginal } from './load';
import { rejections, verificationSeconds } from '../platform/metrics';

export interface VerificationOutcome {
  accepted: boolean;
  indication: string;
  summary?: InvoiceSummary;
  /** Why the invoice is refused, one actionable sentence each. */
  reasons: string[];
  warnings: string[];
}

type SignaturePolicy = HubConfig['signature']['policy'];

export function verificationActivities(deps: Pick<ActivityDeps, 'db' | 'config'>) {
  return {
    /** The lifecycle's `verified` stage, as its own activity (lifecycles started before acceptance.ts). */
    async verifyInvoice(invoiceId: string): Promise<VerificationOutcome> {
      return (await verifyStoredInvoice(deps, invoiceId)).outcome;
    },
  };
}

/**
 * The lifecycle's `verified` stage: EN 16931, Peppol and Bulgarian rules, the signature under the configured policy,
 * the issuer's numbering, and a deliverable recipient address. The report is kept with the invoice; the model read
 * from it comes back too (none when the file could not be read as an invoice).
 */
export async function verifyStoredInvoice(
  { db, config }: Pick<ActivityDeps, 'db' | 'config'>,
  invoiceId: string,
): Promise<{ outcome: VerificationOutcome; model?: Invoice }> {
  const { record, original } = await loadInvoiceWithOriginal(db, invoiceId);
  const policy = config.signature.policy;
  const trustData: TrustMaterial[] = [];
  const timer = verificationSeconds.startTimer();
  let model: Invoice | undefined;
  const report = await verifyInvoiceDocument(original, {
    collectTrustData: (item) => trustData.push(item),
    keepInvoice: (invoice) => (model = invoice),
    file: `${record.number}.xml`,
    trust: config.signature.trust,
    trustedListSigners: config.signature.trustedListSigners,
    crls: config.signature.crls,
    offline: config.signature.offline,
    requireSignature: policy !== 'optional',
  });
  const reasons = report.validation.findings
    .filter((f) => f.severity === 'fatal')
    .map((f) => `${f.ruleId}: ${f.message}`);
  const warnings = report.validation.findings
    .filter((f) => f.severity === 'warning')
    .map((f) => `${f.ruleId}: ${f.message}`);
  reasons.push(...signatureReasons(policy, report.signature, report.subIndication));

  // A file that is not an invoice has a fatal finding that says so; without one it would pass unread.
  if (!model && reasons.length === 0)
    throw ApplicationFailure.nonRetryable(`cannot read invoice ${invoiceId}: the report has no model`);
  const summary: InvoiceSummary | undefined = model && summarizeInvoice(model);
  if (model && summary) {
    // Outside the try: a database that is away (a lost connection) is retried like any other activity failure,
    // never taken for an unreadable invoice.
    const history = await issuerNumberingNeighbours(db, record.issuerId, invoiceId, model.number);
    // Invoices of one series may arrive out of order, so numbering findings inform; duplicates never get this far.
    warnings.push(
      ...checkNumbering(model.number, model.issueDate, history).map((f) => `${f.ruleId}: ${f.message}`),
    );
    if (!summary.customer.email) {
      reasons.push(
        'HUB-01: the invoice names no recipient e-mail address: put it in the buyer contact e-mail (BT-58) ' +
          'or the buyer electronic address (BT-49) with scheme "EM"',
      );
    } else if (!isEmailAddress(summary.customer.email)) {
      // The hub notifies the recipient at this address: one that is not an address would never arrive.
      reasons.push(
        `HUB-02: the recipient e-mail address "${summary.customer.email.slice(0, 200)}" (BT-58, or BT-49 with ` +
          'scheme "EM") is not an e-mail address',
      );
    }
  }

  timer();
  if (reasons.length > 0) countRejection(reasons);
  await keepTrustMaterial(db, trustData);
  await saveVerification(db, invoiceId, { ...report, hub: { policy, reasons, warnings } }, summary);
  return {
    outcome: { accepted: reasons.length === 0, indication: report.indication, summary, reasons, warnings },
    model,
  };
}

/** One count per refusing rule: its id is what precedes the colon of each reason ("BR-CO-16: …", "HUB-01: …"). */
function countRejection(reasons: string[]): void {
  for (const rule of new Set(reasons.map((reason) => /^([A-Za-z0-9-]+):/.exec(reason)?.[1] ?? 'other')))
    rejections.inc({ rule });
}

function signatureReasons(
  policy: SignaturePolicy,
  signature: SignatureReport,
  subIndication: string | undefined,
): string[] {
  const failed = signature.checks.filter((c) => !c.passed).map((c) => `${c.name}: ${c.detail}`);
  const because = failed.length ? ` (${failed.join('; ')})` : subIndication ? ` (${subIndication})` : '';
  if (!signature.present) {
    return policy === 'optional'
      ? []
      : [`SIG-01: the invoice is not signed; this hub requires a ${policy} signature`];
  }
  if (signature.indication === 'TOTAL-FAILED') return [`SIG-02: the signature is not valid${because}`];
  if (policy === 'intact' && !signature.intact) return [`SIG-03: the signature is not intact${because}`];
  if ((policy === 'trusted' || policy === 'qualified') && signature.indication !== 'TOTAL-PASSED') {
    return [`SIG-04: the signature could not be validated as trusted${because}`];
  }
  if (policy === 'qualified' && signature.level !== 'qualified') {
    return [`SIG-05: the signature is ${signature.level}, this hub requires a qualified signature`];
  }
  return [];
}

import { getViewReceipt } from '../../db/view-receipts';
import type { Db } from '../../db';
import { getDelivery } from '../../db/deliveries';
import { findArchiveEntry, findViewReceipt } from '../../db/invoice-search';
import { getInvoice, listInvoiceEvents } from '../../db/invoices';
import { claimsOfInvoice } from '../../db/payments/claims';
import { ordersOfInvoice } from '../../db/payments/orders';
import type { Finding } from '../../domain/invoice/model';
import type { SignatureReport } from '../../domain/signature/types';
import { workflowUiUrl, type HubConfig } from '../../platform/config';
import { orderView } from '../payments/card-payments';
import { invoicePaymentsView } from '../payments/invoice-payments';
import { claimView } from '../payments/pay-page';
import { PORTAL_API_BASE } from './contract';
import type { IssuerInvoiceDetail, SignatureInWords, VerificationInWords } from './search-contract';

/**
 * The issuer's invoice page: the invoice, how it came, its whole timeline, the return receipt and the verification
 * report, for any invoice of the issuer whatever its status (a rejected one shows why it was rejected).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What activities/verification.ts keeps with the invoice: the report plus the hub's own verdict. */
interface StoredVerification {
  indication?: string;
  subIndication?: string;
  validation?: { findings?: Finding[] };
  signature?: SignatureReport;
  hub?: { policy?: string; reasons?: string[]; warnings?: string[] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function signatureInWords(signature: SignatureReport | undefined): SignatureInWords | null {
  if (!isObject(signature)) return null;
  return {
    present: Boolean(signature.present),
    indication: signature.indication ?? null,
    subIndication: signature.subIndication ?? null,
    level: signature.level ?? null,
    signer: signature.signer ?? null,
    signingTime: signature.signingTime ?? null,
    checks: Array.isArray(signature.checks)
      ? signature.checks.map((check) => ({
          name: String(check.name),
          passed: Boolean(check.passed),
          detail: String(check.detail ?? ''),
        }))
      : [],
  };
}

export function verificationInWords(stored: unknown): VerificationInWords | null {
  if (!isObject(stored)) return null;
  const report = stored as StoredVerification;
  const findings = Array.isArray(report.validation?.findings) ? report.validation.findings : [];
  return {
    indication: report.indication ?? null,
    subIndication: report.subIndication ?? null,
    policy: report.hub?.policy ?? null,
    findings: findings.map((finding) => ({
      ruleId: finding.ruleId,
      severity: finding.severity,
      path: finding.path,
      message: finding.message,
      messageBg: finding.messageBg,
    })),
    reasons: report.hub?.reasons ?? [],
    warnings: report.hub?.warnings ?? [],
    signature: signatureInWords(report.signature),
  };
}

/** The page data, or undefined when the invoice does not exist or belongs to another issuer (both: 404). */
export async function issuerInvoiceDetail(
  db: Db,
  config: HubConfig,
  issuer: { issuerId: string; name: string },
  invoiceId: string,
): Promise<IssuerInvoiceDetail | undefined> {
  if (!UUID.test(invoiceId)) return undefined;
  const record = await getInvoice(db, invoiceId);
  if (!record || record.issuerId !== issuer.issuerId) return undefined;
  const [archive, receipt, events, delivery, orders, claims] = await Promise.all([
    findArchiveEntry(db, record.id),
    findViewReceipt(db, record.id),
    listInvoiceEvents(db, record.id),
    record.deliveryId ? getDelivery(db, record.deliveryId) : Promise.resolve(undefined),
    ordersOfInvoice(db, record.id),
    claimsOfInvoice(db, record.id),
  ]);
  const base = `${PORTAL_API_BASE}/issuers/${issuer.issuerId}/invoices/${record.id}`;
  const summary = record.summary;
  return {
    id: record.id,
    issuer: { id: issuer.issuerId, name: issuer.name },
    number: record.number,
    kind: summary.kind ?? 'Invoice',
    status: record.status,
    issueDate: summary.issueDate ?? '',
    dueDate: summary.dueDate ?? null,
    currency: summary.currency ?? '',
    total: summary.total ?? '',
    recipient: { name: summary.customer?.name ?? null, email: record.recipientEmail ?? null },
    channel: record.channel,
    delivery: delivery
      ? {
          id: delivery.id,
          channel: delivery.channel,
          fileName: delivery.fileName,
          receivedAt: delivery.receivedAt,
        }
      : null,
    receivedAt: record.receivedAt,
    receipt: receipt ?? null,
    archive: archive
      ? { archivedAt: archive.archivedAt, retainUntil: archive.retainUntil, sha256: archive.sha256 }
      : null,
    invoice: archive?.model ?? null,
    timeline: events,
    verification: verificationInWords(record.verification),
    payments: archive ? await invoicePaymentsView(db, record) : null,
    cardOrders: orders.map(orderView),
    claims: claims.map(claimView),
    links: {
      original: `${base}/original`,
      pdf: archive ? `${base}/pdf` : null,
      signedReceipt: (await getViewReceipt(db, record.id)) ? `${base}/receipt` : null,
      evidence: archive ? `${base}/evidence` : null,
      workflow: workflowUiUrl(config, record.workflowId),
    },
  };
}

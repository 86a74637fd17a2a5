/**
 * The searchable archive's part of the portal API contract (both sides' invoice lists, the issuer's invoice page, its
 * deliveries page, CSV and PDF): types only, shared by the gateway (gateway/portal/) and the portal (portal/).
 */
import type { DocumentKind, Finding, Invoice } from '../../domain/invoice/model';
import type { CardOrderView, PaymentClaimView, PaymentsSummary } from '../payments/pay-contract';
import type { InvoiceListItem } from './contract';

/** Lifecycle statuses a search may ask for (workflows/messages.ts LifecycleStatus). */
export const INVOICE_STATUSES = [
  'received',
  'verified',
  'archived',
  'notified',
  'awaiting view',
  'viewed',
  'disputed',
  'paid',
  'cancelled',
  'rejected',
  'undeliverable',
] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** Statuses a recipient's invoice can have: only verified, archived invoices reach a recipient. */
export const RECIPIENT_STATUSES: readonly InvoiceStatus[] = INVOICE_STATUSES.filter(
  (status) => status !== 'received' && status !== 'verified' && status !== 'rejected',
);

export const CHANNELS = ['api', 'sftp', 'sftp-pickup', 'as2', 'cli'] as const;

/** `sort`: a field, descending with a leading "-". */
export const SORT_ORDERS = [
  '-issueDate',
  'issueDate',
  '-number',
  'number',
  '-amount',
  'amount',
  '-status',
  'status',
] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];
export const DEFAULT_SORT: SortOrder = '-issueDate';

export const PAGE_SIZE_DEFAULT = 50;
export const PAGE_SIZE_MAX = 200;

/**
 * The query of every invoice search (GET /portal/invoices, /portal/issuers/{id}/invoices[.csv], /api/v1/invoices).
 * Multiple statuses or channels are comma-separated. `cursor` is the `next` of the previous page.
 */
export interface InvoiceSearchQuery {
  /** Invoice number or its beginning; spaces ignored. */
  number?: string;
  /** "prefix" (default) or "exact". */
  numberMatch?: 'prefix' | 'exact';
  /** Issuer side: recipient e-mail address (exact) or a part of the recipient's name or address. */
  recipient?: string;
  /** Recipient side: a part of the issuer's name. */
  issuer?: string;
  /** Issue date from / to, YYYY-MM-DD, both included. */
  from?: string;
  to?: string;
  status?: string;
  /** Amount payable from / to, decimals with a dot. */
  amountMin?: string;
  amountMax?: string;
  channel?: string;
  sort?: SortOrder;
  limit?: number;
  cursor?: string;
}

/** GET /invoices (recipient): a page of the recipient's invoices. */
export interface RecipientInvoicePage {
  invoices: InvoiceListItem[];
  /** The cursor of the next page; null on the last. */
  next: string | null;
}

/** One row of an issuer's sent invoices. */
export interface IssuerInvoiceListItem {
  id: string;
  number: string;
  kind: DocumentKind;
  issueDate: string;
  dueDate: string | null;
  currency: string;
  total: string;
  recipientName: string | null;
  recipientEmail: string | null;
  status: string;
  channel: string;
  receivedAt: string;
  viewedAt: string | null;
}

/** GET /issuers/{issuerId}/invoices */
export interface IssuerInvoicePage {
  issuer: { id: string; name: string };
  invoices: IssuerInvoiceListItem[];
  next: string | null;
  links: { csv: string };
}

/** One event of an invoice's life as the issuer sees it: everything the lifecycle recorded. */
export interface IssuerTimelineEntry {
  at: string;
  type: string;
  /** The status the event led to. */
  status: string;
  detail: Record<string, unknown>;
}

/** The signature part of the verification report, for people: an indication and the checks behind it. */
export interface SignatureInWords {
  present: boolean;
  /** ETSI EN 319 102-1: TOTAL-PASSED, TOTAL-FAILED, INDETERMINATE. */
  indication: string | null;
  subIndication: string | null;
  level: string | null;
  signer: string | null;
  signingTime: string | null;
  checks: { name: string; passed: boolean; detail: string }[];
}

export interface VerificationInWords {
  /** The invoice's overall indication. */
  indication: string | null;
  subIndication: string | null;
  /** The signature policy in force when it was verified (optional, intact, trusted, qualified). */
  policy: string | null;
  /** Every rule finding: rule id, severity, message (English and Bulgarian). */
  findings: Finding[];
  /** Why the hub refused the invoice, one sentence each (empty unless rejected). */
  reasons: string[];
  warnings: string[];
  signature: SignatureInWords | null;
}

/** GET /issuers/{issuerId}/invoices/{id}: the issuer's invoice page. */
export interface IssuerInvoiceDetail {
  id: string;
  issuer: { id: string; name: string };
  number: string;
  kind: DocumentKind;
  status: string;
  issueDate: string;
  dueDate: string | null;
  currency: string;
  total: string;
  recipient: { name: string | null; email: string | null };
  channel: string;
  /** The file or message the invoice came in (SFTP, AS2, pickup); null for the API. */
  delivery: { id: string; channel: string; fileName: string; receivedAt: string } | null;
  receivedAt: string;
  /** The return receipt: the recipient's first authenticated view. */
  receipt: { viewedAt: string; views: number } | null;
  archive: { archivedAt: string; retainUntil: string; sha256: string } | null;
  /** The archived invoice model; null when it never reached the archive (rejected). */
  invoice: Invoice | null;
  timeline: IssuerTimelineEntry[];
  verification: VerificationInWords | null;
  /** Its payments with their source, the open balance, the customer's credit; null when it never reached the archive. */
  payments: PaymentsSummary | null;
  /** Card orders handed to the provider, with what its signed notification said (one to review is flagged). */
  cardOrders: CardOrderView[];
  /** What the recipient said with "I paid elsewhere": its word, never a payment. */
  claims: PaymentClaimView[];
  /** signedReceipt: the XAdES-signed return receipt, once the recipient viewed the invoice; evidence: the evidence
   * package (ASiC-E), once archived. */
  links: {
    original: string;
    pdf: string | null;
    signedReceipt: string | null;
    evidence: string | null;
    workflow: string | null;
  };
}

/** GET /issuers/{issuerId}/deliveries: what the hub refused, with every reason. */
export interface ProblemDelivery {
  kind: 'quarantined' | 'rejected';
  /** The delivery (quarantined) or the invoice (rejected). */
  id: string;
  channel: string;
  /** File name of a channel delivery; null for an invoice posted to the API. */
  fileName: string | null;
  /** The invoice number, when it got that far. */
  number: string | null;
  receivedAt: string;
  reasons: { code: string; message: string }[];
  /** Link to the invoice page (rejected invoices). */
  invoiceId: string | null;
}

export interface ProblemDeliveryPage {
  deliveries: ProblemDelivery[];
  next: string | null;
}

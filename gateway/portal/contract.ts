/**
 * The portal API contract: what the recipient portal (portal/) and the gateway router (gateway/portal/)
 * exchange. Types only, plus the password rule both sides enforce, so the browser bundle can import it.
 */
import type { DocumentKind, Invoice } from '../../domain/invoice/model';

export const PORTAL_API_BASE = '/api/v1/portal';

/** The one password rule: long enough to resist guessing; no composition rules (NIST SP 800-63B). */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

export type PortalErrorCode =
  | 'BAD_REQUEST'
  | 'INVITATION_NOT_FOUND'
  | 'INVITATION_USED'
  | 'INVITATION_EXPIRED'
  | 'WEAK_PASSWORD'
  | 'ALREADY_REGISTERED'
  | 'INVALID_CREDENTIALS'
  | 'NOT_AUTHENTICATED'
  | 'INVOICE_NOT_FOUND'
  | 'ORIGINAL_NOT_AVAILABLE'
  | 'INTERNAL';

export interface PortalErrorBody {
  error: { code: PortalErrorCode; message: string };
}

/** GET /invitations/:token */
export interface InvitationInfo {
  email: string;
  invoiceId?: string;
}

/** POST /register */
export interface RegisterRequest {
  token: string;
  password: string;
}

/** POST /login */
export interface LoginRequest {
  email: string;
  password: string;
}

/** POST /register, POST /login, GET /session */
export interface SessionInfo {
  email: string;
  /** The portal language the person chose (Bulgarian by default). */
  locale: 'bg' | 'en';
  /** Recipient addresses whose invoices the person sees: their own first, then those colleagues shared. */
  addresses: string[];
  /** Issuers the person works for, with their role there. */
  issuers: { issuerId: string; name: string; role: 'admin' | 'clerk' }[];
}

/** GET /invoices: one row of the recipient's list. */
export interface InvoiceListItem {
  id: string;
  number: string;
  issueDate: string;
  dueDate: string | null;
  currency: string;
  /** Amount payable (BT-115), a decimal string as written in the document. */
  total: string;
  supplierName: string | null;
  status: string;
  /** First authenticated view by the recipient; null while unread. */
  viewedAt: string | null;
}

export interface InvoiceList {
  invoices: InvoiceListItem[];
}

/** One entry of the invoice's status timeline. */
export interface TimelineEntry {
  at: string;
  type: string;
  detail: string | null;
}

/** GET /invoices/:id */
export interface InvoiceDetail {
  id: string;
  status: string;
  number: string;
  kind: DocumentKind;
  issueDate: string;
  dueDate: string | null;
  currency: string;
  total: string;
  receivedAt: string;
  viewedAt: string | null;
  /** How the issuer delivered it: api, sftp, sftp-pickup, as2. */
  channel: string;
  invoice: Invoice;
  timeline: TimelineEntry[];
  links: {
    /** Download of the original signed XML. */
    original: string;
    /** The invoice's lifecycle in the Temporal Web UI, for operators; null when not configured. */
    workflow: string | null;
  };
}

/** POST /invoices/:id/views: the return receipt. */
export interface ViewReceipt {
  /** Time of the first view (the receipt time), also on later views. */
  viewedAt: string;
  firstView: boolean;
}

/** How an issuer's system delivered an invoice, in words (the portal and the timeline say it alike). */
export const CHANNEL_NAMES: Record<string, string> = {
  api: 'the hub API',
  sftp: 'SFTP upload',
  'sftp-pickup': "SFTP pickup from the issuer's server",
  as2: 'AS2',
  cli: 'the command line',
};

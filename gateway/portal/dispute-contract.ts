/**
 * What the portal's dispute pages (portal/src/app/disputes/) and the gateway exchange; the issuer API answers with
 * the same shapes. Types only, so the browser bundle can import them.
 */
import type {
  DisputeAction,
  DisputeCategory,
  DisputeEntryKind,
  DisputeOutcome,
  DisputeSide,
  DisputeStatus,
} from '../../domain/disputes';

export interface DisputeAttachmentView {
  id: string;
  fileName: string;
  /** Decided from the file's bytes: application/pdf, image/png or image/jpeg. */
  contentType: string;
  size: number;
  sha256: string;
  /** Download link (the same person's session or API key). */
  url: string;
}

/** One entry of the thread: a message or a status change, with its author and time. Never edited. */
export interface DisputeEntry {
  id: string;
  seq: number;
  kind: DisputeEntryKind;
  /** The dispute's status after this entry. */
  status: DisputeStatus;
  at: string;
  /** A person's address on either side, or the issuer's name for its systems (API key, a delivered credit note). */
  author: { side: DisputeSide; name: string };
  text: string | null;
  attachments: DisputeAttachmentView[];
  /** The credit note that closed the dispute. */
  creditNote: { number: string; invoiceId: string | null } | null;
}

export interface DisputeSummary {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  category: DisputeCategory;
  status: DisputeStatus;
  openedAt: string;
  /** The address of the person who opened it. */
  openedBy: string;
  lastActivityAt: string;
  /** Who is to act next: the issuer (answer, decide, or send the credit note), the recipient (reopen), nobody. */
  awaiting: DisputeSide | null;
  reopensLeft: number;
  creditNote: { number: string; invoiceId: string | null } | null;
  /** The invoice's buyer, for the issuer's list. */
  customer: { name: string | null; email: string | null };
  links: { self: string };
}

/** GET …/disputes/:disputeId */
export interface DisputeThread extends DisputeSummary {
  entries: DisputeEntry[];
  /** What the caller's side may do now. */
  actions: DisputeAction[];
}

/** GET …/invoices/:id/disputes */
export interface InvoiceDisputes {
  disputes: DisputeSummary[];
  /** Whether the caller may open a dispute now (recipient side), and why not. */
  canOpen: boolean;
  openRefusal: { code: string; reason: string } | null;
}

/** GET /issuers/:issuerId/disputes, GET /api/v1/disputes */
export interface IssuerDisputes {
  disputes: DisputeSummary[];
}

/** POST …/disputes/uploads: a checked file waiting for the message that carries it (kept for a day). */
export interface UploadedAttachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** POST …/invoices/:id/disputes */
export interface OpenDisputeBody {
  category: DisputeCategory;
  text: string;
  /** Upload ids. */
  attachments?: string[];
}

/** POST …/messages and POST …/reopen */
export interface DisputeMessageBody {
  text: string;
  attachments?: string[];
}

/** POST …/decision */
export interface DisputeDecisionBody {
  outcome: DisputeOutcome;
  /** Required for "rejected": the reason. */
  note?: string;
}

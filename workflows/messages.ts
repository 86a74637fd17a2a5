import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type {
  DisputeCategory,
  DisputeOutcome,
  DisputeSide,
  DisputeStatus,
  AttachmentType,
} from '../domain/disputes';
import type { InvoiceSummary } from '../domain/invoice/model';

/** The typed messages the invoice lifecycle exchanges with the gateway, the CLI and operators. */

export type LifecycleStatus =
  | 'received'
  | 'verified'
  | 'archived'
  | 'notified'
  | 'awaiting view'
  | 'viewed'
  | 'disputed'
  | 'paid'
  | 'cancelled'
  | 'rejected'
  | 'undeliverable';

/** Durations in Temporal's notation ("3 days", "3d", "2s"): inputs, so tests run the same process in seconds. */
export interface LifecycleTimings {
  reminderDelays: string[];
  /** DISPUTE_REMINDER_DELAY: an unanswered dispute reminds the issuer after this long (absent before disputes had reminders). */
  disputeReminderDelay?: string;
}

export interface LifecycleInput {
  invoiceId: string;
  issuerId: string;
  number: string;
  timings: LifecycleTimings;
  /** How the invoice arrived, and whether that channel has an outbox for the hub's answers (absent before channels). */
  delivery?: { channel: string; answered: boolean };
}

/** What the hub tells a channel with an outbox about an invoice, as it happens. */
export type ChannelAnswerStage = 'verified' | 'rejected' | 'viewed' | 'paid';

export interface TimelineEvent {
  at: string;
  type: string;
  detail?: Record<string, unknown>;
}

/**
 * A dispute as the workflow tracks it: what the rules need (status, reopens, whose turn). The thread people read —
 * texts, attachments, authors — is the database's record (db/disputes.ts), written by activities.
 */
export interface Dispute {
  id: string;
  /** 'resolved': a dispute opened before disputes had a thread and categories (its decision is all there is). */
  status: DisputeStatus | 'resolved';
  /** Absent on disputes opened before categories. */
  category?: DisputeCategory;
  /** The person (user id) who opened it. */
  openedBy: string;
  openedAt: string;
  /** Thread entries so far (the next one gets this number + 1). */
  entries?: number;
  reopens?: number;
  decision?: { at: string; outcome: DisputeOutcome; note?: string; creditNoteNumber?: string };
  /** Since when the recipient waits for the issuer's answer; absent once the issuer has answered. */
  awaitingIssuerSince?: string;
  /** Reminders sent to the issuer in the current wait. */
  issuerReminders?: number;
  creditNote?: { invoiceId: string; number: string; at: string };
  /** Before threads: the opening text and the messages lived in the workflow. */
  reason?: string;
  messages?: { at: string; author: string; text: string }[];
}

/** Who wrote an entry: a person on one side, or (userId null) an issuer's system using its API key. */
export interface DisputeAuthor {
  side: DisputeSide;
  userId: string | null;
  /** The person's address, or the issuer's name. */
  name: string;
}

/** A checked, staged upload an entry carries (the bytes stay in the database; only this enters history). */
export interface DisputeAttachmentRef {
  uploadId: string;
  fileName: string;
  contentType: AttachmentType;
  size: number;
  sha256: string;
}

/** A credit note delivered by the same issuer naming this invoice in BT-25. */
export interface CreditNoteNotice {
  creditNoteId: string;
  creditNoteNumber: string;
  /** The issuer that delivered it, named as the author of the closing entry. */
  issuerName: string;
}

export interface CreditNoteLink {
  linked: boolean;
  disputeId?: string;
  /** Why nothing was linked, in words. */
  reason?: string;
}

export interface Payment {
  paymentId: string;
  amount: string;
  currency: string;
  paidAt: string;
  reference?: string;
  source?: 'statement' | 'provider' | 'manual';
  reason?: string;
  reversalOf?: string;
}

export interface LifecycleState {
  invoiceId: string;
  number: string;
  status: LifecycleStatus;
  summary?: InvoiceSummary;
  rejectionReasons?: string[];
  remindersSent: number;
  viewedAt?: string;
  disputes: Dispute[];
  payments: Payment[];
  /** Credit notes that named this invoice (BT-25), whether or not they closed a dispute. */
  creditNotes?: { id: string; number: string; at: string; disputeId?: string }[];
  /** Dispute entries whose e-mail is still to be sent (kept across continue-as-new). */
  disputeMailQueue?: { disputeId: string; entryId: string }[];
  amountPaid: string;
  outstanding?: string;
  timeline: TimelineEvent[];
  /** Why the recipient cannot be reached, while the invoice is `undeliverable`; `times` counts how often it was. */
  undeliverable?: { code: string; reason: string; since: string; times: number };
}

export interface ViewReceipt {
  recipientId: string;
  viewedAt: string;
}

export interface OpenDisputeRequest {
  disputeId: string;
  /** The opening entry's id (also the update id, so a retried request is one dispute). */
  entryId: string;
  category: DisputeCategory;
  text: string;
  author: DisputeAuthor;
  attachments: DisputeAttachmentRef[];
}

export interface DisputeResponse {
  disputeId: string;
  entryId: string;
  text: string;
  author: DisputeAuthor;
  attachments: DisputeAttachmentRef[];
}

export interface DisputeDecision {
  disputeId: string;
  entryId: string;
  outcome: DisputeOutcome;
  /** Required when rejected: the reason. */
  note?: string;
  author: DisputeAuthor;
}

export interface DisputeReopening {
  disputeId: string;
  entryId: string;
  text: string;
  author: DisputeAuthor;
  attachments: DisputeAttachmentRef[];
}

export interface PaymentRecord {
  paymentId: string;
  /** Positive, or negative for a reversal (then `reversalOf` names the payment it undoes). */
  amount: string;
  currency: string;
  paidAt: string;
  reference?: string;
  /** Where the money was seen: a statement line, a provider's signed notification, a clerk's manual match. */
  source?: 'statement' | 'provider' | 'manual';
  /** Why it was applied to this invoice, in words (the matcher's reason, the provider's order). */
  reason?: string;
  reversalOf?: string;
}

export interface CancellationRequest {
  reason: string;
  requestedBy: string;
}

/** An operator (or the issuer) fixed what made the invoice undeliverable: mail the recipient again. */
export interface DeliveryRetryRequest {
  requestedBy: string;
}

export const statusQuery = defineQuery<LifecycleState>('status');
/** The recipient's first authenticated view: a signal, so the portal never waits on a worker to answer. */
export const recordViewSignal = defineSignal<[ViewReceipt]>('recordView');
export const openDisputeUpdate = defineUpdate<Dispute, [OpenDisputeRequest]>('openDispute');
export const respondToDisputeUpdate = defineUpdate<Dispute, [DisputeResponse]>('respondToDispute');
export const resolveDisputeUpdate = defineUpdate<Dispute, [DisputeDecision]>('resolveDispute');
export const reopenDisputeUpdate = defineUpdate<Dispute, [DisputeReopening]>('reopenDispute');
/** From a credit note's lifecycle (by this invoice's deterministic workflow id): it may close an upheld dispute. */
export const recordCreditNoteUpdate = defineUpdate<CreditNoteLink, [CreditNoteNotice]>('recordCreditNote');
export const recordPaymentUpdate = defineUpdate<LifecycleState, [PaymentRecord]>('recordPayment');
export const cancelInvoiceUpdate = defineUpdate<LifecycleState, [CancellationRequest]>('cancelInvoice');
/** Try an undeliverable invoice's notification again (refused unless the invoice is undeliverable). */
export const retryDeliveryUpdate = defineUpdate<LifecycleState, [DeliveryRetryRequest]>('retryDelivery');

/** Deterministic workflow id: the same issuer and invoice number always map to the same lifecycle. */
export function lifecycleWorkflowId(issuerId: string, number: string): string {
  return `invoice-${issuerId}-${number}`;
}

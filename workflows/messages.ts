import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
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
  | 'rejected';

/** Durations in Temporal's notation ("3 days", "3d", "2s"): inputs, so tests run the same process in seconds. */
export interface LifecycleTimings {
  reminderDelays: string[];
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

export interface Dispute {
  id: string;
  status: 'open' | 'resolved';
  reason: string;
  openedBy: string;
  openedAt: string;
  messages: { at: string; author: string; text: string }[];
  decision?: { at: string; outcome: 'upheld' | 'rejected'; note?: string; creditNoteNumber?: string };
}

export interface Payment {
  paymentId: string;
  amount: string;
  currency: string;
  paidAt: string;
  reference?: string;
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
  amountPaid: string;
  outstanding?: string;
  timeline: TimelineEvent[];
}

export interface ViewReceipt {
  recipientId: string;
  viewedAt: string;
}

export interface OpenDisputeRequest {
  disputeId: string;
  reason: string;
  openedBy: string;
}

export interface DisputeResponse {
  disputeId: string;
  author: string;
  text: string;
}

export interface DisputeDecision {
  disputeId: string;
  outcome: 'upheld' | 'rejected';
  note?: string;
  creditNoteNumber?: string;
}

export interface PaymentRecord {
  paymentId: string;
  amount: string;
  currency: string;
  paidAt: string;
  reference?: string;
}

export interface CancellationRequest {
  reason: string;
  requestedBy: string;
}

export const statusQuery = defineQuery<LifecycleState>('status');
/** The recipient's first authenticated view: a signal, so the portal never waits on a worker to answer. */
export const recordViewSignal = defineSignal<[ViewReceipt]>('recordView');
export const openDisputeUpdate = defineUpdate<Dispute, [OpenDisputeRequest]>('openDispute');
export const respondToDisputeUpdate = defineUpdate<Dispute, [DisputeResponse]>('respondToDispute');
export const resolveDisputeUpdate = defineUpdate<Dispute, [DisputeDecision]>('resolveDispute');
export const recordPaymentUpdate = defineUpdate<LifecycleState, [PaymentRecord]>('recordPayment');
export const cancelInvoiceUpdate = defineUpdate<LifecycleState, [CancellationRequest]>('cancelInvoice');

/** Deterministic workflow id: the same issuer and invoice number always map to the same lifecycle. */
export function lifecycleWorkflowId(issuerId: string, number: string): string {
  return `invoice-${issuerId}-${number}`;
}

/**
 * The operator console's part of the portal API contract: types only, shared by the gateway (gateway/operator/) and
 * the portal (portal/src/app/operator/).
 */
import type {
  DailyVolume,
  FailedMail,
  FailedWebhookDelivery,
  HeldInvoice,
  PendingMdn,
  QuarantinedDelivery,
  RejectionCount,
  RetryingActivity,
} from '../../domain/operations/console';

/** GET /operator/console */
export interface OperatorConsole {
  temporalUiUrl: string;
  /** An activity at this attempt or later counts as stuck. */
  stuckAttempt: number;
  /** A working state held this many seconds counts as stuck. */
  heldSeconds: number;
  retryingActivities: (RetryingActivity & { invoiceId: string | null })[];
  heldInvoices: (HeldInvoice & { temporalUi: string })[];
  undeliverable: (HeldInvoice & { temporalUi: string })[];
  quarantinedDeliveries: QuarantinedDelivery[];
  failedMails: FailedMail[];
  undeliveredMdns: (PendingMdn & { temporalUi: string })[];
  failedWebhookDeliveries: FailedWebhookDelivery[];
  volumes: DailyVolume[];
  rejectionReasons: RejectionCount[];
}

/**
 * What the operator console shows, as plain data: read by db/operations.ts and gateway/operator/, shown by the portal
 * (portal/src/app/operator/) through gateway/operator/contract.ts.
 */

export interface HeldInvoice {
  invoiceId: string;
  issuerId: string;
  number: string;
  workflowId: string;
  status: string;
  since: string;
  /** The detail of the event that put it there (an undeliverable invoice's reason and code). */
  detail: Record<string, unknown>;
}

export interface QuarantinedDelivery {
  id: string;
  issuerId: string;
  channel: string;
  fileName: string;
  reasonCode: string | null;
  reason: string | null;
  receivedAt: string;
}

export interface FailedMail {
  idempotencyKey: string;
  invoiceId: string | null;
  kind: string;
  recipient: string;
  lastError: string;
  failedAt: string;
}

export interface PendingMdn {
  as2From: string;
  messageId: string;
  issuerId: string;
  mdnUrl: string;
  receivedAt: string;
}

export interface DailyVolume {
  day: string;
  channel: string;
  invoices: number;
}

export interface RejectionCount {
  /** The refusing rule ("BR-CO-16", "HUB-01"): what precedes the colon of each reason. */
  rule: string;
  count: number;
  /** One of the reasons, as the issuer was told. */
  example: string;
}

export interface RetryingActivity {
  workflowId: string;
  workflowType: string;
  activityId: string;
  activityType: string;
  attempt: number;
  lastFailure: string | null;
  nextAttemptAt: string | null;
  temporalUi: string;
}

/** A webhook delivery that gave up (domain/webhooks/replay.ts listFailedDeliveries). */
export interface FailedWebhookDelivery {
  id: string;
  issuerId: string;
  invoiceId: string;
  invoiceNumber: string;
  eventType: string;
  url: string;
  attempts: number;
  lastError: string | null;
  lastAttemptAt: string | null;
}

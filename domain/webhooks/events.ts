import crypto from 'node:crypto';

/**
 * The webhook event types issuers subscribe to, each the stable public name of one or more timeline types the
 * lifecycle workflow writes. Timeline entries that are the hub's own bookkeeping (awaiting view, reminders to the
 * issuer about a dispute, a credit note's link to what it corrects) are not sent.
 */
export const WEBHOOK_EVENT_TYPES = [
  'invoice.received',
  'invoice.verified',
  'invoice.rejected',
  'invoice.archived',
  'invoice.notified',
  'invoice.reminded',
  'invoice.viewed',
  'invoice.disputed',
  'dispute.message',
  'dispute.resolved',
  'invoice.payment',
  'invoice.paid',
  'invoice.cancelled',
  'invoice.undeliverable',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const BY_TIMELINE_TYPE: Record<string, WebhookEventType> = {
  received: 'invoice.received',
  verified: 'invoice.verified',
  rejected: 'invoice.rejected',
  archived: 'invoice.archived',
  'recipient notified': 'invoice.notified',
  'reminder sent': 'invoice.reminded',
  'viewed by recipient': 'invoice.viewed',
  'dispute opened': 'invoice.disputed',
  'dispute reopened': 'invoice.disputed',
  'dispute message': 'dispute.message',
  'dispute resolved': 'dispute.resolved',
  'dispute closed': 'dispute.resolved',
  'payment recorded': 'invoice.payment',
  'payment reversed': 'invoice.payment',
  'paid in full': 'invoice.paid',
  cancelled: 'invoice.cancelled',
  undeliverable: 'invoice.undeliverable',
};

/** The webhook event a timeline entry is sent as, or undefined for entries that are not sent. */
export function webhookEventTypeOf(timelineType: string): WebhookEventType | undefined {
  return BY_TIMELINE_TYPE[timelineType];
}

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * The webhook-id of one timeline event: derived from the invoice and the event's key, so every attempt, every replay
 * and every endpoint carries the same id and a receiver deduplicates by it.
 */
export function webhookMessageId(invoiceId: string, eventKey: string): string {
  const digest = crypto.createHash('sha256').update(`${invoiceId}\n${eventKey}`).digest('base64url');
  return `msg_${digest.slice(0, 32)}`;
}

export interface WebhookEventFacts {
  invoiceId: string;
  number: string;
  eventKey: string;
  timelineType: string;
  status: string;
  occurredAt: string;
  detail: Record<string, unknown>;
}

/**
 * The JSON body of one event, in the Standard Webhooks shape (`type`, `timestamp`, `data`). It carries what the
 * issuer already reads in its invoice's timeline (GET /invoices/{id}) and nothing more.
 */
export function webhookPayload(type: WebhookEventType, facts: WebhookEventFacts): string {
  return JSON.stringify({
    id: webhookMessageId(facts.invoiceId, facts.eventKey),
    type,
    timestamp: facts.occurredAt,
    data: {
      invoiceId: facts.invoiceId,
      number: facts.number,
      status: facts.status,
      timelineType: facts.timelineType,
      occurredAt: facts.occurredAt,
      detail: facts.detail,
    },
  });
}

/**
 * The JSON of the webhook endpoints and their delivery log, as the issuer API (/api/v1/webhooks/...) and the portal
 * (/api/v1/portal/issuers/{issuerId}/webhooks/...) answer it. Shared with the Angular portal.
 */
export interface WebhookEndpointView {
  id: string;
  url: string;
  description: string;
  /** null: every event type. */
  eventTypes: string[] | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** Set during a secret rotation: until then the previous secret signs too. */
  previousSecretExpiresAt: string | null;
  counts: { pending: number; delivered: number; failed: number };
}

/** The answer to creating an endpoint or rotating its secret: the only time the secret is shown. */
export interface WebhookEndpointWithSecret extends WebhookEndpointView {
  secret: string;
}

export interface WebhookDeliveryView {
  id: string;
  invoiceId: string;
  invoiceNumber: string;
  eventType: string;
  /** The webhook-id header: the same on every attempt and replay. */
  messageId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface WebhookEndpointList {
  endpoints: WebhookEndpointView[];
  eventTypes: string[];
}

export interface WebhookDeliveryList {
  deliveries: WebhookDeliveryView[];
  /** Pass as `before` for the next (older) page; null on the last one. */
  next: string | null;
}

export interface WebhookEndpointBody {
  url?: string;
  description?: string;
  eventTypes?: string[] | null;
  enabled?: boolean;
}

export const WEBHOOK_DELIVERY_PAGE = 50;

/**
 * Webhooks for issuers: every timeline event of an issuer's invoices POSTed to the endpoints it registered, signed
 * per Standard Webhooks, delivered in order per invoice by a durable workflow (workflows/webhook-delivery.ts).
 * The event names and bodies, signing, the URL check, and replays (also for the operator console).
 */
export * from './events';
export * from './signature';
export * from './endpoint-url';
export { wakeWebhookDelivery, webhookSchedule } from './delivery';
export {
  listFailedDeliveries,
  replayFailedWebhookDeliveries,
  replayWebhookDelivery,
  type FailedWebhookDelivery,
  type WebhookReplayDeps,
} from './replay';

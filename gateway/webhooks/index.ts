/** Webhook endpoints and their delivery log in the issuer API and the portal. */
export { createIssuerWebhookRoutes, createPortalWebhookRoutes, WEBHOOK_API_PATH } from './routes';
export { webhookPaths } from './openapi';

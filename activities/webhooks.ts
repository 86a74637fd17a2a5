import { Context } from '@temporalio/activity';
import {
  disableGoneWebhookEndpoint,
  endpointsAwaitingEvent,
  failWebhookDelivery,
  nextPendingWebhookDelivery,
  recordWebhookAttempt,
  signingSecrets,
  webhookDeliveryToSend,
} from '../db/webhooks';
import { wakeWebhookDelivery, webhookAttemptTimeoutMs } from '../domain/webhooks/delivery';
import { checkWebhookUrl, WebhookUrlError } from '../domain/webhooks/endpoint-url';
import { webhookHeaders } from '../domain/webhooks/signature';
import type { ActivityDeps } from './index';

/** What one attempt came to: the workflow waits and tries again only after `retry`. */
export type WebhookAttemptOutcome = 'delivered' | 'retry' | 'gone' | 'refused' | 'skipped';

const ANSWER_EXCERPT = 200;

/**
 * After a timeline event is recorded (timeline.ts): wakes the delivery workflow of every endpoint the event was queued
 * for. Runs again with a retried recordEvent, and waking twice is harmless.
 */
export async function announceWebhookEvent(
  { db, config }: ActivityDeps,
  invoiceId: string,
  eventKey: string,
): Promise<void> {
  const endpoints = await endpointsAwaitingEvent(db, invoiceId, eventKey);
  if (endpoints.length === 0) return;
  const { client } = Context.current();
  for (const endpointId of endpoints) await wakeWebhookDelivery(client, config, endpointId, invoiceId);
}

/** Webhook delivery's I/O (workflows/webhook-delivery.ts): the outbox in PostgreSQL and the receiver's HTTP. */
export function webhookActivities({ db, config }: ActivityDeps) {
  const timeoutMs = webhookAttemptTimeoutMs(config);

  return {
    async nextWebhookDelivery(
      endpointId: string,
      invoiceId: string,
    ): Promise<{ id: string; retryFrom: string } | undefined> {
      return nextPendingWebhookDelivery(db, endpointId, invoiceId);
    },

    /**
     * POSTs one delivery, signed with the endpoint's current secrets, and notes the answer. A 2xx delivers it; 410
     * Gone disables the endpoint; any other answer, a timeout or a refused connection is retried by the workflow.
     * Redirects are not followed (the receiver's URL is the one the issuer registered).
     */
    async attemptWebhookDelivery(
      deliveryId: string,
    ): Promise<{ outcome: WebhookAttemptOutcome; retryFrom: string }> {
      const delivery = await webhookDeliveryToSend(db, deliveryId);
      if (!delivery) return { outcome: 'skipped', retryFrom: new Date().toISOString() };
      const { retryFrom } = delivery;
      if (delivery.status !== 'pending') return { outcome: 'skipped', retryFrom };
      if (!delivery.enabled) {
        await failWebhookDelivery(db, deliveryId, 'endpoint disabled');
        return { outcome: 'skipped', retryFrom };
      }
      try {
        await checkWebhookUrl(delivery.url, config.webhooks.allowPrivateAddresses);
      } catch (error) {
        if (!(error instanceof WebhookUrlError)) throw error;
        await recordWebhookAttempt(db, deliveryId, {
          httpStatus: null,
          error: error.message,
          outcome: 'failed',
        });
        return { outcome: 'refused', retryFrom };
      }
      const timestamp = Math.floor(Date.now() / 1000);
      let answer: { httpStatus: number | null; error: string | null };
      try {
        const response = await fetch(delivery.url, {
          method: 'POST',
          headers: {
            ...webhookHeaders(signingSecrets(delivery), delivery.messageId, timestamp, delivery.body),
            'user-agent': 'einvoice-hub-webhooks/1',
          },
          body: delivery.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        const text = (await response.text().catch(() => '')).slice(0, ANSWER_EXCERPT);
        answer = {
          httpStatus: response.status,
          error: response.ok ? null : `HTTP ${response.status}${text ? `: ${text}` : ''}`,
        };
      } catch (error) {
        const e = error as Error & { cause?: { code?: string; message?: string } };
        answer = {
          httpStatus: null,
          error:
            e.name === 'TimeoutError'
              ? `no answer within ${timeoutMs} ms`
              : (e.cause?.code ?? e.cause?.message ?? e.message),
        };
      }
      const ok = answer.httpStatus !== null && answer.httpStatus >= 200 && answer.httpStatus < 300;
      if (answer.httpStatus === 410) {
        await recordWebhookAttempt(db, deliveryId, { ...answer, outcome: 'failed' });
        await disableGoneWebhookEndpoint(db, deliveryId);
        return { outcome: 'gone', retryFrom };
      }
      await recordWebhookAttempt(db, deliveryId, { ...answer, outcome: ok ? 'delivered' : 'pending' });
      return { outcome: ok ? 'delivered' : 'retry', retryFrom };
    },

    async giveUpWebhookDelivery(deliveryId: string): Promise<void> {
      await failWebhookDelivery(db, deliveryId, `not delivered within ${config.webhooks.retryFor}`);
    },
  };
}

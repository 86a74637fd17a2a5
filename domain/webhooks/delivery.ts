import type { Client } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import type { HubConfig } from '../../platform/config';
import {
  webhookDeliveriesQueued,
  webhookDeliveryWorkflowId,
  type WebhookDeliveryInput,
} from '../../workflows/webhook-delivery';

const MAX_ATTEMPT_TIMEOUT_MS = 30_000;

/** WEBHOOK_TIMEOUT, at most 30 seconds. */
export function webhookAttemptTimeoutMs(config: HubConfig): number {
  return Math.min(msToNumber(config.webhooks.timeout), MAX_ATTEMPT_TIMEOUT_MS);
}

/** The retry schedule of WEBHOOK_FIRST_RETRY, WEBHOOK_MAX_RETRY and WEBHOOK_RETRY_FOR, in milliseconds. */
export function webhookSchedule(config: HubConfig): WebhookDeliveryInput['schedule'] {
  return {
    firstRetryMs: msToNumber(config.webhooks.firstRetry),
    maxRetryMs: msToNumber(config.webhooks.maxRetry),
    retryForMs: msToNumber(config.webhooks.retryFor),
    attemptTimeoutMs: webhookAttemptTimeoutMs(config),
  };
}

/**
 * Makes sure the delivery workflow of this endpoint and invoice runs and looks at its outbox again: started when
 * it is not running, signalled when it is. Safe to repeat.
 */
export async function wakeWebhookDelivery(
  temporal: Client,
  config: HubConfig,
  endpointId: string,
  invoiceId: string,
): Promise<void> {
  await temporal.workflow.signalWithStart('deliverWebhooks', {
    workflowId: webhookDeliveryWorkflowId(endpointId, invoiceId),
    taskQueue: config.taskQueue,
    args: [{ endpointId, invoiceId, schedule: webhookSchedule(config) }],
    signal: webhookDeliveriesQueued,
    signalArgs: [],
  });
}

import {
  continueAsNew,
  defineSignal,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { InvoiceActivities } from '../activities';

export interface WebhookSchedule {
  /** The wait after the first failed attempt; each further one doubles, up to `maxRetryMs`. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** A delivery still failing this long after its event (or its replay) is marked failed. */
  retryForMs: number;
  /** WEBHOOK_TIMEOUT: how long one attempt waits for the receiver. */
  attemptTimeoutMs: number;
}

export interface WebhookDeliveryInput {
  endpointId: string;
  invoiceId: string;
  schedule: WebhookSchedule;
}

/** Sent with every start: new deliveries of this invoice are queued for this endpoint (or replayed). */
export const webhookDeliveriesQueued = defineSignal('webhookDeliveriesQueued');

export const webhookDeliveryWorkflowId = (endpointId: string, invoiceId: string) =>
  `webhooks-${endpointId}-${invoiceId}`;

const RETRY = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' };

const { nextWebhookDelivery, giveUpWebhookDelivery } = proxyActivities<
  Pick<InvoiceActivities, 'nextWebhookDelivery' | 'giveUpWebhookDelivery'>
>({ startToCloseTimeout: '30 seconds', retry: RETRY });

/** An attempt waits at most WEBHOOK_TIMEOUT for the receiver; a worker that dies during one is noticed soon after. */
const attempts = (schedule: WebhookSchedule) =>
  proxyActivities<Pick<InvoiceActivities, 'attemptWebhookDelivery'>>({
    startToCloseTimeout: schedule.attemptTimeoutMs + 10_000,
    retry: RETRY,
  });

/**
 * Delivers one invoice's webhook events to one endpoint, oldest first, each until it is answered with a 2xx or its
 * retry window is over: so an invoice's events arrive in the order they happened. One workflow per endpoint and
 * invoice (a deterministic id, signal-with-start), so a receiver that is down holds up no other invoice and no other
 * issuer. The outbox in PostgreSQL is the queue; the workflow ends when it is empty and is started again by the
 * next event.
 */
export async function deliverWebhooks(input: WebhookDeliveryInput): Promise<void> {
  let queued = false;
  setHandler(webhookDeliveriesQueued, () => {
    queued = true;
  });
  for (let delivered = 0; ; delivered++) {
    queued = false;
    const next = await nextWebhookDelivery(input.endpointId, input.invoiceId);
    if (!next) {
      if (queued) continue;
      // A signal that arrives now makes the server refuse this completion and run the loop again.
      return;
    }
    await deliverUntilAnswered(next, input.schedule);
    if (delivered >= 200 || workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof deliverWebhooks>(input);
  }
}

async function deliverUntilAnswered(delivery: { id: string }, schedule: WebhookSchedule): Promise<void> {
  const { attemptWebhookDelivery } = attempts(schedule);
  for (let failures = 0; ;) {
    // The retry window comes with every answer: a replay while the workflow waits starts it again.
    const { outcome, retryFrom } = await attemptWebhookDelivery(delivery.id);
    if (outcome !== 'retry') return;
    failures += 1;
    const wait = Math.min(schedule.firstRetryMs * 2 ** (failures - 1), schedule.maxRetryMs);
    if (Date.now() + wait > Date.parse(retryFrom) + schedule.retryForMs) {
      await giveUpWebhookDelivery(delivery.id);
      return;
    }
    await sleep(wait);
  }
}

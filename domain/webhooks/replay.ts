import type { Client } from '@temporalio/client';
import type { Db } from '../../db';
import {
  getWebhookDelivery,
  listFailedWebhookDeliveries,
  requeueWebhookDeliveries,
  type WebhookDelivery,
} from '../../db/webhooks';
import type { HubConfig } from '../../platform/config';
import { wakeWebhookDelivery } from './delivery';

export interface WebhookReplayDeps {
  db: Db;
  temporal: Client;
  config: HubConfig;
}

/**
 * Sends a delivery again with the same webhook-id and body (the receiver deduplicates by the id), with a new retry
 * window. A pending one is already on its way and stays as it is. Undefined when there is no such delivery; a
 * delivery of a disabled endpoint is left as it is (enable the endpoint first).
 */
export async function replayWebhookDelivery(
  deps: WebhookReplayDeps,
  deliveryId: string,
): Promise<WebhookDelivery | undefined> {
  if (!/^[0-9]{1,18}$/.test(deliveryId)) return undefined;
  for (const { endpointId, invoiceId } of await requeueWebhookDeliveries(deps.db, { deliveryId }))
    await wakeWebhookDelivery(deps.temporal, deps.config, endpointId, invoiceId);
  return getWebhookDelivery(deps.db, deliveryId);
}

/** Every failed delivery of one endpoint, queued again; returns how many invoices' deliveries were woken. */
export async function replayFailedWebhookDeliveries(
  deps: WebhookReplayDeps,
  endpointId: string,
): Promise<number> {
  const queued = await requeueWebhookDeliveries(deps.db, { endpointId, failed: true });
  for (const { invoiceId } of queued)
    await wakeWebhookDelivery(deps.temporal, deps.config, endpointId, invoiceId);
  return queued.length;
}

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

/** The operator's view: failed deliveries across every issuer, the most recently tried first. */
export async function listFailedDeliveries(db: Db, limit = 100): Promise<FailedWebhookDelivery[]> {
  return (await listFailedWebhookDeliveries(db, limit)).map((d) => ({
    id: d.id,
    issuerId: d.issuerId,
    invoiceId: d.invoiceId,
    invoiceNumber: d.invoiceNumber,
    eventType: d.eventType,
    url: d.url,
    attempts: d.attempts,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt,
  }));
}

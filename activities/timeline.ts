import { recordInvoiceEvent } from '../db/invoices';
import type { ActivityDeps } from './index';
import { announceWebhookEvent } from './webhooks';

export function timelineActivities(deps: ActivityDeps) {
  const { db } = deps;
  return {
    /** Persists a lifecycle event so the API and portal show the timeline even while no worker runs. */
    async recordEvent(
      invoiceId: string,
      event: { key: string; type: string; status: string; at: string; detail?: Record<string, unknown> },
    ): Promise<void> {
      await recordInvoiceEvent(db, invoiceId, event);
      // The same transaction queued the event for the issuer's webhook endpoints; their deliveries start now.
      await announceWebhookEvent(deps, invoiceId, event.key);
    },
  };
}

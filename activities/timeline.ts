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
      const { queuedForWebhooks } = await recordInvoiceEvent(db, invoiceId, event);
      // Queued for the issuer's webhook endpoints (also by an earlier try of this write): their deliveries start now.
      if (queuedForWebhooks) await announceWebhookEvent(deps, invoiceId, event.key);
    },
  };
}

import { recordInvoiceEvent } from '../db/invoices';
import type { ActivityDeps } from './index';

export function timelineActivities({ db }: ActivityDeps) {
  return {
    /** Persists a lifecycle event so the API and portal show the timeline even while no worker runs. */
    async recordEvent(
      invoiceId: string,
      event: { key: string; type: string; status: string; at: string; detail?: Record<string, unknown> },
    ): Promise<void> {
      await recordInvoiceEvent(db, invoiceId, event);
    },
  };
}

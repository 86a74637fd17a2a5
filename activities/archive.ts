import { archiveInvoice as writeArchive } from '../db/invoices';
import { parseInvoice, summarizeInvoice } from '../domain/invoice';
import type { ActivityDeps } from './index';
import { loadOriginal } from './load';

export function archiveActivities({ db, config }: ActivityDeps) {
  return {
    /**
     * Writes the invoice into the append-only archive once: original bytes, SHA-256, model, summary and the verification
     * report kept with it.
     */
    async archiveInvoice(
      invoiceId: string,
    ): Promise<{ sha256: string; archivedAt: string; retainUntil: string }> {
      const model = parseInvoice(await loadOriginal(db, invoiceId));
      // Retention counts from 1 January of the year after the invoice's year (Accounting Act Art. 12).
      const issueYear = Number(model.issueDate.slice(0, 4));
      const retainUntil = `${issueYear + config.retentionYears}-12-31`;
      return writeArchive(db, invoiceId, {
        model,
        summary: summarizeInvoice(model),
        retainUntil,
      });
    },
  };
}

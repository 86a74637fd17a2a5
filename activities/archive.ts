import { archiveInvoice as writeArchive } from '../db/invoices';
import { parseInvoice, summarizeInvoice } from '../domain/invoice';
import type { Invoice } from '../domain/invoice/model';
import type { ActivityDeps } from './index';
import { loadOriginal } from './load';

export interface Archived {
  sha256: string;
  archivedAt: string;
  retainUntil: string;
}

export function archiveActivities(deps: Pick<ActivityDeps, 'db' | 'config'>) {
  return {
    /** The lifecycle's `archived` stage, as its own activity (lifecycles started before acceptance.ts). */
    async archiveInvoice(invoiceId: string): Promise<Archived> {
      return archiveModel(deps, invoiceId, parseInvoice(await loadOriginal(deps.db, invoiceId)));
    },
  };
}

/**
 * Writes the invoice into the append-only archive once: original bytes, SHA-256, its model, summary and the
 * verification report kept with it.
 */
export async function archiveModel(
  { db, config }: Pick<ActivityDeps, 'db' | 'config'>,
  invoiceId: string,
  model: Invoice,
): Promise<Archived> {
  // Retention counts from 1 January of the year after the invoice's year (Accounting Act Art. 12).
  const issueYear = Number(model.issueDate.slice(0, 4));
  const retainUntil = `${issueYear + config.retentionYears}-12-31`;
  return writeArchive(db, invoiceId, { model, summary: summarizeInvoice(model), retainUntil });
}

import { archiveModel, type Archived } from './archive';
import type { ActivityDeps } from './index';
import { verifyStoredInvoice, type VerificationOutcome } from './verification';

export function acceptanceActivities(deps: Pick<ActivityDeps, 'db' | 'config'>) {
  return {
    /**
     * The lifecycle's `verified` and `archived` stages in one activity: the invoice is read and parsed once, and the
     * workflow waits for one task instead of two. An invoice that is refused is not archived. A retry after a failed
     * archive write verifies again, which changes nothing: the report is the same and the archive is written once.
     */
    async verifyAndArchiveInvoice(
      invoiceId: string,
    ): Promise<{ verification: VerificationOutcome; archived?: Archived }> {
      const { outcome, model } = await verifyStoredInvoice(deps, invoiceId);
      if (!outcome.accepted || !model) return { verification: outcome };
      return { verification: outcome, archived: await archiveModel(deps, invoiceId, model) };
    },
  };
}

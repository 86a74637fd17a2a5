import { proxyActivities } from '@temporalio/workflow';
import type { InvoiceActivities } from '../activities';
import type { ImportResult } from '../activities/payments';

/**
 * Reading and deciding a statement is one long activity that reports its progress: a worker that dies mid-file is
 * noticed within the heartbeat timeout, and the retry carries on from the entries already written.
 */
const importing = proxyActivities<
  Pick<InvoiceActivities, 'importStatementEntries' | 'applyStatementPayments'>
>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '20 seconds',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['ImportMissing'],
  },
});

const work = proxyActivities<Pick<InvoiceActivities, 'completeStatementImport'>>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One statement file's import: read it (or refuse it with the reason), decide each new entry (matched with its reason,
 * in the review queue, or not a payment), then record each match in its invoice's lifecycle under the entry's key.
 * The workflow id is the issuer's and the file's digest, so the same file twice is one import.
 */
export async function statementImport(importId: string): Promise<ImportResult> {
  const decided = await importing.importStatementEntries(importId);
  if (decided.refused) return decided;
  const applied = await importing.applyStatementPayments(importId);
  await work.completeStatementImport(importId);
  return { ...decided, recorded: applied.recorded, refusedPayments: applied.refused };
}

import type { Client } from '@temporalio/client';
import type { HubConfig } from '../platform/config';
import { logger } from '../platform/logger';
import { ARCHIVE_SEALING_WORKFLOW_ID, type archiveSealing } from '../workflows/archive-sealing';

/**
 * Starts the archive's sealing workflow, or finds it running: its id is fixed, so every gateway may call this on
 * every recovery pass and there is still one sealer. A sealer that ended (terminated by an operator) starts again.
 */
export async function ensureArchiveSealing(
  { temporal, config }: { temporal: Client; config: HubConfig },
  workflowId = ARCHIVE_SEALING_WORKFLOW_ID,
): Promise<void> {
  try {
    await temporal.workflow.start<typeof archiveSealing>('archiveSealing', {
      workflowId,
      taskQueue: config.taskQueue,
      args: [{ interval: config.archive.sealInterval }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    });
  } catch (error) {
    logger.error({ err: error }, 'the archive sealing workflow could not be started');
  }
}

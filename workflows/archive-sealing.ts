import {
  ActivityFailure,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { ArchiveSealingActivities } from '../activities/archive-sealing';

/**
 * Seals the archive chain's head at intervals: wait ARCHIVE_SEAL_INTERVAL → seal → wait … One workflow for the whole
 * hub, with a fixed id, so however many gateways start it there is one sealer. The activity does the work and says
 * how long to wait (the worker's setting now); a seal that fails after its retries is tried again at the next interval.
 */
export const ARCHIVE_SEALING_WORKFLOW_ID = 'archive-sealing';

export interface ArchiveSealingInput {
  /** The interval to wait when a seal failed and said none (the gateway's setting at start). */
  interval: string;
}

const archive = proxyActivities<ArchiveSealingActivities>({
  startToCloseTimeout: '10 minutes', // a tail of a million links since the last seal, and a slow TSA
  heartbeatTimeout: '1 minute',
  retry: {
    initialInterval: '5 seconds',
    backoffCoefficient: 2,
    maximumInterval: '2 minutes',
    maximumAttempts: 5,
  },
});

/** Well below Temporal's limits; a round adds about 8 events. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 2_000;

export async function archiveSealing(input: ArchiveSealingInput): Promise<void> {
  let interval = input.interval;
  for (;;) {
    await sleep(interval);
    try {
      const outcome = await archive.sealArchive();
      interval = outcome.nextIn;
      if (outcome.status === 'refused')
        log.error('archive chain broken: not sealed (run bin/hub archive verify)', {
          breaks: outcome.breaks,
        });
    } catch (error) {
      if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
      log.warn('sealing failed after its retries; the next interval tries again', {
        error: error.cause?.message ?? error.message,
      });
    }
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_BEFORE_CONTINUE) {
      await continueAsNew<typeof archiveSealing>({ interval });
    }
  }
}

import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  defineSignal,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SftpPickupActivities } from '../activities/sftp-pickup';
import type { WaitingFiles } from '../connectors/sftp/pickup/files';

/**
 * The poller of one issuer's own SFTP server: poll (take complete files, through intake) → write the answers →
 * sleep the interval → poll … One workflow per mailbox, with an id derived from the issuer, so however many workers
 * and gateways run there is never a second poller. The activities do the I/O and read the settings afresh each
 * time; this workflow only carries what the stability check needs (the files the last poll saw and left).
 */
export interface SftpPickupInput {
  issuerId: string;
  /** The interval to wait when a poll failed and told none (the last one known, or the settings' at start). */
  pollSeconds?: number;
  waiting?: WaitingFiles;
}

export interface SftpPickupEnd {
  issuerId: string;
  stopped: string;
}

export function sftpPickupWorkflowId(issuerId: string): string {
  return `sftp-pickup-${issuerId}`;
}

/** Sent by `sftp-pickup set` and `disable`: poll now instead of at the end of the interval. */
export const pickupSettingsChangedSignal = defineSignal('pickupSettingsChanged');

/** A changed host key stops the pickup: it may be another server, and retrying would not make it the right one. */
export const HOST_KEY_CHANGED = 'HostKeyChanged';

const mailbox = proxyActivities<SftpPickupActivities>({
  startToCloseTimeout: '15 minutes', // a poll of a full inbox (200 files) on a slow line
  heartbeatTimeout: '10 seconds', // each file heartbeats: a worker killed mid-poll is noticed after this long
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    // Then the workflow waits its interval and polls again, so a server down for hours is not hammered.
    maximumAttempts: 5,
    nonRetryableErrorTypes: [HOST_KEY_CHANGED],
  },
});

const DEFAULT_POLL_SECONDS = 60;
/** Well below Temporal's limits; a poll adds about 17 events. */
const HISTORY_EVENTS_BEFORE_CONTINUE = 2_000;

export async function sftpPickup(input: SftpPickupInput): Promise<SftpPickupEnd> {
  const { issuerId } = input;
  let waiting = input.waiting;
  let pollSeconds = input.pollSeconds ?? DEFAULT_POLL_SECONDS;
  let settingsChanged = false;
  setHandler(pickupSettingsChangedSignal, () => {
    settingsChanged = true;
  });

  for (;;) {
    settingsChanged = false;
    const polled = await step('pollMailbox', () => mailbox.pollMailbox({ issuerId, waiting }));
    if (polled?.status === 'stopped') {
      log.info('sftp pickup stopped', { issuerId, reason: polled.reason });
      return { issuerId, stopped: polled.reason };
    }
    if (polled) {
      waiting = polled.waiting;
      pollSeconds = polled.pollSeconds;
    }
    await step('pushAnswers', () => mailbox.pushAnswers(issuerId));

    if (!polled?.backlog) await condition(() => settingsChanged, pollSeconds * 1000);
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_BEFORE_CONTINUE) {
      await continueAsNew<typeof sftpPickup>({ issuerId, pollSeconds, waiting });
    }
  }
}

/**
 * Runs one activity; after its retries are spent the failure is in the history and the poller goes on at the next
 * interval. A changed host key ends the workflow with the reason. Anything else (a cancelled poller, a bug in this
 * code) is not an activity's failure and is not swallowed.
 */
async function step<T>(name: string, run: () => Promise<T>): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (isCancellation(error) || !(error instanceof ActivityFailure)) throw error;
    const cause = error.cause;
    if (cause instanceof ApplicationFailure && cause.type === HOST_KEY_CHANGED) {
      throw ApplicationFailure.create({ message: cause.message, type: HOST_KEY_CHANGED, nonRetryable: true });
    }
    log.warn(`${name} failed after its retries; the next poll tries again`, {
      error: cause?.message ?? error.message,
    });
    return undefined;
  }
}

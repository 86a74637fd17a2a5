import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../../db';
import { listActiveSftpPickups, type SftpPickup } from '../../../db/sftp-pickups';
import type { HubConfig } from '../../../platform/config';
import { logger } from '../../../platform/logger';
import {
  pickupSettingsChangedSignal,
  sftpPickupWorkflowId,
  type sftpPickup,
} from '../../../workflows/sftp-pickup';
import { Channel, IssuerId } from '../../../workflows/search-attributes';

export interface PollerDeps {
  db: Db;
  temporal: Client;
  config: HubConfig;
}

/**
 * Starts the poller workflow of every enabled pickup that is not halted. Idempotent: a running poller is left as it
 * is (its id is derived from the issuer, and a start finds the running one), so every gateway may call this at start.
 * Returns how many pickups have a poller.
 */
export async function ensurePickupPollers({ db, temporal, config }: PollerDeps): Promise<number> {
  let running = 0;
  for (const pickup of await listActiveSftpPickups(db)) {
    try {
      await startPickupPoller({ temporal, config }, pickup);
      running++;
    } catch (error) {
      logger.error({ err: error, issuer: pickup.issuerId }, 'the SFTP pickup poller could not be started');
    }
  }
  if (running) logger.info({ pollers: running }, 'SFTP pickup pollers running');
  return running;
}

/** Starts an issuer's poller, or finds it running. */
export async function startPickupPoller(
  { temporal, config }: Pick<PollerDeps, 'temporal' | 'config'>,
  pickup: SftpPickup,
): Promise<void> {
  await temporal.workflow.start<typeof sftpPickup>('sftpPickup', {
    workflowId: sftpPickupWorkflowId(pickup.issuerId),
    taskQueue: config.taskQueue,
    args: [{ issuerId: pickup.issuerId, pollSeconds: pickup.pollSeconds }],
    // A second start while one runs finds that one: never two pollers for one mailbox. A finished poller (disabled,
    // halted) may be started again.
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
    typedSearchAttributes: [
      { key: IssuerId, value: pickup.issuerId },
      { key: Channel, value: 'sftp-pickup' },
    ],
  });
}

/** Tells a running poller its settings changed, so it polls now; nothing when none runs. */
export async function wakePickupPoller(temporal: Client, issuerId: string): Promise<boolean> {
  try {
    await temporal.workflow.getHandle(sftpPickupWorkflowId(issuerId)).signal(pickupSettingsChangedSignal);
    return true;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return false;
    throw error;
  }
}

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { pushAnswers } from '../connectors/sftp/pickup/answers';
import { pollMailbox, type PollRequest, type PollResult } from '../connectors/sftp/pickup/poll';
import { PickupError } from '../connectors/sftp/pickup/remote';
import { HOST_KEY_CHANGED } from '../workflows/sftp-pickup';
import type { ActivityDeps } from './index';

/** The SFTP pickup's I/O (connectors/sftp/pickup/), run by the sftpPickup workflow. */
export function sftpPickupActivities({ db, config, secret }: ActivityDeps) {
  return {
    /** One poll of the issuer's remote inbox: complete files are claimed, delivered through intake and removed. */
    async pollMailbox(request: PollRequest): Promise<PollResult> {
      const context = Context.current();
      // Intake starts each invoice's lifecycle: with the worker's own client.
      const deps = { db, temporal: context.client, config, secret };
      return failWithCode(() => pollMailbox(deps, request, () => context.heartbeat()));
    },

    /** Writes the answers waiting for the issuer's remote outbox; returns how many. */
    async pushAnswers(issuerId: string): Promise<number> {
      const context = Context.current();
      return failWithCode(() => pushAnswers({ db, secret }, issuerId, () => context.heartbeat()));
    },
  };
}

export type SftpPickupActivities = ReturnType<typeof sftpPickupActivities>;

/** The pickup's error code becomes the failure type, so the Temporal UI names the cause of each failed attempt. */
async function failWithCode<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof PickupError)) throw error;
    const hostKeyChanged = error.code === 'HOST_KEY_CHANGED';
    throw ApplicationFailure.create({
      message: error.message,
      type: hostKeyChanged ? HOST_KEY_CHANGED : error.code,
      nonRetryable: hostKeyChanged,
    });
  }
}

import path from 'node:path';
import { markAnswerPushed, unpushedAnswers, type ChannelAnswer } from '../../../db/channel-answers';
import {
  forgetUploadedAnswer,
  getSftpPickup,
  recordAnswerUploaded,
  uploadedAnswer,
} from '../../../db/sftp-pickups';
import { logger } from '../../../platform/logger';
import type { PickupDeps } from './poll';
import { withRemoteMailbox, type RemoteMailbox } from './remote';

/**
 * Writes the answers intake and the lifecycle left for the pickup mailbox (NAME.ack.json, NAME.result.json,
 * NAME.response.xml, later the AP / PD responses) to the issuer's remote outbox, oldest first, each exactly once:
 *
 *   upload under a temporary name (`.hub-answer.<id>.part`: a dot name, so the issuer's reader skips it while it
 *   grows)  →  record in the database that it is complete  →  remove an existing file of the final name (SFTP v3
 *   cannot rename onto it)  →  rename to the final name  →  mark the answer pushed.
 *
 * After a crash, a recorded upload whose temporary file is gone was renamed: it is only marked. One still there is
 * renamed now. So the final file appears once even when the issuer took the first copy away before the crash.
 * Nothing connects to the issuer's server when there is nothing to write.
 */
export async function pushAnswers(
  deps: Pick<PickupDeps, 'db' | 'secret'>,
  issuerId: string,
  progress: () => void = () => undefined,
): Promise<number> {
  const pickup = await getSftpPickup(deps.db, issuerId);
  if (!pickup?.enabled || pickup.haltedReason) return 0;
  const answers = await unpushedAnswers(deps.db, issuerId);
  if (answers.length === 0) return 0;
  return withRemoteMailbox(deps, pickup, async (remote) => {
    let pushed = 0;
    for (const answer of answers) {
      if (!isPlainName(answer.name)) {
        logger.error(
          { issuer: issuerId, answer: answer.id, name: answer.name },
          'answer name is not a file name',
        );
        continue;
      }
      await pushAnswer(deps, remote, pickup.remoteOutbox, answer);
      pushed++;
      progress();
    }
    logger.info({ issuer: issuerId, pushed }, 'answers written to the issuer’s SFTP outbox');
    return pushed;
  });
}

async function pushAnswer(
  deps: Pick<PickupDeps, 'db'>,
  remote: RemoteMailbox,
  outbox: string,
  answer: ChannelAnswer,
): Promise<void> {
  const final = path.posix.join(outbox, answer.name);
  let temporary = await uploadedAnswer(deps.db, answer.id);
  if (temporary && !(await remote.exists(temporary))) {
    await finish(deps, answer); // renamed before a crash
    return;
  }
  if (!temporary) {
    temporary = path.posix.join(outbox, `.hub-answer.${answer.id}.part`);
    await remote.upload(temporary, answer.content);
    await recordAnswerUploaded(deps.db, answer.id, temporary);
  }
  await remote.remove(final);
  await remote.rename(temporary, final);
  await finish(deps, answer);
}

async function finish(deps: Pick<PickupDeps, 'db'>, answer: ChannelAnswer): Promise<void> {
  await markAnswerPushed(deps.db, answer.id);
  await forgetUploadedAnswer(deps.db, answer.id);
}

/** Answer names come from the issuer's file names: one path segment, never "." or "..". */
function isPlainName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0');
}

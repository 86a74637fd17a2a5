import crypto from 'node:crypto';
import path from 'node:path';
import { getIssuer, type Issuer } from '../../../db/issuers';
import { getSftpPickup, haltSftpPickup, recordPollOutcome, type SftpPickup } from '../../../db/sftp-pickups';
import { deliverFile } from '../../../intake/deliveries';
import type { IntakeDeps } from '../../../intake';
import { logger } from '../../../platform/logger';
import {
  canBeClaimed,
  claimedName,
  planPickup,
  type ClaimedFile,
  type RemoteFile,
  type WaitingFiles,
} from './files';
import { PickupError, withRemoteMailbox, type RemoteMailbox } from './remote';

export interface PickupDeps extends IntakeDeps {
  /** The hub secret the pickups' private keys are sealed with. */
  secret: string;
}

export interface PollRequest {
  issuerId: string;
  /** What the previous poll saw and left: the stability check compares with it. */
  waiting?: WaitingFiles;
}

export type PollResult =
  | { status: 'stopped'; reason: string }
  | {
      status: 'polled';
      taken: number;
      waiting: WaitingFiles;
      pollSeconds: number;
      /** More complete files are waiting than one poll takes: poll again without sleeping. */
      backlog: boolean;
    };

/**
 * One poll of an issuer's remote inbox: finish files a crash left claimed, then claim, download, record through intake
 * and remove every complete file, one after another on one connection. The settings are read afresh, so a change or
 * `disable` applies from the next poll.
 *
 * Order per file, each step safe to repeat after a crash anywhere:
 *   claim (rename to the claimed name)  →  download, size checked  →  deliverFile (recorded once by its business key,
 *   processed, acknowledgement written)  →  remove its done-file  →  remove the claimed file.
 * The remote file is removed only after intake has recorded it: a crash before leaves it claimed and the next poll
 * delivers it again under the same key, which records nothing new. The hub keeps the bytes (with the invoice, or the
 * quarantined delivery), so a processed folder on the issuer's server would only be a second copy to clean up.
 */
export async function pollMailbox(
  deps: PickupDeps,
  request: PollRequest,
  progress: () => void = () => undefined,
): Promise<PollResult> {
  const pickup = await getSftpPickup(deps.db, request.issuerId);
  if (!pickup) return { status: 'stopped', reason: 'the issuer has no SFTP pickup' };
  if (!pickup.enabled) return { status: 'stopped', reason: 'the SFTP pickup is disabled' };
  if (pickup.haltedReason) return { status: 'stopped', reason: pickup.haltedReason };
  const issuer = await getIssuer(deps.db, pickup.issuerId);
  if (!issuer) return { status: 'stopped', reason: `issuer ${pickup.issuerId} does not exist` };
  if (issuer.deactivatedAt) return { status: 'stopped', reason: 'the issuer is deactivated' };

  const previous = request.waiting?.folder === pickup.remoteInbox ? request.waiting.files : [];
  try {
    const result = await withRemoteMailbox(deps, pickup, async (remote) => {
      const plan = planPickup(await remote.listFiles(pickup.remoteInbox), previous);
      const failures: string[] = [];
      let taken = 0;
      const attempt = async (what: string, step: () => Promise<boolean>) => {
        try {
          if (await step()) taken++;
        } catch (error) {
          // One bad file must not hold up the others; the claimed file is resumed at the next attempt.
          logger.warn(
            { err: error, issuer: issuer.id, file: what },
            'a picked-up file could not be delivered yet',
          );
          failures.push(`${what}: ${(error as Error).message}`);
        }
        progress();
      };
      for (const { file, doneFiles } of plan.resume) {
        await attempt(file.name, () => takeClaimed(deps, remote, pickup, issuer, file, doneFiles, progress));
      }
      for (const { file, doneFiles } of plan.take) {
        await attempt(file.name, async () => {
          const claimed = await claim(remote, pickup, file);
          return claimed ? takeClaimed(deps, remote, pickup, issuer, claimed, doneFiles, progress) : false;
        });
      }
      if (failures.length) {
        throw new PickupError(
          'FILES_NOT_DELIVERED',
          `${failures.length} file(s) of ${pickup.remoteInbox} could not be delivered: ${failures.join('; ')}`,
        );
      }
      return {
        status: 'polled' as const,
        taken,
        waiting: { folder: pickup.remoteInbox, files: plan.waiting },
        pollSeconds: pickup.pollSeconds,
        backlog: plan.backlog,
      };
    });
    await recordPollOutcome(deps.db, pickup.issuerId);
    if (result.taken) logger.info({ issuer: issuer.id, taken: result.taken }, 'sftp pickup took files');
    return result;
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof PickupError && error.code === 'HOST_KEY_CHANGED') {
      await haltSftpPickup(deps.db, pickup.issuerId, message);
      logger.error({ issuer: issuer.id, host: pickup.host, port: pickup.port }, message);
    } else {
      await recordPollOutcome(deps.db, pickup.issuerId, message);
      const code = error instanceof PickupError ? error.code : undefined;
      logger.warn({ issuer: issuer.id, code, reason: message }, 'sftp pickup poll failed');
    }
    throw error;
  }
}

/** Claims a complete file by renaming it; undefined when it is gone or its name leaves no room for the claim. */
async function claim(
  remote: RemoteMailbox,
  pickup: SftpPickup,
  file: RemoteFile,
): Promise<ClaimedFile | undefined> {
  if (!canBeClaimed(file.name)) {
    logger.warn(
      { issuer: pickup.issuerId, file: file.name },
      'a file name is too long to be claimed (255 bytes with the claim prefix); it is left in the inbox',
    );
    return undefined;
  }
  const claim = crypto.randomBytes(6).toString('hex');
  const claimed = claimedName(file.name, claim);
  const inbox = pickup.remoteInbox;
  if (!(await remote.rename(path.posix.join(inbox, file.name), path.posix.join(inbox, claimed)))) {
    return undefined;
  }
  return { claimedName: claimed, name: file.name, claim, size: file.size };
}

/** Delivers a claimed file through intake, then removes it (and its done-file) from the issuer's server. */
async function takeClaimed(
  deps: PickupDeps,
  remote: RemoteMailbox,
  pickup: SftpPickup,
  issuer: Issuer,
  file: ClaimedFile,
  doneFiles: string[],
  progress: () => void,
): Promise<boolean> {
  const inbox = pickup.remoteInbox;
  const bytes = await remote.download(path.posix.join(inbox, file.claimedName), progress);
  if (!bytes) return false; // finished by an attempt that ran at the same time
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  const outcome = await deliverFile(deps, {
    issuer,
    channel: 'sftp-pickup',
    // The claim tells one upload from a later upload of the same bytes under the same name (answered as a
    // duplicate); the digest, a claimed file that changed after a crash (its writer was still at it).
    key: `pickup:${issuer.id}:${file.name}:${sha256}:${file.claim}`,
    mailbox: 'pickup',
    fileName: file.name,
    bytes,
  });
  // The done-file first: a crash between the two leaves the claimed file, which is resumed; the other order could
  // leave a done-file without its file, which would take the next upload of that name before it is complete.
  for (const doneFile of doneFiles) await remote.remove(path.posix.join(inbox, doneFile));
  await remote.remove(path.posix.join(inbox, file.claimedName));
  logger.info(
    {
      issuer: issuer.id,
      file: file.name,
      delivery: outcome.delivery.id,
      status: outcome.delivery.status,
      invoice: outcome.invoice?.id,
    },
    'file picked up from the issuer’s SFTP server',
  );
  return true;
}

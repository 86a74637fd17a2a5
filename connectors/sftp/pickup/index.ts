/**
 * SFTP pickup: the hub fetches invoices from an issuer's own SFTP server and writes its answers there.
 *   settings.ts  what an operator sets (`bin/hub issuer sftp-pickup`), the private key sealed
 *   pollers.ts   one poller workflow per mailbox (workflows/sftp-pickup.ts); ensurePickupPollers at gateway start
 *   files.ts     which files are complete and how a file is claimed
 *   poll.ts      one poll: claim → download → intake → remove
 *   answers.ts   the answers written to the remote outbox, each once
 *   remote.ts    the SFTP connection, host key check
 */
export { ensurePickupPollers, startPickupPoller, wakePickupPoller } from './pollers';
export { configurePickup, PickupSettingsError, parseInterval, pickupPublicKey } from './settings';
export { pollMailbox } from './poll';
export { pushAnswers } from './answers';
export { PickupError } from './remote';

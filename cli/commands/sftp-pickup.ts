import fs from 'node:fs';
import type { Command } from 'commander';
import {
  configurePickup,
  pickupPublicKey,
  startPickupPoller,
  wakePickupPoller,
} from '../../connectors/sftp/pickup';
import { disableSftpPickup, getSftpPickup, type SftpPickup } from '../../db/sftp-pickups';
import { hubSecret, type HubConfig } from '../../platform/config';
import { sftpPickupWorkflowId } from '../../workflows/sftp-pickup';
import { printJson, withDatabase } from '../database';
import { withTemporal } from '../temporal';
import { requireIssuer } from './sftp-keys';

interface SetOptions {
  host: string;
  port: string;
  user: string;
  key: string;
  inbox: string;
  outbox: string;
  interval: string;
  hostKey?: string;
}

/** `bin/hub issuer sftp-pickup set|show|disable`: the hub fetches an issuer's invoices from the issuer's own server. */
export function registerSftpPickupCommands(issuer: Command): void {
  const pickup = issuer
    .command('sftp-pickup')
    .description("the hub fetches invoices from the issuer's own SFTP server and writes its answers there");
  pickup
    .command('set')
    .description(
      'set (or replace) the pickup and start its poller; prints the settings and the public key to authorize',
    )
    .argument('<issuerId>')
    .requiredOption('--host <host>', "the issuer's SFTP server")
    .option('--port <port>', 'its SSH port', '22')
    .requiredOption('--user <user>', 'the user the hub logs in as')
    .requiredOption('--key <file>', 'the private key the hub logs in with (no passphrase); stored sealed')
    .requiredOption('--inbox <folder>', 'the remote folder the hub takes invoices from, e.g. /in')
    .requiredOption('--outbox <folder>', 'the remote folder the hub writes its answers to, e.g. /out')
    .option('--interval <interval>', 'time between polls: 30s, 5m, 1h', '60s')
    .option(
      '--host-key <fingerprint>',
      "pin the server's host key (SHA256:… as ssh-keygen -lf prints it); without it the first key seen is kept, " +
        'for as long as host and port stay the same',
    )
    .action(async (issuerId: string, options: SetOptions) => {
      const port = Number(options.port);
      if (!/^\d+$/.test(options.port)) throw new Error(`--port ${options.port} is not a port number`);
      const privateKey = fs.readFileSync(options.key);
      await withDatabase(async (db, config) => {
        await requireIssuer(db, issuerId);
        const saved = await configurePickup(db, hubSecret(config), {
          issuerId,
          host: options.host,
          port,
          username: options.user,
          privateKey,
          remoteInbox: options.inbox,
          remoteOutbox: options.outbox,
          interval: options.interval,
          hostKey: options.hostKey,
        });
        const poller = await withTemporal(config, async (temporal) => {
          await startPickupPoller({ temporal, config }, saved);
          await wakePickupPoller(temporal, issuerId);
          return 'running';
        });
        printJson({ ...describe(saved, config), poller: poller ?? 'starts with the hub' });
      });
    });
  pickup
    .command('show')
    .description("print an issuer's pickup settings and state as JSON (never the private key)")
    .argument('<issuerId>')
    .action(async (issuerId: string) => {
      await withDatabase(async (db, config) => {
        await requireIssuer(db, issuerId);
        const saved = await getSftpPickup(db, issuerId);
        if (!saved) throw new Error(`issuer ${issuerId} has no SFTP pickup: set one with "sftp-pickup set"`);
        const poller = await withTemporal(config, async (temporal) => {
          const described = await temporal.workflow
            .getHandle(sftpPickupWorkflowId(issuerId))
            .describe()
            .catch(() => undefined);
          return described?.status.name.toLowerCase() ?? 'not started';
        });
        printJson({ ...describe(saved, config), poller: poller ?? 'the hub is not running' });
      });
    });
  pickup
    .command('disable')
    .description('stop the pickup: its poller finishes at its next poll; "set" enables it again')
    .argument('<issuerId>')
    .action(async (issuerId: string) => {
      await withDatabase(async (db, config) => {
        await requireIssuer(db, issuerId);
        if (!(await disableSftpPickup(db, issuerId)))
          throw new Error(`issuer ${issuerId} has no SFTP pickup`);
        await withTemporal(config, (temporal) => wakePickupPoller(temporal, issuerId));
        printJson({ issuerId, enabled: false });
      });
    });
}

function describe(pickup: SftpPickup, config: HubConfig) {
  let publicKey: string;
  try {
    publicKey = pickupPublicKey(pickup, hubSecret(config));
  } catch (error) {
    publicKey = `unreadable: ${(error as Error).message}`;
  }
  return {
    issuerId: pickup.issuerId,
    host: pickup.host,
    port: pickup.port,
    user: pickup.username,
    inbox: pickup.remoteInbox,
    outbox: pickup.remoteOutbox,
    intervalSeconds: pickup.pollSeconds,
    hostKey: pickup.hostKeySha256 ?? 'learnt at the first connection',
    publicKey,
    enabled: pickup.enabled,
    halted: pickup.haltedReason ?? null,
    lastPolledAt: pickup.lastPolledAt ?? null,
    lastError: pickup.lastError ?? null,
    workflowId: sftpPickupWorkflowId(pickup.issuerId),
  };
}

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createPool, migrate } from '../db';
import type { HubConfig } from '../platform/config';
import { logger } from '../platform/logger';
import { openDatabase } from './database';
import { startDevMailServer } from './mail-server';
import { runFile } from './startup-checks';
import { startTemporalDevServer } from './temporal';
import { startTemporalServer, type TemporalServerOptions } from './temporal-server';

const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Where the hub's outside systems are, whether embedded or configured. */
export interface ServiceAddresses {
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string;
  smtpUrl: string;
  /** Set only for the built-in SMTP server: the folder holding the messages it received. */
  devMailDir?: string;
}

export interface RunningServices extends ServiceAddresses {
  stop(): Promise<void>;
}

/**
 * PostgreSQL, Temporal and SMTP: each the configured one (DATABASE_URL, TEMPORAL_ADDRESS, SMTP_URL) or,
 * when not configured, an embedded one with its state in the data folder. The schema is migrated.
 */
export async function startServices(config: HubConfig): Promise<RunningServices> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse())
      await s().catch((err) => logger.warn({ err }, 'stopping a service failed'));
  };
  try {
    const database = await openDatabase(config);
    stops.push(database.stop);

    let temporalAddress = config.temporalAddress;
    let temporalUiUrl = config.temporalUiUrl;
    if (!temporalAddress && config.temporalMode === 'server') {
      const temporal = await startTemporalServer(temporalServerOptions(config, database.url));
      stops.push(temporal.stop);
      temporalAddress = temporal.address;
    } else if (!temporalAddress) {
      ensureTemporalCli(config);
      const temporal = await startTemporalDevServer({
        cli: config.temporalCli,
        dir: path.join(config.dataDir, 'temporal'),
        port: config.embedded.temporalPort,
        uiPort: config.embedded.temporalUiPort,
        pidFile: runFile(config.dataDir, 'temporal'),
      });
      stops.push(temporal.stop);
      temporalAddress = temporal.address;
      temporalUiUrl = temporal.uiUrl ?? temporalUiUrl;
    }

    let smtpUrl = config.smtpUrl;
    let devMailDir: string | undefined;
    if (!smtpUrl) {
      devMailDir = path.join(config.dataDir, 'mail');
      const mail = await startDevMailServer(devMailDir, config.embedded.smtpPort);
      stops.push(mail.stop);
      smtpUrl = mail.url;
    }

    const db = createPool(database.url, 1);
    try {
      await migrate(db);
    } finally {
      await db.end();
    }
    return { databaseUrl: database.url, temporalAddress, temporalUiUrl, smtpUrl, devMailDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * TEMPORAL_MODE=server's Temporal: the server on `databaseUrl`'s PostgreSQL (its own `temporal` and
 * `temporal_visibility` databases), state and log under <data>/temporal-server, pid in <data>/run/temporal-server.pid.
 * Exported for whoever starts a hub's parts themselves (the benchmarks, the cluster test).
 */
export function temporalServerOptions(config: HubConfig, databaseUrl: string): TemporalServerOptions {
  return {
    binDir: config.temporalServerDir,
    dir: path.join(config.dataDir, 'temporal-server'),
    databaseUrl,
    port: config.embedded.temporalPort,
    namespace: config.temporalNamespace,
    pidFile: runFile(config.dataDir, 'temporal-server'),
  };
}

function ensureTemporalCli(config: HubConfig): void {
  if (fs.existsSync(config.temporalCli)) return;
  logger.info('Temporal CLI missing: installing it (npm run temporal:install)');
  const result = spawnSync('bash', [path.join(PROJECT_ROOT, 'scripts', 'install-temporal.sh')], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('could not install the Temporal CLI; see the message above');
}

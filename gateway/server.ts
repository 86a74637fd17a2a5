import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { loadHubAs2Identity } from '../connectors/as2/identity';
import { loadHostKey } from '../connectors/sftp/keys';
import { ensurePickupPollers } from '../connectors/sftp/pickup';
import { startSftpServer, type RunningSftpServer } from '../connectors/sftp/server';
import { createPool, migrate } from '../db';
import { resumeDeliveries } from '../intake/deliveries';
import { resumePayments } from '../intake/payments';
import type { HubConfig } from '../platform/config';
import { logger } from '../platform/logger';
import { connectTemporal } from '../platform/temporal';
import { startTracing } from '../platform/tracing';
import { createGatewayApp } from './app';
import { ensureArchiveSealing } from './archive-sealing';

/**
 * Serves the gateway on PORT (HTTPS when TLS_CERT_FILE and TLS_KEY_FILE are set) and the hub's SFTP server on
 * SFTP_PORT until stopped, and every few seconds processes channel deliveries a dead node left unprocessed.
 */
export async function startGateway(
  config: HubConfig,
  devMailDir?: string,
): Promise<{ close(): Promise<void> }> {
  if (!config.databaseUrl) throw new Error('the gateway needs DATABASE_URL (bin/hub start sets it)');
  const db = createPool(config.databaseUrl, 20);
  await migrate(db);
  startTracing('einvoice-hub-gateway');
  const temporal = await connectTemporal(config);
  const as2Identity = await loadHubAs2Identity(config);
  const app = createGatewayApp({ db, temporal, config, devMailDir, as2Identity });
  // SFTP first: once the HTTP port answers (what the supervisor waits for), every listener is up.
  const intake = { db, temporal, config };
  let sftp: RunningSftpServer | undefined;
  if (config.sftp.enabled) {
    sftp = await startSftpServer(intake, {
      port: config.sftp.port,
      hostKey: loadHostKey(config.dataDir, config.sftp.hostKeyFile),
      maxUploadBytes: config.sftp.maxUploadBytes,
      outboxDays: config.sftp.outboxDays,
    });
  }
  const server = config.tls
    ? https.createServer(
        { cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile) },
        app,
      )
    : http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  logger.info({ port: config.port, tls: Boolean(config.tls) }, 'gateway listening');

  // Each pass also (re)starts the poller of every enabled pickup mailbox and the archive's sealer: idempotent, one
  // workflow per mailbox, one sealer.
  const recovery = repeat(config.deliveryRecoverySeconds * 1000, async () => {
    await resumeDeliveries(intake, config.deliveryRecoverySeconds);
    await ensurePickupPollers(intake);
    await resumePayments(intake, config.deliveryRecoverySeconds);
    await ensureArchiveSealing(intake);
  });
  return {
    async close() {
      recovery.stop();
      await sftp?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await recovery.done();
      await temporal.connection.close();
      await db.end();
    },
  };
}

/** Runs `work` now and then every `intervalMs` after it finished, until stopped; failures are logged. */
function repeat(intervalMs: number, work: () => Promise<unknown>) {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = work()
      .catch((error: unknown) => logger.warn({ err: error }, 'delivery recovery pass failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  run();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    done: () => running.then(() => undefined),
  };
}

import { NativeConnection, Runtime, Worker, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createPool } from '../db';
import { freePort } from '../embedded/ports';
import { createMailer } from '../mail/mailer';
import { hubSecret, type HubConfig } from '../platform/config';
import { logger } from '../platform/logger';
import { serveMetrics } from '../platform/metrics';
import { stopTracing } from '../platform/tracing';
import { lifecycleWorkerOptions } from './options';

/** Runs the invoice lifecycle worker until SIGINT/SIGTERM; in-flight activities finish or are retried elsewhere. */
export async function runWorker(config: HubConfig): Promise<void> {
  if (!config.temporalAddress || !config.databaseUrl || !config.smtpUrl) {
    throw new Error('the worker needs TEMPORAL_ADDRESS, DATABASE_URL and SMTP_URL (bin/hub start sets them)');
  }
  // The SDK's own metrics (task latencies, slots, polls, schedule-to-start: the queue lag) go to a loopback
  // exporter; the worker's one scrape endpoint serves them after the hub's own.
  const sdkMetrics = `127.0.0.1:${await freePort()}`;
  Runtime.install({
    logger: temporalLogger(),
    telemetryOptions: {
      metrics: { prometheus: { bindAddress: sdkMetrics, useSecondsForDurations: true } },
    },
  });
  const metrics = await serveMetrics(config.workerMetrics.port, config.workerMetrics.host, async () =>
    (await fetch(`http://${sdkMetrics}/metrics`)).text(),
  );
  logger.info({ port: metrics.port }, 'worker metrics at /metrics');
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const db = createPool(config.databaseUrl, 20);
  const mailer = createMailer(db, config.smtpUrl, config.mailFrom);
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.temporalNamespace,
      taskQueue: config.taskQueue,
      activities: createActivities({ db, mailer, config, secret: hubSecret(config) }),
      ...(await lifecycleWorkerOptions(config)),
    });
    logger.info({ taskQueue: config.taskQueue }, 'invoice worker running');
    await worker.run();
  } finally {
    await metrics.close();
    await stopTracing();
    mailer.close();
    await db.end();
    await connection.close();
  }
}

/** The Temporal SDK's log lines go through the hub's one logger, at its level. */
function temporalLogger() {
  const at =
    (level: 'trace' | 'debug' | 'info' | 'warn' | 'error') => (message: string, meta?: LogMetadata) =>
      logger[level]({ component: 'temporal-sdk', ...meta }, message);
  return {
    log: (level: LogLevel, message: string, meta?: LogMetadata) =>
      at(level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error')(message, meta),
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
}

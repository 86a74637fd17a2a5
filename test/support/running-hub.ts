import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '../../embedded/ports';
import { stopChild } from '../../embedded/processes';

const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');

/**
 * The hub exactly as `npm start` runs it — `bin/hub start` in its own process, with worker and gateway as its
 * children — for end-to-end tests. `embedded: true` also starts its own PostgreSQL, Temporal and SMTP in its data
 * folder, as on a fresh clone; otherwise it uses the servers of the test run.
 */
export interface HubUnderTest {
  env: NodeJS.ProcessEnv;
  url: string;
  sftpPort: number;
  dataDir: string;
  /** The pid of the worker the supervisor runs now. */
  workerPid(): number;
  /** The pid of the gateway (HTTP and SFTP) the supervisor runs now. */
  gatewayPid(): number;
  restart(): Promise<void>;
  /** SIGKILL the supervisor, the worker and the gateway at once (no clean-up of any kind), then start the hub again. */
  killAndRestart(): Promise<void>;
  stop(): Promise<void>;
}

export async function launchHub(options: {
  embedded: boolean;
  env?: Record<string, string>;
  /** Run on this data folder (one a restore wrote, say) instead of a new one under HUB_TEST_ROOT. */
  dataDir?: string;
}): Promise<HubUnderTest> {
  const dataDir =
    options.dataDir ??
    path.join(process.env.HUB_TEST_ROOT as string, `hub-${crypto.randomUUID().slice(0, 8)}`);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    SFTP_PORT: String(await freePort()),
    EPAY_SIMULATOR_PORT: String(await freePort()),
    WORKER_METRICS_PORT: String(await freePort()),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    TEMPORAL_TASK_QUEUE: `e2e-${crypto.randomUUID()}`,
    ...(options.embedded
      ? {
          DATABASE_URL: '',
          TEMPORAL_ADDRESS: '',
          TEMPORAL_UI_URL: '',
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
  let child = await start(env);
  return {
    env,
    url: `http://127.0.0.1:${port}`,
    sftpPort: Number(env.SFTP_PORT),
    dataDir,
    workerPid: () => Number(fs.readFileSync(path.join(dataDir, 'run', 'worker.pid'), 'utf8')),
    gatewayPid: () => Number(fs.readFileSync(path.join(dataDir, 'run', 'gateway.pid'), 'utf8')),
    async restart() {
      await stopHub(child);
      child = await start(env);
    },
    async killAndRestart() {
      const pids = ['worker', 'gateway'].map((role) =>
        Number(fs.readFileSync(path.join(dataDir, 'run', `${role}.pid`), 'utf8')),
      );
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      for (const pid of [child.pid as number, ...pids]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exited;
      child = await start(env);
    },
    stop: () => stopHub(child),
  };
}

/** Starts `bin/hub start` and resolves once it says it is running. */
function start(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HUB, 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('E-Invoice Hub is running')) resolve(child);
    });
    child.once('exit', (code) =>
      reject(new Error(`bin/hub start exited with ${code}: ${output.slice(-3000)}`)),
    );
  });
}

/** Ctrl-C, as a person stops it: the hub stops its children and services, then exits. */
async function stopHub(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => void stopChild(child, 0), 60_000);
  await exited;
  clearTimeout(timer);
}

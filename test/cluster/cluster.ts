/**
 * A hub cluster on one machine, every part its own process and killable on its own: an embedded PostgreSQL, the
 * Temporal server on it (each run by a `bin/hub services` of its own), two gateways with their SFTP servers and two
 * workers (`bin/hub gateway`, `bin/hub worker`, configured by environment as docker-compose.yml configures them), and
 * an SMTP server keeping what it receives. It owns all of its servers, so killing them touches nothing else of the
 * test run. A part is restarted as an operator (or a container runtime) would: the same command on the same ports
 * and data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { Connection } from '@temporalio/client';
import { embeddedUrl } from '../../embedded/database';
import { startDevMailServer, type DevMailServer } from '../../embedded/mail-server';
import { freePort, freePortWithNeighbours, waitForPort } from '../../embedded/ports';
import { stopChild } from '../../embedded/processes';
import { TEMPORAL_SERVER_PORT_OFFSETS } from '../../embedded/temporal-server';

const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');
export const TASK_QUEUE = 'cluster-lifecycle';
const NAMESPACE = 'default';

type Role = 'gateway' | 'worker' | 'postgres' | 'temporal';

/** One process of the cluster: a gateway, a worker, or the `bin/hub services` running PostgreSQL or Temporal. */
export interface Part {
  name: string;
  pid(): number;
  /** SIGKILL, of it and of the servers it runs; resolves once they are all gone. */
  kill(): Promise<void>;
  /** The same command again; resolves when it serves (a gateway's ports answer, a worker polls its queue…). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface GatewayPart extends Part {
  url: string;
  sftpPort: number;
}

export interface Cluster {
  root: string;
  databaseUrl: string;
  temporalAddress: string;
  mailDir: string;
  gateways: GatewayPart[];
  workers: Part[];
  postgres: Part;
  temporal: Part;
  /** Parts that exited without being killed by the test, and were started again. */
  unplannedRestarts: Record<Role, number>;
  /** The last lines each part wrote (warnings and errors: they log at warn), for a failure's report. */
  logTails(lines: number): string;
  stop(): Promise<void>;
}

export async function startCluster(root: string): Promise<Cluster> {
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  const logs = path.join(root, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const pgPort = await freePort();
  const temporalPort = await freePortWithNeighbours(TEMPORAL_SERVER_PORT_OFFSETS);
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const mailDir = path.join(root, 'mail');
  const unplannedRestarts = { gateway: 0, worker: 0, postgres: 0, temporal: 0 };
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  // Nothing of the test run's own servers reaches the cluster's parts.
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    TEMPORAL_UI_URL: '',
    SMTP_URL: '',
    DEV_MAIL_DIR: '',
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  };

  try {
    const mail: DevMailServer = await startDevMailServer(mailDir, await freePort());
    stops.push(() => mail.stop());

    // PostgreSQL and the Temporal server each under a `bin/hub services` of their own (the other services
    // configured away), so each is started, killed and started again alone.
    const pgNode = path.join(root, 'postgres-node');
    const postgres = part('postgres', ['services'], logs, unplannedRestarts, {
      env: {
        ...base,
        DATA_DIR: pgNode,
        PG_PORT: String(pgPort),
        TEMPORAL_ADDRESS: temporalAddress,
        SMTP_URL: mail.url,
      },
      ready: servicesReady,
      // The postmaster and its backends, checkpointer, WAL writer…: all of them, as a crash takes them.
      alsoKill: () => postgresProcesses(path.join(pgNode, 'postgres')),
    });
    stops.push(() => postgres.stop());
    await postgres.start();
    const databaseUrl = embeddedUrl(pgPort);

    const temporalNode = path.join(root, 'temporal-node');
    const temporal = part('temporal', ['services'], logs, unplannedRestarts, {
      env: {
        ...base,
        DATA_DIR: temporalNode,
        DATABASE_URL: databaseUrl,
        TEMPORAL_MODE: 'server',
        TEMPORAL_PORT: String(temporalPort),
        SMTP_URL: mail.url,
      },
      ready: servicesReady,
      alsoKill: () => pidFrom(path.join(temporalNode, 'run', 'temporal-server.pid')),
    });
    stops.push(() => temporal.stop());
    await temporal.start();

    const hubEnv: NodeJS.ProcessEnv = {
      ...base,
      DATA_DIR: path.join(root, 'hub'),
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_NAMESPACE: NAMESPACE,
      TEMPORAL_TASK_QUEUE: TASK_QUEUE,
      SMTP_URL: mail.url,
      WORKER_METRICS_PORT: '0',
      HUB_SECRET: 'cluster-test-secret',
      REMINDER_DELAYS: '30d',
      // A file a killed gateway recorded and never processed is taken up by the other soon.
      DELIVERY_RECOVERY_SECONDS: '2',
    };
    const gateways: GatewayPart[] = [];
    for (const n of [1, 2]) {
      const port = await freePort();
      const sftpPort = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const gateway = part(`gateway ${n}`, ['gateway'], logs, unplannedRestarts, {
        env: { ...hubEnv, PORT: String(port), SFTP_PORT: String(sftpPort), PUBLIC_URL: url },
        ready: async () => {
          await waitForPort(port, '127.0.0.1', 120_000);
          await waitForPort(sftpPort, '127.0.0.1', 120_000);
        },
      });
      gateways.push({ ...gateway, url, sftpPort });
    }
    const workers = [1, 2].map((n) =>
      part(`worker ${n}`, ['worker'], logs, unplannedRestarts, {
        env: hubEnv,
        ready: (child) => pollingWorker(temporalAddress, child.pid as number),
      }),
    );
    const parts = [...gateways, ...workers];
    stops.push(() => Promise.all(parts.map((p) => p.stop())).then(() => undefined));
    await Promise.all(parts.map((p) => p.start()));

    return {
      root,
      databaseUrl,
      temporalAddress,
      mailDir,
      gateways,
      workers,
      postgres,
      temporal,
      unplannedRestarts,
      logTails: (lines) =>
        fs
          .readdirSync(logs)
          .map((file) => {
            const text = fs.readFileSync(path.join(logs, file), 'utf8').trimEnd().split('\n');
            return `--- ${file}\n${text.slice(-lines).join('\n')}`;
          })
          .join('\n'),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * One `bin/hub …` process. A kill is SIGKILL, of it and of what `alsoKill` names (the servers it runs), with no
 * clean-up of any kind; a start is the same command with the same environment again. A process that dies without
 * being killed is started again after a second, as its supervisor would, and counted.
 */
function part(
  name: string,
  args: string[],
  logDir: string,
  unplannedRestarts: Record<Role, number>,
  options: {
    env: NodeJS.ProcessEnv;
    ready: (child: ChildProcess) => Promise<void>;
    alsoKill?: () => number[];
  },
): Part {
  const role = name.split(' ')[0] as Role;
  let child: ChildProcess | undefined;
  let planned = false;
  const logFile = path.join(logDir, `${name.replace(' ', '-')}.log`);
  const launch = () => {
    const log = fs.openSync(logFile, 'a');
    const started = spawn(process.execPath, [HUB, ...args], {
      env: options.env,
      stdio: ['ignore', 'pipe', log],
    });
    fs.closeSync(log);
    started.once('exit', () => {
      if (planned || child !== started) return;
      unplannedRestarts[role]++;
      setTimeout(() => {
        if (!planned && child === started) void start().catch(() => undefined);
      }, 1000);
    });
    child = started;
    return started;
  };
  const start = async () => {
    const started = launch();
    const exited = new Promise<never>((_, reject) =>
      started.once('exit', (code, signal) =>
        reject(new Error(`${name} exited (${code ?? signal}) while starting; see ${logFile}`)),
      ),
    );
    exited.catch(() => undefined);
    await Promise.race([options.ready(started), exited]);
  };
  return {
    name,
    pid: () => child?.pid as number,
    async kill() {
      planned = true;
      const running = child && child.exitCode === null && child.signalCode === null ? child : undefined;
      const reaped = running && new Promise((resolve) => running.once('exit', resolve));
      const pids = [...(child ? [child.pid as number] : []), ...(options.alsoKill?.() ?? [])];
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const deadline = Date.now() + 30_000;
      while (pids.some(alive)) {
        if (Date.now() > deadline)
          throw new Error(`${name}: processes ${pids.filter(alive)} outlived SIGKILL`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await reaped;
      planned = false;
    },
    start,
    async stop() {
      planned = true;
      if (child) await stopChild(child, 30_000);
    },
  };
}

/** `bin/hub services` is ready when it prints its addresses. */
function servicesReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    const lines = readline.createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.on('line', (line) => {
      if (line.startsWith('{"databaseUrl"')) resolve();
    });
  });
}

/** Resolves once a worker with this pid polls the lifecycle task queue (the SDK's identity is `pid@host`). */
async function pollingWorker(address: string, pid: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const deadline = Date.now() + 180_000;
    for (;;) {
      const { pollers } = await connection.workflowService.describeTaskQueue({
        namespace: NAMESPACE,
        taskQueue: { name: TASK_QUEUE },
        taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
      });
      if ((pollers ?? []).some((p) => p.identity?.startsWith(`${pid}@`))) return;
      if (Date.now() > deadline) throw new Error(`worker ${pid} does not poll ${TASK_QUEUE}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await connection.close();
  }
}

/** The postmaster of the cluster in `dataDir` (from its postmaster.pid) and every process it runs. */
function postgresProcesses(dataDir: string): number[] {
  const postmaster = pidFrom(path.join(dataDir, 'postmaster.pid'));
  return [...postmaster, ...postmaster.flatMap(childrenOf)];
}

/** The pid on a pid file's first line, if the file is there. */
function pidFrom(file: string): number[] {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? [pid] : [];
  } catch {
    return [];
  }
}

function childrenOf(parent: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        // "pid (comm) state ppid …": comm may hold spaces, so read from the last ")".
        const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent;
      } catch {
        return false;
      }
    })
    .map(Number);
}

/**
 * Not yet gone. A killed process whose leader is a zombie may still have threads exiting (libuv's io_uring workers,
 * say) and, until the last one is done, holds its files and sockets: a gateway's ports would still take connections.
 */
function alive(pid: number): boolean {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const state = /^State:\s+(\S)/m.exec(status)?.[1];
    const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    return state !== 'Z' || threads > 1;
  } catch {
    return false;
  }
}

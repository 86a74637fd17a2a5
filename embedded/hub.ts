import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createPool } from '../db';
import { countIssuers, createIssuer } from '../db/issuers';
import { loadConfig, type HubConfig } from '../platform/config';
import { logger } from '../platform/logger';
import { startEmbeddedEpay } from './epay-simulator';
import { embeddedPostgresDir } from './database';
import { stopLeftoverServer } from './postgres';
import { startServices } from './services';
import { temporalServerPortList } from './temporal-server';
import { waitForPort } from './ports';
import {
  type PortClaim,
  ensureWritableDataDir,
  refuseHeldPorts,
  runFile,
  stopLeftoverProcesses,
} from './startup-checks';
import { stopChild } from './processes';

const PROJECT_ROOT = path.resolve(__dirname, '..');
const HUB_BIN = path.join(PROJECT_ROOT, 'bin', 'hub');

export interface RunningHub {
  urls: {
    portal: string;
    api: string;
    openapi: string;
    as2: string;
    sftp?: string;
    temporalUi?: string;
    /** TEMPORAL_MODE=server's embedded Temporal server (it has no Web UI of its own). */
    temporalServer?: string;
    devMailbox?: string;
    /** The simulated ePay.bg's hosted page, when no ePay merchant is configured. */
    epaySimulator?: string;
  };
  demoIssuer?: { id: string; apiKey: string };
  databaseUrl: string;
  /** Resolves when the hub has stopped. */
  stopped: Promise<void>;
  stop(): Promise<void>;
  /** The child processes, by role (tests kill the worker to prove nothing is lost). */
  children: { worker: () => ChildProcess | undefined; gateway: () => ChildProcess | undefined };
}

/**
 * `npm start`: everything the hub needs, on embedded defaults unless configured otherwise —
 * PostgreSQL, the Temporal dev server (with TEMPORAL_MODE=server the Temporal server on that PostgreSQL), an SMTP
 * server, the simulated ePay.bg (without EPAY_SECRET), then the worker and the gateway as supervised child processes.
 */
export async function startHub(baseEnv: NodeJS.ProcessEnv = process.env): Promise<RunningHub> {
  const config = loadConfig(baseEnv);
  ensureWritableDataDir(config.dataDir);
  claimDataDir(config.dataDir);
  try {
    // What a killed run left behind would hold the ports the checks below must find free.
    await stopLeftoverProcesses(config.dataDir, {
      worker: `${HUB_BIN} worker`,
      gateway: `${HUB_BIN} gateway`,
      temporal: path.join(config.dataDir, 'temporal'),
      'temporal-server': path.join(config.dataDir, 'temporal-server'),
    });
    if (!config.databaseUrl) stopLeftoverServer(embeddedPostgresDir(config));
    await refuseHeldPorts(portsToClaim(config));
  } catch (error) {
    fs.rmSync(path.join(config.dataDir, 'hub.pid'), { force: true });
    throw error;
  }
  const stops: (() => Promise<void>)[] = [];
  let stopping = false; // once set, the supervisor no longer restarts children that exit
  const stopAll = async () => {
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch((err) => logger.warn({ err }, 'stop failed'));
    fs.rmSync(path.join(config.dataDir, 'hub.pid'), { force: true });
  };
  try {
    const services = await startServices(config);
    stops.push(services.stop);

    const db = createPool(services.databaseUrl, 1);
    let demoIssuer: { id: string; apiKey: string } | undefined;
    try {
      demoIssuer = await ensureDemoIssuer(db, config);
    } finally {
      await db.end();
    }

    const epay = config.payments.epay ? undefined : await startEmbeddedEpay(config);
    if (epay) stops.push(epay.stop);

    const env: NodeJS.ProcessEnv = {
      ...baseEnv,
      ...epay?.env,
      DATA_DIR: config.dataDir,
      DATABASE_URL: services.databaseUrl,
      TEMPORAL_ADDRESS: services.temporalAddress,
      TEMPORAL_UI_URL: services.temporalUiUrl,
      SMTP_URL: services.smtpUrl,
      DEV_MAIL_DIR: services.devMailDir ?? '',
      // Webhook receivers on this machine or network are what one tries the hub with locally.
      WEBHOOK_ALLOW_PRIVATE: baseEnv.WEBHOOK_ALLOW_PRIVATE ?? 'true',
    };
    const worker = supervise('worker', env, config.dataDir, () => stopping);
    stops.push(() => worker.stop());
    const gateway = supervise('gateway', env, config.dataDir, () => stopping);
    stops.push(() => gateway.stop());
    await Promise.race([waitForPort(config.port, '127.0.0.1', 120_000), gateway.failed, worker.failed]);

    let resolveStopped: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
    const api = `${config.publicUrl}/api/v1`;
    const embeddedServer = !config.temporalAddress && config.temporalMode === 'server';
    return {
      urls: {
        portal: `${config.publicUrl}/`,
        api,
        openapi: `${api}/openapi.json`,
        as2: `${config.publicUrl}/as2`,
        sftp: config.sftp.enabled
          ? `sftp://${new URL(config.publicUrl).hostname}:${config.sftp.port}`
          : undefined,
        // The embedded Temporal server brings no Web UI: a link to one only when TEMPORAL_UI_URL names it.
        temporalUi: embeddedServer && !baseEnv.TEMPORAL_UI_URL ? undefined : services.temporalUiUrl,
        temporalServer: embeddedServer ? services.temporalAddress : undefined,
        devMailbox: services.devMailDir ? `${config.publicUrl}/dev/mailbox` : undefined,
        epaySimulator: epay?.url,
      },
      demoIssuer,
      databaseUrl: services.databaseUrl,
      stopped,
      children: { worker: worker.current, gateway: gateway.current },
      async stop() {
        if (stopping) return stopped;
        await stopAll();
        resolveStopped();
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Every port this start will bind: its own, and those of the embedded services it will run. */
function portsToClaim(config: HubConfig): PortClaim[] {
  const { embedded } = config;
  const claims: PortClaim[] = [
    { port: config.port, service: 'the gateway (API and portal)', setting: 'PORT' },
  ];
  if (config.workerMetrics.port !== 0)
    claims.push({
      port: config.workerMetrics.port,
      host: config.workerMetrics.host,
      service: "the worker's metrics endpoint",
      setting: 'WORKER_METRICS_PORT',
      instead: 'set WORKER_METRICS_PORT=0 for any free port',
    });
  if (config.sftp.enabled)
    claims.push({
      port: config.sftp.port,
      service: "the hub's SFTP server",
      setting: 'SFTP_PORT',
      instead: 'set SFTP_ENABLED=false',
    });
  const local = (port: number, service: string, setting: string, instead: string): PortClaim => ({
    port,
    host: '127.0.0.1',
    service,
    setting,
    instead,
  });
  if (!config.databaseUrl)
    claims.push(
      local(
        embedded.postgresPort,
        'the embedded PostgreSQL',
        'PG_PORT',
        'set DATABASE_URL to use a PostgreSQL of your own',
      ),
    );
  if (!config.temporalAddress && config.temporalMode === 'server')
    claims.push(
      ...temporalServerPortList(embedded.temporalPort).map(({ port, service }) =>
        local(
          port,
          `the embedded Temporal server's ${service}`,
          'TEMPORAL_PORT',
          'choose another TEMPORAL_PORT (the server uses ports around it), or set TEMPORAL_ADDRESS',
        ),
      ),
    );
  else if (!config.temporalAddress)
    claims.push(
      local(
        embedded.temporalPort,
        'the embedded Temporal server',
        'TEMPORAL_PORT',
        `set TEMPORAL_ADDRESS=127.0.0.1:${embedded.temporalPort} to use the Temporal server that is there`,
      ),
      local(
        embedded.temporalUiPort,
        "the embedded Temporal server's web UI",
        'TEMPORAL_UI_PORT',
        'set TEMPORAL_ADDRESS to use a Temporal server of your own',
      ),
    );
  if (!config.smtpUrl)
    claims.push(
      local(
        embedded.smtpPort,
        'the built-in SMTP server',
        'SMTP_PORT',
        'set SMTP_URL to use a mail server of your own',
      ),
    );
  if (!config.payments.epay)
    claims.push(
      local(
        embedded.epaySimulatorPort,
        'the simulated ePay.bg',
        'EPAY_SIMULATOR_PORT',
        'set EPAY_MIN and EPAY_SECRET to use the real ePay.bg',
      ),
    );
  return claims;
}

/** One hub per data folder: a second `npm start` on the same folder would fight over its databases. */
function claimDataDir(dataDir: string): void {
  const pidFile = path.join(dataDir, 'hub.pid');
  try {
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    if (pid && pid !== process.pid) {
      process.kill(pid, 0);
      throw new Error(`another hub (pid ${pid}) is running on ${dataDir}`);
    }
  } catch (error) {
    if (
      (error as NodeJS.ErrnoException).code !== 'ENOENT' &&
      (error as NodeJS.ErrnoException).code !== 'ESRCH'
    )
      throw error;
  }
  fs.writeFileSync(pidFile, String(process.pid));
}

const DEMO_ISSUER = { name: 'Demo Issuer EOOD', eik: '123456786', email: 'billing@demo-issuer.example' };

/** On the first run only: an issuer to try the API with. Its key is kept in the data folder to be shown again. */
async function ensureDemoIssuer(db: ReturnType<typeof createPool>, config: HubConfig) {
  const file = path.join(config.dataDir, 'demo-issuer.json');
  if ((await countIssuers(db)) > 0) {
    return fs.existsSync(file)
      ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { id: string; apiKey: string })
      : undefined;
  }
  const { issuer, apiKey } = await createIssuer(db, DEMO_ISSUER);
  const demo = { id: issuer.id, apiKey };
  fs.writeFileSync(file, JSON.stringify(demo, null, 2), { mode: 0o600 });
  return demo;
}

/**
 * Runs `bin/hub <role>` as a child and restarts it if it dies while the hub is not stopping.
 * Its pid is kept in <data>/run/<role>.pid for operators (and the crash test).
 */
function supervise(
  role: 'worker' | 'gateway',
  env: NodeJS.ProcessEnv,
  dataDir: string,
  stopping: () => boolean,
) {
  const pidFile = runFile(dataDir, role);
  fs.mkdirSync(path.dirname(pidFile), { recursive: true });
  let child: ChildProcess | undefined;
  let gaveUp: (e: Error) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => (gaveUp = reject));
  failed.catch(() => undefined);
  let restarts = 0;
  const launch = () => {
    const started = Date.now();
    child = spawn(process.execPath, [HUB_BIN, role], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    fs.writeFileSync(pidFile, String(child.pid));
    child.once('exit', (code, signal) => {
      if (stopping()) return;
      logger.warn({ role, code, signal }, `${role} exited; restarting`);
      if (Date.now() - started > 60_000) restarts = 0;
      if (++restarts > 5) {
        gaveUp(new Error(`the ${role} keeps failing (exit ${code ?? signal}); see its messages above`));
        return;
      }
      setTimeout(launch, 1000 * restarts);
    });
  };
  launch();
  return {
    /** Rejects when the child keeps dying. */
    failed,
    current: () => child,
    stop: async () => {
      if (child) await stopChild(child, 30_000);
      fs.rmSync(pidFile, { force: true });
    },
  };
}

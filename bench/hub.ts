import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startHub, type RunningHub } from '../embedded/hub';
import { freePort, freePortWithNeighbours } from '../embedded/ports';
import { TEMPORAL_SERVER_PORT_OFFSETS } from '../embedded/temporal-server';

/**
 * The whole hub as `npm start` runs it, on its own embedded services and free ports, in a fresh data folder that
 * `close()` removes: what every benchmark measures.
 */
export async function startBenchHub(env: NodeJS.ProcessEnv = {}): Promise<{
  hub: RunningHub;
  temporalAddress: string;
  port: number;
  sftpPort: number;
  dataDir: string;
  close(): Promise<void>;
}> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-'));
  fs.chmodSync(dataDir, 0o755);
  const port = await freePort();
  const sftpPort = await freePort();
  // The Temporal server (TEMPORAL_MODE=server) uses ports around its frontend's; the dev server needs only one.
  const temporalPort = await freePortWithNeighbours(TEMPORAL_SERVER_PORT_OFFSETS);
  const hub = await startHub({
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    SFTP_PORT: String(sftpPort),
    EPAY_SIMULATOR_PORT: String(await freePort()),
    PG_PORT: String(await freePort()),
    TEMPORAL_PORT: String(temporalPort),
    TEMPORAL_UI_PORT: String(await freePort()),
    SMTP_PORT: String(await freePort()),
    DATABASE_URL: '',
    TEMPORAL_ADDRESS: '',
    SMTP_URL: '',
    LOG_LEVEL: 'warn',
    REMINDER_DELAYS: '30d',
    WORKER_METRICS_PORT: '0', // any free port: two benches may run at once
    ...env,
  });
  return {
    hub,
    temporalAddress: `127.0.0.1:${temporalPort}`,
    port,
    sftpPort,
    dataDir,
    async close() {
      await hub.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

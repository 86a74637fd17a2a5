import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { createPool, migrate } from '../db';
import type { HubConfig } from '../platform/config';
import { logger } from '../platform/logger';
import { connectTemporal } from '../platform/temporal';
import { createGatewayApp } from './app';

/** Serves the gateway on PORT (HTTPS when TLS_CERT_FILE and TLS_KEY_FILE are set) until stopped. */
export async function startGateway(
  config: HubConfig,
  devMailDir?: string,
): Promise<{ close(): Promise<void> }> {
  if (!config.databaseUrl) throw new Error('the gateway needs DATABASE_URL (bin/hub start sets it)');
  const db = createPool(config.databaseUrl, 20);
  await migrate(db);
  const temporal = await connectTemporal(config);
  const app = createGatewayApp({ db, temporal, config, devMailDir });
  const server = config.tls
    ? https.createServer(
        { cert: fs.readFileSync(config.tls.certFile), key: fs.readFileSync(config.tls.keyFile) },
        app,
      )
    : http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, resolve);
  });
  logger.info({ port: config.port, tls: Boolean(config.tls) }, 'gateway listening');
  return {
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await temporal.connection.close();
      await db.end();
    },
  };
}

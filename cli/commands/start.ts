import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { startHub } from '../../embedded/hub';
import { startServices } from '../../embedded/services';
import { TEMPORAL_HISTORY_SHARDS } from '../../embedded/temporal-server';
import { PORTAL_DIST } from '../../gateway/app';
import { startGateway } from '../../gateway/server';
import { loadConfig } from '../../platform/config';
import { logger } from '../../platform/logger';
import { runWorker } from '../../worker/main';

export function registerStartCommands(program: Command): void {
  program
    .command('start')
    .description('start the whole hub (embedded PostgreSQL, Temporal and SMTP unless configured otherwise)')
    .action(async () => {
      const config = loadConfig();
      buildPortalIfMissing();
      const hub = await startHub(process.env);
      const lines = [
        '',
        'E-Invoice Hub is running',
        `  Portal            ${hub.urls.portal}`,
        `  API               ${hub.urls.api}`,
        `  API document      ${hub.urls.openapi}`,
        `  AS2               ${hub.urls.as2} (AS2-To ${config.as2.id}; certificate: bin/hub as2 certificate)`,
        ...(hub.urls.sftp
          ? [`  SFTP              ${hub.urls.sftp} (user: issuer id, key: bin/hub issuer sftp-key add)`]
          : []),
        ...(hub.urls.temporalServer
          ? [
              `  Temporal          ${hub.urls.temporalServer} (Temporal server on PostgreSQL, ${TEMPORAL_HISTORY_SHARDS} history shards; log in ${path.join(config.dataDir, 'temporal-server', 'server.log')})`,
            ]
          : []),
        ...(hub.urls.temporalUi ? [`  Temporal UI       ${hub.urls.temporalUi}`] : []),
        ...(hub.urls.devMailbox ? [`  Dev mailbox       ${hub.urls.devMailbox}`] : []),
        ...(hub.urls.epaySimulator
          ? [`  Simulated ePay.bg ${hub.urls.epaySimulator} ("Pay by card" goes here; no money moves)`]
          : []),
        `  Data folder       ${config.dataDir}`,
        ...(hub.demoIssuer
          ? [
              '',
              'Demo issuer (kept in the data folder):',
              `  id      ${hub.demoIssuer.id}`,
              `  API key ${hub.demoIssuer.apiKey}`,
              `  try:    bin/hub submit --api-key ${hub.demoIssuer.apiKey} examples/invoice.xml`,
            ]
          : []),
        '',
        'Ctrl-C stops everything.',
        '',
      ];
      process.stderr.write(lines.join('\n'));
      const shutdown = () => {
        process.stderr.write('\nstopping the hub…\n');
        void hub.stop();
      };
      process.once('SIGINT', shutdown);
      process.once('SIGTERM', shutdown);
      await hub.stopped;
      process.stderr.write('hub stopped\n');
    });

  program
    .command('services')
    .description(
      'start only PostgreSQL, Temporal and SMTP (embedded unless configured) and print their addresses as JSON',
    )
    .action(async () => {
      const services = await startServices(loadConfig());
      const { stop, ...addresses } = services;
      process.stdout.write(JSON.stringify(addresses) + '\n');
      await new Promise<void>((resolve) => {
        const done = () => void stop().then(resolve);
        process.once('SIGINT', done);
        process.once('SIGTERM', done);
      });
    });

  program
    .command('worker', { hidden: true })
    .description('run the invoice lifecycle worker (started by `hub start`)')
    .action(async () => {
      await runWorker(loadConfig());
    });

  program
    .command('gateway', { hidden: true })
    .description('run the HTTP gateway (started by `hub start`)')
    .action(async () => {
      const gateway = await startGateway(loadConfig(), process.env.DEV_MAIL_DIR || undefined);
      await new Promise<void>((resolve) => {
        const stop = () => void gateway.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

/** A fresh clone has no built portal: build it once before the first start. */
function buildPortalIfMissing(): void {
  if (fs.existsSync(path.join(PORTAL_DIST, 'index.html'))) return;
  logger.info('building the portal (first start)…');
  const result = spawnSync('npm', ['run', 'build:portal'], {
    cwd: path.resolve(__dirname, '..', '..'),
    stdio: 'inherit',
    env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
  });
  if (result.status !== 0) throw new Error('the portal build failed; see above');
}

import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { createBackup } from '../../platform/backup/backup';
import { manifestSummary } from '../../platform/backup/manifest';
import { restoreBackup } from '../../platform/backup/restore';
import { loadConfig } from '../../platform/config';
import { printJson } from '../database';

/**
 * `hub backup FILE`: the hub on DATA_DIR, running or not, into one file; `hub restore FILE`: that file into a fresh
 * data folder. Progress and the summary on stderr, the result as one JSON line on stdout. What a backup holds and the
 * restore's rules: platform/backup/README.md.
 */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('back up the hub (database, Temporal state, keys) into one file, while it runs or not')
    .argument('<file>', 'the backup file to write (never overwritten)')
    .option('--without-temporal', "leave the Temporal dev server's state out")
    .action(async (file: string, options: { withoutTemporal?: boolean }) => {
      const config = loadConfig();
      const started = Date.now();
      say(`backup of ${config.dataDir} into ${path.resolve(file)}`);
      const manifest = await createBackup({
        config,
        file,
        withoutTemporal: options.withoutTemporal,
        progress: say,
      });
      const bytes = fs.statSync(file).size;
      const summary = manifestSummary(manifest, path.resolve(file), bytes);
      say(
        `backup done in ${seconds(started)}: ${summary.database.invoices} invoices, ${summary.database.issuers} issuers, ` +
          `${summary.database.users} accounts, ${summary.database.rows} rows in ${summary.database.tables} tables ` +
          `(snapshot at ${summary.database.snapshotAt}); Temporal state ${manifest.temporal.included ? 'included' : 'not included'}; ` +
          `${manifest.files.length} files; ${manifest.parts.length} parts, ${megabytes(bytes)}`,
      );
      for (const left of manifest.leftOut) say(`  not in the backup: ${left.path} — ${left.why}`);
      for (const note of manifest.notes) say(`  note: ${note}`);
      printJson(summary);
    });

  program
    .command('restore')
    .description('restore a backup into a fresh (absent or empty) data folder')
    .argument('<file>', 'a file written by hub backup')
    .option('--data-dir <dir>', 'the folder to restore into (default DATA_DIR)')
    .action(async (file: string, options: { dataDir?: string }) => {
      const config = loadConfig({
        ...process.env,
        ...(options.dataDir ? { DATA_DIR: options.dataDir } : {}),
      });
      const started = Date.now();
      say(`restore of ${path.resolve(file)} into ${config.dataDir}`);
      const { manifest, ...report } = await restoreBackup({ file, config, progress: say });
      const summary = manifestSummary(manifest);
      say(
        `restored in ${seconds(started)}: ${summary.database.invoices} invoices, ${summary.database.issuers} issuers, ` +
          `${summary.database.users} accounts (${report.database.rows} rows in ${report.database.tables} tables, into ` +
          `${report.database.into === 'embedded' ? 'a new embedded PostgreSQL cluster' : 'DATABASE_URL'}), ` +
          `files ${report.files.join(', ') || 'none'}, from the backup of ${manifest.createdAt}`,
      );
      say(`  temporal: ${report.temporal.note}`);
      printJson({
        ...report,
        backup: { createdAt: manifest.createdAt, hub: manifest.hub, invoices: summary.database.invoices },
      });
    });
}

const commandStarted = Date.now();

/** A progress line on stderr, with the seconds since the command started. */
function say(line: string): void {
  process.stderr.write(`[${((Date.now() - commandStarted) / 1000).toFixed(1).padStart(5)} s] ${line}\n`);
}

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

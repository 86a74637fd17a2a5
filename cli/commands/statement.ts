import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { Db } from '../../db';
import { countImportEntries } from '../../db/payments/ledger';
import {
  getStatementImport,
  recordStatementImport,
  type StatementImport,
} from '../../db/payments/statement-imports';
import { receiveStatement } from '../../intake/statements';
import { printJson, withDatabase } from '../database';
import { progressBar } from '../progress';
import { withTemporal } from '../temporal';
import { requireIssuer } from './sftp-keys';

/**
 * `hub statement import FILE --issuer ID`: the file goes through the same door as SFTP and the API (recorded once,
 * refused with the reason when it cannot be read), then the command follows the import with a progress bar and
 * prints what became of the entries as one JSON line. Without a running hub the file is stored and imported when the
 * hub starts.
 */
export function registerStatementCommands(program: Command): void {
  const statement = program.command('statement').description('bank statements: import and reconcile');
  statement
    .command('import')
    .description(
      'import a bank statement (camt.052/053/054, MT940/MT942) for an issuer and follow the matching',
    )
    .argument('<file>', 'the statement file as the bank made it')
    .requiredOption('--issuer <id>', 'the issuer whose account the statement is')
    .option('--no-wait', 'return once the file is received, without following the import')
    .action(async (file: string, options: { issuer: string; wait: boolean }) => {
      const content = fs.readFileSync(file);
      await withDatabase(async (db, config) => {
        await requireIssuer(db, options.issuer);
        const received = await withTemporal(config, async (temporal) => {
          const result = await receiveStatement(
            { db, temporal, config },
            { issuerId: options.issuer, source: 'cli', fileName: path.basename(file), content },
          );
          if (result.record.status !== 'refused' && options.wait) await follow(db, temporal, result.record);
          return result;
        });
        const record = received?.record ?? (await storeOnly(db, options.issuer, file, content));
        const final = (await getStatementImport(db, record.id)) ?? record;
        printJson({
          id: final.id,
          status: final.status,
          duplicate: received ? !received.created : undefined,
          stored: received
            ? undefined
            : 'the hub is not running: the file is stored and imported when it starts',
          refusal: final.refusal ?? null,
          format: final.format ?? null,
          counts: { inFile: final.entryCount, ...(await countImportEntries(db, final.id)) },
        });
        if (final.status === 'refused') process.exitCode = 1;
      });
    });
}

async function storeOnly(db: Db, issuerId: string, file: string, content: Buffer): Promise<StatementImport> {
  return (
    await recordStatementImport(db, { issuerId, source: 'cli', fileName: path.basename(file), content })
  ).record;
}

/** Draws the entries written so far against the entries in the file until the import's workflow ends. */
async function follow(db: Db, temporal: Client, record: StatementImport): Promise<void> {
  const done = temporal.workflow
    .getHandle(record.workflowId)
    .result()
    .then(
      () => true,
      () => true,
    );
  let finished = false;
  void done.then(() => (finished = true));
  const bar = progressBar('entries');
  while (!finished) {
    await Promise.race([done, new Promise((r) => setTimeout(r, 250))]);
    const current = await getStatementImport(db, record.id);
    const counts = await countImportEntries(db, record.id);
    if (current?.entryCount) bar.update(counts.entries, current.entryCount);
  }
  bar.stop();
}

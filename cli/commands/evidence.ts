import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { describeEvidenceVerification, verifyEvidencePackage } from '../../domain/archive/evidence/verify';
import { evidenceFileName, exportEvidence } from '../../platform/evidence-export';
import { printJson, withDatabase } from '../database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `hub archive export ID…` writes the evidence package of each invoice (domain/archive/evidence/); `hub evidence
 * verify FILE…` checks packages offline, from their bytes alone: no database, no data folder, no network.
 */
export function registerEvidenceCommands(program: Command): void {
  const archive =
    program.commands.find((command) => command.name() === 'archive') ?? program.command('archive');
  archive
    .command('export')
    .description(
      'write the evidence package (ASiC-E) of each invoice: everything the archive holds about it, signed',
    )
    .argument('<ids...>', 'invoice ids')
    .option('--out <dir>', 'folder to write evidence-NUMBER.asice into', '.')
    .action(async (ids: string[], options: { out: string }) => {
      const bad = ids.filter((id) => !UUID.test(id));
      if (bad.length > 0)
        throw new Error(`not an invoice id: ${bad.join(', ')} (ids are UUIDs, as the API gives them)`);
      await fs.mkdir(options.out, { recursive: true });
      await withDatabase(async (db, config) => {
        for (const id of ids) {
          const evidence = await exportEvidence(db, config, id);
          if (!evidence) {
            process.stderr.write(`${id}: not in the archive\n`);
            process.exitCode = 1;
            continue;
          }
          const file = path.join(options.out, evidenceFileName(evidence.number));
          await fs.writeFile(`${file}.partial`, evidence.bytes);
          await fs.rename(`${file}.partial`, file);
          process.stdout.write(`${file} (${evidence.bytes.length} bytes)\n`);
        }
      });
    });

  const evidence = program.command('evidence').description('evidence packages of archived invoices');
  evidence
    .command('verify')
    .description('check evidence packages offline and say what each proves; exit 0 all valid, 1 any not')
    .argument('<files...>', 'evidence packages (.asice)')
    .option(
      '--archive-cert <file>',
      "the hub's archive certificate (PEM), obtained from the hub some other way",
    )
    .option('--json', 'one JSON result per package')
    .action(async (files: string[], options: { archiveCert?: string; json?: boolean }) => {
      const archiveCertificatePem = options.archiveCert
        ? await fs.readFile(options.archiveCert, 'utf8')
        : undefined;
      for (const file of files) {
        const result = await verifyEvidencePackage(await fs.readFile(file), { archiveCertificatePem });
        if (options.json) printJson({ file, ...result });
        else
          process.stdout.write([`${file}:`, ...describeEvidenceVerification(result), ''].join('\n') + '\n');
        if (!result.valid) process.exitCode = 1;
      }
    });
}

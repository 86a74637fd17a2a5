import fs from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { findArchivedInvoice } from '../../db/archive/retention';
import { describeEvidenceVerification, verifyEvidencePackage } from '../../domain/archive/evidence/verify';
import { parseInvoiceReference, type InvoiceReference } from '../../domain/archive/retention';
import { evidenceFileName, exportEvidence } from '../../platform/evidence-export';
import { printJson, withDatabase } from '../database';

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
    .argument('<invoices...>', 'invoice ids (UUIDs) or ISSUER-EIK/NUMBER')
    .option('--out <dir>', 'folder to write evidence-NUMBER.asice into', '.')
    .action(async (texts: string[], options: { out: string }) => {
      const references = texts.map((text) => ({ text, reference: parseInvoiceReference(text) }));
      const bad = references.filter((r) => !r.reference).map((r) => r.text);
      if (bad.length > 0)
        throw new Error(`not an invoice: ${bad.join(', ')} (give its id, a UUID, or ISSUER-EIK/NUMBER)`);
      await fs.mkdir(options.out, { recursive: true });
      await withDatabase(async (db, config) => {
        for (const { text, reference } of references) {
          const invoice = await findArchivedInvoice(db, reference as InvoiceReference);
          const evidence = invoice && (await exportEvidence(db, config, invoice.id));
          if (!evidence) {
            process.stderr.write(`${text}: not in the archive\n`);
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

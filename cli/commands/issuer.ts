import type { Command } from 'commander';
import { createIssuer } from '../../db/issuers';
import { isValidEik } from '../../domain/identifiers';
import { withDatabase } from '../database';
import { registerAs2PartnerCommands } from './as2';
import { registerIssuerUserCommands } from './issuer-users';
import { registerSftpKeyCommands } from './sftp-keys';
import { registerSftpPickupCommands } from './sftp-pickup';

export function registerIssuerCommands(program: Command): void {
  const issuer = program.command('issuer').description('manage issuers (companies that deliver invoices)');
  issuer
    .command('add')
    .description('register an issuer and print its id and API key as JSON')
    .requiredOption('--name <name>', 'legal name')
    .requiredOption('--eik <eik>', 'EIK/BULSTAT (9 or 13 digits)')
    .requiredOption('--email <email>', 'where return receipts and rejections go')
    .action(async (options: { name: string; eik: string; email: string }) => {
      const eik = options.eik.trim();
      if (!isValidEik(eik)) {
        throw new Error(
          `"${options.eik}" is not a valid EIK: it needs 9 or 13 digits with a correct check digit`,
        );
      }
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.email))
        throw new Error(`"${options.email}" is not an e-mail address`);
      await withDatabase(async (db) => {
        const created = await createIssuer(db, {
          name: options.name.trim(),
          eik,
          email: options.email.trim(),
        });
        process.stdout.write(JSON.stringify({ id: created.issuer.id, apiKey: created.apiKey }) + '\n');
      });
    });
  registerSftpKeyCommands(issuer);
  registerAs2PartnerCommands(issuer);
  registerSftpPickupCommands(issuer);
  registerIssuerUserCommands(issuer);
}

import type { Command } from 'commander';
import { changeIssuerActivity, createIssuer } from '../../db/issuers';
import { isValidEik } from '../../domain/identifiers';
import { printJson, withDatabase } from '../database';
import { operatorName } from './account';
import { registerAs2PartnerCommands } from './as2';
import { registerIssuerUserCommands } from './issuer-users';
import { registerSftpKeyCommands, requireIssuer } from './sftp-keys';
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
  for (const action of ['deactivate', 'reactivate'] as const) {
    issuer
      .command(action)
      .description(
        action === 'deactivate'
          ? 'the issuer stops using the hub: every channel refuses its deliveries and its API key may only read; ' +
              'its portal users and its recipients keep reading its archive'
          : 'the issuer delivers again',
      )
      .argument('<issuerId>')
      .requiredOption('--reason <text>', 'why, for the record')
      .action(async (issuerId: string, options: { reason: string }) => {
        if (!options.reason.trim()) throw new Error('--reason must say why');
        await withDatabase(async (db) => {
          await requireIssuer(db, issuerId);
          const changed = await changeIssuerActivity(db, {
            issuerId,
            action,
            reason: options.reason.trim(),
            actedBy: `operator: ${operatorName()}`,
          });
          printJson({ id: changed.id, name: changed.name, deactivatedAt: changed.deactivatedAt });
        });
      });
  }
  registerSftpKeyCommands(issuer);
  registerAs2PartnerCommands(issuer);
  registerSftpPickupCommands(issuer);
  registerIssuerUserCommands(issuer);
}

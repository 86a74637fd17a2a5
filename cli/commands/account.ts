import os from 'node:os';
import type { Command } from 'commander';
import { listAddressChanges, releaseLoginAddress } from '../../db/account-addresses';
import { findUserByEmail } from '../../db/users';
import { printJson, withDatabase } from '../database';

/** Who ran an operator command, as the records name them. */
export function operatorName(): string {
  return process.env.HUB_OPERATOR?.trim() || os.userInfo().username;
}

/**
 * `bin/hub account release-address|address-history`: an operator detaches a login address from its account (a mailbox
 * handed to someone else). The account keeps its invoices; the address's next invoice invites its new owner.
 */
export function registerAccountCommands(program: Command): void {
  const account = program.command('account').description('portal accounts (operators)');
  account
    .command('release-address')
    .description(
      'detach EMAIL from its account: the account keeps its invoices and gets --to, or a placeholder login address ' +
        '(it then logs in only with its sessions or after a new address is given with release-address PLACEHOLDER --to NEW); ' +
        'links mailed to EMAIL stop opening it; prints the move as JSON',
    )
    .argument('<email>')
    .requiredOption('--reason <text>', 'why, for the record')
    .option('--to <email>', "the account's new login address (the operator vouches for it)")
    .action(async (email: string, options: { reason: string; to?: string }) => {
      if (!options.reason.trim()) throw new Error('--reason must say why');
      if (options.to !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.to.trim())) {
        throw new Error(`--to "${options.to}" is not an e-mail address`);
      }
      await withDatabase(async (db) => {
        const moved = await releaseLoginAddress(db, {
          email,
          to: options.to,
          reason: options.reason.trim(),
          operator: operatorName(),
        });
        if (!moved) throw new Error(`no account logs in with ${email}`);
        printJson({
          released: moved.from,
          userId: moved.userId,
          loginAddress: moved.to,
          at: moved.changedAt,
        });
      });
    });
  account
    .command('address-history')
    .description('the login-address moves of the account that logs in with EMAIL, as JSON lines')
    .argument('<email>')
    .action(async (email: string) => {
      await withDatabase(async (db) => {
        const user = await findUserByEmail(db, email);
        if (!user) throw new Error(`no account logs in with ${email}`);
        for (const change of await listAddressChanges(db, user.id)) printJson(change);
      });
    });
}

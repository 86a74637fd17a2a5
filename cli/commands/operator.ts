import type { Command } from 'commander';
import { accountDeps } from '../../gateway/portal/account-mail';
import { addOperatorAccount } from '../../gateway/operator/operators';
import { createMailer } from '../../mail/mailer';
import { printJson, withDatabase } from '../database';

/** `bin/hub operator add`: the people who operate the hub see the operator console in the portal. */
export function registerOperatorCommands(program: Command): void {
  const operator = program.command('operator').description('operators of the hub (the operator console)');
  operator
    .command('add')
    .description('make a person an operator and e-mail them an invitation; prints them as JSON')
    .requiredOption('--email <email>', 'their e-mail address (their login)')
    .action(async (options: { email: string }) => {
      await withDatabase(async (db, config) => {
        const smtp = config.smtpUrl ?? `smtp://127.0.0.1:${config.embedded.smtpPort}`;
        const mailer = createMailer(db, smtp, config.mailFrom);
        try {
          const added = await addOperatorAccount(accountDeps({ db, config, mailer }), options.email);
          printJson({
            userId: added.userId,
            email: added.email,
            added: added.added,
            registered: added.registered,
            invitationMailed: added.invitationMailed,
          });
          if (!added.invitationMailed) {
            process.stderr.write(
              `hub: the operator was added, but the e-mail could not be sent (is the hub running?). ` +
                `Give them this link: ${added.link}\n`,
            );
            process.exitCode = 2;
          }
        } finally {
          mailer.close();
        }
      });
    });
}

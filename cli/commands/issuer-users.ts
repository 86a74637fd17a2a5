import type { Command } from 'commander';
import { findUserByEmail } from '../../db/users';
import { accountDeps } from '../../gateway/portal/account-mail';
import { addIssuerUser, listIssuerUsers, removeIssuerUser } from '../../gateway/portal/issuer-users';
import { createMailer } from '../../mail/mailer';
import type { HubConfig } from '../../platform/config';
import { printJson, withDatabase } from '../database';
import { requireIssuer } from './sftp-keys';

/**
 * `bin/hub issuer user add|list|remove`: the people who work for an issuer in the portal. An operator adds the first
 * admin here; from then on the issuer's admins add the others in the portal.
 */
export function registerIssuerUserCommands(issuer: Command): void {
  const users = issuer.command('user').description("an issuer's portal users (admin, clerk)");
  users
    .command('add')
    .description('add a user (or set their role) and e-mail them an invitation; prints the user as JSON')
    .argument('<issuerId>')
    .requiredOption('--email <email>', 'their e-mail address (their login)')
    .option('--role <role>', 'admin (manages the users) or clerk (works the invoices)', 'clerk')
    .action(async (issuerId: string, options: { email: string; role: string }) => {
      if (options.role !== 'admin' && options.role !== 'clerk') {
        throw new Error(`--role must be admin or clerk, not "${options.role}"`);
      }
      const role = options.role;
      await withDatabase(async (db, config) => {
        await requireIssuer(db, issuerId);
        const mailer = createMailer(db, smtpUrl(config), config.mailFrom);
        try {
          const added = await addIssuerUser(accountDeps({ db, config, mailer }), {
            issuerId,
            email: options.email,
            role,
            addedBy: null,
          });
          printJson({
            issuerId,
            userId: added.member.userId,
            email: added.member.email,
            role: added.member.role,
            added: added.added,
            registered: added.member.registered,
            invitationMailed: added.invitationMailed,
          });
          if (!added.invitationMailed) {
            process.stderr.write(
              `hub: the user was added, but the e-mail could not be sent (is the hub running?). ` +
                `Run the command again to send it, or give them this link: ${added.link}\n`,
            );
            process.exitCode = 2;
          }
        } finally {
          mailer.close();
        }
      });
    });
  users
    .command('list')
    .description("list an issuer's users as JSON lines")
    .argument('<issuerId>')
    .action(async (issuerId: string) => {
      await withDatabase(async (db, config) => {
        await requireIssuer(db, issuerId);
        for (const user of await listIssuerUsers(accountDeps({ db, config }), issuerId)) printJson(user);
      });
    });
  users
    .command('remove')
    .description('remove a user from the issuer (the last admin stays)')
    .argument('<issuerId>')
    .requiredOption('--email <email>', 'their e-mail address')
    .action(async (issuerId: string, options: { email: string }) => {
      await withDatabase(async (db, config) => {
        await requireIssuer(db, issuerId);
        const user = await findUserByEmail(db, options.email);
        if (!user) throw new Error(`${options.email} is not a user of issuer ${issuerId}`);
        await removeIssuerUser(accountDeps({ db, config }), issuerId, user.id);
        printJson({ issuerId, removed: user.email });
      });
    });
}

/** SMTP_URL, or the running hub's built-in SMTP server (which keeps the mail in its dev mailbox). */
function smtpUrl(config: HubConfig): string {
  return config.smtpUrl ?? `smtp://127.0.0.1:${config.embedded.smtpPort}`;
}

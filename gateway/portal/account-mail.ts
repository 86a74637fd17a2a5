import type { Db } from '../../db';
import { createMailer, type Mailer } from '../../mail/mailer';
import type { RenderedMail } from '../../mail/templates';
import { hubSecret, type HubConfig } from '../../platform/config';
import { logger } from '../../platform/logger';

/**
 * What account operations need besides the database: the one mailer (sent at once, in the request, under a
 * business key so a repeated request mails once) and the hub secret (invitation tokens, sealed TOTP secrets).
 */
export interface AccountDeps {
  db: Db;
  config: HubConfig;
  mailer: Mailer;
  secret: string;
}

export function accountDeps(deps: {
  db: Db;
  config: HubConfig;
  mailer?: Mailer;
  secret?: string;
}): AccountDeps {
  const { db, config } = deps;
  return {
    db,
    config,
    mailer: deps.mailer ?? (config.smtpUrl ? createMailer(db, config.smtpUrl, config.mailFrom) : noMailer),
    secret: deps.secret ?? hubSecret(config),
  };
}

const noMailer: Mailer = {
  send: () => Promise.reject(new Error('no SMTP server is configured (SMTP_URL)')),
  close: () => undefined,
};

/**
 * Sends one account e-mail. Returns false (and logs why) when the SMTP server refused it: the change it reports is
 * made already, and the caller tells the person the mail did not go out instead of failing the change.
 */
export async function sendAccountMail(
  mailer: Mailer,
  mail: { idempotencyKey: string; kind: string; to: string; rendered: RenderedMail },
): Promise<boolean> {
  try {
    await mailer.send({
      idempotencyKey: mail.idempotencyKey,
      kind: mail.kind,
      to: mail.to,
      ...mail.rendered,
    });
    return true;
  } catch (error) {
    logger.warn({ err: error, kind: mail.kind, to: mail.to }, 'an account e-mail could not be sent');
    return false;
  }
}

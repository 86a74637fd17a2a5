import crypto from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Db } from '../db';
import { mails } from '../platform/metrics';

export interface OutgoingMail {
  /** A business key ("notify:<invoiceId>", "receipt:<invoiceId>"): one key, at most one delivery. */
  idempotencyKey: string;
  kind: string;
  invoiceId?: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Files sent with the message (the signed view receipt). */
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<{ messageId: string; alreadySent: boolean }>;
  close(): void;
}

/**
 * The one way the hub sends e-mail. Every message is claimed in `sent_mail` before it goes out and marked sent after,
 * so a retried activity skips what was delivered. A crash between the SMTP hand-over and the mark re-sends with the
 * same Message-ID, which receiving systems treat as the same message; a database briefly down at the mark is waited for.
 */
export function createMailer(db: Db, smtpUrl: string, from: string): Mailer {
  // Pooled: a notification burst reuses a few SMTP sessions instead of a connection and greeting per message (the URL
  // may say otherwise, ?pool=false).
  const transport: Transporter = nodemailer.createTransport(
    { url: smtpUrl, pool: true, maxConnections: 4 },
    { from },
  );
  return {
    async send(mail) {
      const messageId = `<${crypto.createHash('sha256').update(mail.idempotencyKey).digest('hex').slice(0, 32)}@einvoice-hub>`;
      // Recorded as 'sending' once; a repeat finds the first record's state.
      const { rows } = await db.query<{ state: string }>(
        `with recorded as (
           insert into sent_mail (idempotency_key, invoice_id, recipient, kind, message_id, state)
           values ($1, $2, $3, $4, $5, 'sending') on conflict (idempotency_key) do nothing
           returning state)
         select state from recorded
         union all
         select state from sent_mail where idempotency_key = $1 and not exists (select 1 from recorded)`,
        [mail.idempotencyKey, mail.invoiceId ?? null, mail.to, mail.kind, messageId],
      );
      if (rows[0]?.state === 'sent') {
        mails.inc({ kind: mail.kind, outcome: 'repeat' });
        return { messageId, alreadySent: true };
      }
      try {
        await transport.sendMail({
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          attachments: mail.attachments,
          messageId,
        });
      } catch (error) {
        mails.inc({ kind: mail.kind, outcome: 'failed' });
        // Kept for the operator console's failed mails (db/operations.ts); the activity retries the mail.
        await db
          .query(`update sent_mail set last_error = $2, failed_at = now() where idempotency_key = $1`, [
            mail.idempotencyKey,
            String(error instanceof Error ? error.message : error).slice(0, 500),
          ])
          .catch(() => undefined);
        throw error;
      }
      mails.inc({ kind: mail.kind, outcome: 'sent' });
      await markSent(db, mail.idempotencyKey);
      return { messageId, alreadySent: false };
    },
    close: () => transport.close(),
  };
}

/** How long a handed-over message's mark is retried: within the mailing activities' 30 s start-to-close timeout. */
const MARK_SENT_FOR_MS = 20_000;

/**
 * The message is with the SMTP server: a database that is down for a moment (PostgreSQL restarting) must not lose
 * that, or the activity fails and its retry sends the message a second time. The mark is retried until it is written
 * or MARK_SENT_FOR_MS have passed.
 */
async function markSent(db: Db, idempotencyKey: string): Promise<void> {
  const deadline = Date.now() + MARK_SENT_FOR_MS;
  for (let wait = 250; ; wait = Math.min(wait * 2, 2000)) {
    try {
      await db.query(
        `update sent_mail set state = 'sent', sent_at = now(), last_error = null where idempotency_key = $1`,
        [idempotencyKey],
      );
      return;
    } catch (error) {
      if (Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

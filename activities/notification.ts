import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { getIssuer } from '../db/issuers';
import { isReleasedPlaceholder } from '../db/account-addresses';
import { ensureInvitation, invoiceRecipientAccount } from '../db/users';
import { bankDetailsChange } from '../db/payments/bank-details';
import { bankDetailsChangedMail } from '../mail/payment-templates';
import { newInvoiceMail, rejectionMail, reminderMail, viewReceiptMail } from '../mail/templates';
import { undeliverableMail } from '../mail/operations-templates';
import {
  invalidAddress,
  permanentSmtpRefusal,
  UNDELIVERABLE_FAILURE,
  type Undeliverable,
} from '../domain/operations/undeliverable';
import type { OutgoingMail } from '../mail/mailer';
import type { ActivityDeps } from './index';
import { loadInvoice } from './load';
import { ensureViewReceipt } from './view-receipts';

export function notificationActivities({ db, mailer, config, secret }: ActivityDeps) {
  /** Mails the recipient; a failure retrying cannot fix stops the retries (domain/operations/undeliverable.ts). */
  async function mailRecipient(mail: OutgoingMail): Promise<void> {
    const refused = (found: Undeliverable) =>
      ApplicationFailure.create({
        message: found.reason,
        type: UNDELIVERABLE_FAILURE,
        nonRetryable: true,
        details: [found],
      });
    const invalid = invalidAddress(mail.to);
    if (invalid) throw refused(invalid);
    try {
      await mailer.send(mail);
    } catch (error) {
      const permanent = permanentSmtpRefusal(error, mail.to);
      if (permanent) throw refused(permanent);
      throw error;
    }
  }

  async function issuerOf(invoiceId: string) {
    const record = await loadInvoice(db, invoiceId);
    const issuer = await getIssuer(db, record.issuerId);
    if (!issuer)
      throw ApplicationFailure.nonRetryable(`issuer ${record.issuerId} does not exist`, 'IssuerMissing');
    return { record, issuer };
  }

  /**
   * The invoice's recipient account (the one it was bound to at delivery, wherever its login address is now) and the
   * link to mail them: straight to the invoice once they have registered, otherwise their invitation (the same one
   * for every invoice until they register). `email` is undefined when an operator released the account's address
   * and gave it none: nothing can be mailed, and the invoice waits in the account.
   */
  async function recipientOf(invoiceId: string) {
    const record = await loadInvoice(db, invoiceId);
    if (!record.recipientEmail) {
      throw ApplicationFailure.nonRetryable(`invoice ${invoiceId} has no recipient e-mail`, 'NoRecipient');
    }
    const recipient = await invoiceRecipientAccount(db, invoiceId, record.recipientEmail);
    const email = isReleasedPlaceholder(recipient.email) ? undefined : recipient.email;
    const invitation = !recipient.registered;
    const link = invitation
      ? `${config.publicUrl}/invite/${await ensureInvitation(db, secret, recipient, invoiceId, config.invitationTtlDays)}?invoice=${invoiceId}`
      : `${config.publicUrl}/invoices/${invoiceId}`;
    return { record, email, invitation, link };
  }

  return {
    /** E-mails the recipient a link; the first invoice to an address that has not registered carries the invitation. */
    async notifyRecipient(invoiceId: string): Promise<{ recipient: string; invitation: boolean }> {
      const { record, email, invitation, link } = await recipientOf(invoiceId);
      if (!email) return { recipient: record.recipientEmail ?? '', invitation: false };
      const newAccount = await bankDetailsChange(db, invoiceId);
      await mailRecipient({
        idempotencyKey: `notify:${invoiceId}`,
        kind: invitation ? 'invitation' : 'new-invoice',
        invoiceId,
        to: email,
        ...newInvoiceMail(record.summary, link, invitation, newAccount),
      });
      if (newAccount) {
        // The issuer hears of it too: if it did not change its account, its invoicing system may be compromised.
        const { issuer } = await issuerOf(invoiceId);
        await mailer.send({
          idempotencyKey: `bank-details:${invoiceId}:issuer`,
          kind: 'bank-details-changed',
          invoiceId,
          to: issuer.email,
          ...bankDetailsChangedMail({
            summary: record.summary,
            iban: newAccount.ibans.join(', '),
            earlier: newAccount.earlier,
            link: `${config.publicUrl}/issuers/${issuer.id}/invoices/${invoiceId}`,
          }),
        });
      }
      return { recipient: email, invitation };
    },

    async remindRecipient(invoiceId: string, reminder: number): Promise<void> {
      const { record, email, link } = await recipientOf(invoiceId);
      if (!email) return;
      await mailer.send({
        idempotencyKey: `remind:${invoiceId}:${reminder}`,
        kind: 'reminder',
        invoiceId,
        to: email,
        ...reminderMail(record.summary, link, reminder),
      });
    },

    /** The return receipt: tells the issuer when the recipient first viewed the invoice, with the signed receipt attached. */
    async sendViewReceipt(invoiceId: string, viewedAt: string): Promise<void> {
      const { record, issuer } = await issuerOf(invoiceId);
      const receipt = await ensureViewReceipt(db, config, record, issuer, Context.current().info.attempt);
      await mailer.send({
        idempotencyKey: `receipt:${invoiceId}`,
        kind: 'view-receipt',
        invoiceId,
        to: issuer.email,
        ...viewReceiptMail(record.summary, record.recipientEmail ?? 'the recipient', viewedAt),
        attachments: receipt
          ? [
              {
                filename: `receipt-${record.number}.xml`,
                content: receipt.document,
                contentType: 'application/xml',
              },
            ]
          : [],
      });
    },

    async notifyIssuerOfRejection(invoiceId: string, reasons: string[]): Promise<void> {
      const { record, issuer } = await issuerOf(invoiceId);
      await mailer.send({
        idempotencyKey: `rejected:${invoiceId}`,
        kind: 'rejection',
        invoiceId,
        to: issuer.email,
        ...rejectionMail(record.number, reasons, `${config.publicUrl}/api/v1/invoices/${invoiceId}`),
      });
    },

    /** Tells the issuer its invoice could not be delivered, once per time it became undeliverable. */
    async notifyIssuerOfUndeliverable(invoiceId: string, reason: string, occurrence: number): Promise<void> {
      const { record, issuer } = await issuerOf(invoiceId);
      await mailer.send({
        idempotencyKey: `undeliverable:${invoiceId}:${occurrence}`,
        kind: 'undeliverable',
        invoiceId,
        to: issuer.email,
        ...undeliverableMail(
          record.summary,
          reason,
          `${config.publicUrl}/issuers/${issuer.id}/invoices/${invoiceId}`,
        ),
      });
    },
  };
}

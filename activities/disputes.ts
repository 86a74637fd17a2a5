import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  findCorrectedInvoice,
  getDisputeEntry,
  getDisputeThread,
  MissingUploadError,
  recordDisputeEntry,
  type NewDisputeEntry,
} from '../db/disputes';
import { getArchivedModel } from '../db/invoices';
import { recipientMailAddress } from '../db/account-addresses';
import { getIssuer } from '../db/issuers';
import { disputeEntryMail, disputeReminderMail } from '../mail/dispute-templates';
import { recordCreditNoteUpdate, type CreditNoteLink, type CreditNoteNotice } from '../workflows/messages';
import type { ActivityDeps } from './index';
import { loadInvoice } from './load';

/** Disputes' I/O for the invoice lifecycle (workflows/invoice-lifecycle/disputes.ts): the record, e-mails, links. */
export function disputeActivities({ db, mailer, config }: ActivityDeps) {
  const recipientLink = (invoiceId: string, disputeId: string) =>
    `${config.publicUrl}/invoices/${invoiceId}/disputes/${disputeId}`;
  const issuerLink = (issuerId: string, invoiceId: string, disputeId: string) =>
    `${config.publicUrl}/issuers/${issuerId}/invoices/${invoiceId}/disputes/${disputeId}`;

  /**
   * The recipient side of a dispute: the invoice's account at its login address now (mail follows the account), and
   * whoever opened the dispute, unless that was the address the invoice was delivered to (its owner may have changed).
   */
  async function recipientSideAddresses(dispute: {
    invoiceId: string;
    recipientEmail: string | null;
    openedBy: string;
  }) {
    const account = await recipientMailAddress(db, dispute.invoiceId);
    const opener =
      dispute.openedBy.toLowerCase() === dispute.recipientEmail?.toLowerCase() ? undefined : dispute.openedBy;
    return [...new Set([account, opener].filter((a): a is string => Boolean(a)))];
  }

  async function issuerOf(issuerId: string) {
    const issuer = await getIssuer(db, issuerId);
    if (!issuer) throw ApplicationFailure.nonRetryable(`issuer ${issuerId} does not exist`, 'IssuerMissing');
    return issuer;
  }

  return {
    /** Writes one thread entry and moves the uploads it carries into its attachments. */
    async recordDisputeEntry(entry: NewDisputeEntry): Promise<void> {
      try {
        await recordDisputeEntry(db, entry);
      } catch (failure) {
        if (!(failure instanceof MissingUploadError)) throw failure;
        throw ApplicationFailure.nonRetryable(failure.message, 'DisputeUploadMissing');
      }
    },

    /**
     * E-mails an entry to the other side: what the recipient writes goes to the issuer's address; what the issuer
     * writes or decides goes to the invoice's recipient address and, when a colleague opened the dispute, to them too.
     * One mail per entry and address (the idempotency key), however often this is retried.
     */
    async mailDisputeEntry(entryId: string): Promise<{ sentTo: string[] }> {
      const found = await getDisputeEntry(db, entryId);
      if (!found)
        throw ApplicationFailure.nonRetryable(`dispute entry ${entryId} does not exist`, 'EntryMissing');
      const { dispute, entry } = found;
      const facts = {
        invoiceNumber: dispute.invoiceNumber,
        category: dispute.category,
        author: entry.author.name,
        text: entry.text,
        attachments: entry.attachments.map((a) => a.fileName),
        creditNoteNumber: entry.creditNote?.number,
      };
      const toIssuer = entry.author.side === 'recipient';
      const addresses = toIssuer
        ? [(await issuerOf(dispute.issuerId)).email]
        : await recipientSideAddresses(dispute);
      const link = toIssuer
        ? issuerLink(dispute.issuerId, dispute.invoiceId, dispute.id)
        : recipientLink(dispute.invoiceId, dispute.id);
      for (const to of addresses) {
        await mailer.send({
          idempotencyKey: `dispute:${entry.id}:${to.toLowerCase()}`,
          kind: `dispute-${entry.kind}`,
          invoiceId: dispute.invoiceId,
          to,
          ...disputeEntryMail(entry.kind, { ...facts, link }),
        });
      }
      return { sentTo: addresses };
    },

    /** Reminds the issuer of a dispute waiting for its answer since `since`. */
    async remindIssuerOfDispute(
      invoiceId: string,
      disputeId: string,
      since: string,
      reminder: number,
    ): Promise<void> {
      const thread = await getDisputeThread(db, invoiceId, disputeId);
      if (!thread)
        throw ApplicationFailure.nonRetryable(`dispute ${disputeId} does not exist`, 'DisputeMissing');
      const { dispute } = thread;
      const issuer = await issuerOf(dispute.issuerId);
      await mailer.send({
        idempotencyKey: `dispute-reminder:${disputeId}:${since}:${reminder}`,
        kind: 'dispute-reminder',
        invoiceId,
        to: issuer.email,
        ...disputeReminderMail({
          invoiceNumber: dispute.invoiceNumber,
          category: dispute.category,
          since,
          reminder,
          link: issuerLink(dispute.issuerId, invoiceId, disputeId),
        }),
      });
    },

    /** The invoices a credit note corrects (BT-25), among the same issuer's; unknown numbers come back without ids. */
    async findCorrectedInvoices(
      creditNoteId: string,
    ): Promise<{ number: string; invoiceId?: string; workflowId?: string; issuerName: string }[]> {
      const record = await loadInvoice(db, creditNoteId);
      const issuer = await issuerOf(record.issuerId);
      const model = await getArchivedModel(db, creditNoteId);
      const numbers = [
        ...new Set((model?.precedingInvoices ?? []).map((p) => p.number.trim()).filter(Boolean)),
      ];
      const found = [];
      for (const number of numbers) {
        const invoice = await findCorrectedInvoice(db, record.issuerId, number, creditNoteId);
        found.push({
          number,
          invoiceId: invoice?.id,
          workflowId: invoice?.workflowId,
          issuerName: issuer.name,
        });
      }
      return found;
    },

    /**
     * Tells a corrected invoice's lifecycle about the credit note (an update, so the answer says whether a dispute
     * closed). The update id is the credit note's, so a retry is the same update. A lifecycle that has ended (paid,
     * cancelled) cannot take it: that is the answer, not a failure.
     */
    async tellInvoiceOfCreditNote(workflowId: string, notice: CreditNoteNotice): Promise<CreditNoteLink> {
      const { client } = Context.current();
      try {
        return await client.workflow.getHandle(workflowId).executeUpdate(recordCreditNoteUpdate, {
          args: [notice],
          updateId: `credit-note:${notice.creditNoteId}`,
        });
      } catch (failure) {
        if (failure instanceof WorkflowNotFoundError || isCompleted(failure)) {
          return { linked: false, reason: "the invoice's lifecycle has ended (paid or cancelled)" };
        }
        if (failure instanceof WorkflowUpdateFailedError) {
          return { linked: false, reason: failure.cause?.message ?? failure.message };
        }
        throw failure;
      }
    },
  };
}

function isCompleted(failure: unknown): boolean {
  return (
    failure instanceof Error && /already completed|workflow execution already finished/i.test(failure.message)
  );
}

import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { InvoiceActivities } from '../activities';
import { toCents } from '../domain/money';
import { isReopenedRun, registerPaymentHandlers } from './invoice-lifecycle/payments';
import {
  correctDisputedInvoices,
  registerDisputeHandlers,
  type LifecycleStage,
} from './invoice-lifecycle/disputes';
import { registerUndeliverableHandlers } from './invoice-lifecycle/undeliverable';
import {
  cancelInvoiceUpdate,
  recordViewSignal,
  statusQuery,
  type ChannelAnswerStage,
  type LifecycleInput,
  type LifecycleState,
  type LifecycleStatus,
} from './messages';
import { InvoiceNumber, InvoiceStatus, IssuerId, RecipientEmail } from './search-attributes';

/**
 * Timeline writes are one quick, idempotent row each: run as local activities, recorded in the workflow's own task,
 * which halves the round trips through the Temporal server per invoice.
 */
const timeline = proxyLocalActivities<Pick<InvoiceActivities, 'recordEvent'>>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500ms', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const work = proxyActivities<InvoiceActivities>({
  startToCloseTimeout: '30 seconds', // a worker that dies mid-activity is noticed after this long
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['InvoiceRejected'],
  },
});

/** Mailing both sides when an invoice is paid in full came after lifecycles that closed without it. */
const PAID_RECEIPTS = 'paid-receipts';
/** Verifying and archiving became one activity after lifecycles that ran them as two. */
const VERIFY_AND_ARCHIVE = 'verify-and-archive';
/** How long a run started for a reversal waits for it before closing again (the reversal is sent with the start). */
const REOPENED_RUN_WAIT = '1 minute';

/**
 * One invoice's life: received → verified → archived → notified → awaiting view → viewed,
 * open for disputes and payments until paid in full or cancelled. A failed verification ends in `rejected`;
 * a recipient that cannot be reached holds it as `undeliverable` until retried or cancelled (undeliverable.ts).
 * A credit note, once archived, tells the invoices it corrects (disputes.ts).
 */
export async function invoiceLifecycle(
  input: LifecycleInput,
  carried?: LifecycleState,
): Promise<LifecycleState> {
  const state: LifecycleState = carried ?? {
    invoiceId: input.invoiceId,
    number: input.number,
    status: 'received',
    remindersSent: 0,
    disputes: [],
    payments: [],
    amountPaid: '0.00',
    timeline: [],
  };
  let viewReceiptPending = false;

  const advance = async (status: LifecycleStatus, type: string, detail?: Record<string, unknown>) => {
    state.status = status;
    const event = { at: new Date().toISOString(), type, detail };
    state.timeline.push(event);
    upsertSearchAttributes({ [InvoiceStatus.name]: [status] });
    await timeline.recordEvent(input.invoiceId, {
      key: `${state.timeline.length}:${type}`,
      status,
      ...event,
    });
  };
  const note = async (type: string, detail?: Record<string, unknown>) => advance(state.status, type, detail);
  // Channels with an outbox (SFTP) get the result and the Invoice Responses as files, as they happen.
  const answerChannel = async (stage: ChannelAnswerStage) => {
    if (input.delivery?.answered) await work.answerChannel(input.invoiceId, stage);
  };

  setHandler(statusQuery, () => state);

  setHandler(recordViewSignal, (receipt) => {
    if (state.viewedAt) return; // only the first authenticated view is the receipt; the portal logs every view
    state.viewedAt = receipt.viewedAt;
    viewReceiptPending = true;
  });

  // Disputes: open, messages, decision, reopen, the credit note that closes one, reminders to the issuer.
  const stage: LifecycleStage = {
    input,
    state,
    advance,
    note,
    requireOpenForBusiness: () => requireOpenForBusiness(state),
    undisputedStatus: () => (state.viewedAt ? 'viewed' : 'awaiting view'),
  };
  const disputes = registerDisputeHandlers(stage);

  // Payments: statement lines, provider notifications and manual matches; a reversal may reopen a paid invoice.
  registerPaymentHandlers(stage);

  // The recipient cannot be reached (not an address, refused for good): held as undeliverable until retried.
  const delivery = registerUndeliverableHandlers(stage);

  setHandler(
    cancelInvoiceUpdate,
    async (request) => {
      await disputes.closeForCancellation(request.reason, request.requestedBy);
      await advance('cancelled', 'cancelled', { reason: request.reason, by: request.requestedBy });
      return state;
    },
    {
      validator: (request) => {
        requireOpenForBusiness(state);
        if (!request.reason?.trim()) throw new Error('a cancellation needs a reason');
      },
    },
  );

  if (!carried) {
    upsertSearchAttributes({ [InvoiceNumber.name]: [input.number], [IssuerId.name]: [input.issuerId] });
    await advance('received', 'received', { channel: input.delivery?.channel ?? 'api' });

    // One activity verifies and archives (activities/acceptance.ts); lifecycles started before it run two.
    const together = patched(VERIFY_AND_ARCHIVE)
      ? await work.verifyAndArchiveInvoice(input.invoiceId)
      : { verification: await work.verifyInvoice(input.invoiceId), archived: undefined };
    const { verification } = together;
    state.summary = verification.summary;
    state.outstanding = verification.summary?.total;
    if (!verification.accepted) {
      state.rejectionReasons = verification.reasons;
      await advance('rejected', 'rejected', {
        reasons: verification.reasons,
        indication: verification.indication,
      });
      await answerChannel('rejected');
      await work.notifyIssuerOfRejection(input.invoiceId, verification.reasons);
      return state;
    }
    if (verification.summary?.customer.email) {
      upsertSearchAttributes({ [RecipientEmail.name]: [verification.summary.customer.email.toLowerCase()] });
    }
    await advance('verified', 'verified', {
      indication: verification.indication,
      warnings: verification.warnings,
    });
    await answerChannel('verified');

    const archived = together.archived ?? (await work.archiveInvoice(input.invoiceId));
    await advance('archived', 'archived', { sha256: archived.sha256, retainUntil: archived.retainUntil });
    await correctDisputedInvoices(stage);

    const notified = await delivery.notifyRecipient();
    if (notified) {
      await advance('notified', 'recipient notified', {
        to: notified.recipient,
        invitation: notified.invitation,
      });
      if (!isSettled(state)) await advance('awaiting view', 'awaiting view');
    }
  }

  // A run started again for a reversal of a paid invoice: closed again unless the reversal reopens it.
  if (isReopenedRun(carried) && !(await condition(() => state.status !== 'paid', REOPENED_RUN_WAIT)))
    return state;

  // Reminders until the first view, unless the invoice is settled first.
  while (!state.viewedAt && state.remindersSent < input.timings.reminderDelays.length && !isSettled(state)) {
    const viewedOrSettled = await condition(
      () => viewReceiptPending || isSettled(state),
      input.timings.reminderDelays[state.remindersSent],
    );
    if (viewedOrSettled) break;
    state.remindersSent += 1;
    await work.remindRecipient(input.invoiceId, state.remindersSent);
    await note('reminder sent', { reminder: state.remindersSent });
  }

  // Open for disputes and payments until paid in full or cancelled; a dispute under way holds it open.
  const closes = () => isSettled(state) && !disputes.holdsInvoiceOpen();
  for (;;) {
    await condition(() => viewReceiptPending || closes() || workflowInfo().continueAsNewSuggested);
    if (viewReceiptPending) {
      viewReceiptPending = false;
      await work.sendViewReceipt(input.invoiceId, state.viewedAt as string);
      await advance(state.status === 'disputed' ? 'disputed' : 'viewed', 'viewed by recipient', {
        at: state.viewedAt,
      });
      await answerChannel('viewed');
      continue;
    }
    if (closes()) break;
    await condition(allHandlersFinished);
    await continueAsNew<typeof invoiceLifecycle>(input, state);
  }
  if (state.status !== 'cancelled') {
    await advance('paid', 'paid in full', { amountPaid: state.amountPaid });
    await answerChannel('paid');
    if (patched(PAID_RECEIPTS)) await work.mailPaymentReceipts(input.invoiceId, state.payments.length);
  }
  // Let the update that settled the invoice answer its caller, and the last dispute e-mails go, before it closes.
  await condition(() => allHandlersFinished() && disputes.idle());
  return state;
}

function isSettled(state: LifecycleState): boolean {
  if (state.status === 'cancelled') return true;
  return (
    state.summary !== undefined &&
    state.payments.length > 0 &&
    toCents(state.amountPaid) >= toCents(state.summary.total)
  );
}

function requireOpenForBusiness(state: LifecycleState): void {
  if (state.status === 'rejected' || state.status === 'cancelled' || state.status === 'paid') {
    throw new Error(`the invoice is ${state.status}`);
  }
  if (!state.summary) throw new Error('the invoice has not been verified yet');
}

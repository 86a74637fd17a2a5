import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db';
import { getInvoice, type InvoiceRecord } from '../db/invoices';
import {
  getPayment,
  markPaymentRecorded,
  markPaymentRefused,
  stalePendingPayments,
  type InvoicePayment,
} from '../db/payments/ledger';
import { unfinishedStatementImports } from '../db/payments/statement-imports';
import { toCents } from '../domain/money';
import type { HubConfig } from '../platform/config';
import { logger } from '../platform/logger';
import { recordPaymentUpdate, type LifecycleState, type PaymentRecord } from '../workflows/messages';
import { Channel as ChannelAttribute, InvoiceNumber, IssuerId } from '../workflows/search-attributes';
import { lifecycleInputOf } from './index';
import { startStatementImport } from './statements';

/**
 * The one way a payment the ledger holds reaches its invoice's lifecycle (statement import, provider notification,
 * manual match). The ledger row is written first, `pending`; this sends `recordPayment` under the row's key and marks
 * it `recorded`. Sending it again after a crash is harmless: the lifecycle refuses a key it already has, which counts
 * as done. A lifecycle that refuses the payment (the invoice was cancelled meanwhile) leaves it `refused` with why.
 */
export type PaymentOutcome = 'recorded' | 'already recorded' | 'refused';

export async function applyPayment(
  temporal: Client,
  config: HubConfig,
  db: Db,
  payment: InvoicePayment,
): Promise<{ outcome: PaymentOutcome; refusal?: string }> {
  // A clerk may have withdrawn it since it was read (an undo): only a payment still pending is sent.
  const current = await getPayment(db, payment.key);
  if (current?.state === 'withdrawn' || current?.state === 'refused') {
    return { outcome: 'refused', refusal: current.refusal ?? `payment ${payment.key} was withdrawn` };
  }
  const invoice = await getInvoice(db, payment.invoiceId);
  if (!invoice)
    throw new Error(`payment ${payment.key} names invoice ${payment.invoiceId}, which does not exist`);
  const update: PaymentRecord = {
    paymentId: payment.key,
    amount: payment.amount,
    currency: payment.currency,
    paidAt: payment.paidAt,
    source: payment.source,
    reason: payment.reason,
    reversalOf: payment.reversalOf,
  };
  try {
    await sendToLifecycle(temporal, config, invoice, update);
    await markPaymentRecorded(db, payment.key);
    return { outcome: 'recorded' };
  } catch (failure) {
    if (refusalType(failure) === 'PAYMENT_ALREADY_RECORDED') {
      await markPaymentRecorded(db, payment.key);
      return { outcome: 'already recorded' };
    }
    const refusal = refusalMessage(failure) ?? (isClosed(failure) ? closedReason(invoice) : undefined);
    if (refusal === undefined) throw failure; // the server or the worker is away: the caller retries
    await markPaymentRefused(db, payment.key, refusal);
    return { outcome: 'refused', refusal };
  }
}

/**
 * Sends the update to the running lifecycle. A reversal that finds it closed (the invoice was paid in full) starts
 * it again from its last state, with the reversal, in one request: update-with-start.
 */
async function sendToLifecycle(
  temporal: Client,
  config: HubConfig,
  invoice: InvoiceRecord,
  update: PaymentRecord,
): Promise<void> {
  const handle = temporal.workflow.getHandle(invoice.workflowId);
  try {
    await handle.executeUpdate(recordPaymentUpdate, { args: [update] });
    return;
  } catch (failure) {
    if (!(toCents(update.amount) < 0n && isClosed(failure))) throw failure;
  }
  const last = (await handle.result()) as LifecycleState;
  if (last.status !== 'paid')
    throw new Error(`invoice ${invoice.number} is ${last.status}: nothing to reverse`);
  await temporal.workflow.executeUpdateWithStart(recordPaymentUpdate, {
    args: [update],
    startWorkflowOperation: new WithStartWorkflowOperation('invoiceLifecycle', {
      workflowId: invoice.workflowId,
      taskQueue: config.taskQueue,
      args: [lifecycleInputOf(config, invoice), last],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      typedSearchAttributes: [
        { key: InvoiceNumber, value: invoice.number },
        { key: IssuerId, value: invoice.issuerId },
        { key: ChannelAttribute, value: invoice.channel },
      ],
    }),
  });
}

function refusalType(failure: unknown): string | undefined {
  if (!(failure instanceof WorkflowUpdateFailedError)) return undefined;
  return failure.cause instanceof ApplicationFailure ? (failure.cause.type ?? undefined) : undefined;
}

/** The lifecycle's validator said no: its sentence. */
function refusalMessage(failure: unknown): string | undefined {
  if (!(failure instanceof WorkflowUpdateFailedError)) return undefined;
  return failure.cause?.message ?? failure.message;
}

function isClosed(failure: unknown): boolean {
  return (
    failure instanceof WorkflowNotFoundError ||
    (failure instanceof Error && /already completed|already finished/i.test(failure.message))
  );
}

function closedReason(invoice: InvoiceRecord): string {
  return `invoice ${invoice.number} is ${invoice.status}: its lifecycle takes no more payments`;
}

/**
 * The recovery pass's share of payments: imports whose workflow a crash left unstarted are started (idempotent by
 * workflow id), and provider or manual payments left pending are recorded. Safe on several nodes at once.
 */
export async function resumePayments(
  deps: { db: Db; temporal: Client; config: HubConfig },
  olderThanSeconds: number,
): Promise<void> {
  for (const record of await unfinishedStatementImports(deps.db, olderThanSeconds)) {
    await startStatementImport(deps.temporal, deps.config, record);
  }
  for (const payment of await stalePendingPayments(deps.db, olderThanSeconds)) {
    try {
      await applyPayment(deps.temporal, deps.config, deps.db, payment);
    } catch (error) {
      logger.warn({ err: error, payment: payment.key }, 'a pending payment could not be recorded yet');
    }
  }
}

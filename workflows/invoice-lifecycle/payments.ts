import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { fromCents, isAmount, toCents } from '../../domain/money';
import { recordPaymentUpdate, type LifecycleState, type Payment, type PaymentRecord } from '../messages';
import type { LifecycleStage } from './disputes';

/**
 * The invoice lifecycle's payments. Money is recorded only through `recordPayment`, sent by what saw it arrive: the
 * statement import (a bank line), the provider's signed notification, a clerk's manual match. Each payment has the
 * business key of what made it, so the same money twice is refused by the validator and never enters history.
 *
 * A reversal is a negative payment naming the one it undoes; it may reach a paid invoice: the lifecycle that closed
 * is started again with its last state (gateway/payments/lifecycle-payments.ts) and goes back to waiting for payment.
 */
export function registerPaymentHandlers(stage: LifecycleStage): void {
  const { state } = stage;
  setHandler(
    recordPaymentUpdate,
    async (payment) => {
      const wasPaid = state.status === 'paid';
      state.payments.push(toPayment(payment));
      state.amountPaid = fromCents(toCents(state.amountPaid) + toCents(payment.amount));
      state.outstanding = state.summary
        ? fromCents(toCents(state.summary.total) - toCents(state.amountPaid))
        : undefined;
      const detail = {
        paymentId: payment.paymentId,
        amount: payment.amount,
        currency: payment.currency,
        source: payment.source ?? 'manual',
        reason: payment.reason,
        outstanding: state.outstanding,
      };
      if (payment.reversalOf) {
        const reopened = wasPaid && toCents(state.outstanding ?? '0') > 0n;
        if (reopened)
          await stage.advance(stage.undisputedStatus(), 'payment reversed', { ...detail, reopened: true });
        else await stage.note('payment reversed', { ...detail, reversalOf: payment.reversalOf });
      } else {
        await stage.note('payment recorded', detail);
      }
      return state;
    },
    { validator: (payment) => refusePayment(state, payment, stage.requireOpenForBusiness) },
  );
}

/** A reopened run (a reversal reached a paid invoice) waits for it; any other run was never paid. */
export function isReopenedRun(carried: LifecycleState | undefined): boolean {
  return carried?.status === 'paid';
}

function toPayment(payment: PaymentRecord): Payment {
  const { paymentId, amount, currency, paidAt, reference, source, reason, reversalOf } = payment;
  return { paymentId, amount, currency, paidAt, reference, source, reason, reversalOf };
}

/**
 * Throws the reason a payment cannot be recorded: a duplicate (PAYMENT_ALREADY_RECORDED, which callers count as
 * done), a bad amount or currency, an invoice not open for payment, a reversal of nothing.
 */
function refusePayment(state: LifecycleState, payment: PaymentRecord, requireOpen: () => void): void {
  if (state.payments.some((p) => p.paymentId === payment.paymentId)) {
    throw ApplicationFailure.nonRetryable(
      `payment ${payment.paymentId} is already recorded`,
      'PAYMENT_ALREADY_RECORDED',
    );
  }
  if (!isAmount(payment.amount) || toCents(payment.amount) === 0n) {
    throw new Error(`payment amount must be a non-zero decimal, got "${payment.amount}"`);
  }
  if (state.summary && payment.currency !== state.summary.currency) {
    throw new Error(
      `payment currency ${payment.currency} differs from the invoice currency ${state.summary.currency}`,
    );
  }
  const cents = toCents(payment.amount);
  if (cents > 0n) {
    if (payment.reversalOf) throw new Error('a reversal is a negative amount');
    requireOpen();
    return;
  }
  if (!payment.reversalOf) throw new Error(`payment amount must be positive, got "${payment.amount}"`);
  if (state.status === 'rejected' || state.status === 'cancelled')
    throw new Error(`the invoice is ${state.status}`);
  const reversed = state.payments.find((p) => p.paymentId === payment.reversalOf);
  if (!reversed) throw new Error(`payment ${payment.reversalOf} to reverse is not recorded on this invoice`);
  if (state.payments.some((p) => p.reversalOf === payment.reversalOf)) {
    throw new Error(`payment ${payment.reversalOf} is already reversed`);
  }
  if (-cents > toCents(reversed.amount)) {
    throw new Error(`a reversal of ${payment.amount} exceeds the payment ${reversed.amount} it reverses`);
  }
}

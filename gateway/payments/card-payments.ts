/**
 * Card and e-wallet payments of invoices through a provider's hosted page: the order the portal starts, and what the
 * provider's signed notification makes of it. The browser's return to the portal proves nothing and changes nothing
 * here; only a notification whose signature the adapter verified on the raw body reaches `recordProviderResult`.
 */
import type { Client } from '@temporalio/client';
import { createEpayProvider } from '../../connectors/payments/epay';
import {
  PaymentOrderError,
  type Acknowledgement,
  type PaymentHandOff,
  type PaymentProvider,
  type PaymentResult,
} from '../../connectors/payments/provider';
import { withTransaction, type Db } from '../../db';
import type { InvoiceRecord } from '../../db/invoices';
import { getPayment, insertPayment } from '../../db/payments/ledger';
import {
  createPaymentOrder,
  decideOrder,
  lockOrderByNumber,
  noteOrderRefusal,
  type PaymentOrderRecord,
} from '../../db/payments/orders';
import { toCents } from '../../domain/money';
import { applyPayment } from '../../intake/payments';
import type { HubConfig } from '../../platform/config';
import { logger } from '../../platform/logger';
import { HttpError } from '../errors';
import type { CardOrderView } from './pay-contract';

export interface CardPaymentDeps {
  db: Db;
  temporal: Client;
  config: HubConfig;
}

/** Statuses in which an invoice takes no more money. */
export const CLOSED_STATUSES = ['paid', 'cancelled', 'rejected'];

/** The one currency the portal takes by card and shows an EPC QR code for (Bulgaria's since 2026-01-01). */
export const PAY_CURRENCY = 'EUR';

/**
 * An order's notification that was verified but not recorded because the provider states another paid amount (ePay's
 * AMOUNT, given only for a card discount). Kept in `payment_orders.answer` for the issuer's clerk.
 */
export const AMOUNT_DIFFERS = 'amount differs';

/** The provider the portal hands card payers to, or none when no merchant is configured. */
export function cardProviderOf(config: HubConfig): PaymentProvider | undefined {
  const epay = config.payments.epay;
  return epay ? createEpayProvider({ min: epay.min, secret: epay.secret, pageUrl: epay.pageUrl }) : undefined;
}

/** The key under which a provider's payment is recorded in the ledger and in the invoice's lifecycle. */
export function providerPaymentKey(provider: string, orderNumber: string): string {
  return `provider:${provider}:${orderNumber}`;
}

export function orderView(order: PaymentOrderRecord): CardOrderView {
  return {
    orderNumber: order.orderNumber,
    provider: order.provider,
    amount: order.amount,
    currency: order.currency,
    state: order.state,
    startedAt: order.startedAt,
    notifiedAt: order.notifiedAt ?? null,
    needsReview: order.state === 'started' && Boolean(order.answer?.startsWith(AMOUNT_DIFFERS)),
  };
}

/**
 * Makes an order for the open balance and the provider's hand-off for the payer's browser. The caller has checked
 * that the invoice is the person's and open; a provider that refuses the order leaves it `expired` with why.
 */
export async function startCardPayment(
  deps: CardPaymentDeps,
  provider: PaymentProvider,
  invoice: InvoiceRecord,
  payment: { amount: string; currency: string; startedBy: string },
): Promise<{ order: PaymentOrderRecord; handOff: PaymentHandOff }> {
  const order = await createPaymentOrder(deps.db, {
    provider: provider.name,
    invoiceId: invoice.id,
    issuerId: invoice.issuerId,
    amount: payment.amount,
    currency: payment.currency,
    startedBy: payment.startedBy,
  });
  const returnPage = `${deps.config.publicUrl}/invoices/${invoice.id}/payment/return?order=${order.orderNumber}`;
  try {
    const handOff = await provider.startPayment({
      orderId: order.orderNumber,
      invoiceId: invoice.id,
      amount: order.amount,
      currency: order.currency,
      description: `Фактура № ${invoice.number}`,
      returnUrl: returnPage,
      cancelUrl: `${returnPage}&cancelled=1`,
    });
    return { order, handOff };
  } catch (error) {
    if (!(error instanceof PaymentOrderError)) throw error;
    await withTransaction(deps.db, (client) =>
      decideOrder(client, order.id, { state: 'expired', answer: `not handed over: ${error.message}` }),
    );
    throw new HttpError(422, 'CARD_REFUSED', `the provider cannot take this order: ${error.message}`);
  }
}

type Recorded = { acknowledgement: Acknowledgement; paymentKey?: string };

/**
 * The acknowledgement callback of a provider's verified notification, one result at a time. In one transaction, with
 * the order locked: PAID marks a `started` order paid and writes its ledger payment (the order's amount, under
 * `provider:<provider>:<order>`); DENIED and EXPIRED mark a `started` order. An order already decided changes nothing
 * and is acknowledged as the first time, so a repeated notification gets the same answer and records nothing twice.
 * A PAID that states another amount than the order's records nothing: it is marked on the order (`amount differs`)
 * and logged for a clerk, and acknowledged, because sending it again would not change the amount.
 * The payment then goes to the invoice's lifecycle; if that fails now, the recovery pass records it later.
 */
export async function recordProviderResult(
  deps: CardPaymentDeps,
  provider: string,
  result: PaymentResult,
): Promise<Acknowledgement> {
  const recorded = await withTransaction(deps.db, async (client): Promise<Recorded> => {
    const order = await lockOrderByNumber(client, provider, result.orderId);
    if (!order) return { acknowledgement: 'unknown-order' };
    const key = providerPaymentKey(provider, order.orderNumber);
    if (result.outcome !== 'paid') {
      if (order.state === 'started') {
        await decideOrder(client, order.id, {
          state: result.outcome,
          providerReference: result.providerReference,
          answer: result.outcome,
        });
      }
      return { acknowledgement: 'recorded' };
    }
    if (order.state === 'paid') return { acknowledgement: 'recorded', paymentKey: key };
    if (result.amount !== undefined && toCents(result.amount) !== toCents(order.amount)) {
      const answer = `${AMOUNT_DIFFERS}: the provider says ${result.amount} ${order.currency} was paid, the order is for ${order.amount}`;
      logger.warn(
        {
          provider,
          order: order.orderNumber,
          invoiceId: order.invoiceId,
          notified: result.amount,
          ordered: order.amount,
        },
        'a paid notification states another amount than its order: nothing recorded, kept on the order for review',
      );
      await noteOrderRefusal(client, order.id, { providerReference: result.providerReference, answer });
      return { acknowledgement: 'recorded' };
    }
    // A PAID after DENIED or EXPIRED still means the money moved: the provider's last word is taken.
    await decideOrder(client, order.id, {
      state: 'paid',
      providerReference: result.providerReference,
      answer: 'paid',
    });
    await insertPayment(client, order.issuerId, undefined, {
      key,
      invoiceId: order.invoiceId,
      source: 'provider',
      amount: order.amount,
      currency: order.currency,
      paidAt: result.paidAt ?? new Date().toISOString(),
      reason: `card payment through ${provider === 'epay' ? 'ePay.bg' : provider}, order ${order.orderNumber}${
        result.providerReference ? ` (${result.providerReference})` : ''
      }`,
      orderId: order.id,
    });
    return { acknowledgement: 'recorded', paymentKey: key };
  });
  if (recorded.paymentKey) await recordInLifecycle(deps, recorded.paymentKey);
  return recorded.acknowledgement;
}

/** The ledger row is written: telling the lifecycle now is a courtesy to the payer; the recovery pass retries it. */
async function recordInLifecycle(deps: CardPaymentDeps, key: string): Promise<void> {
  const payment = await getPayment(deps.db, key);
  if (!payment || payment.state !== 'pending') return;
  try {
    const outcome = await applyPayment(deps.temporal, deps.config, deps.db, payment);
    if (outcome.outcome === 'refused') {
      logger.warn(
        { payment: key, refusal: outcome.refusal },
        'the lifecycle refused a card payment; kept for review',
      );
    }
  } catch (error) {
    logger.warn(
      { err: error, payment: key },
      'a card payment is in the ledger; the lifecycle is told on the next pass',
    );
  }
}

import crypto from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Db } from '../index';

/**
 * Card and e-wallet orders handed to a provider's hosted page (`payment_orders`). The order number is what the
 * provider knows (ePay's INVOICE); a notification finds its order by it, locks it, and changes it once: a repeated
 * notification finds the order already decided and changes nothing.
 */
export type OrderState = 'started' | 'paid' | 'denied' | 'expired';

export interface PaymentOrderRecord {
  id: string;
  /** The number the provider knows, in decimal (a bigint in the database). */
  orderNumber: string;
  provider: string;
  invoiceId: string;
  issuerId: string;
  amount: string;
  currency: string;
  state: OrderState;
  startedBy?: string;
  startedAt: string;
  notifiedAt?: string;
  providerReference?: string;
  /** What the hub made of the provider's notification, in words: "paid", or why nothing was recorded. */
  answer?: string;
}

interface OrderRow {
  id: string;
  order_number: string;
  provider: string;
  invoice_id: string;
  issuer_id: string;
  amount: string;
  currency: string;
  state: OrderState;
  started_by: string | null;
  started_at: Date;
  notified_at: Date | null;
  provider_reference: string | null;
  answer: string | null;
}

const COLUMNS =
  'id, order_number::text as order_number, provider, invoice_id, issuer_id, amount, currency, state, started_by, started_at, notified_at, provider_reference, answer';

const toOrder = (row: OrderRow): PaymentOrderRecord => ({
  id: row.id,
  orderNumber: row.order_number,
  provider: row.provider,
  invoiceId: row.invoice_id,
  issuerId: row.issuer_id,
  amount: row.amount,
  currency: row.currency,
  state: row.state,
  startedBy: row.started_by ?? undefined,
  startedAt: row.started_at.toISOString(),
  notifiedAt: row.notified_at?.toISOString(),
  providerReference: row.provider_reference ?? undefined,
  answer: row.answer ?? undefined,
});

export interface NewPaymentOrder {
  provider: string;
  invoiceId: string;
  issuerId: string;
  amount: string;
  currency: string;
  startedBy: string;
}

/** A new order in state `started`, with the next order number of the sequence (never reused). */
export async function createPaymentOrder(
  db: Db | PoolClient,
  order: NewPaymentOrder,
): Promise<PaymentOrderRecord> {
  const { rows } = await db.query<OrderRow>(
    `insert into payment_orders (id, provider, invoice_id, issuer_id, amount, currency, started_by)
     values ($1, $2, $3, $4, $5, $6, $7) returning ${COLUMNS}`,
    [
      crypto.randomUUID(),
      order.provider,
      order.invoiceId,
      order.issuerId,
      order.amount,
      order.currency,
      order.startedBy,
    ],
  );
  return toOrder(rows[0]);
}

/** The order a provider's notification names, locked for the rest of the transaction (`for update`). */
export async function lockOrderByNumber(
  client: PoolClient,
  provider: string,
  orderNumber: string,
): Promise<PaymentOrderRecord | undefined> {
  if (!/^[1-9]\d{0,17}$/.test(orderNumber)) return undefined;
  const { rows } = await client.query<OrderRow>(
    `select ${COLUMNS} from payment_orders where provider = $1 and order_number = $2::bigint for update`,
    [provider, orderNumber],
  );
  return rows[0] && toOrder(rows[0]);
}

export async function getOrderByNumber(
  db: Db | PoolClient,
  orderNumber: string,
): Promise<PaymentOrderRecord | undefined> {
  if (!/^[1-9]\d{0,17}$/.test(orderNumber)) return undefined;
  const { rows } = await db.query<OrderRow>(
    `select ${COLUMNS} from payment_orders where order_number = $1::bigint`,
    [orderNumber],
  );
  return rows[0] && toOrder(rows[0]);
}

/** The invoice's orders, newest first. */
export async function ordersOfInvoice(db: Db | PoolClient, invoiceId: string): Promise<PaymentOrderRecord[]> {
  const { rows } = await db.query<OrderRow>(
    `select ${COLUMNS} from payment_orders where invoice_id = $1 order by started_at desc, order_number desc limit 50`,
    [invoiceId],
  );
  return rows.map(toOrder);
}

/** Records the provider's outcome on a `started` order; an order already decided is left as it is. */
export async function decideOrder(
  client: PoolClient,
  orderId: string,
  outcome: { state: Exclude<OrderState, 'started'>; providerReference?: string; answer: string },
): Promise<void> {
  await client.query(
    `update payment_orders set state = $2, notified_at = now(), provider_reference = $3, answer = $4
      where id = $1 and state <> 'paid'`,
    [orderId, outcome.state, outcome.providerReference ?? null, outcome.answer],
  );
}

/**
 * Marks on a `started` order a notification that was verified but not recorded (a paid amount other than the
 * order's): the order stays `started`, the answer says why, for a clerk.
 */
export async function noteOrderRefusal(
  client: PoolClient,
  orderId: string,
  note: { providerReference?: string; answer: string },
): Promise<void> {
  await client.query(
    `update payment_orders set notified_at = now(), provider_reference = coalesce($2, provider_reference), answer = $3
      where id = $1 and state = 'started'`,
    [orderId, note.providerReference ?? null, note.answer],
  );
}

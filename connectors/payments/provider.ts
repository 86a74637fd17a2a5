/**
 * What the hub needs from a card or e-wallet payment provider (ePay.bg, later BORICA or others), whatever its
 * protocol. The payer only ever types card data on the provider's own page (PCI SAQ A): the hub hands the browser
 * over, and learns the result from the provider's signed server-to-server notification, never from the browser's
 * return, which proves nothing.
 */

/** One order handed to a provider: (part of) one invoice, to be paid once. */
export interface PaymentOrder {
  /**
   * The hub's id of this order, unique for the provider and never reused: the provider's notifications name it, and
   * recording a result is idempotent through it. Some providers take digits only (ePay): the hub allocates a numeric
   * order number and uses its decimal form here, for every provider.
   */
  orderId: string;
  invoiceId: string;
  /** Exact decimal string, e.g. "123.40". */
  amount: string;
  currency: string;
  /** What the payer sees on the provider's page, e.g. "Фактура 0000001234". */
  description: string;
  /** Where the browser goes after the payer confirmed (which is no proof of payment). */
  returnUrl: string;
  /** Where the browser goes when the payer gave up. */
  cancelUrl: string;
  /** When the order stops being payable; the provider's default validity when absent. */
  expiresAt?: Date;
}

/** How the payer's browser reaches the provider's hosted page. */
export type PaymentHandOff =
  | { kind: 'redirect'; url: string }
  /** An auto-submitted (or one-button) form the browser POSTs to the provider. */
  | { kind: 'form'; action: string; method: 'POST'; fields: Record<string, string> };

export type PaymentOutcome = 'paid' | 'denied' | 'expired';

/** One order's result, from a notification whose signature was verified. */
export interface PaymentResult {
  orderId: string;
  outcome: PaymentOutcome;
  /** When it was paid, ISO 8601 with the offset of the provider's clock. */
  paidAt?: string;
  /** The provider's own reference of the payment, for the clerk and for the provider's settlement statement. */
  providerReference?: string;
  /**
   * The amount the provider says was paid, when its notification carries one; otherwise it is the order's amount.
   * Comparing it (and the order) with what the hub registered is the caller's job.
   */
  amount?: string;
}

/**
 * What the hub made of one result; the provider is answered from it.
 * - `recorded`: recorded now or before (a repeated notification is `recorded` again, so it gets the same answer);
 *   a result kept for a clerk's review (an amount that differs) is recorded too.
 * - `unknown-order`: the hub has no such order; the provider stops sending it.
 * - `failed`: could not be recorded now; the provider should send it again.
 */
export type Acknowledgement = 'recorded' | 'unknown-order' | 'failed';

/** Records one verified result, idempotently by `orderId`. A throw counts as `failed`. */
export type AcknowledgeResult = (result: PaymentResult) => Promise<Acknowledgement>;

/** A notification as it arrived: the body exactly as received (signatures are over those bytes). */
export interface ProviderNotification {
  body: Buffer | string;
  contentType?: string;
}

/** The HTTP response to give the provider, and what was verified. */
export interface NotificationAnswer {
  httpStatus: number;
  contentType: string;
  body: string;
  /** Each verified result with what the hub made of it; empty when the notification was refused. */
  results: (PaymentResult & { acknowledgement: Acknowledgement })[];
  /** Set when the whole notification was refused; nothing in it was acknowledged. */
  refused?: { code: 'BAD_SIGNATURE' | 'MALFORMED'; reason: string };
  /** Lines or results that could not be used (for the log), e.g. an unreadable line or a failed acknowledgement. */
  problems: string[];
}

export interface PaymentProvider {
  /** The provider's name as stored with its orders, e.g. "epay". */
  readonly name: string;
  /** Where to send the payer's browser for this order. Refuses an order the provider cannot take. */
  startPayment(order: PaymentOrder): Promise<PaymentHandOff>;
  /**
   * Verifies the signature on the raw notification before reading anything in it, then acknowledges each result
   * through `acknowledge` (in the notification's order) and builds the provider's answer from the acknowledgements.
   * A notification with a bad signature is refused and `acknowledge` is never called.
   */
  handleNotification(
    notification: ProviderNotification,
    acknowledge: AcknowledgeResult,
  ): Promise<NotificationAnswer>;
}

export type PaymentOrderErrorCode =
  'BAD_ORDER_ID' | 'BAD_AMOUNT' | 'UNSUPPORTED_CURRENCY' | 'ALREADY_EXPIRED';

/** An order a provider cannot take: a sentence for the log or the clerk, and a stable code. */
export class PaymentOrderError extends Error {
  constructor(
    readonly code: PaymentOrderErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentOrderError';
  }
}

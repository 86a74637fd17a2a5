/**
 * The shapes of "pay from the portal" (gateway/payments/portal-pay-routes.ts), shared with the portal
 * (portal/src/app/payments/). Types only: the portal compiles this file too.
 */

/** Where money on an invoice was seen: a bank statement line, a provider's signed notification, a clerk's match. */
export type PaymentSourceName = 'statement' | 'provider' | 'manual';

/** One payment of an invoice, as both sides read it. */
export interface PaymentLine {
  id: string;
  source: PaymentSourceName;
  amount: string;
  currency: string;
  paidAt: string;
  reason: string;
  reversalOf: string | null;
  /** pending: seen, being recorded; recorded: counted; refused: the lifecycle did not take it (see refusal). */
  state: 'pending' | 'recorded' | 'refused' | 'withdrawn';
  refusal: string | null;
}

/** An invoice's money: what it asks, what was paid, what is open, and the customer's credit with the issuer. */
export interface PaymentsSummary {
  currency: string;
  total: string;
  amountPaid: string;
  outstanding: string;
  payments: PaymentLine[];
  credits: { amount: string; currency: string; reason: string; at: string }[];
}

/** Why there is no EPC QR code (or no card payment) for this invoice now. */
export type PayUnavailableCode =
  | 'NO_ACCOUNT'
  | 'BAD_IBAN'
  | 'NOT_EUR'
  | 'NOTHING_OPEN'
  | 'NOT_PAYABLE'
  | 'CARD_NOT_CONFIGURED'
  | 'QR_NOT_POSSIBLE';

export interface PayUnavailable {
  code: PayUnavailableCode;
  /** A sentence for developers and logs; the portal words the code itself. */
  message: string;
}

/** The bank transfer the invoice asks for (BG-16/BG-17), with the reference to quote. */
export interface BankTransferDetails {
  /** The account holder (BT-85), else the payee (BT-59), else the seller (BT-27). */
  beneficiary: string | null;
  /** The IBAN in electronic form when valid; as written on the invoice when not. */
  iban: string;
  ibanValid: boolean;
  bic: string | null;
  bicValid: boolean;
  /**
   * What to write in the transfer: the invoice's own remittance information (BT-83), structured (an RF creditor
   * reference) or as text; or, when it names none, an RF reference made from the invoice number.
   */
  reference: { kind: 'rf' | 'text'; value: string; from: 'invoice' | 'number' };
}

/** A card or e-wallet order handed to the provider, and what its signed notification said. */
export interface CardOrderView {
  orderNumber: string;
  provider: string;
  amount: string;
  currency: string;
  /** started: handed over, no signed notification yet (whatever the browser saw); then the provider's outcome. */
  state: 'started' | 'paid' | 'denied' | 'expired';
  startedAt: string;
  notifiedAt: string | null;
  /** A verified notification the hub did not record (a different amount): kept for the issuer's clerk. */
  needsReview: boolean;
}

export interface PaymentClaimView {
  id: string;
  /** YYYY-MM-DD: when the recipient says it paid. */
  paidOn: string;
  note: string;
  createdAt: string;
  /** Who said so. */
  by: string;
}

/** GET /portal/invoices/{id}/payment: everything the recipient needs to pay this invoice. */
export interface InvoicePaymentPage extends PaymentsSummary {
  invoiceId: string;
  number: string;
  status: string;
  /** The lifecycle closed the invoice as paid in full. */
  paid: boolean;
  /** Null when the invoice names no account to pay to. */
  transfer: BankTransferDetails | null;
  /** The EPC QR code (EPC069-12) for the open balance, as an SVG document; null with the reason when there is none. */
  qr: { svg: string } | null;
  qrUnavailable: PayUnavailable | null;
  /** The invoice asks to be paid to an account no earlier invoice of this issuer to this address named. */
  bankDetailsChange: { ibans: string[]; earlier: string[] } | null;
  card: { available: boolean; provider: string | null; unavailable: PayUnavailable | null };
  cardOrders: CardOrderView[];
  claims: PaymentClaimView[];
}

/** How the payer's browser reaches the provider's hosted page (connectors/payments/provider.ts PaymentHandOff). */
export type CardHandOff =
  | { kind: 'redirect'; url: string }
  | { kind: 'form'; action: string; method: 'POST'; fields: Record<string, string> };

/** POST /portal/invoices/{id}/payment/card: the order made, and where to send the browser. */
export interface CardPaymentStart {
  order: CardOrderView;
  handOff: CardHandOff;
}

/** POST /portal/invoices/{id}/payment/claims. */
export interface PaymentClaimBody {
  paidOn: string;
  note: string;
}

/** Error codes of these routes, which the portal words. */
export type PayErrorCode =
  | 'INVOICE_NOT_PAYABLE'
  | 'NOTHING_TO_PAY'
  | 'CARD_NOT_EUR'
  | 'CARD_NOT_CONFIGURED'
  | 'CARD_REFUSED'
  | 'BAD_CLAIM_DATE'
  | 'BAD_CLAIM_NOTE'
  | 'TOO_MANY_CLAIMS';

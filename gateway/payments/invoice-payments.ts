import type { Db } from '../../db';
import type { InvoiceRecord } from '../../db/invoices';
import { creditsOfCustomer, paymentsOfInvoice, sumOf, type InvoicePayment } from '../../db/payments/ledger';
import { customerKeyOf } from '../../db/payments/match-context';
import { fromCents, toCents } from '../../domain/money';

/** One invoice's money as both sides and the issuer API see it: each payment with its source and reason, the balance. */
export interface InvoicePaymentsView {
  currency: string;
  total: string;
  amountPaid: string;
  outstanding: string;
  payments: {
    id: string;
    source: InvoicePayment['source'];
    amount: string;
    currency: string;
    paidAt: string;
    reason: string;
    reversalOf: string | null;
    /** pending: seen, being recorded; recorded: counted; refused: the lifecycle did not take it (with why). */
    state: InvoicePayment['state'];
    refusal: string | null;
  }[];
  /** The customer's credit with the issuer from overpayments (any of its invoices). */
  credits: { amount: string; currency: string; reason: string; at: string }[];
}

export async function invoicePaymentsView(db: Db, invoice: InvoiceRecord): Promise<InvoicePaymentsView> {
  const payments = await paymentsOfInvoice(db, invoice.id);
  const total = invoice.summary.total;
  const amountPaid = sumOf(payments);
  const outstanding = toCents(total) - toCents(amountPaid);
  const credits = await creditsOfCustomer(
    db,
    invoice.issuerId,
    customerKeyOf(invoice.summary.customer, invoice.recipientEmail ?? null),
  );
  return {
    currency: invoice.summary.currency,
    total,
    amountPaid,
    outstanding: fromCents(outstanding > 0n ? outstanding : 0n),
    payments: payments.map((p) => ({
      id: p.key,
      source: p.source,
      amount: p.amount,
      currency: p.currency,
      paidAt: p.paidAt,
      reason: p.reason,
      reversalOf: p.reversalOf ?? null,
      state: p.state,
      refusal: p.refusal ?? null,
    })),
    credits: credits.map((c) => ({
      amount: c.amount,
      currency: c.currency,
      reason: c.reason,
      at: c.createdAt,
    })),
  };
}

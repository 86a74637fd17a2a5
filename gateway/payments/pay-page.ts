import type { Db } from '../../db';
import type { InvoiceRecord } from '../../db/invoices';
import { bankDetailsChange } from '../../db/payments/bank-details';
import { claimsOfInvoice, type PaymentClaim } from '../../db/payments/claims';
import { ordersOfInvoice } from '../../db/payments/orders';
import type { Invoice } from '../../domain/invoice/model';
import { toCents } from '../../domain/money';
import { bankTransferOf, epcPayloadOf, type BankTransfer } from '../../domain/payments/bank-transfer';
import { EpcQrError, epcQrSvg } from '../../domain/payments/epc-qr';
import type { HubConfig } from '../../platform/config';
import { CLOSED_STATUSES, PAY_CURRENCY, cardProviderOf, orderView } from './card-payments';
import { invoicePaymentsView } from './invoice-payments';
import type { InvoicePaymentPage, PaymentClaimView, PayUnavailable } from './pay-contract';

/**
 * The recipient's pay panel for one invoice: the transfer to make (account, bank, beneficiary, reference) with its EPC
 * QR code for the open balance, the bank-detail change warning, whether card payment is offered, the payments so far
 * with their source, the card orders and the "I paid elsewhere" claims.
 */
export async function invoicePaymentPage(
  db: Db,
  config: HubConfig,
  invoice: InvoiceRecord,
  model: Invoice,
): Promise<InvoicePaymentPage> {
  const [money, change, orders, claims] = await Promise.all([
    invoicePaymentsView(db, invoice),
    bankDetailsChange(db, invoice.id),
    ordersOfInvoice(db, invoice.id),
    claimsOfInvoice(db, invoice.id),
  ]);
  const transfer = bankTransferOf(model);
  const open = openFor(invoice, money.outstanding);
  const qrUnavailable = open ?? transferProblem(transfer, money.currency);
  let qr: InvoicePaymentPage['qr'] = null;
  let qrProblem: PayUnavailable | null = qrUnavailable;
  if (!qrUnavailable && transfer) {
    try {
      const payload = epcPayloadOf(transfer, {
        amount: money.outstanding,
        currency: money.currency,
        invoiceNumber: invoice.number,
      });
      qr = { svg: await epcQrSvg(payload) };
    } catch (error) {
      if (!(error instanceof EpcQrError)) throw error;
      qrProblem = { code: 'QR_NOT_POSSIBLE', message: error.message };
    }
  }
  const provider = cardProviderOf(config);
  const cardUnavailable: PayUnavailable | null = !provider
    ? { code: 'CARD_NOT_CONFIGURED', message: 'no card payment provider is configured' }
    : (open ?? notEur(money.currency));
  return {
    invoiceId: invoice.id,
    number: invoice.number,
    status: invoice.status,
    paid: invoice.status === 'paid',
    ...money,
    transfer,
    qr,
    qrUnavailable: qrProblem,
    bankDetailsChange: change ?? null,
    card: {
      available: cardUnavailable === null,
      provider: provider?.name ?? null,
      unavailable: cardUnavailable,
    },
    cardOrders: orders.map(orderView),
    claims: claims.map(claimView),
  };
}

/** Why the invoice takes no payment now: it is closed, or nothing is open. */
export function openFor(invoice: InvoiceRecord, outstanding: string): PayUnavailable | null {
  if (CLOSED_STATUSES.includes(invoice.status)) {
    return { code: 'NOT_PAYABLE', message: `the invoice is ${invoice.status}` };
  }
  if (toCents(outstanding) <= 0n) return { code: 'NOTHING_OPEN', message: 'nothing is open on this invoice' };
  return null;
}

export function notEur(currency: string): PayUnavailable | null {
  return currency === PAY_CURRENCY
    ? null
    : {
        code: 'NOT_EUR',
        message: `the invoice is in ${currency}; the QR code and card payment are for euro only`,
      };
}

function transferProblem(transfer: BankTransfer | null, currency: string): PayUnavailable | null {
  if (!transfer) return { code: 'NO_ACCOUNT', message: 'the invoice names no account to pay to' };
  if (!transfer.ibanValid) return { code: 'BAD_IBAN', message: `"${transfer.iban}" is not a valid IBAN` };
  return notEur(currency);
}

export function claimView(claim: PaymentClaim): PaymentClaimView {
  return {
    id: claim.id,
    paidOn: claim.paidOn,
    note: claim.note,
    createdAt: claim.createdAt,
    by: claim.email,
  };
}

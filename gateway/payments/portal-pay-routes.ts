import { Router, type Request } from 'express';
import { getInvoice, type InvoiceRecord } from '../../db/invoices';
import { countClaimsBy, insertPaymentClaim } from '../../db/payments/claims';
import type { Principal } from '../../db/users';
import type { Invoice } from '../../domain/invoice/model';
import { HttpError } from '../errors';
import type { PortalDeps } from '../portal';
import { receivedInvoicesOf } from '../portal/authorization';
import { findRecipientInvoice } from '../portal/recipient-invoices';
import { requirePrincipal } from '../portal/sessions';
import { cardProviderOf, orderView, startCardPayment } from './card-payments';
import { invoicePaymentsView } from './invoice-payments';
import type { CardPaymentStart, PaymentClaimBody } from './pay-contract';
import { claimView, invoicePaymentPage, notEur, openFor } from './pay-page';

/** A few words of the recipient's are worth the issuer's attention; beyond that they are noise. */
export const MAX_CLAIMS_PER_PERSON = 5;
const NOTE_MAX = 1000;

/**
 * Paying an invoice from the recipient's portal (mounted in the portal router, so sessions, the Origin check and
 * no-store apply): the pay panel (bank transfer with its EPC QR code, card), starting a card payment, and "I paid
 * elsewhere". Who may call each: a person who sees the invoice as its recipient (its address's owner or a colleague
 * it is shared with), exactly as GET /invoices/{id} decides; anyone else gets 404, as for a missing invoice.
 */
export function createPortalPayRoutes(deps: PortalDeps): Router {
  const { db, config } = deps;
  const router = Router();

  const recipientInvoice = async (
    req: Request,
  ): Promise<{ principal: Principal; record: InvoiceRecord; model: Invoice }> => {
    const principal = await requirePrincipal(db, req);
    const found = await findRecipientInvoice(db, receivedInvoicesOf(principal), String(req.params.id));
    const record = found && (await getInvoice(db, found.id));
    if (!found || !record)
      throw new HttpError(404, 'INVOICE_NOT_FOUND', 'there is no such invoice among yours');
    return { principal, record, model: found.model };
  };

  // Who: the invoice's recipient side. What it needs to pay: transfer details, the QR code, card, payments so far.
  router.get('/invoices/:id/payment', async (req, res) => {
    const { record, model } = await recipientInvoice(req);
    res.json(await invoicePaymentPage(db, config, record, model));
  });

  // Who: the invoice's recipient side. An order for the open balance and the provider's hand-off.
  router.post('/invoices/:id/payment/card', async (req, res) => {
    const { principal, record } = await recipientInvoice(req);
    const provider = cardProviderOf(config);
    if (!provider) throw new HttpError(409, 'CARD_NOT_CONFIGURED', 'no card payment provider is configured');
    const money = await invoicePaymentsView(db, record);
    const closed = openFor(record, money.outstanding);
    if (closed?.code === 'NOT_PAYABLE') throw new HttpError(409, 'INVOICE_NOT_PAYABLE', closed.message);
    if (closed) throw new HttpError(409, 'NOTHING_TO_PAY', closed.message);
    const notEuro = notEur(money.currency);
    if (notEuro) throw new HttpError(422, 'CARD_NOT_EUR', notEuro.message);
    const { order, handOff } = await startCardPayment(deps, provider, record, {
      amount: money.outstanding,
      currency: money.currency,
      startedBy: principal.userId,
    });
    const body: CardPaymentStart = { order: orderView(order), handOff };
    res.status(201).json(body);
  });

  // Who: the invoice's recipient side. The recipient's word, shown to the issuer; never a payment.
  router.post('/invoices/:id/payment/claims', async (req, res) => {
    const { principal, record } = await recipientInvoice(req);
    const { paidOn, note } = claimOf(req.body);
    if (openFor(record, '1')?.code === 'NOT_PAYABLE') {
      throw new HttpError(409, 'INVOICE_NOT_PAYABLE', `the invoice is ${record.status}`);
    }
    if ((await countClaimsBy(db, record.id, principal.userId)) >= MAX_CLAIMS_PER_PERSON) {
      throw new HttpError(
        429,
        'TOO_MANY_CLAIMS',
        `at most ${MAX_CLAIMS_PER_PERSON} notes about one invoice's payment per person`,
      );
    }
    const claim = await insertPaymentClaim(db, {
      invoiceId: record.id,
      userId: principal.userId,
      paidOn,
      note,
    });
    res.status(201).json(claimView(claim));
  });

  return router;
}

/** The date (not in the future, Sofia time with a day's leeway) and the note (1–1000 characters). */
function claimOf(body: unknown): PaymentClaimBody {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const paidOn = typeof fields.paidOn === 'string' ? fields.paidOn.trim() : '';
  const note = typeof fields.note === 'string' ? fields.note.trim() : '';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(paidOn) ? new Date(`${paidOn}T00:00:00Z`) : undefined;
  const tomorrow = new Date(Date.now() + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== paidOn) {
    throw new HttpError(400, 'BAD_CLAIM_DATE', 'paidOn must be a date YYYY-MM-DD');
  }
  if (paidOn > tomorrow || paidOn < '2000-01-01') {
    throw new HttpError(400, 'BAD_CLAIM_DATE', 'paidOn must be a date that has come');
  }
  if (note.length === 0 || [...note].length > NOTE_MAX) {
    throw new HttpError(400, 'BAD_CLAIM_NOTE', `note must say how it was paid, in 1–${NOTE_MAX} characters`);
  }
  return { paidOn, note };
}

import crypto from 'node:crypto';
import { withTransaction } from '../../../db';
import { listInvoiceEvents } from '../../../db/invoices';
import type { Issuer } from '../../../db/issuers';
import { bankDetailsChange } from '../../../db/payments/bank-details';
import { getPayment, insertPayment, paymentsOfInvoice, type NewPayment } from '../../../db/payments/ledger';
import { recipientTimeline } from '../../../gateway/portal/timeline';
import { applyPayment } from '../../../intake/payments';
import { deliverInvoice, reaches, stateOf } from '../../support/dispute-hub';
import {
  addTestIssuer,
  eventually,
  mailsTo,
  startTestHub,
  uniqueEmail,
  type TestHub,
} from '../../support/hub';

/**
 * Payments from the ledger into invoices' lifecycles on a real worker and Temporal server: each payment once under
 * its key, partial payments leaving a balance, paid in full closing the invoice and mailing both sides, a reversal
 * reopening a paid invoice, a payment the lifecycle refuses kept with why; and the bank-detail change alert.
 */
let hub: TestHub;
let issuer: Issuer;

beforeAll(async () => {
  hub = await startTestHub({ REMINDER_DELAYS: '1h' });
  ({ issuer } = await addTestIssuer(hub.db));
});
afterAll(() => hub?.stop());

async function ledgerPayment(invoiceId: string, amount: string, extra: Partial<NewPayment> = {}) {
  const payment: NewPayment = {
    key: `test:${crypto.randomUUID()}`,
    invoiceId,
    source: 'manual',
    amount,
    currency: 'EUR',
    paidAt: '2026-11-30',
    reason: 'a test payment',
    ...extra,
  };
  await withTransaction(hub.db, (client) => insertPayment(client, issuer.id, undefined, payment));
  const stored = await getPayment(hub.db, payment.key);
  if (!stored) throw new Error('the payment was not stored');
  return stored;
}

describe('payments reach the lifecycle once, with their source and reason', () => {
  it('a partial payment leaves the balance open; sending the same payment again changes nothing', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, uniqueEmail('partial'));
    const total = (await stateOf(hub, invoice.workflowId)).summary?.total as string;
    const payment = await ledgerPayment(invoice.id, '10.00', {
      source: 'statement',
      reason: 'RF reference found',
    });

    expect((await applyPayment(hub.temporal, hub.config, hub.db, payment)).outcome).toBe('recorded');
    expect((await applyPayment(hub.temporal, hub.config, hub.db, payment)).outcome).toBe('already recorded');

    const state = await stateOf(hub, invoice.workflowId);
    expect(state.payments).toHaveLength(1);
    expect(state.payments[0]).toMatchObject({
      paymentId: payment.key,
      source: 'statement',
      reason: 'RF reference found',
    });
    expect(state.amountPaid).toBe('10.00');
    expect(Number(state.outstanding)).toBeCloseTo(Number(total) - 10, 2);
    expect(state.status).toBe('awaiting view');
    expect((await getPayment(hub.db, payment.key))?.state).toBe('recorded');
    // Both sides' timeline says where the money was seen.
    const timeline = recipientTimeline(await listInvoiceEvents(hub.db, invoice.id));
    expect(timeline.filter((e) => e.type === 'payment recorded').map((e) => e.detail)).toEqual([
      '10.00 EUR from statement',
    ]);
  });

  it('paid in full closes the invoice and mails both sides once; a reversal reopens it', async () => {
    const email = uniqueEmail('reversal');
    const { invoice } = await deliverInvoice(hub, issuer, email);
    const total = (await stateOf(hub, invoice.workflowId)).summary?.total as string;
    const payment = await ledgerPayment(invoice.id, total, {
      source: 'provider',
      reason: 'card payment, order 1000001',
    });
    await applyPayment(hub.temporal, hub.config, hub.db, payment);
    const handle = hub.temporal.workflow.getHandle(invoice.workflowId);
    expect((await handle.result()).status).toBe('paid');

    const paidMails = await eventually(
      async () => {
        const mails = (await mailsTo(email)).filter(
          (m) => m.subject.includes(`invoice ${invoice.number}`) && m.subject.startsWith('Платена'),
        );
        return mails.length === 1 ? mails : undefined;
      },
      20_000,
      'the paid receipt to the recipient',
    );
    expect(paidMails[0].text).toContain('card payment, order 1000001');
    const issuerMails = (await mailsTo(issuer.email)).filter((m) =>
      m.subject.startsWith(`Платена: фактура № ${invoice.number}`),
    );
    expect(issuerMails).toHaveLength(1);

    const reversal = await ledgerPayment(invoice.id, `-${total}`, {
      source: 'statement',
      reason: 'the bank returned the transfer (RvslInd)',
      reversalOf: payment.key,
    });
    expect((await applyPayment(hub.temporal, hub.config, hub.db, reversal)).outcome).toBe('recorded');
    await reaches(hub, invoice.workflowId, 'awaiting view');
    const reopened = await stateOf(hub, invoice.workflowId);
    expect(reopened.amountPaid).toBe('0.00');
    expect(reopened.outstanding).toBe(total);
    expect(reopened.timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining(['paid in full', 'payment reversed']),
    );
    expect((await handle.describe()).status.name).toBe('RUNNING');

    // Paid again: closed again, and mailed again (a second settlement).
    const again = await ledgerPayment(invoice.id, total, { source: 'statement', reason: 'paid again' });
    await applyPayment(hub.temporal, hub.config, hub.db, again);
    expect((await handle.result()).status).toBe('paid');
    expect((await paymentsOfInvoice(hub.db, invoice.id)).map((p) => p.state)).toEqual([
      'recorded',
      'recorded',
      'recorded',
    ]);
  });

  it('a payment the lifecycle refuses is kept as refused, with its reason', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, uniqueEmail('refused'));
    const wrongCurrency = await ledgerPayment(invoice.id, '5.00', { currency: 'USD' });
    const result = await applyPayment(hub.temporal, hub.config, hub.db, wrongCurrency);
    expect(result.outcome).toBe('refused');
    expect(result.refusal).toContain('differs from the invoice currency EUR');
    expect((await getPayment(hub.db, wrongCurrency.key))?.state).toBe('refused');
    expect((await stateOf(hub, invoice.workflowId)).payments).toHaveLength(0);
  });
});

describe('bank-detail change alert', () => {
  it('warns the recipient in the invoice mail and tells the issuer when an invoice names a new account', async () => {
    const email = uniqueEmail('fraud-check');
    const first = await deliverInvoice(hub, issuer, email);
    expect(await bankDetailsChange(hub.db, first.invoice.id)).toBeUndefined(); // nothing earlier to compare with
    const second = await deliverInvoice(hub, issuer, email, { payeeIban: 'BG18RZBB91550123456789' });
    expect(await bankDetailsChange(hub.db, second.invoice.id)).toEqual({
      ibans: ['BG18RZBB91550123456789'],
      earlier: ['BG80BNBG96611020345678'],
    });
    const warned = (await mailsTo(email)).find((m) => m.subject.includes(second.invoice.number));
    expect(warned?.text).toContain('WARNING: this invoice names a new bank account (BG18RZBB91550123456789)');
    const told = (await mailsTo(issuer.email)).filter((m) =>
      m.subject.includes(`New bank account on invoice ${second.invoice.number}`),
    );
    expect(told).toHaveLength(1);
    const third = await deliverInvoice(hub, issuer, email);
    expect(await bankDetailsChange(hub.db, third.invoice.id)).toBeUndefined(); // the usual account again
  });
});

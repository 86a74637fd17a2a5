import crypto from 'node:crypto';
import { withTransaction } from '../../../db';
import type { Issuer } from '../../../db/issuers';
import { getPayment, insertPayment, paymentsOfInvoice } from '../../../db/payments/ledger';
import { getOrderByNumber } from '../../../db/payments/orders';
import {
  checksumOf,
  encodePacket,
  formatNotificationLine,
  formatPayTime,
  type EpayNotificationLine,
} from '../../../connectors/payments/epay/protocol';
import { applyPayment } from '../../../intake/payments';
import type {
  CardPaymentStart,
  InvoicePaymentPage,
  PaymentClaimView,
} from '../../../gateway/payments/pay-contract';
import type { IssuerInvoiceDetail } from '../../../gateway/portal/search-contract';
import { PortalVisitor } from '../../portal/harness';
import {
  deliverInvoice,
  loggedIn,
  makeIssuerMember,
  reaches,
  registeredPerson,
  startDisputeHub,
  stateOf,
  type DisputeHub,
} from '../../support/dispute-hub';
import { addTestIssuer, uniqueEmail } from '../../support/hub';
import { startPaymentsHub, type PaymentsHub } from '../../support/payments-hub';
import { readQrSvg } from '../../support/qr-reader';

/**
 * Paying from the portal, at the API: the pay panel (transfer details, reference, EPC QR code, card), who may use it
 * (the invoice's recipient side; anyone else 404, as for a missing invoice), the refusals (nothing open, a closed
 * invoice, not euro, another site's Origin), the provider's notification (signed on the raw body; unknown order,
 * tampered, repeated, another amount, declined) and "I paid elsewhere", which the issuer sees and which pays nothing.
 */
let hub: PaymentsHub;
let issuer: Issuer;
let recipient: { id: string; email: string };
let buyer: PortalVisitor;
let stranger: PortalVisitor;
let clerk: PortalVisitor;

beforeAll(async () => {
  hub = await startPaymentsHub();
  ({ issuer } = await addTestIssuer(hub.db));
  recipient = await registeredPerson(hub, uniqueEmail('payer'));
  const other = await registeredPerson(hub, uniqueEmail('other-payer'));
  const clerkPerson = await registeredPerson(hub, uniqueEmail('payments-clerk'));
  await makeIssuerMember(hub, issuer.id, clerkPerson.id, 'clerk');
  buyer = await loggedIn(hub, recipient.email);
  stranger = await loggedIn(hub, other.email);
  clerk = await loggedIn(hub, clerkPerson.email);
});
afterAll(() => hub?.stop());

const payment = (invoiceId: string) => `/api/v1/portal/invoices/${invoiceId}/payment`;

async function payPage(invoiceId: string): Promise<InvoicePaymentPage> {
  const answer = await buyer.call('GET', payment(invoiceId));
  expect(answer.status).toBe(200);
  return answer.body as InvoicePaymentPage;
}

/** A notification exactly as ePay sends it: the form's fields, signed with `secret`. */
async function notify(line: EpayNotificationLine, secret = hub.merchant.secret, tamper = false) {
  const encoded = encodePacket(`${formatNotificationLine(line)}\n`);
  let checksum = checksumOf(encoded, secret);
  if (tamper) checksum = (checksum[0] === '0' ? '1' : '0') + checksum.slice(1);
  const response = await fetch(`${hub.baseUrl}/payments/epay/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ encoded, checksum }).toString(),
  });
  return { status: response.status, text: await response.text() };
}

const paid = (invoice: string, extra: Partial<EpayNotificationLine> = {}): EpayNotificationLine => ({
  invoice,
  status: 'PAID',
  payTime: formatPayTime(new Date()),
  stan: '123456',
  bcode: 'AB12CD',
  ...extra,
});

async function startCard(invoiceId: string): Promise<CardPaymentStart> {
  const answer = await buyer.call('POST', `${payment(invoiceId)}/card`, {});
  expect(answer.status).toBe(201);
  return answer.body as CardPaymentStart;
}

describe('the pay panel', () => {
  it('shows the account, bank, reference, open balance and an EPC QR code that carries them', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipient.email);
    const page = await payPage(invoice.id);
    expect(page.transfer).toEqual({
      beneficiary: 'Електроснабдяване ЕАД',
      iban: 'BG80BNBG96611020345678',
      ibanValid: true,
      bic: 'BNBGBGSD',
      bicValid: true,
      // The factory's invoices say PaymentID = the number (BT-83): that is the reference to quote.
      reference: { kind: 'text', value: invoice.number, from: 'invoice' },
    });
    expect(page.outstanding).toBe(page.total);
    expect(page.payments).toEqual([]);
    expect(page.card).toEqual({ available: true, provider: 'epay', unavailable: null });
    expect(page.bankDetailsChange).toBeNull();
    const lines = readQrSvg(page.qr?.svg ?? '').split('\n');
    expect(lines.slice(0, 8)).toEqual([
      'BCD',
      '002',
      '1',
      'SCT',
      'BNBGBGSD',
      'Електроснабдяване ЕАД',
      'BG80BNBG96611020345678',
      `EUR${page.outstanding}`,
    ]);
    expect(lines[9]).toBe(''); // no structured reference…
    expect(lines[10]).toBe(invoice.number); // …the invoice's own text
  });

  it('a new account on a later invoice is a warning; a dollar invoice has no QR code and no card; a bad IBAN is said', async () => {
    const email = uniqueEmail('fraud');
    await registeredPerson(hub, email);
    const visitor = await loggedIn(hub, email);
    await deliverInvoice(hub, issuer, email);
    const changed = await deliverInvoice(hub, issuer, email, { payeeIban: 'BG18RZBB91550123456789' });
    const page = (await visitor.call('GET', payment(changed.invoice.id))).body as InvoicePaymentPage;
    expect(page.bankDetailsChange).toEqual({
      ibans: ['BG18RZBB91550123456789'],
      earlier: ['BG80BNBG96611020345678'],
    });

    // An invoice in US dollars (its VAT stated in euro, BT-6): the test factory writes euro invoices only, so the
    // registry's summary is made to say USD, which is what the pay panel reads.
    const usd = await deliverInvoice(hub, issuer, email);
    await hub.db.query(
      `update invoices set summary = jsonb_set(summary, '{currency}', '"USD"') where id = $1`,
      [usd.invoice.id],
    );
    const usdPage = (await visitor.call('GET', payment(usd.invoice.id))).body as InvoicePaymentPage;
    expect(usdPage.qr).toBeNull();
    expect(usdPage.qrUnavailable?.code).toBe('NOT_EUR');
    expect(usdPage.card.unavailable?.code).toBe('NOT_EUR');
    const card = await visitor.call('POST', `${payment(usd.invoice.id)}/card`, {});
    expect([card.status, card.body]).toEqual([
      422,
      { error: expect.objectContaining({ code: 'CARD_NOT_EUR' }) },
    ]);

    const badIban = await deliverInvoice(hub, issuer, email, { payeeIban: 'BG00BNBG96611020345678' });
    const badPage = (await visitor.call('GET', payment(badIban.invoice.id))).body as InvoicePaymentPage;
    expect(badPage.transfer?.ibanValid).toBe(false);
    expect(badPage.qr).toBeNull();
    expect(badPage.qrUnavailable?.code).toBe('BAD_IBAN');
  });
});

describe('who may use it, and when', () => {
  it('anyone but the recipient side gets 404 as for a missing invoice; nobody logged in gets 401', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipient.email);
    for (const [method, path, body] of [
      ['GET', payment(invoice.id), undefined],
      ['POST', `${payment(invoice.id)}/card`, {}],
      ['POST', `${payment(invoice.id)}/claims`, { paidOn: '2026-11-30', note: 'cash' }],
    ] as const) {
      const refused = await stranger.call(method, path, body);
      expect([
        method,
        path,
        refused.status,
        (refused.body as { error: { code: string } }).error.code,
      ]).toEqual([method, path, 404, 'INVOICE_NOT_FOUND']);
      expect(refused.text).not.toContain(invoice.number);
      // The issuer's own clerk is not the recipient either.
      expect((await clerk.call(method, path, body)).status).toBe(404);
      expect((await new PortalVisitor(hub.baseUrl).call(method, path, body)).status).toBe(401);
    }
    expect(
      await hub.db.query('select 1 from payment_orders where invoice_id = $1', [invoice.id]),
    ).toMatchObject({
      rowCount: 0,
    });
  });

  it("another site's Origin is refused before anything happens", async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipient.email);
    const forged = await buyer.call(
      'POST',
      `${payment(invoice.id)}/card`,
      {},
      { origin: 'https://evil.example' },
    );
    expect([forged.status, (forged.body as { error: { code: string } }).error.code]).toEqual([
      403,
      'BAD_ORIGIN',
    ]);
    const claim = await buyer.call(
      'POST',
      `${payment(invoice.id)}/claims`,
      { paidOn: '2026-11-30', note: 'cash' },
      { origin: 'https://evil.example' },
    );
    expect(claim.status).toBe(403);
    expect((await payPage(invoice.id)).cardOrders).toEqual([]);
    expect((await payPage(invoice.id)).claims).toEqual([]);
  });

  it('a paid invoice has nothing open: no QR code, card refused', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipient.email);
    const total = (await stateOf(hub, invoice.workflowId)).summary?.total as string;
    const key = `test:${crypto.randomUUID()}`;
    await withTransaction(hub.db, (client) =>
      insertPayment(client, issuer.id, undefined, {
        key,
        invoiceId: invoice.id,
        source: 'manual',
        amount: total,
        currency: 'EUR',
        paidAt: '2026-11-30',
        reason: 'paid at the desk',
      }),
    );
    await applyPayment(hub.temporal, hub.config, hub.db, (await getPayment(hub.db, key))!);
    await reaches(hub, invoice.workflowId, 'paid');
    const page = await payPage(invoice.id);
    expect(page.paid).toBe(true);
    expect(page.outstanding).toBe('0.00');
    expect(page.qr).toBeNull();
    expect(page.qrUnavailable?.code).toBe('NOT_PAYABLE');
    expect(page.payments).toEqual([
      expect.objectContaining({ source: 'manual', amount: total, state: 'recorded' }),
    ]);
    const card = await buyer.call('POST', `${payment(invoice.id)}/card`, {});
    expect([card.status, (card.body as { error: { code: string } }).error.code]).toEqual([
      409,
      'INVOICE_NOT_PAYABLE',
    ]);
    const claim = await buyer.call('POST', `${payment(invoice.id)}/claims`, {
      paidOn: '2026-11-30',
      note: 'x',
    });
    expect(claim.status).toBe(409);
  });

  it('without a card provider configured there is no card payment and no notify URL', async () => {
    const plain: DisputeHub = await startDisputeHub();
    try {
      const person = await registeredPerson(plain, uniqueEmail('no-card'));
      const { issuer: other } = await addTestIssuer(plain.db);
      const { invoice } = await deliverInvoice(plain, other, person.email);
      const visitor = await loggedIn(plain, person.email);
      const page = (await visitor.call('GET', payment(invoice.id))).body as InvoicePaymentPage;
      expect(page.card).toEqual({
        available: false,
        provider: null,
        unavailable: expect.objectContaining({ code: 'CARD_NOT_CONFIGURED' }),
      });
      expect(page.qr?.svg).toContain('<svg');
      expect((await visitor.call('POST', `${payment(invoice.id)}/card`, {})).status).toBe(409);
      const notifyAnswer = await fetch(`${plain.baseUrl}/payments/epay/notify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'encoded=x&checksum=y',
      });
      expect(notifyAnswer.status).toBe(404);
    } finally {
      await plain.stop();
    }
  });
});

describe("the provider's notification", () => {
  it('starting a card payment makes an order for the open balance and a signed form for the hosted page', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipient.email);
    const { order, handOff } = await startCard(invoice.id);
    const page = await payPage(invoice.id);
    expect(order).toMatchObject({
      amount: page.outstanding,
      currency: 'EUR',
      state: 'started',
      provider: 'epay',
    });
    expect(Number(order.orderNumber)).toBeGreaterThanOrEqual(1000001);
    expect(handOff).toMatchObject({
      kind: 'form',
      method: 'POST',
      action: hub.config.payments.epay?.pageUrl,
    });
    const fields = (handOff as { fields: Record<string, string> }).fields;
    const request = Buffer.from(fields.ENCODED, 'base64').toString('utf8');
    expect(request).toContain(`INVOICE=${order.orderNumber}`);
    expect(request).toContain(`AMOUNT=${page.outstanding}`);
    expect(request).toContain('CURRENCY=EUR');
    expect(fields.URL_OK).toBe(
      `${hub.baseUrl}/invoices/${invoice.id}/payment/return?order=${order.orderNumber}`,
    );
    expect(page.cardOrders).toEqual([
      expect.objectContaining({ orderNumber: order.orderNumber, state: 'started' }),
    ]);
  });

  it('an unknown order is answered NO; a bad checksum ERR and nothing changes', async () => {
    expect((await notify(paid('999999999999'))).text).toBe('INVOICE=999999999999:STATUS=NO\n');
    const { invoice } = await deliverInvoice(hub, issuer, recipient.email);
    const { order } = await startCard(invoice.id);
    const tampered = await notify(paid(order.orderNumber), hub.merchant.secret, true);
    expect([tampered.status, tampered.text]).toEqual([200, 'ERR=BAD CHECKSUM\n']);
    const otherSecret = await notify(paid(order.orderNumber), 'not the merchant secret');
    expect(otherSecret.text).toBe('ERR=BAD CHECKSUM\n');
    expect((await getOrderByNumber(hub.db, order.orderNumber))?.state).toBe('started');
    expect(await paymentsOfInvoice(hub.db, invoice.id)).toEqual([]);
  });

  it('PAID records one payment under the order and pays the invoice; the same notification again answers the same', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipient.email);
    const { order } = await startCard(invoice.id);
    const line = paid(order.orderNumber);
    const first = await notify(line);
    expect(first.text).toBe(`INVOICE=${order.orderNumber}:STATUS=OK\n`);
    await reaches(hub, invoice.workflowId, 'paid');
    const again = await notify(line);
    expect(again).toEqual(first);
    const payments = await paymentsOfInvoice(hub.db, invoice.id);
    expect(payments).toHaveLength(1);
    expect(payments[0]).toMatchObject({
      key: `provider:epay:${order.orderNumber}`,
      source: 'provider',
      amount: order.amount,
      state: 'recorded',
    });
    expect(payments[0].reason).toContain(`order ${order.orderNumber}`);
    expect((await stateOf(hub, invoice.workflowId)).payments).toHaveLength(1);
    expect(await getOrderByNumber(hub.db, order.orderNumber)).toMatchObject({
      state: 'paid',
      providerReference: 'STAN=123456:BCODE=AB12CD',
    });
    const page = await payPage(invoice.id);
    expect(page).toMatchObject({ paid: true, outstanding: '0.00', status: 'paid' });
    expect(page.payments[0]).toMatchObject({ source: 'provider', state: 'recorded' });
  });

  it('a PAID with another amount than the order records nothing, is acknowledged and kept on the order for review', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipient.email);
    const { order } = await startCard(invoice.id);
    const answer = await notify({ ...paid(order.orderNumber), amount: '1.00', bin: '400000' });
    // Acknowledged (OK) so ePay stops: sending it again would not change the amount.
    expect(answer.text).toBe(`INVOICE=${order.orderNumber}:STATUS=OK\n`);
    expect(await paymentsOfInvoice(hub.db, invoice.id)).toEqual([]);
    const stored = await getOrderByNumber(hub.db, order.orderNumber);
    expect(stored?.state).toBe('started');
    expect(stored?.answer).toContain('amount differs');
    expect((await payPage(invoice.id)).cardOrders[0]).toMatchObject({ needsReview: true, state: 'started' });
    expect((await stateOf(hub, invoice.workflowId)).status).not.toBe('paid');
  });

  it('DENIED and EXPIRED close the order and pay nothing', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipient.email);
    const denied = await startCard(invoice.id);
    const expired = await startCard(invoice.id);
    expect((await notify({ invoice: denied.order.orderNumber, status: 'DENIED' })).text).toContain(
      'STATUS=OK',
    );
    expect((await notify({ invoice: expired.order.orderNumber, status: 'EXPIRED' })).text).toContain(
      'STATUS=OK',
    );
    expect((await getOrderByNumber(hub.db, denied.order.orderNumber))?.state).toBe('denied');
    expect((await getOrderByNumber(hub.db, expired.order.orderNumber))?.state).toBe('expired');
    expect(await paymentsOfInvoice(hub.db, invoice.id)).toEqual([]);
    const page = await payPage(invoice.id);
    expect(page.outstanding).toBe(page.total);
  });
});

describe('"I paid elsewhere"', () => {
  it('is kept and shown to the issuer, and never pays the invoice', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipient.email);
    const claims = `${payment(invoice.id)}/claims`;
    const future = new Date(Date.now() + 5 * 24 * 3600 * 1000).toISOString().slice(0, 10);
    const early = await buyer.call('POST', claims, { paidOn: future, note: 'cash' });
    expect([early.status, (early.body as { error: { code: string } }).error.code]).toEqual([
      400,
      'BAD_CLAIM_DATE',
    ]);
    expect((await buyer.call('POST', claims, { paidOn: '2026-11-30', note: '   ' })).status).toBe(400);

    const made = await buyer.call('POST', claims, {
      paidOn: '2026-11-30',
      note: 'Платихме в брой в офиса ви, разписка № 17.',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ paidOn: '2026-11-30', by: recipient.email });

    const page = await payPage(invoice.id);
    expect(page.claims).toEqual([made.body as PaymentClaimView]);
    expect(page).toMatchObject({ paid: false, amountPaid: '0.00', payments: [] });
    expect(await paymentsOfInvoice(hub.db, invoice.id)).toEqual([]);
    expect((await stateOf(hub, invoice.workflowId)).payments).toEqual([]);

    const issuerView = await clerk.call('GET', `/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}`);
    const detail = issuerView.body as IssuerInvoiceDetail;
    expect(detail.claims).toEqual([made.body]);
    expect(detail.payments).toMatchObject({ amountPaid: '0.00', payments: [] });
    expect(detail.status).not.toBe('paid');

    for (let i = 1; i < 5; i++) {
      expect((await buyer.call('POST', claims, { paidOn: '2026-11-30', note: `again ${i}` })).status).toBe(
        201,
      );
    }
    const tooMany = await buyer.call('POST', claims, { paidOn: '2026-11-30', note: 'once more' });
    expect(tooMany.status).toBe(429);
  });
});

/**
 * The simulated ePay.bg against a tiny merchant that uses the hub's ePay adapter: the payer's choices on the hosted
 * page, the signed notifications that follow, and every misbehaviour the test switches offer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEpayProvider } from '../../../connectors/payments/epay';
import type {
  Acknowledgement,
  PaymentHandOff,
  PaymentOrder,
  PaymentProvider,
  PaymentResult,
} from '../../../connectors/payments/provider';
import {
  startSimulatedEpay,
  type SentNotification,
  type SimulatedEpay,
} from '../../../connectors/payments/simulated-epay';

const MIN = 'D450062995';
const SECRET = 'S3cr3t'.repeat(10) + 'abcd';
const RETRY_DELAYS_MS = [30, 60, 90, 120];

/** A merchant's notify endpoint: raw body in, the adapter's answer out, results recorded once per order. */
interface TestMerchant {
  notifyUrl: string;
  provider: PaymentProvider;
  orders: Set<string>;
  recorded: Map<string, PaymentResult>;
  acknowledgements: PaymentResult[];
  httpFailuresLeft: number;
  recordFailuresLeft: number;
  stop(): Promise<void>;
}

async function startMerchant(): Promise<TestMerchant> {
  const merchant = {
    // Set once the simulator's page URL is known.
    provider: undefined as unknown as PaymentProvider,
    orders: new Set<string>(),
    recorded: new Map<string, PaymentResult>(),
    acknowledgements: [] as PaymentResult[],
    httpFailuresLeft: 0,
    recordFailuresLeft: 0,
  };
  const acknowledge = async (result: PaymentResult): Promise<Acknowledgement> => {
    merchant.acknowledgements.push(result);
    if (!merchant.orders.has(result.orderId)) return 'unknown-order';
    if (merchant.recordFailuresLeft > 0) {
      merchant.recordFailuresLeft -= 1;
      return 'failed';
    }
    if (!merchant.recorded.has(result.orderId)) merchant.recorded.set(result.orderId, result);
    return 'recorded';
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (merchant.httpFailuresLeft > 0) {
        merchant.httpFailuresLeft -= 1;
        res.writeHead(503).end('busy');
        return;
      }
      void merchant.provider
        .handleNotification(
          { body: Buffer.concat(chunks), contentType: req.headers['content-type'] },
          acknowledge,
        )
        .then((answer) =>
          res.writeHead(answer.httpStatus, { 'content-type': answer.contentType }).end(answer.body),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(merchant, {
    notifyUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/payments/epay/notify`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}

let simulator: SimulatedEpay;
let merchant: TestMerchant;
let nextOrder = 5000;

beforeAll(async () => {
  merchant = await startMerchant();
  simulator = await startSimulatedEpay({
    port: 0,
    host: '127.0.0.1',
    merchants: [{ min: MIN, secret: SECRET, notifyUrl: merchant.notifyUrl }],
    retryDelaysMs: RETRY_DELAYS_MS,
  });
  merchant.provider = providerFor(simulator.url);
});

afterAll(async () => {
  await simulator?.stop();
  await merchant?.stop();
});

function providerFor(pageUrl: string): PaymentProvider {
  return createEpayProvider({ min: MIN, secret: SECRET, pageUrl });
}

/** A new order the merchant knows (or not), handed to the provider. */
async function newOrder(options: { known?: boolean; provider?: PaymentProvider } = {}) {
  nextOrder += 1;
  const order: PaymentOrder = {
    orderId: String(nextOrder),
    invoiceId: `inv-${nextOrder}`,
    amount: '12.30',
    currency: 'EUR',
    description: 'Фактура 0000001234 / Invoice 0000001234',
    returnUrl: `https://hub.example/pay/${nextOrder}/done`,
    cancelUrl: `https://hub.example/pay/${nextOrder}/cancelled`,
  };
  if (options.known !== false) merchant.orders.add(order.orderId);
  const handOff = await (options.provider ?? merchant.provider).startPayment(order);
  return { order, handOff };
}

/** What the payer's browser does: submit the merchant's form, then press one of the page's buttons. */
async function openHostedPage(handOff: PaymentHandOff): Promise<{ status: number; html: string }> {
  if (handOff.kind !== 'form') throw new Error('expected a form');
  const response = await fetch(handOff.action, { method: 'POST', body: new URLSearchParams(handOff.fields) });
  return { status: response.status, html: await response.text() };
}

async function payerChooses(handOff: PaymentHandOff, choice: 'approve' | 'decline' | 'expire') {
  const page = await openHostedPage(handOff);
  const action = /<form method="post" action="([^"]+)"/.exec(page.html)?.[1];
  if (!action) throw new Error(`no payment form on the page:\n${page.html}`);
  const response = await fetch(new URL(action, simulator.url), {
    method: 'POST',
    body: new URLSearchParams({ choice }),
    redirect: 'manual',
  });
  return { status: response.status, location: response.headers.get('location') };
}

async function sentFor(invoice: string): Promise<SentNotification[]> {
  const response = await fetch(new URL(`/admin/notifications?invoice=${invoice}`, simulator.url));
  return (await response.json()) as SentNotification[];
}

async function waitFor<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`gave up waiting; last seen: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const accepted = (sent: SentNotification[]) => sent.some((n) => n.accepted);

async function nextSwitches(switches: Record<string, unknown>): Promise<void> {
  const response = await fetch(new URL('/admin/next', simulator.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(switches),
  });
  expect(response.status).toBe(204);
}

describe('the hosted page', () => {
  it('shows the amount and description with three labelled choices in Bulgarian and English', async () => {
    const { handOff } = await newOrder();
    const page = await openHostedPage(handOff);
    expect(page.status).toBe(200);
    expect(page.html).toContain('<html lang="bg">');
    expect(page.html).toContain('12.30 EUR');
    expect(page.html).toContain('Фактура 0000001234 / Invoice 0000001234');
    for (const [value, label] of [
      ['approve', 'Плащане <span lang="en">/ Pay</span>'],
      ['decline', 'Отказ <span lang="en">/ Decline</span>'],
      ['expire', 'Оставяне да изтече <span lang="en">/ Let it expire</span>'],
    ]) {
      expect(page.html).toContain(`<button type="submit" name="choice" value="${value}">${label}</button>`);
    }
    expect(page.html).not.toContain('<script');
  });

  it('refuses a request whose checksum is not the merchant’s', async () => {
    const { handOff } = await newOrder({
      provider: createEpayProvider({ min: MIN, secret: 'x', pageUrl: simulator.url }),
    });
    const page = await openHostedPage(handOff);
    expect(page.status).toBe(400);
    expect(page.html).toContain('Invalid CHECKSUM');
  });

  it('takes each INVOICE once', async () => {
    const { handOff } = await newOrder();
    await payerChooses(handOff, 'decline');
    expect((await openHostedPage(handOff)).status).toBe(409);
  });
});

describe('notifications after the payer’s choice', () => {
  it('approve: the browser goes to URL_OK and a signed PAID notification is recorded and answered OK', async () => {
    const { order, handOff } = await newOrder();
    expect(await payerChooses(handOff, 'approve')).toEqual({ status: 303, location: order.returnUrl });
    const [sent] = await waitFor(() => sentFor(order.orderId), accepted);
    expect(sent).toMatchObject({
      status: 'PAID',
      attempt: 1,
      answer: `INVOICE=${order.orderId}:STATUS=OK\n`,
    });
    expect(sent.text).toMatch(
      new RegExp(`^INVOICE=${order.orderId}:STATUS=PAID:PAY_TIME=\\d{14}:STAN=\\d{6}:BCODE=[0-9A-Z]{6}\n$`),
    );
    expect(Object.keys(sent.fields)).toEqual(['encoded', 'checksum']);
    expect(merchant.recorded.get(order.orderId)).toEqual({
      orderId: order.orderId,
      outcome: 'paid',
      paidAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0[23]:00$/),
      providerReference: expect.stringMatching(/^STAN=\d{6}:BCODE=[0-9A-Z]{6}$/),
    });
  });

  it('decline: the browser goes to URL_CANCEL and the merchant records DENIED', async () => {
    const { order, handOff } = await newOrder();
    expect(await payerChooses(handOff, 'decline')).toEqual({ status: 303, location: order.cancelUrl });
    await waitFor(() => sentFor(order.orderId), accepted);
    expect(merchant.recorded.get(order.orderId)).toEqual({ orderId: order.orderId, outcome: 'denied' });
  });

  it('let it expire: the merchant records EXPIRED', async () => {
    const { order, handOff } = await newOrder();
    expect((await payerChooses(handOff, 'expire')).location).toBe(order.cancelUrl);
    await waitFor(() => sentFor(order.orderId), accepted);
    expect(merchant.recorded.get(order.orderId)).toEqual({ orderId: order.orderId, outcome: 'expired' });
  });

  it('an unknown order is answered STATUS=NO, and not sent again', async () => {
    const { order, handOff } = await newOrder({ known: false });
    await payerChooses(handOff, 'decline');
    await waitFor(() => sentFor(order.orderId), accepted);
    await simulator.idle();
    const sent = await sentFor(order.orderId);
    expect(sent.map((n) => n.answer)).toEqual([`INVOICE=${order.orderId}:STATUS=NO\n`]);
    expect(merchant.recorded.has(order.orderId)).toBe(false);
  });
});

describe('test switches', () => {
  it('duplicate: the same notification twice gets the same answer, and is recorded once', async () => {
    await nextSwitches({ duplicate: true });
    const { order, handOff } = await newOrder();
    await payerChooses(handOff, 'approve');
    const sent = await waitFor(
      () => sentFor(order.orderId),
      (s) => s.length === 2,
    );
    expect(sent.map((n) => n.duplicate)).toEqual([false, true]);
    expect(sent[1].fields).toEqual(sent[0].fields);
    expect(sent[1].answer).toBe(sent[0].answer);
    expect(sent[0].answer).toBe(`INVOICE=${order.orderId}:STATUS=OK\n`);
    expect(merchant.acknowledgements.filter((r) => r.orderId === order.orderId)).toHaveLength(2);
    expect(merchant.recorded.get(order.orderId)?.outcome).toBe('paid');
  });

  it('tampered checksum: the merchant answers ERR=BAD CHECKSUM to every attempt and records nothing', async () => {
    await nextSwitches({ tamperChecksum: true });
    const { order, handOff } = await newOrder();
    await payerChooses(handOff, 'approve');
    await waitFor(
      () => sentFor(order.orderId),
      (s) => s.length === RETRY_DELAYS_MS.length + 1,
    );
    const sent = await sentFor(order.orderId);
    expect(sent.every((n) => n.tampered && n.answer === 'ERR=BAD CHECKSUM\n' && !n.accepted)).toBe(true);
    expect(sent[0].error).toBe('ERR=BAD CHECKSUM');
    expect(merchant.acknowledgements.some((r) => r.orderId === order.orderId)).toBe(false);
    expect(merchant.recorded.has(order.orderId)).toBe(false);
  });

  it('retries with backoff until the merchant answers OK', async () => {
    merchant.httpFailuresLeft = 1; // first attempt: HTTP 503
    merchant.recordFailuresLeft = 1; // second: the merchant cannot record it, STATUS=ERR
    const { order, handOff } = await newOrder();
    await payerChooses(handOff, 'approve');
    const sent = await waitFor(() => sentFor(order.orderId), accepted);
    expect(sent.map((n) => [n.attempt, n.httpStatus, n.merchantStatus ?? null])).toEqual([
      [1, 503, null],
      [2, 200, 'ERR'],
      [3, 200, 'OK'],
    ]);
    const gaps = sent.slice(1).map((n, i) => Date.parse(n.sentAt) - Date.parse(sent[i].sentAt));
    expect(gaps[0]).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[0] - 5);
    expect(gaps[1]).toBeGreaterThanOrEqual(RETRY_DELAYS_MS[1] - 5);
    expect(merchant.recorded.get(order.orderId)?.outcome).toBe('paid');
  });

  it('late notification: nothing arrives before the delay, the notification after it (switch as a query parameter)', async () => {
    const delayMs = 400;
    const { order, handOff } = await newOrder({
      provider: providerFor(`${simulator.url}?delayMs=${delayMs}`),
    });
    await payerChooses(handOff, 'approve');
    const chosenAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, delayMs / 2));
    expect(await sentFor(order.orderId)).toEqual([]);
    expect(merchant.recorded.has(order.orderId)).toBe(false);
    const [sent] = await waitFor(() => sentFor(order.orderId), accepted);
    expect(Date.parse(sent.sentAt) - chosenAt).toBeGreaterThanOrEqual(delayMs - 50);
    expect(merchant.recorded.get(order.orderId)?.outcome).toBe('paid');
  });

  it('wrong amount: ePay’s AMOUNT field reaches the merchant, which sees it differ from the order', async () => {
    await nextSwitches({ amount: '1.00' });
    const { order, handOff } = await newOrder();
    await payerChooses(handOff, 'approve');
    const [sent] = await waitFor(() => sentFor(order.orderId), accepted);
    expect(sent.text).toMatch(/:AMOUNT=1\.00:BIN=\d{6}\n$/);
    expect(merchant.recorded.get(order.orderId)?.amount).toBe('1.00');
    expect(order.amount).toBe('12.30');
  });

  it('upper-case field names (ENCODED/CHECKSUM) are read by the adapter too', async () => {
    await nextSwitches({ upperCaseFields: true });
    const { order, handOff } = await newOrder();
    await payerChooses(handOff, 'decline');
    const [sent] = await waitFor(() => sentFor(order.orderId), accepted);
    expect(Object.keys(sent.fields)).toEqual(['ENCODED', 'CHECKSUM']);
    expect(merchant.recorded.get(order.orderId)?.outcome).toBe('denied');
  });

  it('refuses a switch it cannot read', async () => {
    const response = await fetch(new URL('/admin/next', simulator.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ delayMs: -1 }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.stringContaining('delayMs') });
  });

  it('lists the registered payments with their state', async () => {
    const { order, handOff } = await newOrder();
    await payerChooses(handOff, 'expire');
    const payments = (await (await fetch(new URL('/admin/payments', simulator.url))).json()) as {
      invoice: string;
      state: string;
      amount: string;
    }[];
    expect(payments.find((p) => p.invoice === order.orderId)).toMatchObject({
      state: 'EXPIRED',
      amount: '12.30',
    });
  });
});

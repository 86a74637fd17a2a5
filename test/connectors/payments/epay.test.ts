import crypto from 'node:crypto';
import { createEpayProvider } from '../../../connectors/payments/epay';
import {
  PaymentOrderError,
  type Acknowledgement,
  type PaymentHandOff,
  type PaymentOrder,
  type PaymentResult,
} from '../../../connectors/payments/provider';

const SECRET = 'K'.repeat(32) + '7'.repeat(32);
const merchant = {
  min: 'D450062995',
  secret: SECRET,
  pageUrl: 'https://demo.epay.bg/',
  now: () => new Date('2026-07-01T09:00:00Z'),
};
const epay = createEpayProvider(merchant);

const order = (overrides: Partial<PaymentOrder> = {}): PaymentOrder => ({
  orderId: '1001',
  invoiceId: 'inv-1',
  amount: '12.3',
  currency: 'EUR',
  description: 'Фактура 0000001234',
  returnUrl: 'https://hub.example/pay/done',
  cancelUrl: 'https://hub.example/pay/cancelled',
  ...overrides,
});

const hmac = (data: string, secret = SECRET) => crypto.createHmac('sha1', secret).update(data).digest('hex');

function formOf(handOff: PaymentHandOff): Record<string, string> {
  if (handOff.kind !== 'form') throw new Error('expected a form');
  return handOff.fields;
}

/** A notification as ePay sends it: a form with base64 lines and their HMAC. */
function notification(lines: string[], options: { secret?: string; names?: [string, string] } = {}): string {
  const encoded = Buffer.from(lines.join('\n') + '\n').toString('base64');
  const [encodedName, checksumName] = options.names ?? ['encoded', 'checksum'];
  return new URLSearchParams({
    [encodedName]: encoded,
    [checksumName]: hmac(encoded, options.secret),
  }).toString();
}

const FORM = 'application/x-www-form-urlencoded';

function recorder(decide: (result: PaymentResult) => Acknowledgement = () => 'recorded') {
  const seen: PaymentResult[] = [];
  return {
    seen,
    acknowledge: async (result: PaymentResult) => {
      seen.push(result);
      return decide(result);
    },
  };
}

describe('ePay hand-off', () => {
  it('is a form POSTed to ePay’s page with PAGE=paylogin, the signed packet and both return URLs', async () => {
    const handOff = await epay.startPayment(order());
    expect(handOff).toMatchObject({ kind: 'form', action: 'https://demo.epay.bg/', method: 'POST' });
    const fields = formOf(handOff);
    expect(Object.keys(fields).sort()).toEqual(['CHECKSUM', 'ENCODED', 'PAGE', 'URL_CANCEL', 'URL_OK']);
    expect(fields).toMatchObject({
      PAGE: 'paylogin',
      URL_OK: 'https://hub.example/pay/done',
      URL_CANCEL: 'https://hub.example/pay/cancelled',
    });
    expect(fields.CHECKSUM).toBe(hmac(fields.ENCODED));
  });

  it('encodes the request lines as base64 without line breaks; expiry in Sofia time, 3 days by default', async () => {
    const { ENCODED } = formOf(await epay.startPayment(order()));
    expect(ENCODED).not.toMatch(/\s/);
    expect(Buffer.from(ENCODED, 'base64').toString('utf8').split('\n')).toEqual([
      'MIN=D450062995',
      'INVOICE=1001',
      'AMOUNT=12.30',
      'CURRENCY=EUR',
      'EXP_TIME=04.07.2026 12:00:00', // 09:00 UTC is 12:00 in Sofia in summer (UTC+3)
      'DESCR=Фактура 0000001234',
      'ENCODING=utf-8',
    ]);
  });

  it('writes a winter expiry with Sofia’s UTC+2 offset', async () => {
    const { ENCODED } = formOf(
      await createEpayProvider({ ...merchant, now: () => new Date('2026-01-10T00:00:00Z') }).startPayment(
        order({ expiresAt: new Date('2026-01-15T10:00:00Z') }),
      ),
    );
    expect(Buffer.from(ENCODED, 'base64').toString()).toContain('EXP_TIME=15.01.2026 12:00:00');
  });

  it('passes the page language when configured', async () => {
    const fields = formOf(await createEpayProvider({ ...merchant, language: 'en' }).startPayment(order()));
    expect(fields.LANG).toBe('en');
  });

  it('keeps the description to one line of at most 100 characters', async () => {
    const { ENCODED } = formOf(
      await epay.startPayment(order({ description: `Фактура\n${'Я'.repeat(200)}` })),
    );
    const descr = Buffer.from(ENCODED, 'base64').toString().split('\n')[5];
    expect(descr).toMatch(/^DESCR=Фактура Я+$/);
    expect([...descr.slice('DESCR='.length)]).toHaveLength(100);
  });

  it.each([
    ['a non-numeric order id', { orderId: 'ord-1001' }, 'BAD_ORDER_ID'],
    ['an order id with a leading zero', { orderId: '01001' }, 'BAD_ORDER_ID'],
    ['an amount of zero', { amount: '0.00' }, 'BAD_AMOUNT'],
    ['an amount with three decimals', { amount: '1.005' }, 'BAD_AMOUNT'],
    ['a currency ePay does not take', { currency: 'GBP' }, 'UNSUPPORTED_CURRENCY'],
    ['an expiry in the past', { expiresAt: new Date('2026-06-30T00:00:00Z') }, 'ALREADY_EXPIRED'],
  ])('refuses %s', async (_what, overrides, code) => {
    const refusal = epay.startPayment(order(overrides));
    await expect(refusal).rejects.toBeInstanceOf(PaymentOrderError);
    await expect(refusal).rejects.toMatchObject({ code });
  });
});

describe('ePay notification', () => {
  it('verifies the checksum, reports a paid order and answers STATUS=OK', async () => {
    const { seen, acknowledge } = recorder();
    const answer = await epay.handleNotification(
      {
        body: notification(['INVOICE=1001:STATUS=PAID:PAY_TIME=20260115143005:STAN=123456:BCODE=AB12CD']),
        contentType: FORM,
      },
      acknowledge,
    );
    expect(seen).toEqual([
      {
        orderId: '1001',
        outcome: 'paid',
        paidAt: '2026-01-15T14:30:05+02:00',
        providerReference: 'STAN=123456:BCODE=AB12CD',
      },
    ]);
    expect(answer).toMatchObject({
      httpStatus: 200,
      contentType: 'text/plain; charset=utf-8',
      body: 'INVOICE=1001:STATUS=OK\n',
      problems: [],
    });
    expect(answer.refused).toBeUndefined();
    expect(answer.results).toEqual([{ ...seen[0], acknowledgement: 'recorded' }]);
  });

  it('answers every invoice of a notification in its order: denied, expired, unknown, failed', async () => {
    const { seen, acknowledge } = recorder((r) =>
      r.orderId === '1003' ? 'unknown-order' : r.orderId === '1004' ? 'failed' : 'recorded',
    );
    const answer = await epay.handleNotification(
      {
        body: notification([
          'INVOICE=1001:STATUS=DENIED',
          'INVOICE=1002:STATUS=EXPIRED',
          'INVOICE=1003:STATUS=DENIED',
          'INVOICE=1004:STATUS=EXPIRED',
        ]),
        contentType: FORM,
      },
      acknowledge,
    );
    expect(seen.map((r) => [r.orderId, r.outcome])).toEqual([
      ['1001', 'denied'],
      ['1002', 'expired'],
      ['1003', 'denied'],
      ['1004', 'expired'],
    ]);
    expect(answer.body).toBe(
      'INVOICE=1001:STATUS=OK\nINVOICE=1002:STATUS=OK\nINVOICE=1003:STATUS=NO\nINVOICE=1004:STATUS=ERR\n',
    );
  });

  it('refuses a wrong checksum with ERR=BAD CHECKSUM before reading anything', async () => {
    const { seen, acknowledge } = recorder();
    const answer = await epay.handleNotification(
      { body: notification(['INVOICE=1001:STATUS=DENIED'], { secret: 'another secret' }), contentType: FORM },
      acknowledge,
    );
    expect(answer.body).toBe('ERR=BAD CHECKSUM\n');
    expect(answer.refused).toEqual({ code: 'BAD_SIGNATURE', reason: 'BAD CHECKSUM' });
    expect(answer.results).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('refuses a packet changed after signing', async () => {
    const { seen, acknowledge } = recorder();
    const signed = new URLSearchParams(notification(['INVOICE=1001:STATUS=DENIED']));
    signed.set(
      'encoded',
      Buffer.from('INVOICE=1001:STATUS=PAID:PAY_TIME=20260115143005:STAN=1:BCODE=X\n').toString('base64'),
    );
    const answer = await epay.handleNotification({ body: signed.toString(), contentType: FORM }, acknowledge);
    expect(answer.body).toBe('ERR=BAD CHECKSUM\n');
    expect(seen).toEqual([]);
  });

  it('reads the fields under either spelling, from a Buffer', async () => {
    const { seen, acknowledge } = recorder();
    const body = Buffer.from(
      notification(['INVOICE=1001:STATUS=DENIED'], { names: ['ENCODED', 'CHECKSUM'] }),
    );
    const answer = await epay.handleNotification(
      { body, contentType: `${FORM}; charset=utf-8` },
      acknowledge,
    );
    expect(answer.body).toBe('INVOICE=1001:STATUS=OK\n');
    expect(seen).toHaveLength(1);
  });

  it('gives a repeated notification the same answer when the caller records idempotently', async () => {
    const recorded = new Map<string, PaymentResult>();
    const acknowledge = async (result: PaymentResult): Promise<Acknowledgement> => {
      if (!recorded.has(result.orderId)) recorded.set(result.orderId, result);
      return 'recorded';
    };
    const body = notification(['INVOICE=1001:STATUS=PAID:PAY_TIME=20260115143005:STAN=123456:BCODE=AB12CD']);
    const first = await epay.handleNotification({ body, contentType: FORM }, acknowledge);
    const second = await epay.handleNotification({ body, contentType: FORM }, acknowledge);
    expect(second.body).toBe(first.body);
    expect(recorded.size).toBe(1);
  });

  it('answers ERR for an invoice whose recording threw, and says why', async () => {
    const answer = await epay.handleNotification(
      { body: notification(['INVOICE=1001:STATUS=DENIED']), contentType: FORM },
      async () => {
        throw new Error('database unavailable');
      },
    );
    expect(answer.body).toBe('INVOICE=1001:STATUS=ERR\n');
    expect(answer.results[0].acknowledgement).toBe('failed');
    expect(answer.problems).toEqual(['recording order 1001 failed: database unavailable']);
  });

  it('reports the paid AMOUNT when ePay gives one (a card discount)', async () => {
    const { seen, acknowledge } = recorder();
    await epay.handleNotification(
      {
        body: notification([
          'INVOICE=1001:STATUS=PAID:PAY_TIME=20260715143005:STAN=123456:BCODE=AB12CD:AMOUNT=11.5:BIN=400000',
        ]),
        contentType: FORM,
      },
      acknowledge,
    );
    expect(seen[0]).toMatchObject({ amount: '11.50', paidAt: '2026-07-15T14:30:05+03:00' });
  });

  it('answers ERR for a line it cannot read that names its invoice, and skips one that names none', async () => {
    const { seen, acknowledge } = recorder();
    const answer = await epay.handleNotification(
      {
        body: notification([
          'INVOICE=1001:STATUS=PAID:PAY_TIME=2026:STAN=1:BCODE=X',
          'garbage',
          'INVOICE=1002:STATUS=DENIED',
        ]),
        contentType: FORM,
      },
      acknowledge,
    );
    expect(answer.body).toBe('INVOICE=1001:STATUS=ERR\nINVOICE=1002:STATUS=OK\n');
    expect(seen.map((r) => r.orderId)).toEqual(['1002']);
    expect(answer.problems).toHaveLength(2);
  });

  it('refuses a notification without fields, without invoice lines, or that is not a form', async () => {
    const { seen, acknowledge } = recorder();
    const missing = await epay.handleNotification({ body: 'encoded=abc', contentType: FORM }, acknowledge);
    expect(missing.refused?.code).toBe('MALFORMED');
    const empty = await epay.handleNotification(
      { body: notification(['nothing here']), contentType: FORM },
      acknowledge,
    );
    expect(empty.body).toBe('ERR=NO INVOICE LINES\n');
    const json = await epay.handleNotification({ body: '{}', contentType: 'application/json' }, acknowledge);
    expect(json.refused?.code).toBe('MALFORMED');
    expect(seen).toEqual([]);
  });
});

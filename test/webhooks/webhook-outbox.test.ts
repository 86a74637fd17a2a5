import { createPool, type Db } from '../../db';
import { recordInvoiceEvent } from '../../db/invoices';
import { createWebhookEndpoint, updateWebhookEndpoint } from '../../db/webhooks';
import {
  generateWebhookSecret,
  isPrivateAddress,
  signWebhook,
  webhookEventTypeOf,
  webhookHeaders,
  WEBHOOK_EVENT_TYPES,
} from '../../domain/webhooks';
import { deliverInvoice, newIssuer, uniqueEmail } from '../portal/harness';
import { verifyStandardWebhook } from './receiver';

describe('webhook signatures', () => {
  test('sign the Standard Webhooks test vector as the specification does', () => {
    const signature = signWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(signature).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  test('carry one signature per secret during a rotation, each accepted by a receiver that knows it', () => {
    const [current, previous] = [generateWebhookSecret(), generateWebhookSecret()];
    const body = '{"type":"invoice.paid"}';
    const headers = webhookHeaders([current, previous], 'msg_1', Math.floor(Date.now() / 1000), body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(verifyStandardWebhook(current, headers, body)).toBe(true);
    expect(verifyStandardWebhook(previous, headers, body)).toBe(true);
    expect(verifyStandardWebhook(generateWebhookSecret(), headers, body)).toBe(false);
    expect(verifyStandardWebhook(current, headers, `${body} `)).toBe(false);
  });

  test('name every timeline event the issue lists, the undeliverable one included', () => {
    const named = [
      'received',
      'verified',
      'rejected',
      'recipient notified',
      'reminder sent',
      'viewed by recipient',
      'dispute opened',
      'dispute message',
      'dispute resolved',
      'payment recorded',
      'paid in full',
      'undeliverable',
    ].map(webhookEventTypeOf);
    expect(named).not.toContain(undefined);
    expect(new Set(named).size).toBe(12);
    expect(WEBHOOK_EVENT_TYPES).toEqual(expect.arrayContaining(named));
    expect(webhookEventTypeOf('awaiting view')).toBeUndefined();
  });

  test('tell private, loopback and link-local addresses from public ones', () => {
    for (const address of [
      '127.0.0.1',
      '10.0.0.1',
      '172.31.255.255',
      '192.168.0.10',
      '169.254.1.1',
      '::1',
      'fd00::1',
      'fe80::1',
      '::ffff:10.0.0.1',
      '100.64.0.1',
      '0.0.0.0',
    ])
      expect([address, isPrivateAddress(address)]).toEqual([address, true]);
    for (const address of ['93.184.215.14', '1.1.1.1', '2606:4700::1111', '172.32.0.1'])
      expect([address, isPrivateAddress(address)]).toEqual([address, false]);
  });
});

describe('the webhook outbox, written with each timeline event', () => {
  let db: Db;
  beforeAll(() => {
    db = createPool(process.env.DATABASE_URL as string, 3);
  });
  afterAll(async () => {
    await db.end();
  });

  const rowsOf = async (endpointId: string) =>
    (
      await db.query<{ event_type: string; event_key: string; message_id: string; body: string }>(
        'select event_type, event_key, message_id, body from webhook_deliveries where endpoint_id = $1 order by id',
        [endpointId],
      )
    ).rows;

  test('queues one row per matching endpoint and event; a repeated write adds nothing', async () => {
    const issuer = await newIssuer(db);
    const other = await newIssuer(db);
    const endpoint = (eventTypes: string[] | null, issuerId = issuer.id) =>
      createWebhookEndpoint(db, {
        issuerId,
        url: 'https://hooks.example/in',
        description: '',
        eventTypes,
        secret: generateWebhookSecret(),
      });
    const all = await endpoint(null);
    const paidOnly = await endpoint(['invoice.paid']);
    const disabled = await endpoint(null);
    await updateWebhookEndpoint(db, issuer.id, disabled.id, { enabled: false });
    const elsewhere = await endpoint(null, other.id);

    const recipient = uniqueEmail('outbox');
    const invoice = await deliverInvoice(db, issuer, recipient);
    const notified = {
      key: '4:recipient notified',
      type: 'recipient notified',
      status: 'notified',
      at: '2026-01-15T09:03:00.000Z',
      detail: { to: recipient, invitation: true },
    };
    await recordInvoiceEvent(db, invoice.id, notified);
    await Promise.all([
      recordInvoiceEvent(db, invoice.id, notified),
      recordInvoiceEvent(db, invoice.id, notified),
    ]);

    const rows = await rowsOf(all.id);
    expect(rows.map((r) => r.event_type)).toEqual([
      'invoice.received',
      'invoice.verified',
      'invoice.archived',
      'invoice.notified',
    ]);
    expect(new Set(rows.map((r) => r.message_id)).size).toBe(4);
    expect(JSON.parse(rows[3].body)).toEqual({
      id: rows[3].message_id,
      type: 'invoice.notified',
      timestamp: '2026-01-15T09:03:00.000Z',
      data: {
        invoiceId: invoice.id,
        number: invoice.number,
        status: 'notified',
        timelineType: 'recipient notified',
        occurredAt: '2026-01-15T09:03:00.000Z',
        detail: { to: recipient, invitation: true },
      },
    });
    expect(await rowsOf(paidOnly.id)).toEqual([]);
    expect(await rowsOf(disabled.id)).toEqual([]);
    expect(await rowsOf(elsewhere.id)).toEqual([]);
  });
});

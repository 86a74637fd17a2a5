import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkWebhookUrl, listFailedDeliveries } from '../../domain/webhooks';
import { createGatewayApp } from '../../gateway/app';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { addTestIssuer, eventually, startTestHub, uniqueEmail, type TestHub } from '../support/hub';
import { verifyStandardWebhook, WebhookReceiver } from './receiver';

/** The events an invoice's life sends up to "awaiting view", in timeline order. */
const UP_TO_NOTIFIED = ['invoice.received', 'invoice.verified', 'invoice.archived', 'invoice.notified'];

describe('webhooks: every timeline event POSTed to the issuer, signed, in order, until answered', () => {
  let hub: TestHub;
  let server: Server;
  let base: string;
  let apiKey: string;

  beforeAll(async () => {
    hub = await startTestHub({
      WEBHOOK_ALLOW_PRIVATE: 'true',
      // Room for a loaded machine: an attempt that is merely slow to be answered must not count as a timeout.
      WEBHOOK_TIMEOUT: '3s',
      WEBHOOK_FIRST_RETRY: '250ms',
      WEBHOOK_MAX_RETRY: '1s',
      WEBHOOK_RETRY_FOR: '2m',
    });
    apiKey = (await addTestIssuer(hub.db)).apiKey;
    server = createGatewayApp(hub).listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(async () => {
    server?.close();
    await hub?.stop();
  });

  const api = async (method: string, path: string, body?: unknown, key = apiKey) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const submit = async () => {
    const response = await fetch(`${base}/invoices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
      body: makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail() }),
    });
    expect(response.status).toBe(202);
    return ((await response.json()) as { id: string }).id;
  };
  const register = async (receiver: WebhookReceiver, extra: Record<string, unknown> = {}) => {
    const created = await api('POST', '/webhooks/endpoints', { url: receiver.url, ...extra });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    receiver.secrets = [created.body.secret];
    return created.body as { id: string; secret: string };
  };
  const deliveries = async (endpointId: string, status?: string) =>
    (await api('GET', `/webhooks/endpoints/${endpointId}/deliveries${status ? `?status=${status}` : ''}`))
      .body.deliveries as {
      id: string;
      invoiceId: string;
      eventType: string;
      messageId: string;
      status: string;
      attempts: number;
      lastStatus: number | null;
      lastError: string | null;
    }[];
  const deliveredCount = async (endpointId: string, invoiceIds: string[]) =>
    (await deliveries(endpointId)).filter((d) => invoiceIds.includes(d.invoiceId) && d.status === 'delivered')
      .length;

  test('a receiver that fails, answers too late and is down for a while gets every event afterwards, in order per invoice, once per webhook-id', async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    const endpoint = await register(receiver);
    receiver.plan.push('fail', 'fail', 'late', 'fail', 'late');

    const first = await Promise.all([submit(), submit(), submit()]);
    await eventually(async () => (await deliveredCount(endpoint.id, first)) === 12, 90_000, '12 deliveries');

    // Down: the port is closed while two more invoices go through their life.
    await receiver.stop();
    const second = await Promise.all([submit(), submit()]);
    const refused = await eventually(
      async () => {
        const pending = (await deliveries(endpoint.id, 'pending')).filter((d) =>
          second.includes(d.invoiceId),
        );
        const tried = pending.filter((d) => d.attempts > 0);
        return pending.length === 8 && tried.length === 2 && tried.every((d) => d.attempts >= 2) && tried;
      },
      90_000,
      'refused attempts while the receiver is down',
    );
    expect(refused.map((d) => d.lastError)).toEqual(['ECONNREFUSED', 'ECONNREFUSED']);
    // Only each invoice's oldest event is tried: the later ones wait behind it, so order holds.
    expect(refused.map((d) => d.eventType)).toEqual(['invoice.received', 'invoice.received']);
    await receiver.start();
    const all = [...first, ...second];
    await eventually(async () => (await deliveredCount(endpoint.id, all)) === 20, 90_000, '20 deliveries');

    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const accepted = receiver.acceptedIdsByInvoice();
    for (const invoiceId of all) {
      const ids = accepted.get(invoiceId) ?? [];
      const types = ids.map((id) => receiver.received.find((r) => r.id === id)?.type);
      expect(types).toEqual(UP_TO_NOTIFIED);
      // The log's ids, in the order the events happened, are the ids received, in the order they arrived.
      const log = (await deliveries(endpoint.id)).filter((d) => d.invoiceId === invoiceId).reverse();
      expect(ids).toEqual(log.map((d) => d.messageId));
    }
    // Retried and late-answered requests repeated ids, never with another body: receivers deduplicate by the id.
    const byId = new Map<string, Set<string>>();
    for (const r of receiver.received) byId.set(r.id, (byId.get(r.id) ?? new Set()).add(r.body));
    expect(byId.size).toBe(20);
    expect([...byId.values()].every((bodies) => bodies.size === 1)).toBe(true);
    expect(receiver.received.length).toBeGreaterThan(20);
    expect(receiver.received.filter((r) => r.answer === 'late')).toHaveLength(2);
    const log = await deliveries(endpoint.id);
    expect(log.every((d) => d.status === 'delivered' && d.lastStatus === 204)).toBe(true);
    expect(log.reduce((sum, d) => sum + d.attempts, 0)).toBeGreaterThanOrEqual(20 + 5 + 4);
    const body = JSON.parse(receiver.received.find((r) => r.type === 'invoice.notified')?.body ?? '{}');
    expect(body).toMatchObject({
      type: 'invoice.notified',
      data: { status: 'notified', timelineType: 'recipient notified' },
    });
    expect(Object.keys(body.data).sort()).toEqual(
      ['detail', 'invoiceId', 'number', 'occurredAt', 'status', 'timelineType'].sort(),
    );

    // A replay sends the same webhook-id and body again: the receiver sees a duplicate it can recognise.
    const again = log[0];
    const replayed = await api('POST', `/webhooks/deliveries/${again.id}/replay`);
    expect(replayed.status).toBe(202);
    await eventually(
      async () => receiver.received.filter((r) => r.id === again.messageId && r.answer === 'ok').length >= 2,
      60_000,
      'the replayed delivery',
    );
    expect(new Set(receiver.received.filter((r) => r.id === again.messageId).map((r) => r.body)).size).toBe(
      1,
    );
    await eventually(
      async () => (await deliveries(endpoint.id)).find((d) => d.id === again.id)?.status === 'delivered',
    );

    // Rotation: both secrets sign until the overlap ends, so a receiver with either accepts the message.
    const rotated = await api('POST', `/webhooks/endpoints/${endpoint.id}/secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    receiver.secrets = [rotated.body.secret];
    const count = receiver.received.length;
    await submit();
    const signed = await eventually(async () => receiver.received.length > count && receiver.received[count]);
    expect(signed.verified).toBe(true);
    expect(signed.signatures).toBe(2);
    expect(verifyStandardWebhook(endpoint.secret, signed.headers, signed.body)).toBe(true);
    expect(
      verifyStandardWebhook(`whsec_${Buffer.alloc(32).toString('base64')}`, signed.headers, signed.body),
    ).toBe(false);
    await receiver.stop();
  });

  test('a delivery still failing when its retry window closes is marked failed, listed for the operator, and a replay delivers it', async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    const endpoint = await register(receiver, { eventTypes: ['invoice.notified'] });
    receiver.plan.push(...Array<'fail'>(10_000).fill('fail'));

    const invoiceId = await submit();
    const failing = await eventually(async () => {
      const [d] = await deliveries(endpoint.id);
      return d?.attempts >= 2 && d;
    });
    expect(failing).toMatchObject({ eventType: 'invoice.notified', status: 'pending', lastStatus: 500 });
    expect(failing.lastError).toBe('HTTP 500: receiver failed');
    // The window's start moved back past WEBHOOK_RETRY_FOR, as if two minutes of failures had gone by.
    await hub.db.query(
      `update webhook_deliveries set retry_from = now() - interval '3 minutes' where id = $1`,
      [failing.id],
    );
    await eventually(async () => (await deliveries(endpoint.id, 'failed')).length === 1, 30_000, 'failed');
    const [failed] = await deliveries(endpoint.id, 'failed');
    expect(failed.lastError).toMatch(/not delivered within 2m/);
    const operator = await listFailedDeliveries(hub.db, 1000);
    expect(operator.find((d) => d.id === failed.id)).toMatchObject({
      invoiceId,
      url: receiver.url,
      eventType: 'invoice.notified',
    });

    receiver.plan.length = 0;
    const replay = await api('POST', `/webhooks/endpoints/${endpoint.id}/replay-failed`);
    expect(replay).toMatchObject({ status: 202, body: { invoices: 1 } });
    await eventually(
      async () => (await deliveries(endpoint.id, 'delivered')).length === 1,
      120_000,
      'replayed',
    );
    // Only the subscribed event type was ever queued for this endpoint.
    expect(new Set(receiver.received.map((r) => r.type))).toEqual(new Set(['invoice.notified']));
    await receiver.stop();
  }, 240_000); // the failures, the closing window and the replay (120 s alone) on a loaded machine

  test('a receiver answering 410 Gone disables its endpoint: pending deliveries fail and nothing more is queued', async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    const endpoint = await register(receiver);
    receiver.plan.push('gone');
    await submit();
    const disabled = await eventually(async () => {
      const e = (await api('GET', `/webhooks/endpoints/${endpoint.id}`)).body;
      return e.enabled === false && e;
    });
    expect(disabled.disabledReason).toBe('the receiver answered 410 Gone');
    await eventually(async () => (await deliveries(endpoint.id, 'pending')).length === 0);
    const before = (await deliveries(endpoint.id)).length;
    expect((await deliveries(endpoint.id, 'failed')).length).toBe(before);
    await submit();
    const replay = await api('POST', `/webhooks/endpoints/${endpoint.id}/replay-failed`);
    expect(replay).toMatchObject({ status: 409, body: { error: { code: 'WEBHOOK_ENDPOINT_DISABLED' } } });
    expect(receiver.received).toHaveLength(1);
    expect((await deliveries(endpoint.id)).length).toBe(before);
    await receiver.stop();
  });

  test('bad endpoints are refused with their code and store nothing; another issuer cannot see them', async () => {
    const count = async () =>
      Number((await hub.db.query('select count(*) from webhook_endpoints')).rows[0].count);
    const before = await count();
    const refusals = [
      [{ url: 'ftp://files.example/in' }, 422, 'WEBHOOK_URL_INVALID'],
      [{ url: 'not a url' }, 422, 'WEBHOOK_URL_INVALID'],
      [{ url: 'https://user:pw@hooks.example/in' }, 422, 'WEBHOOK_URL_INVALID'],
      [{ url: 'https://hooks.example/in', eventTypes: ['invoice.exploded'] }, 400, 'INVALID_REQUEST'],
      [{ url: 'https://hooks.example/in', eventTypes: [] }, 400, 'INVALID_REQUEST'],
      [{ description: 'no url' }, 400, 'INVALID_REQUEST'],
      [{ url: 'https://hooks.example/in', secret: 'whsec_mine' }, 400, 'INVALID_REQUEST'],
    ] as const;
    for (const [body, status, code] of refusals) {
      const answer = await api('POST', '/webhooks/endpoints', body);
      expect([JSON.stringify(body), answer.status, answer.body.error.code]).toEqual([
        JSON.stringify(body),
        status,
        code,
      ]);
    }
    expect(await count()).toBe(before);

    // Without WEBHOOK_ALLOW_PRIVATE: loopback, private and link-local addresses are refused, public ones taken.
    for (const url of [
      'http://127.0.0.1:8080/',
      'http://10.1.2.3/',
      'http://[::1]/',
      'http://169.254.169.254/',
      'http://[::ffff:192.168.1.1]/',
      'http://localhost/',
    ])
      await expect(checkWebhookUrl(url, false)).rejects.toMatchObject({ code: 'WEBHOOK_URL_PRIVATE' });
    await expect(checkWebhookUrl('https://93.184.215.14/hooks', false)).resolves.toBeInstanceOf(URL);

    const mine = await api('POST', '/webhooks/endpoints', { url: 'https://hooks.example/in' });
    expect(mine.status).toBe(201);
    const other = (await addTestIssuer(hub.db)).apiKey;
    expect((await api('GET', `/webhooks/endpoints/${mine.body.id}`, undefined, other)).status).toBe(404);
    expect((await api('DELETE', `/webhooks/endpoints/${mine.body.id}`, undefined, other)).status).toBe(404);
    expect((await api('GET', '/webhooks/endpoints', undefined, other)).body.endpoints).toEqual([]);
    const listed = (await api('GET', '/webhooks/endpoints')).body;
    expect(listed.endpoints.some((e: Record<string, unknown>) => 'secret' in e)).toBe(false);
    expect(listed.eventTypes).toContain('invoice.undeliverable');
    expect((await api('DELETE', `/webhooks/endpoints/${mine.body.id}`)).status).toBe(204);
    expect((await api('GET', `/webhooks/endpoints/${mine.body.id}`)).status).toBe(404);
  });
});

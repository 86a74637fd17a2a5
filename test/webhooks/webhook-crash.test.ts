import { createPool, type Db } from '../../db';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { addTestIssuer, eventually, uniqueEmail } from '../support/hub';
import { launchHub, type HubUnderTest } from '../support/running-hub';
import { WebhookReceiver } from './receiver';

const INVOICES = 8;
const EVENTS = ['invoice.received', 'invoice.verified', 'invoice.archived', 'invoice.notified'];

describe('a worker killed with SIGKILL while webhooks are being delivered', () => {
  let hub: HubUnderTest;
  let db: Db;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    hub = await launchHub({
      embedded: false,
      env: {
        WEBHOOK_ALLOW_PRIVATE: 'true',
        WEBHOOK_TIMEOUT: '2s',
        WEBHOOK_FIRST_RETRY: '250ms',
        WEBHOOK_MAX_RETRY: '1s',
      },
    });
    db = createPool(process.env.DATABASE_URL as string, 3);
    await receiver.start();
  });
  afterAll(async () => {
    await hub?.stop();
    await db?.end();
    await receiver.stop();
  });

  test('every event still arrives, in order per invoice, with one webhook-id each and nothing queued twice', async () => {
    const { apiKey } = await addTestIssuer(db);
    const created = await fetch(`${hub.url}/api/v1/webhooks/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url }),
    });
    expect(created.status).toBe(201);
    const endpoint = (await created.json()) as { id: string; secret: string };
    receiver.secrets = [endpoint.secret];
    receiver.okDelayMs = 300; // a slow receiver: the worker dies with requests open

    const responses = await Promise.all(
      Array.from({ length: INVOICES }, () =>
        fetch(`${hub.url}/api/v1/invoices`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
          body: makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail('webhook-crash') }),
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 202));
    const ids: string[] = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { id: string }).id),
    );

    await eventually(async () => receiver.received.length >= 6, 60_000, 'the first deliveries');
    const workerPid = hub.workerPid();
    process.kill(workerPid, 'SIGKILL');
    const atKill = receiver.received.length;
    expect(atKill).toBeLessThan(INVOICES * EVENTS.length);

    const delivered = async () =>
      Number(
        (
          await db.query(
            `select count(*) from webhook_deliveries where endpoint_id = $1 and status = 'delivered'`,
            [endpoint.id],
          )
        ).rows[0].count,
      );
    await eventually(async () => (await delivered()) === INVOICES * EVENTS.length, 120_000, 'every delivery');
    expect(hub.workerPid()).not.toBe(workerPid);

    const rows = await db.query(
      'select invoice_id, event_key, count(*) as n from webhook_deliveries where endpoint_id = $1 group by 1, 2',
      [endpoint.id],
    );
    expect(rows.rows).toHaveLength(INVOICES * EVENTS.length);
    expect(rows.rows.every((r: { n: string }) => r.n === '1')).toBe(true);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    const accepted = receiver.acceptedIdsByInvoice();
    for (const invoiceId of ids) {
      const types = (accepted.get(invoiceId) ?? []).map(
        (id) => receiver.received.find((r) => r.id === id)?.type,
      );
      expect(types).toEqual(EVENTS);
    }
    const bodies = new Map<string, Set<string>>();
    for (const r of receiver.received) bodies.set(r.id, (bodies.get(r.id) ?? new Set()).add(r.body));
    expect(bodies.size).toBe(INVOICES * EVENTS.length);
    expect([...bodies.values()].every((b) => b.size === 1)).toBe(true);
    process.stderr.write(
      `webhook crash: ${receiver.received.length} requests for ${bodies.size} events (${atKill} before the SIGKILL)\n`,
    );
  });
});

/**
 * Prometheus metrics, scraped as Prometheus would: the gateway's /metrics and the worker's, on the hub as
 * `npm start` runs it (worker and gateway in their own processes).
 */
import { createPool, type Db } from '../../db';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { addTestIssuer, eventually, uniqueEmail } from '../support/hub';
import { launchHub, type HubUnderTest } from '../support/running-hub';

/** The value of one sample ("name{labels} value"), or undefined when the exposition does not have it. */
function sample(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1], pair[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return undefined;
}

describe('metrics at /metrics on the gateway and on the worker', () => {
  let hub: HubUnderTest;
  let db: Db;
  const scrape = async (url: string) => {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return response.text();
  };

  beforeAll(async () => {
    hub = await launchHub({ embedded: false });
    db = createPool(process.env.DATABASE_URL as string, 2);
  });
  afterAll(async () => {
    await hub?.stop();
    await db?.end();
  });

  test('deliveries by channel and outcome, verification time, rejections by rule, mails, open invoices, queue lag and the SDK’s own metrics', async () => {
    const { apiKey } = await addTestIssuer(db);
    const post = (body: string) =>
      fetch(`${hub.url}/api/v1/invoices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
        body,
      });
    const good = makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail('metrics') });
    expect((await post(good)).status).toBe(202);
    expect((await post(good)).status).toBe(200); // the same bytes again: a duplicate
    // A wrong amount due: accepted at the door, rejected at verification by BR-CO-16.
    const wrongTotal = makeUblInvoice({
      number: nextInvoiceNumber(),
      buyerEmail: uniqueEmail('metrics'),
    }).replace(/(<cbc:PayableAmount currencyID="\w+">)[^<]+/, '$11.00');
    expect((await post(wrongTotal)).status).toBe(202);
    expect((await post('<not-an-invoice/>')).status).toBe(422);

    const gateway = await scrape(`${hub.url}/metrics`);
    expect(sample(gateway, 'hub_deliveries_total', { channel: 'api', outcome: 'accepted' })).toBe(2);
    expect(sample(gateway, 'hub_deliveries_total', { channel: 'api', outcome: 'duplicate' })).toBe(1);
    expect(sample(gateway, 'hub_deliveries_total', { channel: 'api', outcome: 'UNSUPPORTED_DOCUMENT' })).toBe(
      1,
    );
    expect(sample(gateway, 'hub_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sample(gateway, 'hub_task_queue_backlog', { type: 'activity' })).toBeGreaterThanOrEqual(0);
    expect(
      sample(gateway, 'hub_task_queue_backlog_age_seconds', { type: 'workflow' }),
    ).toBeGreaterThanOrEqual(0);

    const workerUrl = `http://127.0.0.1:${hub.env.WORKER_METRICS_PORT}/metrics`;
    const worker = await eventually(
      async () => {
        const text = await scrape(workerUrl);
        return (sample(text, 'hub_mails_total', { kind: 'invitation', outcome: 'sent' }) ?? 0) >= 1 &&
          (sample(text, 'hub_rejections_total', { rule: 'BR-CO-16' }) ?? 0) >= 1
          ? text
          : undefined;
      },
      60_000,
      'the invitation mail and the BR-CO-16 rejection in the worker’s metrics',
    );
    expect(sample(worker, 'hub_verification_seconds_count')).toBe(2);
    expect(sample(worker, 'hub_mails_total', { kind: 'rejection', outcome: 'sent' })).toBe(1);
    // The Temporal SDK's own metrics follow the hub's on the same endpoint.
    expect(worker).toMatch(/^temporal_\w+/m);
    expect(worker).toContain('temporal_workflow_task_schedule_to_start_latency');

    // Open invoices by status: the accepted one is waiting for its view; the rejected one is not open.
    const open = await eventually(
      async () => {
        const text = await scrape(`${hub.url}/metrics`);
        return (sample(text, 'hub_open_invoices', { status: 'awaiting view' }) ?? 0) >= 1 ? text : undefined;
      },
      30_000,
      'an invoice awaiting its view in hub_open_invoices',
    );
    expect(sample(open, 'hub_open_invoices', { status: 'rejected' })).toBeUndefined();
  });
});

import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createGatewayApp } from '../../gateway/app';
import { statusQuery } from '../../workflows/messages';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { addTestIssuer, eventually, startTestHub, uniqueEmail, type TestHub } from '../support/hub';

describe('issuer API over HTTP', () => {
  let hub: TestHub;
  let server: Server;
  let base: string;
  let apiKey: string;

  beforeAll(async () => {
    hub = await startTestHub({ MAX_INVOICE_BYTES: String(64 * 1024) });
    apiKey = (await addTestIssuer(hub.db)).apiKey;
    server = createGatewayApp(hub).listen(0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
  });
  afterAll(async () => {
    server?.close();
    await hub?.stop();
  });

  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/invoices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml', ...headers },
      body,
    });
  const invoiceCount = async () =>
    Number((await hub.db.query('select count(*) from invoices')).rows[0].count);

  test('an invoice is accepted with 202, its status, and links to itself and its workflow', async () => {
    const number = nextInvoiceNumber();
    const response = await post(makeUblInvoice({ number, buyerEmail: uniqueEmail() }));
    expect(response.status).toBe(202);
    const body = await response.json();
    expect(body).toMatchObject({ number, status: 'received', duplicate: false });
    expect(body.links.workflow).toContain(`/workflows/invoice-`);

    const detail = await eventually(async () => {
      const d = await (
        await fetch(`${base}/invoices/${body.id}`, { headers: { authorization: `Bearer ${apiKey}` } })
      ).json();
      return d.status === 'awaiting view' && d;
    });
    expect(detail.parties.supplier.vatId).toBe('BG123456786');
    expect(detail.totals.currency).toBe('EUR');
    expect(detail.timeline.map((e: { type: string }) => e.type)).toContain('recipient notified');
  });

  test('the same invoice delivered twice starts one workflow and the second answer points at the first', async () => {
    const xml = makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail() });
    const [first, second] = await Promise.all([post(xml), post(xml)]);
    const answers = [await first.json(), await second.json()];
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect([first.status, second.status].sort()).toEqual([200, 202]);
    expect(answers.find((a) => a.duplicate)?.id).toBe(answers[0].id);
    const workflowId = (await hub.db.query('select workflow_id from invoices where id = $1', [answers[0].id]))
      .rows[0].workflow_id;
    const runs = [];
    for await (const run of hub.temporal.workflow.list({ query: `WorkflowId = '${workflowId}'` }))
      runs.push(run);
    await eventually(
      async () =>
        (await hub.temporal.workflow.getHandle(workflowId).query(statusQuery)).status !== 'received',
    );
    expect(runs).toHaveLength(1);
  });

  test('a different invoice reusing a number is refused with 409 and stores nothing', async () => {
    const number = nextInvoiceNumber();
    await post(makeUblInvoice({ number, buyerEmail: uniqueEmail() }));
    const before = await invoiceCount();
    const response = await post(makeUblInvoice({ number, buyerEmail: uniqueEmail(), lines: 3 }));
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe('NUMBER_ALREADY_USED');
    expect(await invoiceCount()).toBe(before);
  });

  test.each([
    [
      'an unknown API key',
      { authorization: 'Bearer nope' },
      makeUblInvoice({ number: '0000000001' }),
      401,
      'UNKNOWN_API_KEY',
    ],
    ['no API key', { authorization: '' }, makeUblInvoice({ number: '0000000001' }), 401, 'UNAUTHENTICATED'],
    [
      'JSON instead of XML',
      { 'content-type': 'application/json' },
      '{"invoice": 1}',
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['text that is not XML', {}, 'hello, this is not xml', 422, 'NOT_XML'],
    [
      'XML that is not an invoice',
      {},
      '<?xml version="1.0"?><Order xmlns="urn:x"><ID>1</ID></Order>',
      422,
      'UNSUPPORTED_DOCUMENT',
    ],
    [
      'an XXE attempt',
      {},
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      422,
      'DTD_FORBIDDEN',
    ],
    ['a body over the limit', {}, `<x>${'a'.repeat(70 * 1024)}</x>`, 413, 'PAYLOAD_TOO_LARGE'],
  ])('%s gets a specific 4xx JSON error and stores nothing', async (_what, headers, body, status, code) => {
    const before = await invoiceCount();
    const response = await post(body, headers as Record<string, string>);
    expect(response.status).toBe(status);
    const answer = await response.json();
    expect(answer.error.code).toBe(code);
    expect(answer.error.message.length).toBeGreaterThan(10);
    expect(await invoiceCount()).toBe(before);
  });

  test("an issuer cannot read another issuer's invoice", async () => {
    const response = await post(makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail() }));
    const { id } = await response.json();
    const other = await addTestIssuer(hub.db);
    const answer = await fetch(`${base}/invoices/${id}`, {
      headers: { authorization: `Bearer ${other.apiKey}` },
    });
    expect(answer.status).toBe(404);
    const own = await fetch(`${base}/invoices/${id}/original`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('<Invoice');
  });

  test('pages are served with a strict Content-Security-Policy and no framing', async () => {
    const response = await fetch(base.replace('/api/v1', '/invoices/some-id'));
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('upgrade-insecure-requests');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  test('the OpenAPI document describes the intake operation, and malformed ids are refused by it', async () => {
    const document = await (await fetch(`${base}/openapi.json`)).json();
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths.inv ?? document.paths['/invoices'].post.requestBody.content)).toContain(
      'application/xml',
    );
    const response = await fetch(`${base}/invoices/not-a-uuid`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('INVALID_REQUEST');
  });
});

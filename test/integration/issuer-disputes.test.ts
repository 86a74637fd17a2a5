import fs from 'node:fs';
import path from 'node:path';
import type { Issuer } from '../../db/issuers';
import type { DisputeThread, InvoiceDisputes, IssuerDisputes } from '../../gateway/portal/dispute-contract';
import {
  deliverInvoice,
  loggedIn,
  registeredPerson,
  startDisputeHub,
  type DisputeHub,
} from '../support/dispute-hub';
import { addTestIssuer, eventually, mailsTo, uniqueEmail } from '../support/hub';

/**
 * The issuer API's disputes, for ERPs that answer disputes themselves: the same thread and actions as the portal's
 * issuer side, with the API key; validated against the OpenAPI document.
 */
const PDF = fs.readFileSync(
  path.resolve(__dirname, '..', 'domain', 'fixtures', 'disputes', 'delivery-note.pdf'),
);

let hub: DisputeHub;
let issuer: Issuer;
let apiKey: string;
let otherKey: string;

beforeAll(async () => {
  hub = await startDisputeHub();
  ({ issuer, apiKey } = await addTestIssuer(hub.db));
  ({ apiKey: otherKey } = await addTestIssuer(hub.db));
});
afterAll(() => hub?.stop());

async function api(method: string, url: string, body?: unknown, key = apiKey, type = 'application/json') {
  const response = await fetch(`${hub.baseUrl}/api/v1${url}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { 'content-type': type }),
    },
    body:
      body === undefined ? undefined : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return {
    status: response.status,
    headers: response.headers,
    body: (isJson ? await response.json() : Buffer.from(await response.arrayBuffer())) as unknown,
  };
}

async function disputedInvoice() {
  const email = uniqueEmail('erp-buyer');
  await registeredPerson(hub, email);
  const { invoice } = await deliverInvoice(hub, issuer, email);
  const recipient = await loggedIn(hub, email);
  const opened = await recipient.call('POST', `/api/v1/portal/invoices/${invoice.id}/disputes`, {
    category: 'wrong-amount',
    text: 'The unit price should be 10.00, as agreed.',
  });
  expect(opened.status).toBe(201);
  return { email, invoice, recipient, dispute: opened.body as DisputeThread };
}

describe('disputes in the issuer API', () => {
  it('lists, reads, answers with an attachment and decides a dispute, as the portal does', async () => {
    const { email, invoice, recipient, dispute } = await disputedInvoice();

    const open = await api('GET', '/disputes?status=open');
    expect(open.status).toBe(200);
    expect((open.body as IssuerDisputes).disputes.map((d) => d.id)).toContain(dispute.id);
    const onInvoice = await api('GET', `/invoices/${invoice.id}/disputes`);
    expect(onInvoice.body as InvoiceDisputes).toMatchObject({
      canOpen: false,
      disputes: [{ id: dispute.id, status: 'open', awaiting: 'issuer', category: 'wrong-amount' }],
    });
    expect((onInvoice.body as InvoiceDisputes).disputes[0].links.self).toBe(
      `/api/v1/invoices/${invoice.id}/disputes/${dispute.id}`,
    );

    const uploaded = await api(
      'POST',
      `/invoices/${invoice.id}/disputes/uploads?name=contract.pdf`,
      PDF,
      apiKey,
      'application/pdf',
    );
    expect(uploaded.status).toBe(201);
    const uploadId = (uploaded.body as { id: string }).id;
    const answered = await api('POST', `/invoices/${invoice.id}/disputes/${dispute.id}/messages`, {
      text: 'The contract (attached) says 12.00.',
      attachments: [uploadId],
    });
    expect(answered.status).toBe(201);
    const thread = answered.body as DisputeThread;
    expect(thread.entries[1]).toMatchObject({
      kind: 'message',
      author: { side: 'issuer', name: issuer.name },
    });
    expect(thread.actions).toEqual(['reply', 'decide']);

    const file = await api('GET', thread.entries[1].attachments[0].url.replace('/api/v1', ''));
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/pdf');
    expect((file.body as Buffer).equals(PDF)).toBe(true);
    // The recipient downloads the same bytes from the portal.
    const recipientThread = (
      await recipient.call('GET', `/api/v1/portal/invoices/${invoice.id}/disputes/${dispute.id}`)
    ).body as DisputeThread;
    const recipientFile = await recipient.download(recipientThread.entries[1].attachments[0].url);
    expect(recipientFile.bytes.equals(PDF)).toBe(true);

    const decided = await api('POST', `/invoices/${invoice.id}/disputes/${dispute.id}/decision`, {
      outcome: 'rejected',
      note: 'The contract price applies.',
    });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'rejected', awaiting: 'recipient', reopensLeft: 1 });
    await eventually(async () => (await mailsTo(email)).some((m) => /Dispute rejected/.test(m.subject)));
    const rejected = await api('GET', '/disputes?status=rejected');
    expect((rejected.body as IssuerDisputes).disputes.map((d) => d.id)).toContain(dispute.id);
  });

  it('validates requests against the API document and the rules', async () => {
    const { invoice, dispute } = await disputedInvoice();
    const base = `/invoices/${invoice.id}/disputes/${dispute.id}`;
    const cases: [string, unknown, number, string][] = [
      [`${base}/messages`, {}, 400, 'INVALID_REQUEST'],
      [`${base}/messages`, { text: 'x', cc: 'boss' }, 400, 'INVALID_REQUEST'],
      [`${base}/decision`, { outcome: 'partly' }, 400, 'INVALID_REQUEST'],
      [`${base}/decision`, { outcome: 'rejected', note: '  ' }, 422, 'REASON_REQUIRED'],
      [`/invoices/${invoice.id}/disputes/not-a-uuid/messages`, { text: 'x' }, 400, 'INVALID_REQUEST'],
    ];
    for (const [url, body, status, code] of cases) {
      const answer = await api('POST', url, body);
      expect({
        url,
        body,
        status: answer.status,
        code: (answer.body as { error: { code: string } }).error.code,
      }).toEqual({
        url,
        body,
        status,
        code,
      });
    }
    const statusFilter = await api('GET', '/disputes?status=pending');
    expect(statusFilter.status).toBe(400);
    // The API has no door to open or reopen: those are the recipient's.
    expect(
      (await api('POST', `/invoices/${invoice.id}/disputes`, { category: 'other', text: 'x' })).status,
    ).toBe(405);
    expect((await api('POST', `${base}/reopen`, { text: 'x' })).status).toBe(404);
    const document = (await api('GET', '/openapi.json', undefined, '')).body as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/disputes',
        '/invoices/{id}/disputes',
        '/invoices/{id}/disputes/uploads',
        '/invoices/{id}/disputes/{disputeId}',
        '/invoices/{id}/disputes/{disputeId}/messages',
        '/invoices/{id}/disputes/{disputeId}/decision',
        '/invoices/{id}/disputes/{disputeId}/attachments/{attachmentId}',
      ]),
    );
  });

  it("answers another issuer's key exactly as for a missing invoice, and no key with 401", async () => {
    const { invoice, dispute } = await disputedInvoice();
    const base = `/invoices/${invoice.id}/disputes`;
    for (const [method, url, body] of [
      ['GET', base, undefined],
      ['GET', `${base}/${dispute.id}`, undefined],
      ['POST', `${base}/${dispute.id}/messages`, { text: 'Not my invoice, but…' }],
      ['POST', `${base}/${dispute.id}/decision`, { outcome: 'upheld' }],
    ] as [string, string, unknown][]) {
      const answer = await api(method, url, body, otherKey);
      expect({ url, status: answer.status }).toEqual({ url, status: 404 });
    }
    const upload = await api('POST', `${base}/uploads?name=a.pdf`, PDF, otherKey, 'application/pdf');
    expect(upload.status).toBe(404);
    const others = await api('GET', '/disputes', undefined, otherKey);
    expect((others.body as IssuerDisputes).disputes.map((d) => d.id)).not.toContain(dispute.id);
    expect((await api('GET', base, undefined, '')).status).toBe(401);
  });
});

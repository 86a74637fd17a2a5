import { createIssuer, type Issuer } from '../../db/issuers';
import { randomEik } from '../support/hub';
import { seedInvoices, type SeededRow } from './archive-fixtures';
import { startPortalHarness, uniqueEmail, uniqueNumber, type PortalHarness } from './harness';

/**
 * GET /api/v1/invoices: the archive search for an issuer's own systems, with its API key. Same filters, sorts and
 * cursors as the portal; refused values answer 400 with the reason from the OpenAPI document.
 */
let hub: PortalHarness;
let issuer: Issuer;
let apiKey: string;
let otherKey: string;
let rows: SeededRow[];
let prefix: string;
let recipient: string;

interface SearchAnswer {
  invoices: { id: string; number: string; status: string; channel: string; links: { self: string } }[];
  next: string | null;
}

beforeAll(async () => {
  hub = await startPortalHarness();
  ({ issuer, apiKey } = await createIssuer(hub.db, {
    name: 'API Търсене АД',
    eik: randomEik(),
    email: 'api-search@issuer.example',
  }));
  otherKey = (
    await createIssuer(hub.db, { name: 'Other', eik: randomEik(), email: 'other-api-search@issuer.example' })
  ).apiKey;
  prefix = uniqueNumber().slice(0, 6);
  recipient = uniqueEmail('api-search');
  rows = await seedInvoices(
    hub.db,
    Array.from({ length: 12 }, (_, i) => ({
      issuerId: issuer.id,
      recipientEmail: i < 8 ? recipient : uniqueEmail('api-other'),
      number: `${prefix}${String(i).padStart(4, '0')}`,
      issueDate: `2025-0${1 + (i % 6)}-15`,
      status: ['awaiting view', 'paid', 'rejected'][i % 3],
      channel: ['api', 'sftp'][i % 2],
    })),
  );
});

afterAll(async () => {
  await hub?.close();
});

const search = async (query: string, key = apiKey) => {
  const response = await fetch(`${hub.baseUrl}/api/v1/invoices?${query}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return {
    status: response.status,
    body: (await response.json()) as SearchAnswer & { error?: { message: string } },
  };
};

it('finds the issuer’s invoices by number, status, recipient, date range and channel, any status', async () => {
  const answer = await search(
    `number=${prefix}&status=awaiting%20view,rejected&recipient=${encodeURIComponent(recipient)}` +
      `&from=2025-01-01&to=2025-04-30&channel=api&limit=200`,
  );
  const expected = rows.filter(
    (row) =>
      ['awaiting view', 'rejected'].includes(row.status) &&
      row.recipientEmail === recipient &&
      row.issueDate <= '2025-04-30' &&
      row.channel === 'api',
  );
  expect(answer.status).toBe(200);
  expect(expected.length).toBeGreaterThan(0);
  expect(answer.body.invoices.map((row) => row.id).sort()).toEqual(expected.map((row) => row.id).sort());
  expect(answer.body.invoices[0].links.self).toMatch(/^\/api\/v1\/invoices\/[0-9a-f-]{36}$/);
  expect(answer.body.next).toBeNull();
});

it('pages with the cursor until next is null, covering every invoice once', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const answer = await search(`number=${prefix}&sort=number&limit=5${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status).toBe(200);
    seen.push(...answer.body.invoices.map((row) => row.number));
    cursor = answer.body.next;
  } while (cursor);
  expect(seen).toEqual(rows.map((row) => row.number).sort());
});

it('never shows another issuer’s invoices', async () => {
  const answer = await search(`number=${prefix}`, otherKey);
  expect(answer.body.invoices).toEqual([]);
});

it('answers 401 without a known API key', async () => {
  const response = await fetch(`${hub.baseUrl}/api/v1/invoices`);
  expect(response.status).toBe(401);
});

it.each([
  ['status=lost', /status/],
  ['from=yesterday', /from/],
  ['to=2025-02-30', /to/],
  ['channel=pigeon', /channel/],
  ['limit=1000', /limit/],
  ['sort=price', /sort/],
  ['cursor=***', /cursor/],
  ['colour=red', /colour/],
])('refuses %s with 400 and the reason', async (query, pattern) => {
  const answer = await search(query);
  expect(answer.status).toBe(400);
  expect(answer.body.error?.message).toMatch(pattern);
});

it('is described in the OpenAPI document with its parameters', async () => {
  const document = (await (await fetch(`${hub.baseUrl}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, { get?: { parameters: { name: string }[] } }>;
  };
  const names = document.paths['/invoices'].get?.parameters.map((parameter) => parameter.name);
  expect(names).toEqual(
    expect.arrayContaining(['number', 'status', 'recipient', 'from', 'to', 'channel', 'cursor']),
  );
});

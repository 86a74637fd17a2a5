import Big from 'big.js';
import type { Issuer } from '../../db/issuers';
import type { PortalErrorBody } from '../../gateway/portal/contract';
import type { IssuerInvoicePage, RecipientInvoicePage } from '../../gateway/portal/search-contract';
import { getAs, makeIssuerMember, seedInvoices, sessionCookie, type SeededRow } from './archive-fixtures';
import { newIssuer, startPortalHarness, uniqueEmail, uniqueNumber, type PortalHarness } from './harness';

/**
 * The searchable archive over HTTP, both sides: filters alone and combined, every sort order, keyset pages that cover
 * every invoice exactly once while invoices keep arriving, nobody else's invoices ever, and bad requests refused.
 */
let hub: PortalHarness;
let issuer: Issuer;
let otherIssuer: Issuer;
let recipient: string;
let recipientCookie: string;
let clerkCookie: string;
/** The recipient's archived invoices (from both issuers): what the recipient side must find. */
let visible: SeededRow[];
/** Every invoice of `issuer`, any status and recipient: what the issuer side must find. */
let issuerRows: SeededRow[];
let prefix: string;

const TOTALS = ['9.50', '10.00', '100.005', '100.01', '1250.50', '99999.99', '0.00', '-15.00'];
const STATUSES = ['awaiting view', 'viewed', 'paid', 'disputed'];
const CHANNELS = ['api', 'sftp', 'as2'];

beforeAll(async () => {
  hub = await startPortalHarness();
  issuer = await newIssuer(hub.db, 'Примерна Търговия ЕООД');
  otherIssuer = await newIssuer(hub.db, 'Друга Фирма АД');
  recipient = uniqueEmail('search');
  prefix = uniqueNumber().slice(0, 6);
  const own = await seedInvoices(
    hub.db,
    Array.from({ length: 40 }, (_, i) => ({
      issuerId: issuer.id,
      recipientEmail: recipient,
      number: `${prefix}${String(i).padStart(4, '0')}`,
      // Ten years, several invoices on some days (ties broken by id).
      issueDate: `${2016 + (i % 11)}-0${1 + (i % 9)}-1${i % 3}`,
      total: TOTALS[i % TOTALS.length],
      status: STATUSES[i % STATUSES.length],
      channel: CHANNELS[i % CHANNELS.length],
      customerName: i % 2 ? 'Клиент Консулт ООД' : 'Buyer Ltd',
    })),
  );
  const fromOther = await seedInvoices(
    hub.db,
    Array.from({ length: 6 }, (_, i) => ({
      issuerId: otherIssuer.id,
      recipientEmail: recipient,
      issueDate: `2024-05-0${i + 1}`,
      supplierName: 'Друга Фирма АД',
      total: '500.00',
    })),
  );
  // Addressed to the recipient but never archived: the recipient must never see these; the issuer must.
  const unarchived = await seedInvoices(hub.db, [
    { issuerId: issuer.id, recipientEmail: recipient, status: 'rejected', number: `${prefix}9998` },
    { issuerId: issuer.id, recipientEmail: recipient, status: 'verified', number: `${prefix}9999` },
  ]);
  // Another recipient's invoices of the same issuer.
  const someoneElse = await seedInvoices(
    hub.db,
    Array.from({ length: 5 }, () => ({
      issuerId: issuer.id,
      recipientEmail: uniqueEmail('someone-else'),
      customerName: 'Съвсем Друг Клиент ЕТ',
    })),
  );
  visible = [...own, ...fromOther];
  issuerRows = [...own, ...unarchived, ...someoneElse];
  recipientCookie = (await sessionCookie(hub.db, recipient)).cookie;
  const clerk = await sessionCookie(hub.db, uniqueEmail('clerk'));
  await makeIssuerMember(hub.db, issuer.id, clerk.userId, 'clerk');
  clerkCookie = clerk.cookie;
});

afterAll(async () => {
  await hub?.close();
});

const recipientSearch = (query: string) =>
  getAs(hub.baseUrl, recipientCookie, `/api/v1/portal/invoices?${query}`);
const issuerSearch = (query: string, cookie = clerkCookie, issuerId = issuer.id) =>
  getAs(hub.baseUrl, cookie, `/api/v1/portal/issuers/${issuerId}/invoices?${query}`);

/** Follows `next` from the first page to the last, returning every id in order. */
async function everyPage(
  search: (query: string) => ReturnType<typeof getAs>,
  query: string,
  between?: () => Promise<void>,
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const answer = await search(`${query}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(answer.status).toBe(200);
    const page = answer.body as RecipientInvoicePage;
    ids.push(...page.invoices.map((row) => row.id));
    cursor = page.next;
    pages += 1;
    if (between) await between();
  } while (cursor);
  return { ids, pages };
}

const ids = (rows: SeededRow[]) => rows.map((row) => row.id).sort();
const sortedIds = (answer: { body: unknown }) =>
  (answer.body as RecipientInvoicePage).invoices.map((row) => row.id).sort();

describe('recipient search: each filter alone', () => {
  it('lists every archived invoice addressed to the recipient, and nothing else', async () => {
    const { ids: found } = await everyPage(recipientSearch, 'limit=200');
    expect(found.sort()).toEqual(ids(visible));
  });

  it('finds a number by its beginning, with spaces typed anywhere', async () => {
    const spaced = `${prefix.slice(0, 3)} ${prefix.slice(3)} 001`;
    const answer = await recipientSearch(`number=${encodeURIComponent(spaced)}&limit=200`);
    expect(sortedIds(answer)).toEqual(ids(visible.filter((row) => row.number.startsWith(`${prefix}001`))));
    expect(sortedIds(answer)).toHaveLength(10);
  });

  it('finds exactly one number with numberMatch=exact', async () => {
    const answer = await recipientSearch(`number=${prefix}0012&numberMatch=exact`);
    expect((answer.body as RecipientInvoicePage).invoices.map((row) => row.number)).toEqual([
      `${prefix}0012`,
    ]);
  });

  it("finds invoices by a part of the issuer's name, whatever the case of the Cyrillic letters", async () => {
    const answer = await recipientSearch(`issuer=${encodeURIComponent('ДРУГА фирма')}&limit=200`);
    expect(sortedIds(answer)).toEqual(ids(visible.filter((row) => row.supplierName === 'Друга Фирма АД')));
  });

  it('filters by issue date, both ends included', async () => {
    const answer = await recipientSearch('from=2020-01-10&to=2022-12-31&limit=200');
    const expected = visible.filter((row) => row.issueDate >= '2020-01-10' && row.issueDate <= '2022-12-31');
    expect(expected.length).toBeGreaterThan(0);
    expect(sortedIds(answer)).toEqual(ids(expected));
  });

  it('filters by one or several statuses', async () => {
    const paid = await recipientSearch('status=paid&limit=200');
    const two = await recipientSearch(`status=${encodeURIComponent('paid,disputed')}&limit=200`);
    expect(sortedIds(paid)).toEqual(ids(visible.filter((row) => row.status === 'paid')));
    expect(sortedIds(two)).toEqual(ids(visible.filter((row) => ['paid', 'disputed'].includes(row.status))));
  });

  it('compares amounts as exact decimals, not as text or floats', async () => {
    const answer = await recipientSearch('amountMin=10&amountMax=100.005&limit=200');
    const expected = visible.filter(
      (row) => new Big(row.total).gte('10') && new Big(row.total).lte('100.005'),
    );
    // "9.50" is below 10 although it sorts after "10.00" as text; 100.01 is just above the range.
    expect(expected.map((row) => row.total).sort()).toEqual(expect.arrayContaining(['10.00', '100.005']));
    expect(sortedIds(answer)).toEqual(ids(expected));
  });

  it('filters by delivery channel', async () => {
    const answer = await recipientSearch('channel=sftp,as2&limit=200');
    expect(sortedIds(answer)).toEqual(ids(visible.filter((row) => ['sftp', 'as2'].includes(row.channel))));
  });
});

describe('recipient search: filters combined', () => {
  it('applies every filter at once', async () => {
    const answer = await recipientSearch(
      `number=${prefix}00&issuer=${encodeURIComponent('примерна')}&from=2016-01-01&to=2021-12-31` +
        `&status=awaiting%20view,viewed,paid&amountMin=0&amountMax=2000&channel=api,sftp&limit=200`,
    );
    const expected = visible.filter(
      (row) =>
        row.number.startsWith(`${prefix}00`) &&
        row.supplierName.startsWith('Примерна') &&
        row.issueDate >= '2016-01-01' &&
        row.issueDate <= '2021-12-31' &&
        ['awaiting view', 'viewed', 'paid'].includes(row.status) &&
        new Big(row.total).gte(0) &&
        new Big(row.total).lte(2000) &&
        ['api', 'sftp'].includes(row.channel),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(sortedIds(answer)).toEqual(ids(expected));
  });
});

describe('sort orders', () => {
  const keys: Record<string, (row: SeededRow) => string | Big> = {
    issueDate: (row) => row.issueDate,
    number: (row) => row.number,
    amount: (row) => new Big(row.total),
    status: (row) => row.status,
  };
  const compare = (a: string | Big, b: string | Big) =>
    a instanceof Big ? a.cmp(b as Big) : a < (b as string) ? -1 : a > (b as string) ? 1 : 0;

  it.each(['issueDate', '-issueDate', 'number', '-number', 'amount', '-amount', 'status', '-status'])(
    'sorts by %s, ties broken by the id in the same direction, across pages',
    async (sort) => {
      const field = sort.replace('-', '');
      const sign = sort.startsWith('-') ? -1 : 1;
      const expected = [...visible]
        .sort((a, b) => sign * (compare(keys[field](a), keys[field](b)) || (a.id < b.id ? -1 : 1)))
        .map((row) => row.id);
      const { ids: found, pages } = await everyPage(
        recipientSearch,
        `sort=${encodeURIComponent(sort)}&limit=9`,
      );
      expect(pages).toBe(Math.ceil(visible.length / 9));
      expect(found).toEqual(expected);
    },
  );

  it('sorts newest issue date first by default', async () => {
    const answer = await recipientSearch('limit=3');
    const dates = (answer.body as RecipientInvoicePage).invoices.map((row) => row.issueDate);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(dates[0]).toBe(
      visible
        .map((row) => row.issueDate)
        .sort()
        .reverse()[0],
    );
  });
});

describe('keyset pages', () => {
  it('cover every invoice exactly once while new invoices keep arriving between pages', async () => {
    const email = uniqueEmail('moving');
    const busy = await newIssuer(hub.db, 'Busy Issuer OOD');
    const before = await seedInvoices(
      hub.db,
      Array.from({ length: 23 }, (_, i) => ({
        issuerId: busy.id,
        recipientEmail: email,
        issueDate: `2025-03-${String(1 + (i % 20)).padStart(2, '0')}`,
      })),
    );
    const cookie = (await sessionCookie(hub.db, email)).cookie;
    const arrived: SeededRow[] = [];
    const { ids: found } = await everyPage(
      (query) => getAs(hub.baseUrl, cookie, `/api/v1/portal/invoices?${query}`),
      'limit=4',
      async () => {
        // Two arrive after every page: one sorting before the cursor, one after it.
        arrived.push(
          ...(await seedInvoices(hub.db, [
            { issuerId: busy.id, recipientEmail: email, issueDate: '2025-03-25' },
            { issuerId: busy.id, recipientEmail: email, issueDate: '2025-02-01' },
          ])),
        );
      },
    );
    expect(new Set(found).size).toBe(found.length); // nothing twice
    expect(found).toEqual(expect.arrayContaining(ids(before))); // everything there at the start, once
    const extra = found.filter((id) => !before.some((row) => row.id === id));
    expect(arrived.map((row) => row.id)).toEqual(expect.arrayContaining(extra));
  });

  it('answer next: null on the last page, and a cursor that is opaque base64url', async () => {
    const first = (await recipientSearch('limit=45')).body as RecipientInvoicePage;
    expect(first.next).toMatch(/^[A-Za-z0-9_-]+$/);
    const last = (await recipientSearch(`limit=45&cursor=${first.next}`)).body as RecipientInvoicePage;
    expect(last.invoices).toHaveLength(visible.length - 45);
    expect(last.next).toBeNull();
  });
});

describe('issuer side', () => {
  it('lists every invoice of the issuer, whatever its status or recipient, and only those', async () => {
    const { ids: found } = await everyPage(issuerSearch, 'limit=200');
    expect(found.sort()).toEqual(ids(issuerRows));
    const body = (await issuerSearch('status=rejected')).body as IssuerInvoicePage;
    expect(body.invoices.map((row) => row.number)).toEqual([`${prefix}9998`]);
    expect(body.issuer).toEqual({ id: issuer.id, name: 'Примерна Търговия ЕООД' });
    expect(body.links.csv).toBe(`/api/v1/portal/issuers/${issuer.id}/invoices.csv?status=rejected`);
    // The CSV link of a search with spaces and lists is one the API accepts as it is.
    const spaced = (
      await issuerSearch(`status=${encodeURIComponent('awaiting view,paid')}&recipient=Buyer%20Ltd`)
    ).body as IssuerInvoicePage;
    const csv = await getAs(hub.baseUrl, clerkCookie, spaced.links.csv);
    expect(spaced.links.csv).toContain('status=awaiting%20view%2Cpaid');
    expect(csv.status).toBe(200);
  });

  it('finds a recipient by the full address exactly, or by a part of the name or address', async () => {
    const byAddress = await issuerSearch(
      `recipient=${encodeURIComponent(recipient.toUpperCase())}&limit=200`,
    );
    const byName = await issuerSearch(`recipient=${encodeURIComponent('съвсем друг')}&limit=200`);
    const byPart = await issuerSearch(`recipient=${encodeURIComponent(recipient.split('@')[0])}&limit=200`);
    const toRecipient = issuerRows.filter((row) => row.recipientEmail === recipient);
    expect(sortedIds(byAddress)).toEqual(ids(toRecipient));
    expect(sortedIds(byName)).toEqual(
      ids(issuerRows.filter((row) => row.customerName === 'Съвсем Друг Клиент ЕТ')),
    );
    expect(sortedIds(byPart)).toEqual(ids(toRecipient));
  });

  it('gives each row the recipient, channel and status', async () => {
    const body = (await issuerSearch(`number=${prefix}0001&numberMatch=exact`)).body as IssuerInvoicePage;
    expect(body.invoices).toEqual([
      expect.objectContaining({
        number: `${prefix}0001`,
        recipientEmail: recipient,
        recipientName: 'Клиент Консулт ООД',
        channel: 'sftp',
        status: 'viewed',
        total: '10.00',
        currency: 'EUR',
      }),
    ]);
  });

  it('answers 404 to someone who does not work for the issuer, exactly as for an issuer that does not exist', async () => {
    const foreign = await issuerSearch('', recipientCookie);
    const missing = await issuerSearch('', recipientCookie, '00000000-0000-4000-8000-000000000000');
    const otherClerk = await issuerSearch('', clerkCookie, otherIssuer.id);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect(otherClerk.status).toBe(404);
  });
});

describe('nobody else’s invoices', () => {
  it("never shows a recipient another recipient's invoices, nor unarchived ones, whatever the filters", async () => {
    const stranger = (await sessionCookie(hub.db, uniqueEmail('stranger'))).cookie;
    const answer = await getAs(hub.baseUrl, stranger, `/api/v1/portal/invoices?number=${prefix}&limit=200`);
    expect((answer.body as RecipientInvoicePage).invoices).toEqual([]);
    const rejected = await recipientSearch('status=rejected,verified,received');
    expect((rejected.body as RecipientInvoicePage).invoices).toEqual([]);
  });

  it("continues a recipient's cursor only within that recipient's invoices", async () => {
    const first = (await recipientSearch('limit=2')).body as RecipientInvoicePage;
    const stranger = (await sessionCookie(hub.db, uniqueEmail('cursor-thief'))).cookie;
    const stolen = await getAs(
      hub.baseUrl,
      stranger,
      `/api/v1/portal/invoices?limit=200&cursor=${first.next}`,
    );
    expect((stolen.body as RecipientInvoicePage).invoices).toEqual([]);
  });

  it('answers 401 without a session', async () => {
    const answer = await getAs(hub.baseUrl, undefined, '/api/v1/portal/invoices');
    expect(answer.status).toBe(401);
  });
});

describe('bad requests are refused with 400 and the reason', () => {
  const refused = async (query: string, pattern: RegExp) => {
    const answer = await recipientSearch(query);
    expect(answer.status).toBe(400);
    expect((answer.body as PortalErrorBody).error.message).toMatch(pattern);
    return (answer.body as PortalErrorBody).error.code;
  };

  it.each([
    ['from=2026-13-01', /from/],
    ['to=15.01.2026', /to/],
    ['amountMin=12,50', /amountMin/],
    ['amountMax=lots', /amountMax/],
    ['status=lost', /status/],
    ['channel=fax', /channel/],
    ['sort=recipient', /sort/],
    ['limit=500', /limit/],
    ['limit=0', /limit/],
    ['unknown=1', /unknown/],
    ['from=2026-02-01&to=2026-01-01', /from is after to/],
    ['amountMin=100&amountMax=99.99', /amountMin is above amountMax/],
  ])('%s', async (query, pattern) => {
    await refused(query, pattern);
  });

  it('refuses a cursor the hub did not give out, and one of another sort order', async () => {
    expect(await refused('cursor=bm90LWEtY3Vyc29y', /cursor/)).toBe('INVALID_CURSOR');
    const first = (await recipientSearch('limit=2&sort=number')).body as RecipientInvoicePage;
    expect(await refused(`cursor=${first.next}&sort=amount`, /sorted by number/)).toBe('INVALID_CURSOR');
  });
});

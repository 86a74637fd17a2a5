/**
 * npm run bench:portal [-- --invoices N --requests R]
 * The searchable archive at size: one hub on embedded services (as `npm start` runs it) in a fresh data folder,
 * N archived invoices (default 100,000) of one issuer to one recipient address, written straight into PostgreSQL with
 * multi-row inserts (timed), spread over ten years with realistic summaries, models and originals. Then, for each
 * case, R requests (default 200, after 20 uncounted) over HTTP with a session cookie, and the very SQL the endpoint
 * runs (db/invoice-search.ts searchQuery) R times directly with `pg`: p50/p99 of each and their ratio. The plan of
 * every query (EXPLAIN ANALYZE) goes into the results file: bench/results/portal-<date>.json.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPool, type Db } from '../db';
import { createIssuer } from '../db/issuers';
import {
  searchQuery,
  type InvoiceSearchFilters,
  type InvoiceSort,
  type Keyset,
  type SearchScope,
} from '../db/invoice-search';
import { ensureUser, tokenDigest } from '../db/users';
import { encodeCursor, searchQueryString } from '../gateway/portal/invoice-search';
import { randomEik } from '../test/support/hub';
import { seedArchive } from './archive-seed';
import { startBenchHub } from './hub';
import { machine, round } from './machine';

const { values } = parseArgs({
  options: {
    invoices: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '200' },
  },
});
const N = Number(values.invoices);
const REQUESTS = Number(values.requests);
const WARM_UP = 20;
const RECIPIENT = 'accounts@bench-buyer.example';

const SELLERS = ['Примерна Търговия ЕООД'];

async function sessionFor(db: Db, email: string): Promise<{ userId: string; cookie: string }> {
  const user = await ensureUser(db, email);
  const token = crypto.randomBytes(32).toString('base64url');
  await db.query(
    `insert into portal_sessions (token_sha256, user_id, expires_at) values ($1, $2, now() + interval '2 hours')`,
    [tokenDigest(token), user.id],
  );
  return { userId: user.id, cookie: `hub_session=${token}` };
}

const hundredths = (n: number) => Math.round(n * 100) / 100;
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

async function timed(run: () => Promise<void>): Promise<{ p50: number; p99: number; mean: number }> {
  for (let i = 0; i < WARM_UP; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  samples.sort((a, b) => a - b);
  return {
    p50: hundredths(percentile(samples, 50)),
    p99: hundredths(percentile(samples, 99)),
    mean: hundredths(samples.reduce((a, b) => a + b, 0) / samples.length),
  };
}

interface Case {
  name: string;
  scope: SearchScope;
  filters: InvoiceSearchFilters;
  sort: InvoiceSort;
  after?: Keyset;
  url: string;
  cookie: string;
}

async function main() {
  console.log(`bench:portal: ${N} archived invoices, ${REQUESTS} requests per case`);
  const { hub, port, close } = await startBenchHub();
  const db = createPool(hub.databaseUrl, 4);
  const base = `http://127.0.0.1:${port}`;
  try {
    const { issuer } = await createIssuer(db, {
      name: SELLERS[0],
      eik: randomEik(),
      email: 'billing@bench-seller.example',
    });
    const seedingSeconds = await seedArchive(db, issuer.id, {
      invoices: N,
      recipient: RECIPIENT,
      sellerName: SELLERS[0],
    });
    console.log(`seeded ${N} invoices in ${round(seedingSeconds)} s (${Math.round(N / seedingSeconds)}/s)`);
    const sizes = (
      await db.query<{ invoices: string; archive: string }>(
        `select pg_size_pretty(pg_total_relation_size('invoices')) as invoices,
                pg_size_pretty(pg_total_relation_size('invoice_archive')) as archive`,
      )
    ).rows[0];

    const recipient = await sessionFor(db, RECIPIENT);
    const clerk = await sessionFor(db, 'clerk@bench-seller.example');
    await db.query(`insert into issuer_members (issuer_id, user_id, role) values ($1, $2, 'clerk')`, [
      issuer.id,
      clerk.userId,
    ]);
    const recipientScope: SearchScope = {
      side: 'recipient',
      reach: { userId: recipient.userId, shares: [] },
    };
    const issuerScope: SearchScope = { side: 'issuer', issuerId: issuer.id };
    const newest: InvoiceSort = { field: 'issueDate', direction: 'desc' };
    // The keyset of the middle row (50,000 of 100,000) in the default order: where page 1,001 starts (found once; pages never use OFFSET).
    const deep = (
      await db.query<{ sort_value: string; id: string }>(
        `select search_issue_date as sort_value, id from invoices where recipient_user_id = $1
          order by search_issue_date desc, id desc offset $2 limit 1`,
        [recipient.userId, Math.floor(N / 2) - 1],
      )
    ).rows[0];

    const recipientCase = (
      name: string,
      filters: InvoiceSearchFilters,
      sort = newest,
      after?: Keyset,
    ): Case => {
      const query = searchQueryString({ filters, sort, pageSize: 50 });
      const cursor = after ? `cursor=${encodeCursor(sort, after)}` : '';
      return {
        name,
        scope: recipientScope,
        filters,
        sort,
        after,
        url: `${base}/api/v1/portal/invoices?${[query, cursor].filter(Boolean).join('&')}`,
        cookie: recipient.cookie,
      };
    };
    const issuerCase = (name: string, filters: InvoiceSearchFilters, sort = newest): Case => ({
      name,
      scope: issuerScope,
      filters,
      sort,
      url: `${base}/api/v1/portal/issuers/${issuer.id}/invoices?${searchQueryString({ filters, sort, pageSize: 50 })}`,
      cookie: clerk.cookie,
    });
    const cases: Case[] = [
      recipientCase('recipient list, first page (newest first)', {}),
      recipientCase('recipient search: issuer name part + one year', {
        issuerName: 'примерна',
        issuedFrom: '2021-01-01',
        issuedTo: '2021-12-31',
      }),
      recipientCase(
        'recipient search: amount range + status, by amount',
        {
          amountMin: '1000',
          amountMax: '1500',
          statuses: ['paid'],
        },
        { field: 'amount', direction: 'desc' },
      ),
      recipientCase('recipient search: number prefix', { number: '10000123' }),
      recipientCase(`recipient list, deep page (after row ${Math.floor(N / 2)})`, {}, newest, {
        value: deep.sort_value,
        id: deep.id,
      }),
      issuerCase('issuer list, first page', {}),
      issuerCase('issuer search: recipient name part + status + channel', {
        recipient: 'консулт',
        statuses: ['disputed', 'awaiting view'],
        channels: ['sftp'],
      }),
      issuerCase('issuer search: exact number', { number: '1000050000', numberMatch: 'exact' }),
    ];

    const results = [];
    for (const c of cases) {
      const sql = searchQuery(c.scope, c.filters, c.sort, 51, c.after);
      let rows = 0;
      const http = await timed(async () => {
        const response = await fetch(c.url, { headers: { cookie: c.cookie } });
        if (response.status !== 200)
          throw new Error(`${c.name}: HTTP ${response.status} ${await response.text()}`);
        rows = ((await response.json()) as { invoices: unknown[] }).invoices.length;
      });
      const direct = await timed(async () => {
        await db.query(sql.text, sql.values);
      });
      const plan = (
        await db.query<{ 'QUERY PLAN': string }>(
          `explain (analyze, buffers, costs off) ${sql.text}`,
          sql.values,
        )
      ).rows.map((row) => row['QUERY PLAN']);
      results.push({
        case: c.name,
        rows,
        http,
        sql: direct,
        ratioP50: round(http.p50 / direct.p50),
        ratioP99: round(http.p99 / direct.p99),
        indexes: [...new Set(plan.join('\n').match(/invoices_\w+|invoice_archive_pkey/g) ?? [])],
        plan,
      });
      console.log(`  ${c.name}: HTTP p50 ${http.p50} ms, SQL p50 ${direct.p50} ms`);
    }

    const report = {
      benchmark: 'portal',
      date: new Date().toISOString(),
      machine: machine(),
      invoices: N,
      requestsPerCase: REQUESTS,
      warmUp: WARM_UP,
      seeding: { seconds: round(seedingSeconds), perSecond: Math.round(N / seedingSeconds), ...sizes },
      results,
    };
    const dir = path.join(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `portal-${report.date.slice(0, 10)}.json`);
    fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');

    console.log(
      `\nseeding: ${N} invoices in ${round(seedingSeconds)} s; invoices ${sizes.invoices}, archive ${sizes.archive}`,
    );
    console.table(
      results.map((r) => ({
        case: r.case,
        rows: r.rows,
        'HTTP p50 ms': r.http.p50,
        'HTTP p99 ms': r.http.p99,
        'SQL p50 ms': r.sql.p50,
        'SQL p99 ms': r.sql.p99,
        'ratio p50': r.ratioP50,
        'ratio p99': r.ratioP99,
        indexes: r.indexes.join(' '),
      })),
    );
    console.log(`results: ${path.relative(process.cwd(), file)}`);
  } finally {
    await db.end();
    await close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

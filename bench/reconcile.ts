/**
 * npm run bench:reconcile [-- --invoices N --entries E]
 * Statement reconciliation at size: one hub on embedded services (as `npm start` runs it) in a fresh data folder,
 * N open invoices (default 100,000) of one issuer seeded straight into PostgreSQL, and a camt.053 of E entries
 * (default 10,000) naming them as payers do (invoice numbers in Bulgarian text, structured references, partial
 * payments, one transfer for two invoices, transfers nobody can place, bank fees). The import runs the very steps of
 * the import activity (activities/payments.ts) in this process — read the file, load the match context, decide every
 * entry, write the ledger in chunks of 200 — each timed, with the process's peak RSS sampled throughout. The peer,
 * in the same run: the same 10,000 rows written into a table of the same shape with one multi-row `unnest` insert per
 * chunk through `pg` (what writing them costs at the least). Every decision is checked against what the generator
 * meant: wrong matches are counted. Results: bench/results/reconcile-<date>.json.
 *
 * Not measured here: recording each match in its invoice's lifecycle (100,000 running workflows are beyond this
 * machine); bench:lifecycle measures lifecycle updates, and the crash test (test/e2e/statement-crash.test.ts) runs
 * the whole path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPool, withTransaction, type Db } from '../db';
import { createIssuer } from '../db/issuers';
import { writeDecidedEntries, type DecidedEntry } from '../db/payments/ledger';
import { loadMatchContext } from '../db/payments/match-context';
import { recordStatementImport } from '../db/payments/statement-imports';
import { fromCents, toCents } from '../domain/money';
import { decideStatement } from '../domain/payments/matching';
import {
  entryKey,
  type BankStatement,
  type EntryDecision,
  type StatementEntry,
} from '../domain/payments/model';
import { readStatement } from '../domain/payments/statements';
import { toCamt053 } from '../test/domain/payments/generate-statement';
import { randomEik } from '../test/support/hub';
import { seedArchive } from './archive-seed';
import { startBenchHub } from './hub';
import { machine, round } from './machine';

const { values } = parseArgs({
  options: {
    invoices: { type: 'string', default: '100000' },
    entries: { type: 'string', default: '10000' },
  },
});
const N = Number(values.invoices);
const E = Number(values.entries);
const FIRST_NUMBER = 1_000_000_000;
const CHUNK = 200;
const RECIPIENT = 'accounts@bench-buyer.example';
const ACCOUNT = 'BG80BNBG96611020345678';

/** What an entry was meant to be: the invoices it pays and how much of each, or nothing the matcher may place. */
type Truth = { pays: { number: string; amount: string }[] } | { pays: 'review' | 'not-a-payment' };

/** The total of seeded invoice i, as archive-seed.ts computes it. */
const totalOf = (i: number) => fromCents(BigInt(1000 + ((i * 7919) % 2_500_000)));

function statementOf(): { statement: BankStatement; truth: Truth[] } {
  const entries: StatementEntry[] = [];
  const truth: Truth[] = [];
  let next = 0;
  // Invoices are taken in a scattered order, each at most once.
  const take = () => {
    const i = (next++ * 7_919) % N;
    return { i, number: String(FIRST_NUMBER + i), total: totalOf(i) };
  };
  const add = (
    entry: Partial<StatementEntry> & Pick<StatementEntry, 'amount' | 'direction'>,
    meant: Truth,
  ) => {
    const index = entries.length;
    entries.push({
      index,
      bankReference: `BENCH${String(index).padStart(6, '0')}`,
      bookingDate: '2026-11-30',
      valueDate: '2026-11-30',
      currency: 'EUR',
      status: 'BOOK',
      reversal: false,
      remittance: [],
      counterparty: { name: 'Клиент Консулт ООД', iban: `BG18RZBB9155${String(index).padStart(10, '0')}` },
      ...entry,
    });
    truth.push(meant);
  };
  for (let k = 0; k < E; k++) {
    const story = k % 20;
    if (story < 11) {
      const { number, total } = take();
      add(
        { amount: total, direction: 'credit', remittance: [`Плащане по ф-ра ${number}`] },
        { pays: [{ number, amount: total }] },
      );
    } else if (story < 14) {
      const { number, total } = take();
      add(
        { amount: total, direction: 'credit', structuredReference: number, remittance: [] },
        { pays: [{ number, amount: total }] },
      );
    } else if (story < 16) {
      const { number, total } = take();
      const half = fromCents(toCents(total) / 2n);
      add(
        { amount: half, direction: 'credit', remittance: [`фактура № ${number} - частично`] },
        { pays: [{ number, amount: half }] },
      );
    } else if (story === 16) {
      const a = take();
      const b = take();
      const sum = fromCents(toCents(a.total) + toCents(b.total));
      add(
        { amount: sum, direction: 'credit', remittance: [`ф-ри ${a.number} и ${b.number}`] },
        {
          pays: [
            { number: a.number, amount: a.total },
            { number: b.number, amount: b.total },
          ],
        },
      );
    } else if (story < 19) {
      add(
        {
          amount: `${10 + (k % 900)}.${String(k % 100).padStart(2, '0')}`,
          direction: 'credit',
          remittance: ['Захранване на сметка'],
          counterparty: { name: `Непознат ${k}`, iban: `BG47UNCR7000${String(k).padStart(10, '0')}` },
        },
        { pays: 'review' },
      );
    } else {
      add(
        { amount: '0.90', direction: 'debit', remittance: ['Такса превод'], counterparty: undefined },
        { pays: 'not-a-payment' },
      );
    }
  }
  const sum = (direction: 'credit' | 'debit') =>
    entries.filter((e) => e.direction === direction).reduce((s, e) => s + toCents(e.amount), 0n);
  const opening = 5_000_000_00n;
  const statement: BankStatement = {
    format: 'camt.053',
    version: '02',
    id: 'BENCH-2026-11-30',
    createdAt: '2026-11-30T18:00:00',
    account: { iban: ACCOUNT, currency: 'EUR' },
    openingBalance: { amount: fromCents(opening), currency: 'EUR', date: '2026-11-29' },
    closingBalance: {
      amount: fromCents(opening + sum('credit') - sum('debit')),
      currency: 'EUR',
      date: '2026-11-30',
    },
    entries,
  };
  return { statement, truth };
}

/** Whether a decision is what the entry meant; a match of the wrong invoice or amount is the one thing never allowed. */
function verdict(decision: EntryDecision, meant: Truth): 'right' | 'review' | 'wrong' {
  if (meant.pays === 'not-a-payment')
    return decision.kind === 'not-a-payment' ? 'right' : decision.kind === 'review' ? 'review' : 'wrong';
  if (decision.kind === 'review') return 'review';
  if (meant.pays === 'review' || decision.kind !== 'matched') return 'wrong';
  const got = decision.allocations.map((a) => `${a.number}:${fromCents(toCents(a.amount))}`).sort();
  const want = meant.pays.map((p) => `${p.number}:${p.amount}`).sort();
  return JSON.stringify(got) === JSON.stringify(want) ? 'right' : 'wrong';
}

/** Samples the process's RSS while `work` runs. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakMiB: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, peakMiB: round(peak / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

/** The peer: the same rows into a table of the same shape, one multi-row insert per chunk. */
async function plainInsert(db: Db, issuerId: string, decided: DecidedEntry[]): Promise<number> {
  await db.query('create temporary table peer_entries (like statement_entries including defaults)');
  const started = performance.now();
  for (let start = 0; start < decided.length; start += CHUNK) {
    const chunk = decided.slice(start, start + CHUNK);
    await db.query(
      `insert into peer_entries (id, issuer_id, import_id, entry_key, position, booking_date, amount, currency, direction,
                                 reversal, counterparty_name, counterparty_iban, entry, decision, state)
       select gen_random_uuid(), $1, gen_random_uuid(), k, p, '2026-11-30', a, 'EUR', d, false, null, null, e, x, s
         from unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[])
              as r(k, p, a, d, e, x, s)`,
      [
        issuerId,
        chunk.map((c) => c.key),
        chunk.map((c) => c.position),
        chunk.map((c) => c.entry.amount),
        chunk.map((c) => c.entry.direction),
        chunk.map((c) => JSON.stringify(c.entry)),
        chunk.map((c) => JSON.stringify(c.decision)),
        chunk.map((c) => (c.decision.kind === 'matched' ? 'matched' : c.decision.kind)),
      ],
    );
  }
  return (performance.now() - started) / 1000;
}

async function main() {
  console.log(`bench:reconcile: ${E} statement entries against ${N} open invoices`);
  const { hub, close } = await startBenchHub();
  const db = createPool(hub.databaseUrl, 4);
  try {
    const { issuer } = await createIssuer(db, {
      name: 'Примерна Търговия ЕООД',
      eik: randomEik(),
      email: 'billing@bench-seller.example',
    });
    const seedingSeconds = await seedArchive(db, issuer.id, {
      invoices: N,
      recipient: RECIPIENT,
      sellerName: 'Примерна Търговия ЕООД',
      statuses: ['awaiting view', 'viewed'],
      firstNumber: FIRST_NUMBER,
    });
    console.log(`seeded ${N} open invoices in ${round(seedingSeconds)} s`);

    const { statement, truth } = statementOf();
    const file = Buffer.from(toCamt053(statement));
    const record = (
      await recordStatementImport(db, {
        issuerId: issuer.id,
        source: 'cli',
        fileName: 'bench.xml',
        content: file,
      })
    ).record;

    const run = await withPeakRss(async () => {
      const read = await timed(() => readStatement(file, 'bench.xml'));
      const context = await timed(() => loadMatchContext(db, issuer.id));
      const [read0] = read.value;
      const decide = await timed(() => decideStatement(read0, context.value));
      const decided: DecidedEntry[] = read0.entries.map((entry, i) => ({
        key: entryKey(read0, entry),
        position: entry.index,
        entry,
        decision: decide.value[i],
      }));
      const write = await timed(async () => {
        for (let start = 0; start < decided.length; start += CHUNK) {
          await withTransaction(db, (client) =>
            writeDecidedEntries(client, issuer.id, record.id, decided.slice(start, start + CHUNK)),
          );
        }
      });
      return { read, context, decide, write, decided };
    });
    const { read, context, decide, write, decided } = run.value;
    const peerSeconds = await plainInsert(db, issuer.id, decided);

    const verdicts = decided.map((d, i) => verdict(d.decision, truth[i]));
    const count = (v: string) => verdicts.filter((x) => x === v).length;
    const meantToMatch = truth.filter((t) => Array.isArray(t.pays)).length;
    const hubSeconds = read.seconds + context.seconds + decide.seconds + write.seconds;
    const report = {
      benchmark: 'reconcile',
      date: new Date().toISOString(),
      machine: machine(),
      invoices: N,
      entries: E,
      fileMiB: round(file.length / 2 ** 20),
      seeding: { seconds: round(seedingSeconds) },
      phases: {
        readSeconds: round3(read.seconds),
        loadContextSeconds: round3(context.seconds),
        decideSeconds: round3(decide.seconds),
        writeLedgerSeconds: round3(write.seconds),
      },
      hub: {
        seconds: round3(hubSeconds),
        entriesPerSecond: Math.round(E / hubSeconds),
        peakRssMiB: run.peakMiB,
      },
      decideOnly: { entriesPerSecond: Math.round(E / decide.seconds) },
      peer: {
        what: 'the same rows, one multi-row unnest insert per 200 through pg',
        seconds: round3(peerSeconds),
        entriesPerSecond: Math.round(E / peerSeconds),
      },
      ratio: round(hubSeconds / peerSeconds),
      decisions: {
        right: count('right'),
        review: count('review'),
        wrong: count('wrong'),
        meantToMatch,
        autoMatchedOfPlaceable: `${decided.filter((d, i) => d.decision.kind === 'matched' && verdicts[i] === 'right').length}/${meantToMatch}`,
      },
    };
    const dir = path.join(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const out = path.join(dir, `reconcile-${report.date.slice(0, 10)}.json`);
    fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
    console.log(JSON.stringify(report, null, 2));
    console.log(`results: ${path.relative(process.cwd(), out)}`);
    if (report.decisions.wrong > 0) process.exitCode = 1;
  } finally {
    await db.end();
    await close();
  }
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

/**
 * npm run bench:lifecycle [-- --temporal dev|server --invoices N --concurrency C --steady S --waiting W]
 * Starts the whole hub on embedded services in a fresh data folder (Temporal as the dev server, or with
 * `--temporal server` the Temporal server on PostgreSQL), then in one run:
 * 1. the hub: N generated invoices submitted over the API, C at a time, timed until every one is notified;
 * 2. the floor (bench/floor.ts): the same N lifecycles, C at a time, on the same server with the same worker options
 *    and no-op activities, timed to the same point; the hub's throughput is reported as a ratio of it;
 * 3. latency at half load: each at a steady arrival rate of half its measured maximum for S seconds;
 * 4. the hub worker's memory: idle after warm-up, and with W invoices waiting for a view (each after 30 s quiet).
 * For both full-speed phases it also reports the CPU each process spent per lifecycle (bench/cpu.ts).
 * Results go to bench/results/lifecycle-<date>-<mode>.json.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadInvoice } from '../activities/load';
import { createPool } from '../db';
import { loadConfig } from '../platform/config';
import { makeUblInvoice } from '../test/support/invoice-factory';
import { cpuMsPer, sampleCpu } from './cpu';
import { startFloor } from './floor';
import { startBenchHub } from './hub';
import { machine, round } from './machine';

const { values } = parseArgs({
  options: {
    temporal: { type: 'string', default: 'dev' },
    invoices: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '32' },
    steady: { type: 'string', default: '60' },
    waiting: { type: 'string', default: '10000' },
  },
});
const MODE = values.temporal;
if (MODE !== 'dev' && MODE !== 'server') throw new Error('--temporal is dev or server');
const N = Number(values.invoices);
const CONCURRENCY = Number(values.concurrency);
const STEADY_SECONDS = Number(values.steady);
const WAITING = Number(values.waiting);
const WARM_UP = 20;

/** Submits one lifecycle; resolves with its invoice id once accepted. */
type Submit = () => Promise<string>;
/** When each of these invoices was notified (epoch ms), for those that are. */
type Notified = (ids: string[]) => Promise<Map<string, number>>;

async function main() {
  const loadAtStart = os.loadavg();
  const { hub, port, temporalAddress, close } = await startBenchHub({ TEMPORAL_MODE: MODE });
  const base = `http://127.0.0.1:${port}/api/v1`;
  const db = createPool(hub.databaseUrl, 4);
  const workerPid = hub.children.worker()?.pid;
  const named = new Map<number, string>([
    [workerPid ?? -1, 'worker'],
    [hub.children.gateway()?.pid ?? -1, 'gateway'],
  ]);
  try {
    const apiKey = hub.demoIssuer?.apiKey;
    if (!apiKey) throw new Error('a fresh hub should have created its demo issuer');
    const runTag = String(crypto.randomInt(10_000));
    let submitted = 0;
    const hubSubmit: Submit = async () => {
      const i = submitted++;
      const response = await fetch(`${base}/invoices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
        body: makeUblInvoice({
          // BG-01: exactly 10 digits. Up to 100,000 invoices per run.
          number: String(Number(runTag) * 100_000 + i).padStart(10, '0'),
          buyerEmail: `buyer-${i % 200}@bench.example`,
          lines: 20,
        }),
      });
      if (response.status !== 202)
        throw new Error(`submit answered ${response.status}: ${await response.text()}`);
      return (await response.json()).id;
    };
    const hubNotified: Notified = async (ids) => {
      const refused = await db.query(
        `select number, verification -> 'hub' -> 'reasons' as reasons from invoices where status = 'rejected' and id = any($1) limit 1`,
        [ids],
      );
      if (refused.rows.length)
        throw new Error(
          `the hub rejected invoice ${refused.rows[0].number}: ${JSON.stringify(refused.rows[0].reasons)}`,
        );
      const { rows } = await db.query(
        `select invoice_id, at from invoice_events where type = 'recipient notified' and invoice_id = any($1)`,
        [ids],
      );
      return new Map(rows.map((row: { invoice_id: string; at: Date }) => [row.invoice_id, row.at.getTime()]));
    };

    const warmUp = await atFullSpeed(hubSubmit, hubNotified, WARM_UP, CONCURRENCY);
    const idleRssMiB = await quietRss(workerPid);
    let cpu = sampleCpu(named);
    const hubMax = await atFullSpeed(hubSubmit, hubNotified, N, CONCURRENCY);
    const hubCpu = cpuMsPer(cpu, sampleCpu(named), N);

    const config = loadConfig({
      ...process.env,
      TEMPORAL_ADDRESS: temporalAddress,
      DATABASE_URL: hub.databaseUrl,
      REMINDER_DELAYS: '30d',
    });
    const floor = await startFloor(config, db, await loadInvoice(db, warmUp.ids[0]), runTag);
    const floorNotified: Notified = async (ids) =>
      new Map(
        ids.flatMap((id) => (floor.notifiedAt.has(id) ? [[id, floor.notifiedAt.get(id) as number]] : [])),
      );
    let floorSubmitted = 0;
    const floorSubmit: Submit = () => floor.submit(floorSubmitted++);
    cpu = sampleCpu(named);
    const floorMax = await atFullSpeed(floorSubmit, floorNotified, N, CONCURRENCY);
    const floorCpu = cpuMsPer(cpu, sampleCpu(named), N);

    const hubSteady = await atSteadyRate(hubSubmit, hubNotified, hubMax.perSecond / 2, STEADY_SECONDS);
    const floorSteady = await atSteadyRate(
      floorSubmit,
      floorNotified,
      floorMax.perSecond / 2,
      STEADY_SECONDS,
    );
    await floor.close();

    // The rest of the invoices to wait for a view, as fast as the hub takes them.
    if (submitted < WAITING) await atFullSpeed(hubSubmit, hubNotified, WAITING - submitted, CONCURRENCY);
    const waitingRssMiB = await quietRss(workerPid);
    const loadAtEnd = os.loadavg();

    const ratio = Number((hubMax.perSecond / floorMax.perSecond).toFixed(2));
    const result = {
      benchmark: 'lifecycle',
      date: new Date().toISOString(),
      temporal: MODE,
      machine: machine(),
      loadAverage: { start: loadAtStart.map(round), end: loadAtEnd.map(round) },
      invoices: N,
      linesPerInvoice: 20,
      concurrency: CONCURRENCY,
      workerCachedWorkflows: config.worker.cachedWorkflows,
      hub: { max: report(hubMax), halfLoad: hubSteady, cpuMsPerLifecycle: hubCpu },
      floor: { max: report(floorMax), halfLoad: floorSteady, cpuMsPerLifecycle: floorCpu },
      ratio,
      workerMemory: {
        idleRssMiB,
        waiting: submitted,
        waitingRssMiB,
        miBPer1000Waiting: round(((waitingRssMiB - idleRssMiB) / submitted) * 1000),
        peakRssMiB: peakRss(workerPid),
      },
    };
    const out = path.join(__dirname, 'results', `lifecycle-${result.date.slice(0, 10)}-${MODE}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    const line = (name: string, max: Phase, steady: SteadyReport) =>
      `${name}: ${round(max.perSecond)} lifecycles/s (${N} at ${CONCURRENCY} at a time); at ${steady.perSecond}/s ` +
      `for ${STEADY_SECONDS} s: p50 ${steady.p50} ms, p99 ${steady.p99} ms`;
    process.stdout.write(
      [
        `lifecycle, Temporal ${MODE}, load average ${result.loadAverage.start[0]} → ${result.loadAverage.end[0]}`,
        line('hub  ', hubMax, hubSteady),
        line('floor', floorMax, floorSteady),
        `hub / floor: ${ratio}`,
        `CPU ms per lifecycle at full speed, hub: ${JSON.stringify(hubCpu)}`,
        `CPU ms per lifecycle at full speed, floor (its worker runs in "bench"): ${JSON.stringify(floorCpu)}`,
        `worker RSS: idle ${idleRssMiB} MiB, ${waitingRssMiB} MiB with ${submitted} waiting for a view ` +
          `(${result.workerMemory.miBPer1000Waiting} MiB per 1,000)`,
        `written to ${path.relative(process.cwd(), out)}`,
      ].join('\n') + '\n',
    );
  } finally {
    await db.end();
    await close();
  }
}

interface Phase {
  ids: string[];
  perSecond: number;
  latencies: number[];
}

/** `count` lifecycles submitted `concurrency` at a time, timed from the first submit to the last notified. */
async function atFullSpeed(
  submit: Submit,
  notified: Notified,
  count: number,
  concurrency: number,
): Promise<Phase> {
  const submittedAt = new Map<string, number>();
  let left = count;
  const started = Date.now();
  const submitter = async () => {
    while (left-- > 0) {
      const t = Date.now();
      submittedAt.set(await submit(), t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, submitter));
  const done = await allNotified(submittedAt, notified);
  const last = Math.max(...done.values());
  return {
    ids: [...submittedAt.keys()],
    perSecond: count / ((last - started) / 1000),
    latencies: latenciesOf(submittedAt, done),
  };
}

interface SteadyReport {
  perSecond: number;
  lifecycles: number;
  p50: number;
  p99: number;
  max: number;
}

/** Lifecycles submitted at a steady rate (one every 1/rate s, however long each submit takes) for `seconds`. */
async function atSteadyRate(
  submit: Submit,
  notified: Notified,
  rate: number,
  seconds: number,
): Promise<SteadyReport> {
  const submittedAt = new Map<string, number>();
  const count = Math.max(1, Math.round(rate * seconds));
  const started = Date.now();
  const submits: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const due = started + (i * 1000) / rate;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    const t = Date.now();
    submits.push(submit().then((id) => void submittedAt.set(id, t)));
  }
  await Promise.all(submits);
  const latencies = latenciesOf(submittedAt, await allNotified(submittedAt, notified));
  return { perSecond: round(rate), lifecycles: count, ...percentiles(latencies) };
}

async function allNotified(
  submittedAt: Map<string, number>,
  notified: Notified,
): Promise<Map<string, number>> {
  const ids = [...submittedAt.keys()];
  const deadline = Date.now() + 30 * 60_000;
  let nextReport = Date.now() + 15_000;
  for (;;) {
    const done = await notified(ids);
    if (done.size === ids.length) return done;
    if (Date.now() > deadline) throw new Error(`only ${done.size}/${ids.length} notified after 30 minutes`);
    if (Date.now() >= nextReport) {
      process.stderr.write(`bench: ${done.size}/${ids.length} notified\n`);
      nextReport += 15_000;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function latenciesOf(submittedAt: Map<string, number>, done: Map<string, number>): number[] {
  return [...done].map(([id, at]) => at - (submittedAt.get(id) as number)).sort((a, b) => a - b);
}

function percentiles(sorted: number[]) {
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  return { p50: pct(50), p99: pct(99), max: sorted[sorted.length - 1] };
}

function report(phase: Phase) {
  return { perSecond: round(phase.perSecond), latencyMs: percentiles(phase.latencies) };
}

/**
 * Resident set size (VmRSS) of a live process, in MiB, once it has had QUIET_SECONDS with nothing to do: what it holds
 * while invoices wait for days, after V8 has collected what the run left behind (its memory reducer acts on an idle
 * heap), not whatever the last collection happened to leave.
 */
async function quietRss(pid: number | undefined): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, QUIET_SECONDS * 1000));
  return statusMiB(pid, 'VmRSS');
}
const QUIET_SECONDS = 30;

/** Peak resident set size (VmHWM) of a live process, in MiB. */
function peakRss(pid: number | undefined): number {
  return statusMiB(pid, 'VmHWM');
}

function statusMiB(pid: number | undefined, field: string): number {
  if (!pid) throw new Error('the hub has no worker process');
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return round(Number(match[1]) / 1024);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});

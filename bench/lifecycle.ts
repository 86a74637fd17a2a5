/**
 * npm run bench:lifecycle [-- --invoices N --concurrency C]
 * Starts the whole hub on embedded services in a fresh data folder, submits N generated invoices over the API as fast
 * as it takes them, waits until every one is notified, and reports throughput, submit-to-notified latency and the
 * peak RSS of the worker and gateway. Results go to bench/results/lifecycle-<date>.json.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPool } from '../db';
import { makeUblInvoice } from '../test/support/invoice-factory';
import { startBenchHub } from './hub';
import { machine, round } from './machine';

const { values } = parseArgs({
  options: { invoices: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '32' } },
});
const N = Number(values.invoices);
const CONCURRENCY = Number(values.concurrency);

async function main() {
  const { hub, port, close } = await startBenchHub();
  const base = `http://127.0.0.1:${port}/api/v1`;
  const db = createPool(hub.databaseUrl, 4);
  try {
    const apiKey = hub.demoIssuer?.apiKey;
    if (!apiKey) throw new Error('a fresh hub should have created its demo issuer');
    const runTag = crypto.randomInt(1_000_000);
    const invoices = Array.from({ length: N }, (_, i) =>
      makeUblInvoice({
        number: String(runTag * 10_000 + i).padStart(10, '0'),
        buyerEmail: `buyer-${i % 200}@bench.example`,
        lines: 20,
      }),
    );
    const submittedAt = new Map<string, number>();
    let next = 0;
    const started = Date.now();
    const submitter = async () => {
      while (next < invoices.length) {
        const body = invoices[next++];
        const t = Date.now();
        const response = await fetch(`${base}/invoices`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
          body,
        });
        if (response.status !== 202)
          throw new Error(`submit answered ${response.status}: ${await response.text()}`);
        submittedAt.set((await response.json()).id, t);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, submitter));
    const submitSeconds = (Date.now() - started) / 1000;

    let notified: { invoice_id: string; at: Date }[] = [];
    const ids = [...submittedAt.keys()];
    while (notified.length < N) {
      await new Promise((r) => setTimeout(r, 500));
      notified = (
        await db.query(
          `select invoice_id, at from invoice_events where type = 'recipient notified' and invoice_id = any($1)`,
          [ids],
        )
      ).rows;
      if (Date.now() - started > 30 * 60_000)
        throw new Error(`only ${notified.length}/${N} notified after 30 minutes`);
    }
    const totalSeconds = (Math.max(...notified.map((n) => n.at.getTime())) - started) / 1000;
    const latencies = notified
      .map((n) => n.at.getTime() - (submittedAt.get(n.invoice_id) as number))
      .sort((a, b) => a - b);
    const pct = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
    const result = {
      benchmark: 'lifecycle',
      date: new Date().toISOString(),
      machine: machine(),
      invoices: N,
      linesPerInvoice: 20,
      concurrency: CONCURRENCY,
      submitSeconds,
      submitPerSecond: round(N / submitSeconds),
      totalSeconds,
      invoicesPerSecond: round(N / totalSeconds),
      latencyMs: { p50: pct(50), p95: pct(95), p99: pct(99), max: latencies[latencies.length - 1] },
      peakRssMiB: {
        worker: peakRss(hub.children.worker()?.pid),
        gateway: peakRss(hub.children.gateway()?.pid),
      },
    };
    const out = path.join(__dirname, 'results', `lifecycle-${result.date.slice(0, 10)}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(
      [
        `lifecycle: ${N} invoices (20 lines) submitted in ${submitSeconds.toFixed(1)} s (${result.submitPerSecond}/s),`,
        `all notified after ${totalSeconds.toFixed(1)} s: ${result.invoicesPerSecond} invoices/s`,
        `submit-to-notified latency p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms`,
        `peak RSS: worker ${result.peakRssMiB.worker} MiB, gateway ${result.peakRssMiB.gateway} MiB`,
        `written to ${path.relative(process.cwd(), out)}`,
      ].join('\n') + '\n',
    );
  } finally {
    await db.end();
    await close();
  }
}

/** Peak resident set size (VmHWM) of a live process, in MiB. */
function peakRss(pid: number | undefined): number | null {
  if (!pid) return null;
  const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? round(Number(match[1]) / 1024) : null;
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});

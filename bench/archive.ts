/**
 * npm run bench:archive [-- --invoices N]
 * The archive's tamper evidence at size: one hub on embedded services (as `npm start` runs it) in a fresh data folder,
 * N archived invoices (default 100,000) written straight into PostgreSQL by bench/archive-seed.ts (each chained by
 * the database's trigger as it commits), then:
 *   - the first seal over all of them (it checks every link since the last seal, here all, before it signs and
 *     time-stamps), and a seal after 1,000 more invoices (an hour's worth and more on a busy hub);
 *   - `archive verify` in this process (records/s: every record re-hashed from its table and its link walked) and
 *     `bin/hub archive verify` as an operator runs it (process start included).
 * Results: bench/results/archive-<date>.json with the machine.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseArgs } from 'node:util';
import { archiveSealingActivities } from '../activities/archive-sealing';
import { createPool } from '../db';
import { withArchiveSnapshot } from '../db/archive/records';
import { createIssuer } from '../db/issuers';
import { verifyArchive } from '../domain/archive/verify';
import { LOCAL_TIMESTAMP_UNIT_NAME, loadArchiveKeys, readArchiveKeys } from '../platform/archive-keys';
import { loadConfig } from '../platform/config';
import { randomEik } from '../test/support/hub';
import { seedArchive } from './archive-seed';
import { startBenchHub } from './hub';
import { machine, round } from './machine';

const run = promisify(execFile);
const { values } = parseArgs({ options: { invoices: { type: 'string', default: '100000' } } });
const N = Number(values.invoices);
const MORE = 1000;
const SELLER = 'Примерна Търговия ЕООД';

async function timed<T>(work: () => Promise<T>): Promise<{ seconds: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { seconds: (performance.now() - started) / 1000, result };
}

async function main() {
  console.log(`bench:archive: ${N} archived invoices`);
  const loadBefore = os.loadavg().map(round);
  // The hub's own sealer waits an interval before its first seal: a day, so the seals measured here are this run's.
  process.env.ARCHIVE_SEAL_INTERVAL = '24h';
  const { hub, dataDir, close } = await startBenchHub();
  const db = createPool(hub.databaseUrl, 4);
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: hub.databaseUrl });
  const sealer = archiveSealingActivities({ db, config });
  try {
    const { issuer } = await createIssuer(db, {
      name: SELLER,
      eik: randomEik(),
      email: 'billing@bench.example',
    });
    const seedingSeconds = await seedArchive(db, issuer.id, {
      invoices: N,
      recipient: 'accounts@bench-buyer.example',
      sellerName: SELLER,
    });
    console.log(
      `seeded and chained ${N} invoices in ${round(seedingSeconds)} s (${Math.round(N / seedingSeconds)}/s)`,
    );
    const sizes = (
      await db.query<{ chain: string; archive: string; links: string }>(
        `select pg_size_pretty(pg_total_relation_size('archive_chain')) as chain,
                pg_size_pretty(pg_total_relation_size('invoice_archive')) as archive,
                (select count(*) from archive_chain) as links`,
      )
    ).rows[0];

    await loadArchiveKeys(dataDir); // made once per data folder: not part of sealing
    const first = await timed(() => sealer.sealArchive());
    if (first.result.status !== 'sealed') throw new Error(`no seal: ${JSON.stringify(first.result)}`);
    console.log(
      `first seal (${first.result.headSeq} links checked, signed, time-stamped): ${round(first.seconds)} s`,
    );
    await seedArchive(db, issuer.id, {
      invoices: MORE,
      recipient: 'accounts@bench-buyer.example',
      sellerName: SELLER,
      firstNumber: 2_000_000_000,
    });
    const next = await timed(() => sealer.sealArchive());
    console.log(`seal after ${MORE} more: ${round(next.seconds * 1000)} ms`);

    const keys = readArchiveKeys(dataDir);
    const trust = {
      archiveCertificatePem: keys?.archive.certificatePem,
      localUnitCertificatePem: keys?.timestampUnit.certificatePem,
      localUnitName: LOCAL_TIMESTAMP_UNIT_NAME,
    };
    const verified = await timed(() => withArchiveSnapshot(db, (source) => verifyArchive(source, trust)));
    const records = Object.values(verified.result.records).reduce((a, b) => a + b, 0);
    if (verified.result.breaks.length > 0) throw new Error(`breaks: ${verified.result.breaks[0].message}`);
    console.log(
      `archive verify: ${records} records in ${round(verified.seconds)} s (${Math.round(records / verified.seconds)} records/s)`,
    );
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: hub.databaseUrl, LOG_LEVEL: 'warn' };
    const cli = await timed(() =>
      run(process.execPath, [path.join(__dirname, '..', 'bin', 'hub'), 'archive', 'verify'], {
        env,
        maxBuffer: 16 * 1024 * 1024,
      }),
    );
    console.log(`bin/hub archive verify: ${round(cli.seconds)} s\n${cli.result.stdout}`);

    const report = {
      benchmark: 'archive',
      date: new Date().toISOString(),
      machine: machine(),
      // Other work on the machine skews every figure: the 1/5/15-minute load averages at start and end.
      loadAverage: { start: loadBefore, end: os.loadavg().map(round) },
      invoices: N,
      seeding: {
        seconds: round(seedingSeconds),
        perSecond: Math.round(N / seedingSeconds),
        note: 'bench/archive-seed.ts multi-row inserts; every row chained by the deferred trigger at commit',
        chain: sizes.chain,
        archive: sizes.archive,
        links: Number(sizes.links),
      },
      seal: {
        first: { links: first.result.headSeq, seconds: round(first.seconds) },
        afterMore: { newLinks: MORE, milliseconds: round(next.seconds * 1000) },
        timestampAuthority: LOCAL_TIMESTAMP_UNIT_NAME,
      },
      verify: {
        records,
        links: verified.result.links,
        seconds: round(verified.seconds),
        recordsPerSecond: Math.round(records / verified.seconds),
        cliSeconds: round(cli.seconds),
        output: cli.result.stdout.trim().split('\n'),
      },
    };
    const dir = path.join(__dirname, 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `archive-${report.date.slice(0, 10)}.json`);
    fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    console.log(`results: ${path.relative(process.cwd(), file)}`);
  } finally {
    await db.end();
    await close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * npm run bench:channels [-- --invoices N --concurrency C]
 * One hub on embedded services in a fresh data folder; the same number of generated invoices (20 lines) delivered
 * three ways, one channel after the other, each timed from its first byte to its last invoice `notified`:
 *   - REST: POST /api/v1/invoices from C concurrent clients (the reference the other two are compared with);
 *   - SFTP: Debian's OpenSSH `sftp -b`, one connection, sequential puts into /inbox;
 *   - AS2: signed (SHA-256) and encrypted (AES-128) messages asking for a signed synchronous MDN, C at a time; the
 *     messages are built before the clock starts, so the sender's own signing does not count against the hub.
 * Each channel reports intake (until the last invoice is acknowledged: 202, .ack.json, MDN) and end to end (until
 * the last is notified), and both as a ratio to REST in the same run. An uncounted REST warm-up goes first. Results: bench/results/channels-<date>.json.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildAs2Message, certificateInfo, generateAs2Identity } from '../connectors/as2/protocol';
import { parsePublicKey } from '../connectors/sftp/keys';
import { createPool, type Db } from '../db';
import { setAs2Partner } from '../db/as2';
import { addSftpKey } from '../db/sftp-keys';
import { makeUblInvoice } from '../test/support/invoice-factory';
import { startBenchHub } from './hub';
import { machine, round } from './machine';

const { values } = parseArgs({
  options: {
    invoices: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '2' },
  },
});
const N = Number(values.invoices);
const CONCURRENCY = Number(values.concurrency);
const ROUNDS = Number(values.rounds);

interface ChannelRun {
  channel: string;
  invoices: number;
  /** SFTP: until the client's last put returned (the files are recorded; acknowledgements follow). */
  uploadSeconds?: number;
  intakeSeconds: number;
  intakePerSecond: number;
  totalSeconds: number;
  invoicesPerSecond: number;
}

async function main() {
  const { hub, port, sftpPort, dataDir, close } = await startBenchHub();
  const db = createPool(hub.databaseUrl, 4);
  const base = `http://127.0.0.1:${port}`;
  const runTag = crypto.randomInt(100_000);
  let serial = 0;
  const invoices = (count: number) =>
    Array.from({ length: count }, (_, i) =>
      makeUblInvoice({
        number: String(runTag * 100_000 + serial++).padStart(10, '0'),
        buyerEmail: `buyer-${i % 200}@bench.example`,
        lines: 20,
      }),
    );
  try {
    const demo = hub.demoIssuer;
    if (!demo) throw new Error('a fresh hub should have created its demo issuer');

    const postRest = async (batch: string[]) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < batch.length) {
            const body = batch[next++];
            const response = await fetch(`${base}/api/v1/invoices`, {
              method: 'POST',
              headers: { authorization: `Bearer ${demo.apiKey}`, 'content-type': 'application/xml' },
              body,
            });
            if (response.status !== 202) throw new Error(`REST answered ${response.status}`);
          }
        }),
      );
    };

    // Warm-up, not counted: the first channel would otherwise pay for a cold hub (JIT, Temporal's caches).
    {
      const warmUp = Math.max(50, Math.round(N / 5));
      const started = Date.now();
      await postRest(invoices(warmUp));
      await finished(db, 'api', started, Date.now(), warmUp);
    }

    const runRest = async () => {
      const batch = invoices(N);
      const started = Date.now();
      await postRest(batch);
      return finished(db, 'api', started, Date.now(), N);
    };

    // SFTP: one connection, sequential puts
    const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sftp-key-'));
    const keyFile = path.join(keyDir, 'id_ed25519');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
    await addSftpKey(db, { issuerId: demo.id, ...parsePublicKey(fs.readFileSync(`${keyFile}.pub`, 'utf8')) });
    const runSftp = async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-sftp-'));
      const names = invoices(N).map((xml, i) => {
        const name = `bench-${i}.xml`;
        fs.writeFileSync(path.join(dir, name), xml);
        return name;
      });
      const started = Date.now();
      await run(
        'sftp',
        [
          '-b',
          '-',
          '-P',
          String(sftpPort),
          '-i',
          keyFile,
          '-o',
          'StrictHostKeyChecking=no',
          '-o',
          'UserKnownHostsFile=/dev/null',
          '-o',
          'BatchMode=yes',
          '-o',
          'LogLevel=ERROR',
          `${demo.id}@127.0.0.1`,
        ],
        ['cd inbox', ...names.map((n) => `put ${n}`)].join('\n') + '\n',
        dir,
      );
      const uploadSeconds = round((Date.now() - started) / 1000);
      const acked = await until(
        db,
        `select count(*) from channel_answers
          where answer_key like 'ack:%' and created_at >= to_timestamp(${started / 1000})`,
        N,
      );
      fs.rmSync(dir, { recursive: true, force: true });
      return { ...(await finished(db, 'sftp', started, acked, N)), uploadSeconds };
    };

    // AS2: signed + encrypted, signed synchronous MDN
    const partner = await generateAs2Identity('BENCH-PARTNER');
    {
      const info = certificateInfo(partner.certificatePem);
      await setAs2Partner(
        db,
        { issuerId: demo.id, as2Id: 'BENCH-PARTNER', requireSignature: true, requireEncryption: false },
        [
          {
            usage: 'signing',
            fingerprint: info.sha256Fingerprint,
            pem: partner.certificatePem,
            notBefore: info.notBefore,
            notAfter: info.notAfter,
          },
        ],
      );
    }
    const hubCert = fs.readFileSync(path.join(dataDir, 'as2', 'hub-cert.pem'), 'utf8');
    const runAs2 = async () => {
      const messages = invoices(N).map((xml) =>
        buildAs2Message(
          { body: Buffer.from(xml), contentType: 'application/xml', fileName: 'invoice.xml' },
          {
            as2From: 'BENCH-PARTNER',
            as2To: 'EINVOICEHUB',
            sign: { ...partner, digest: 'sha-256' },
            encrypt: { certificatePem: hubCert, contentEncryption: 'aes-128-cbc' },
            receipt: { to: 'mailto:as2@bench.example', signed: { micAlgorithms: ['sha-256'] } },
          },
        ),
      );
      const started = Date.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < messages.length) {
            const message = messages[next++];
            const response = await fetch(`${base}/as2`, {
              method: 'POST',
              headers: message.headers,
              body: new Uint8Array(message.body),
            });
            const mdn = await response.text();
            if (
              response.status !== 200 ||
              !/Disposition:[^\r\n]*processed\r?\n/i.test(mdn) ||
              /processed\//i.test(mdn)
            ) {
              throw new Error(`AS2 answered ${response.status} without a positive MDN`);
            }
          }
        }),
      );
      return finished(db, 'as2', started, Date.now(), N);
    };

    // Each round runs the three channels in another order, so none is always first (or last, on a fuller
    // database); each channel is reported at its best round.
    const channels = [runRest, runSftp, runAs2];
    const rounds: ChannelRun[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const order = channels.map((_, i) => channels[(i + r) % channels.length]);
      const round: ChannelRun[] = [];
      for (const runChannel of order) round.push(await runChannel());
      rounds.push(round);
    }
    const best = (channel: string) =>
      rounds
        .flat()
        .filter((r) => r.channel === channel)
        .sort((a, b) => b.invoicesPerSecond - a.invoicesPerSecond)[0];
    const runs = ['api', 'sftp', 'as2'].map(best);
    const rest = runs[0];
    const result = {
      benchmark: 'channels',
      date: new Date().toISOString(),
      machine: machine(),
      loadAverage: os.loadavg().map(round),
      invoicesPerChannel: N,
      rounds: rounds.map((round) =>
        round.map((r) => ({ channel: r.channel, invoicesPerSecond: r.invoicesPerSecond })),
      ),
      linesPerInvoice: 20,
      concurrency: { rest: CONCURRENCY, sftp: 1, as2: CONCURRENCY },
      runs: runs.map((r) => ({
        ...r,
        intakeVsRest: ratio(r.intakePerSecond, rest.intakePerSecond),
        endToEndVsRest: ratio(r.invoicesPerSecond, rest.invoicesPerSecond),
      })),
    };
    const out = path.join(__dirname, 'results', `channels-${result.date.slice(0, 10)}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    for (const r of result.runs) {
      process.stdout.write(
        `${r.channel.padEnd(5)} intake ${r.intakePerSecond}/s (${r.intakeVsRest}× REST), ` +
          `to notified ${r.invoicesPerSecond}/s (${r.endToEndVsRest}× REST)\n`,
      );
    }
    process.stdout.write(`written to ${path.relative(process.cwd(), out)}\n`);
  } finally {
    await db.end();
    await close();
  }
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

/** Waits until the channel's N invoices received since `started` are all notified; intake ends at `intakeEnd`. */
async function finished(db: Db, channel: string, started: number, intakeEnd: number, count: number) {
  const since = `i.received_at >= to_timestamp(${started / 1000})`;
  const sql = `select count(*) from invoices i join invoice_events e on e.invoice_id = i.id
                where i.channel = '${channel}' and e.type = 'recipient notified' and ${since}`;
  await until(db, sql, count);
  const { rows } = await db.query<{ last: Date }>(
    `select max(e.at) as last from invoices i join invoice_events e on e.invoice_id = i.id
      where i.channel = $1 and e.type = 'recipient notified' and ${since}`,
    [channel],
  );
  const intakeSeconds = (intakeEnd - started) / 1000;
  const totalSeconds = (rows[0].last.getTime() - started) / 1000;
  process.stdout.write(
    `${channel}: ${count} invoices in, ${intakeSeconds.toFixed(1)} s; notified ${totalSeconds.toFixed(1)} s\n`,
  );
  return {
    channel,
    invoices: count,
    intakeSeconds: round(intakeSeconds),
    intakePerSecond: round(count / intakeSeconds),
    totalSeconds: round(totalSeconds),
    invoicesPerSecond: round(count / totalSeconds),
  };
}

/** Polls a count query until it reaches `count`; returns when it did. */
async function until(db: Db, sql: string, count: number): Promise<number> {
  const deadline = Date.now() + 45 * 60_000;
  for (;;) {
    const { rows } = await db.query<{ count: string }>(sql);
    if (Number(rows[0].count) >= count) return Date.now();
    if (Date.now() > deadline) throw new Error(`only ${rows[0].count}/${count} after 45 minutes: ${sql}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function run(command: string, args: string[], input?: string, cwd?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(input ?? '');
    child.once('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} exited ${code}: ${stderr.slice(-2000)}`)),
    );
  });
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});

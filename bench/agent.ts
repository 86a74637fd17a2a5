/**
 * npm run bench:agent [-- --files N --concurrency C]
 * The whole hub on embedded services; an export folder of N generated UBL invoices (5 lines); then, in the same run:
 *   - the agent: `bin/hub agent --once` over the folder (check with the hub's rules, sign with a PKCS#12 RSA-2048 key,
 *     deliver by the API with C at a time), timed by the command from start to exit, with its share of time in
 *     each step (read from .hub-agent/last-run.json);
 *   - two peers, C at a time on the same API: a plain loop that signs each invoice with the same key and POSTs it
 *     (what an issuer's own script would do: the agent's overhead is the difference), and invoices signed before the
 *     clock starts, only POSTed (the hub's intake alone: the floor).
 * The agent's figure is reported as a ratio to each. Results: bench/results/agent-<date>.json.
 */
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { signInvoice } from '../domain/signature';
import { makeUblInvoice } from '../test/support/invoice-factory';
import { createTestPki } from '../test/support/pki';
import { startBenchHub } from './hub';
import { machine, round } from './machine';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', 'bin', 'hub');
const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
  },
});
const N = Number(values.files);
const CONCURRENCY = Number(values.concurrency);

async function main() {
  const pki = await createTestPki();
  const { hub, port, close } = await startBenchHub();
  const base = `http://127.0.0.1:${port}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-agent-'));
  try {
    const apiKey = hub.demoIssuer?.apiKey;
    if (!apiKey) throw new Error('a fresh hub should have created its demo issuer');
    const runTag = crypto.randomInt(10_000);
    const folder = path.join(work, 'exports');
    fs.mkdirSync(folder);
    for (let i = 0; i < N; i += 1) {
      const number = String(runTag * 1_000_000 + i).padStart(10, '0');
      fs.writeFileSync(
        path.join(folder, `${number}.xml`),
        makeUblInvoice({ number, buyerEmail: `buyer-${i % 200}@bench.example`, lines: 5 }),
      );
    }
    const passwordFile = path.join(work, 'p12.pw');
    fs.writeFileSync(passwordFile, 'bench\n');
    const p12 = pki.writeP12(pki.signers.qualifiedRsa, 'bench');

    process.stderr.write(`agent: ${N} files, concurrency ${CONCURRENCY}\n`);
    const started = process.hrtime.bigint();
    await run(
      process.execPath,
      [
        HUB,
        'agent',
        '--once',
        '--watch',
        folder,
        '--hub',
        base,
        '--api-key',
        apiKey,
        '--p12',
        p12,
        '--password-file',
        passwordFile,
        '--concurrency',
        String(CONCURRENCY),
        '--settle',
        '0ms',
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    const agentSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const report = JSON.parse(fs.readFileSync(path.join(folder, '.hub-agent', 'last-run.json'), 'utf8')) as {
      sent: number;
      failed: number;
      seconds: number;
      phases: Record<string, number>;
    };
    if (report.sent !== N) throw new Error(`the agent sent ${report.sent} of ${N} (failed ${report.failed})`);
    const busy = Object.values(report.phases).reduce((a, b) => a + b, 0);
    const share = (ms: number) => round((ms / busy) * 100);

    // Two peers on the same API with the same concurrency: posting invoices signed beforehand (the hub's intake
    // alone), and a plain loop that signs each with the same key and posts it (what an issuer's script would do).
    const signer = { p12: fs.readFileSync(p12), password: 'bench' };
    const peerInvoices = (tag: number) =>
      Array.from({ length: N }, (_, i) =>
        makeUblInvoice({
          number: String(tag * 1_000_000 + i).padStart(10, '0'),
          buyerEmail: `buyer-${i % 200}@bench.example`,
          lines: 5,
        }),
      );
    const post = async (body: string) => {
      const response = await fetch(`${base}/api/v1/invoices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
        body,
      });
      if (response.status !== 202)
        throw new Error(`the API answered ${response.status}: ${await response.text()}`);
    };
    const timed = async (items: string[], work: (item: string) => Promise<void>) => {
      const clock = process.hrtime.bigint();
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < items.length) await work(items[next++]);
        }),
      );
      return Number(process.hrtime.bigint() - clock) / 1e9;
    };
    const preSigned: string[] = [];
    for (const xml of peerInvoices(runTag + 1)) preSigned.push(await signInvoice(xml, signer));
    process.stderr.write(`peer: ${N} invoices signed beforehand, POSTed, concurrency ${CONCURRENCY}\n`);
    const postSeconds = await timed(preSigned, post);
    process.stderr.write(`peer: ${N} invoices signed and POSTed in a loop, concurrency ${CONCURRENCY}\n`);
    const signAndPostSeconds = await timed(peerInvoices(runTag + 2), async (xml) =>
      post(await signInvoice(xml, signer)),
    );

    const result = {
      benchmark: 'agent',
      date: new Date().toISOString(),
      machine: machine(),
      files: N,
      concurrency: CONCURRENCY,
      invoice: '5 lines, XAdES-B with RSA-2048 from a PKCS#12 file',
      agent: {
        seconds: round(agentSeconds),
        filesPerSecond: round(N / agentSeconds),
        inRunSeconds: round(report.seconds),
        sharePercent: {
          check: share(report.phases.check),
          sign: share(report.phases.sign),
          send: share(report.phases.send),
          readAndFile: share(report.phases.read + report.phases.file),
        },
        msPerFile: Object.fromEntries(Object.entries(report.phases).map(([k, v]) => [k, round(v / N)])),
      },
      peers: {
        signAndPost: {
          what: 'a plain loop: sign each invoice with the same key, POST it (no check, no journal, no filing)',
          seconds: round(signAndPostSeconds),
          filesPerSecond: round(N / signAndPostSeconds),
        },
        postOnly: {
          what: 'the same kind of invoices signed beforehand, POSTed: the hub intake alone',
          seconds: round(postSeconds),
          filesPerSecond: round(N / postSeconds),
        },
      },
      ratioToSignAndPost: round((signAndPostSeconds / agentSeconds) * 100) / 100,
      ratioToPostOnly: round((postSeconds / agentSeconds) * 100) / 100,
    };
    const out = path.join(__dirname, 'results', `agent-${result.date.slice(0, 10)}.json`);
    fs.writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  } finally {
    await close();
    await pki.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});

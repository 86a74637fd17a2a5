import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createPool, type Db } from '../../db';
import { ensureUser } from '../../db/users';
import { embeddedUrl } from '../../embedded/database';
import { hashPassword } from '../../gateway/portal/passwords';
import type { BackupManifest } from '../../platform/backup/manifest';
import { listTar } from '../../platform/backup/tar';
import { PortalVisitor } from '../portal/harness';
import { PASSWORD } from '../support/dispute-hub';
import { eventually, randomEik, uniqueEmail } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { launchHub, type HubUnderTest } from '../support/running-hub';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');
const INVOICES = 1000;
const CONCURRENT_POSTS = 25;

const sha256 = (content: Buffer | string) => crypto.createHash('sha256').update(content).digest('hex');

/** Runs `work` over `items`, `concurrency` at a time, keeping the order of the results. */
async function inParallel<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Every page of a search (`next` cursor until null), as id → item. */
async function everyPage<T extends { id: string }>(
  get: (query: string) => Promise<{ invoices: T[]; next: string | null }>,
): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  let cursor: string | null = null;
  do {
    const page = await get(`?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const item of page.invoices) found.set(item.id, item);
    cursor = page.next;
  } while (cursor);
  return found;
}

describe('bin/hub backup of a running hub, bin/hub restore into a fresh folder', () => {
  let source: HubUnderTest;
  let restored: HubUnderTest | undefined;
  let db: Db;
  const timings: Record<string, string> = {};
  const timed = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const result = await work();
    timings[what] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    return result;
  };

  beforeAll(async () => {
    // As npm start runs it: the hub secret generated into the data folder (the test run sets HUB_SECRET otherwise).
    source = await timed('start the hub', () => launchHub({ embedded: true, env: { HUB_SECRET: '' } }));
    db = createPool(embeddedUrl(Number(source.env.PG_PORT)), 2);
  });
  afterAll(async () => {
    await db?.end();
    await restored?.stop();
    await source?.stop();
    console.log(`backup test timings: ${JSON.stringify(timings)}`);
  });

  const hubCli = (env: NodeJS.ProcessEnv, ...args: string[]) =>
    run(process.execPath, [HUB, ...args], { env, maxBuffer: 16 * 1024 * 1024 });
  const api = async <T>(hub: HubUnderTest, apiKey: string, pathName: string): Promise<T> => {
    const response = await fetch(`${hub.url}/api/v1${pathName}`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    if (response.status !== 200)
      throw new Error(`GET ${pathName}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  };
  const portal = async (hub: HubUnderTest, email: string) => {
    const visitor = new PortalVisitor(hub.url);
    const login = await visitor.call('POST', '/api/v1/portal/login', { email, password: PASSWORD });
    expect(login.status).toBe(200);
    return visitor;
  };
  const portalInvoices = async (visitor: PortalVisitor) =>
    everyPage<{ id: string; number: string }>(async (query) => {
      const answer = await visitor.call('GET', `/api/v1/portal/invoices${query}`);
      expect(answer.status).toBe(200);
      return answer.body as { invoices: { id: string; number: string }[]; next: string | null };
    });

  test('the restored hub is the same hub: its 1,000 invoices with their SHA-256, the API key, the portal account', async () => {
    // The issuer, by the command line against the running hub's database; a recipient with a password.
    const { stdout } = await hubCli(
      source.env,
      'issuer',
      'add',
      '--name',
      'Резервно Копие ООД',
      '--eik',
      randomEik(),
      '--email',
      uniqueEmail('issuer'),
    );
    const { apiKey } = JSON.parse(stdout) as { id: string; apiKey: string };
    const recipient = uniqueEmail('backup');
    const person = await ensureUser(db, recipient);
    await db.query('update users set password_hash = $2, registered_at = now() where id = $1', [
      person.id,
      await hashPassword(PASSWORD),
    ]);

    // 1,000 invoices over the API, 25 at a time. The first 20 go through to the archive (and so to the recipient's
    // portal); the worker is paused while the other 980 are delivered, so intake has the machine's two cores, and
    // resumed before the backup, which is taken while their lifecycles run.
    const sent = Array.from({ length: INVOICES }, () => {
      const xml = makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: recipient });
      return { xml, sha256: sha256(xml) };
    });
    const deliver = (invoices: typeof sent) =>
      inParallel(invoices, CONCURRENT_POSTS, async (invoice) => {
        const response = await fetch(`${source.url}/api/v1/invoices`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
          body: invoice.xml,
        });
        expect(response.status).toBe(202);
        return { id: ((await response.json()) as { id: string }).id, sha256: invoice.sha256 };
      });
    const archivedFirst = 20;
    const first = await timed(`deliver and archive the first ${archivedFirst}`, async () => {
      const delivered = await deliver(sent.slice(0, archivedFirst));
      await eventually(
        async () => (await portalInvoices(await portal(source, recipient))).size >= archivedFirst,
        60_000,
        `${archivedFirst} invoices in the portal`,
      );
      return delivered;
    });
    const worker = source.workerPid();
    process.kill(worker, 'SIGSTOP');
    let rest: Awaited<ReturnType<typeof deliver>>;
    try {
      rest = await timed(`deliver ${INVOICES - archivedFirst} more`, () =>
        deliver(sent.slice(archivedFirst)),
      );
    } finally {
      process.kill(worker, 'SIGCONT');
    }
    const expected = new Map([...first, ...rest].map((a) => [a.id, a.sha256]));
    expect(expected.size).toBe(INVOICES);
    const beforeBackup = await portalInvoices(await portal(source, recipient));

    // The backup, while the hub runs and its workflows go on.
    const file = path.join(
      process.env.HUB_TEST_ROOT as string,
      `backup-${crypto.randomUUID().slice(0, 8)}.tar`,
    );
    const backup = await timed('backup', () => hubCli(source.env, 'backup', file));
    const summary = JSON.parse(backup.stdout) as {
      database: { invoices: number; snapshotAt: string };
      temporal: { included: boolean };
      files: string[];
      parts: { name: string; sha256: string }[];
      migrationLevel: string;
      source: { running: boolean };
    };
    timings.backupSummary = backup.stderr.split('\n').find((line) => line.includes('backup done')) ?? '';
    expect(summary.source.running).toBe(true);
    expect(summary.database.invoices).toBeGreaterThanOrEqual(INVOICES);
    expect(summary.temporal.included).toBe(true);
    expect(summary.files).toEqual(
      expect.arrayContaining(['hub-secret', 'sftp/host_ed25519_key', 'as2/hub-key.pem']),
    );
    expect(summary.migrationLevel).toMatch(/^\d+_.+\.sql$/);
    expect(backup.stderr).toContain('not in the backup: postgres/');
    expect(fs.readdirSync(path.dirname(file)).filter((name) => name.includes(path.basename(file)))).toEqual([
      path.basename(file),
    ]); // no temporary file or staging folder left beside it
    const manifest = await readManifest(file);
    const archivedAtSnapshot =
      manifest.database.tables.find((t) => t.table === 'public.invoice_archive')?.rows ?? 0;
    expect(manifest.parts.map((p) => p.sha256)).toEqual(summary.parts.map((p) => p.sha256));

    // The source hub has done its part; stopping it leaves the machine's two cores to the restore and the restored hub.
    await timed('stop the hub', () => source.stop());

    // Restore refuses a folder with a hub in it, and a damaged backup (one byte changed) naming the part.
    const damaged = `${file}.damaged`;
    const part = 'database/invoices.jsonl.gz';
    const entry = (await listTar(file)).find((e) => e.name === part);
    if (!entry) throw new Error(`${part} is not in the backup`);
    const bytes = fs.readFileSync(file);
    bytes[entry.offset + Math.floor(entry.size / 2)] ^= 0x01;
    fs.writeFileSync(damaged, bytes);
    const nowhere = path.join(
      process.env.HUB_TEST_ROOT as string,
      `never-${crypto.randomUUID().slice(0, 8)}`,
    );
    await Promise.all([
      expect(hubCli(source.env, 'restore', file, '--data-dir', source.dataDir)).rejects.toMatchObject({
        stderr: expect.stringContaining('holds a hub'),
      }),
      expect(hubCli(source.env, 'restore', damaged, '--data-dir', nowhere)).rejects.toMatchObject({
        stderr: expect.stringContaining(`part ${part} is damaged`),
      }),
    ]);
    expect(fs.existsSync(nowhere)).toBe(false);

    // The restore into a fresh folder, then the hub on it (on the task queue its workflows wait on).
    const restoredDir = path.join(
      process.env.HUB_TEST_ROOT as string,
      `restored-${crypto.randomUUID().slice(0, 8)}`,
    );
    const restore = await timed('restore', () =>
      hubCli(source.env, 'restore', file, '--data-dir', restoredDir),
    );
    const report = JSON.parse(restore.stdout) as {
      database: { rows: number };
      temporal: { restored: boolean; taskQueue: string };
    };
    timings.restoreSummary = restore.stderr.split('\n').find((line) => line.includes('restored in')) ?? '';
    expect(report.temporal).toMatchObject({ restored: true, taskQueue: source.env.TEMPORAL_TASK_QUEUE });
    for (const name of ['hub-secret', 'sftp/host_ed25519_key', 'as2/hub-key.pem']) {
      expect(fs.readFileSync(path.join(restoredDir, name))).toEqual(
        fs.readFileSync(path.join(source.dataDir, name)),
      );
    }
    restored = await timed('start the restored hub', () =>
      launchHub({
        embedded: true,
        dataDir: restoredDir,
        env: { HUB_SECRET: '', TEMPORAL_TASK_QUEUE: source.env.TEMPORAL_TASK_QUEUE as string },
      }),
    );
    const hub = restored;

    const archiveVerified = timed('archive verify', () => hubCli(hub.env, 'archive', 'verify'));
    archiveVerified.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    await timed('compare', async () => {
      // The same API key finds the same 1,000 invoices, each with the SHA-256 of what was sent.
      const listed = await everyPage((query) =>
        api<{ invoices: { id: string; number: string }[]; next: string | null }>(
          hub,
          apiKey,
          `/invoices${query}`,
        ),
      );
      expect([...listed.keys()].sort()).toEqual([...expected.keys()].sort());
      const details = await inParallel([...listed.keys()], 25, (id) =>
        api<{ id: string; sha256: string }>(hub, apiKey, `/invoices/${id}`),
      );
      for (const detail of details) expect(detail.sha256).toBe(expected.get(detail.id));

      // The recipient logs in with the password set before the backup and finds every invoice the portal showed then,
      // each original byte for byte.
      const visitor = await portal(hub, recipient);
      const shown = await portalInvoices(visitor);
      for (const id of beforeBackup.keys()) expect(shown.has(id)).toBe(true);
      const originals = await inParallel([...shown.keys()], 25, async (id) => {
        const response = await visitor.call('GET', `/api/v1/portal/invoices/${id}/original`);
        expect(response.status).toBe(200);
        return { id, sha256: sha256(response.text) };
      });
      for (const original of originals) expect(original.sha256).toBe(expected.get(original.id));
    });

    // The lifecycles in flight at the backup go on in the restored hub: more invoices reach the archive.
    if (archivedAtSnapshot < INVOICES) {
      await timed('restored lifecycles go on', () =>
        eventually(
          async () => (await portalInvoices(await portal(hub, recipient))).size > archivedAtSnapshot,
          30_000,
          'an invoice in flight at the backup to reach the archive on the restored hub',
        ),
      );
    }
    timings.archivedAtBackup = `${archivedAtSnapshot} of ${INVOICES}`;

    // The archive's own check passes on the restored hub: the chain and seals came back with every record.
    expect((await archiveVerified).stdout).toContain('OK: every archived record matches');
  }, 180_000);
});

async function readManifest(file: string): Promise<BackupManifest> {
  const entry = (await listTar(file)).find((e) => e.name === 'manifest.json');
  if (!entry) throw new Error('no manifest.json');
  const handle = await fs.promises.open(file, 'r');
  try {
    const buffer = Buffer.alloc(entry.size);
    await handle.read(buffer, 0, entry.size, entry.offset);
    return JSON.parse(buffer.toString('utf8')) as BackupManifest;
  } finally {
    await handle.close();
  }
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { promisify } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import SftpClient from 'ssh2-sftp-client';
import { createActivities } from '../../activities';
import { createPool } from '../../db';
import { configurePickup, ensurePickupPollers, wakePickupPoller } from '../../connectors/sftp/pickup';
import { privateKeyPurpose } from '../../connectors/sftp/pickup/remote';
import { disableSftpPickup } from '../../db/sftp-pickups';
import { freePort } from '../../embedded/ports';
import { stopChild } from '../../embedded/processes';
import { createMailer } from '../../mail/mailer';
import { hubSecret, type HubConfig } from '../../platform/config';
import { unseal } from '../../platform/sealing';
import { sftpPickupWorkflowId } from '../../workflows/sftp-pickup';
import {
  addTestIssuer,
  eventually,
  mailsTo,
  startTestHub,
  testConfig,
  uniqueEmail,
  type TestHub,
} from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { sshdSkipReason, startSshd, type RunningSshd, type SftpAccount } from '../support/sshd';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');

const describeWithSshd = sshdSkipReason ? describe.skip : describe;
if (sshdSkipReason) console.warn(`sftp-pickup tests skipped: ${sshdSkipReason}`);

describeWithSshd("the SFTP pickup from an issuer's own server (Debian's OpenSSH)", () => {
  let hub: TestHub;
  let sshd: RunningSshd;
  const pickups: string[] = [];

  beforeAll(async () => {
    [hub, sshd] = await Promise.all([startTestHub({ REMINDER_DELAYS: '1h' }), startSshd()]);
  });
  afterAll(async () => {
    // Disabled pickups are not started again by later ensurePickupPollers calls; their pollers finish.
    for (const issuerId of pickups) {
      await disableSftpPickup(hub.db, issuerId).catch(() => undefined);
      await wakePickupPoller(hub.temporal, issuerId).catch(() => undefined);
    }
    await hub?.stop();
    await sshd?.stop();
  });

  interface Mailbox {
    issuerId: string;
    account: SftpAccount;
    inbox: string;
    handle: ReturnType<TestHub['temporal']['workflow']['getHandle']>;
  }

  /** An issuer whose invoices the hub picks up from its own account on the OpenSSH server. */
  const setUpPickup = async (
    options: { interval?: string; hostKey?: string; server?: RunningSshd } = {},
  ): Promise<Mailbox> => {
    const server = options.server ?? sshd;
    const { issuer } = await addTestIssuer(hub.db);
    const account = await server.addAccount();
    const inbox = account.folder('in');
    account.folder('out');
    await configurePickup(hub.db, hubSecret(hub.config), {
      issuerId: issuer.id,
      host: '127.0.0.1',
      port: server.port,
      username: account.user,
      privateKey: account.privateKey,
      remoteInbox: '/in',
      remoteOutbox: '/out',
      interval: options.interval ?? '1s',
      hostKey: options.hostKey,
    });
    pickups.push(issuer.id);
    return {
      issuerId: issuer.id,
      account,
      inbox,
      handle: hub.temporal.workflow.getHandle(sftpPickupWorkflowId(issuer.id)),
    };
  };
  const startPollers = (config: HubConfig = hub.config) =>
    ensurePickupPollers({ db: hub.db, temporal: hub.temporal, config });

  /** The issuer's own view of its server, through sshd. */
  const remote = async <T>(mailbox: Mailbox, work: (sftp: SftpClient) => Promise<T>): Promise<T> => {
    const sftp = new SftpClient('issuer', {
      error: () => undefined,
      end: () => undefined,
      close: () => undefined,
    });
    await sftp.connect({
      host: '127.0.0.1',
      port: sshd.port,
      username: mailbox.account.user,
      privateKey: mailbox.account.privateKey,
    });
    try {
      return await work(sftp);
    } finally {
      await sftp.end();
    }
  };
  /** The names in a remote folder, dot files too. */
  const remoteNames = async (mailbox: Mailbox, folder: string) =>
    (await remote(mailbox, (sftp) => sftp.list(folder))).map((f) => f.name).sort();
  const remoteText = async (mailbox: Mailbox, file: string) =>
    (await remote(mailbox, (sftp) => sftp.get(file))).toString();
  const waitForOutbox = (mailbox: Mailbox, names: string[], timeoutMs = 60_000) =>
    eventually(
      async () => {
        const present = await remoteNames(mailbox, '/out');
        return names.every((n) => present.includes(n)) && present;
      },
      timeoutMs,
      `${names.join(', ')} in the remote outbox`,
    );
  const deliveriesOf = async (issuerId: string) =>
    (
      await hub.db.query(
        `select file_name, status, reason_code, content, invoice_id from deliveries
          where issuer_id = $1 and parent_id is null order by received_at`,
        [issuerId],
      )
    ).rows;
  const invoiceFile = (mailbox: Mailbox, name: string, buyerEmail = uniqueEmail('pickup'), lines = 2) => {
    const number = nextInvoiceNumber();
    const xml = makeUblInvoice({ number, buyerEmail, lines });
    return { number, buyerEmail, xml, write: () => mailbox.account.write(`in/${name}`, xml) };
  };
  /** Asks the poller to poll now and waits until that poll has finished. */
  const pollNow = async (mailbox: Mailbox) => {
    const before = await lastPolledAt(mailbox.issuerId);
    await wakePickupPoller(hub.temporal, mailbox.issuerId);
    await eventually(async () => (await lastPolledAt(mailbox.issuerId)) !== before, 30_000, 'the next poll');
  };
  const lastPolledAt = async (issuerId: string) =>
    (
      await hub.db.query('select last_polled_at from sftp_pickups where issuer_id = $1', [issuerId])
    ).rows[0]?.last_polled_at?.toISOString() as string | undefined;

  test('a file dropped into the remote inbox becomes an invoice mailed to its recipient; the inbox is emptied and the acknowledgement, result and Invoice Response reach the remote outbox', async () => {
    const mailbox = await setUpPickup({ hostKey: sshd.hostKeyFingerprint() });
    const { number, buyerEmail, xml } = invoiceFile(mailbox, 'march.xml');
    await remote(mailbox, (sftp) => sftp.put(Buffer.from(xml), '/in/march.xml')); // as the issuer's system does
    expect(await startPollers()).toBeGreaterThanOrEqual(1);

    await eventually(async () => (await mailsTo(buyerEmail)).length === 1, 60_000, 'the recipient mail');
    await waitForOutbox(mailbox, ['march.xml.ack.json', 'march.xml.result.json', 'march.xml.response.xml']);
    expect(await remoteNames(mailbox, '/in')).toEqual([]);

    const ack = JSON.parse(await remoteText(mailbox, '/out/march.xml.ack.json'));
    expect(ack).toMatchObject({
      file: 'march.xml',
      status: 'accepted',
      channel: 'sftp-pickup',
      duplicate: false,
      invoice: { number },
    });
    expect(JSON.parse(await remoteText(mailbox, '/out/march.xml.result.json'))).toMatchObject({
      status: 'accepted',
      invoice: { id: ack.invoice.id, number },
    });
    expect(await remoteText(mailbox, '/out/march.xml.response.xml')).toContain(
      '<cbc:ResponseCode>AB</cbc:ResponseCode>',
    );
    // Only final names in the outbox: the temporary upload names are gone.
    expect((await remoteNames(mailbox, '/out')).filter((n) => n.startsWith('.'))).toEqual([]);
    const { rows } = await hub.db.query(
      `select i.channel, d.mailbox, d.status from invoices i join deliveries d on d.id = i.delivery_id
        where i.id = $1`,
      [ack.invoice.id],
    );
    expect(rows).toEqual([{ channel: 'sftp-pickup', mailbox: 'pickup', status: 'accepted' }]);
  });

  test('a file still growing is taken only once unchanged over two polls; a done-file makes a file go at once; a .part file waits for its rename', async () => {
    // A long interval: the test decides when each poll happens.
    const mailbox = await setUpPickup({ interval: '1h' });
    await startPollers();
    await eventually(async () => (await lastPolledAt(mailbox.issuerId)) !== undefined, 30_000, 'first poll');
    const delivered = async () => (await deliveriesOf(mailbox.issuerId)).map((d) => d.file_name).sort();

    const growing = invoiceFile(mailbox, 'growing.xml', uniqueEmail(), 40);
    const third = Math.floor(growing.xml.length / 3);
    mailbox.account.write('in/growing.xml', growing.xml.slice(0, third));
    const flagged = invoiceFile(mailbox, 'flagged.xml');
    flagged.write();
    mailbox.account.write('in/flagged.xml.done', '');
    const part = invoiceFile(mailbox, 'late.xml');
    mailbox.account.write('in/late.xml.part', part.xml);

    await pollNow(mailbox); // poll 1: the done-file's file goes at once; the others are seen for the first time
    expect(await delivered()).toEqual(['flagged.xml']);
    expect(await remoteNames(mailbox, '/in')).toEqual(['growing.xml', 'late.xml.part']);

    mailbox.account.write('in/growing.xml', growing.xml.slice(0, 2 * third));
    await pollNow(mailbox); // poll 2: growing changed, late.xml.part has a temporary name
    expect(await delivered()).toEqual(['flagged.xml']);

    mailbox.account.write('in/growing.xml', growing.xml);
    await run('mv', [path.join(mailbox.inbox, 'late.xml.part'), path.join(mailbox.inbox, 'late.xml')]);
    await pollNow(mailbox); // poll 3: growing changed again; late.xml seen for the first time
    expect(await delivered()).toEqual(['flagged.xml']);

    await pollNow(mailbox); // poll 4: both unchanged since poll 3
    expect(await delivered()).toEqual(['flagged.xml', 'growing.xml', 'late.xml']);
    expect((await deliveriesOf(mailbox.issuerId)).map((d) => d.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]); // growing.xml was taken whole, not a third of it
    expect(await remoteNames(mailbox, '/in')).toEqual([]);
  });

  test('a file that is not an invoice is quarantined with its reason and bytes, and its acknowledgement with the reason reaches the remote outbox', async () => {
    const mailbox = await setUpPickup();
    mailbox.account.write('in/notes.xml', 'these are not the invoices you are looking for');
    mailbox.account.write('in/notes.xml.ok', '');
    await startPollers();
    await waitForOutbox(mailbox, ['notes.xml.ack.json']);
    const ack = JSON.parse(await remoteText(mailbox, '/out/notes.xml.ack.json'));
    expect(ack).toMatchObject({
      file: 'notes.xml',
      status: 'quarantined',
      channel: 'sftp-pickup',
      error: { code: expect.any(String), message: expect.any(String) },
    });
    expect(ack.invoice).toBeUndefined();
    const [delivery] = await deliveriesOf(mailbox.issuerId);
    expect(delivery).toMatchObject({
      file_name: 'notes.xml',
      status: 'quarantined',
      reason_code: ack.error.code,
    });
    expect(delivery.content.toString()).toContain('not the invoices');
    expect(await remoteNames(mailbox, '/in')).toEqual([]);
    expect(await remoteNames(mailbox, '/out')).toEqual(['notes.xml.ack.json']);
  });

  test('the private key is stored sealed with the hub secret, never in clear (set, show, disable and set again through bin/hub)', async () => {
    const { issuer } = await addTestIssuer(hub.db);
    const account = await sshd.addAccount();
    account.folder('in');
    account.folder('out');
    const env = { ...process.env, TEMPORAL_TASK_QUEUE: hub.config.taskQueue, LOG_LEVEL: 'warn' };
    const cli = async (...args: string[]) =>
      JSON.parse((await run(process.execPath, [HUB, 'issuer', 'sftp-pickup', ...args], { env })).stdout);
    const setArgs = [
      ...['--host', '127.0.0.1', '--port', String(sshd.port), '--user', account.user],
      ...['--key', account.privateKeyFile, '--inbox', '/in', '--outbox', '/out', '--interval', '2s'],
    ];
    const set = await cli('set', issuer.id, ...setArgs);
    pickups.push(issuer.id);
    expect(set).toMatchObject({ issuerId: issuer.id, intervalSeconds: 2, enabled: true, poller: 'running' });
    expect(set.publicKey).toMatch(/^ssh-ed25519 AAAA/);

    const { rows } = await hub.db.query('select * from sftp_pickups where issuer_id = $1', [issuer.id]);
    const sealed: string = rows[0].private_key_sealed;
    const keyBody = account.privateKey.toString().split('\n').slice(1, -2).join('');
    expect(sealed).toMatch(/^v1\./);
    expect(JSON.stringify(rows[0])).not.toContain('PRIVATE KEY');
    for (const chunk of keyBody.match(/.{16}/g) ?? []) expect(sealed).not.toContain(chunk);
    expect(
      unseal(sealed, hubSecret(hub.config), privateKeyPurpose(issuer.id)).equals(account.privateKey),
    ).toBe(true);
    expect(() => unseal(sealed, 'another-secret', privateKeyPurpose(issuer.id))).toThrow();

    // The poller logs in with the sealed key: its first poll pins the host key (trust on first use).
    await eventually(
      async () =>
        (await hub.db.query('select host_key_sha256 from sftp_pickups where issuer_id = $1', [issuer.id]))
          .rows[0].host_key_sha256 === sshd.hostKeyFingerprint(),
      30_000,
      'the host key pinned at the first connection',
    );
    const shown = await cli('show', issuer.id);
    expect(shown).toMatchObject({ hostKey: sshd.hostKeyFingerprint(), poller: 'running', lastError: null });
    expect(JSON.stringify(shown)).not.toContain('PRIVATE');

    expect(await cli('disable', issuer.id)).toEqual({ issuerId: issuer.id, enabled: false });
    const handle = hub.temporal.workflow.getHandle(sftpPickupWorkflowId(issuer.id));
    expect(await handle.result()).toEqual({ issuerId: issuer.id, stopped: 'the SFTP pickup is disabled' });
    // `set` starts it again: a new run of the same workflow id.
    const firstRun = (await handle.describe()).runId;
    expect(await cli('set', issuer.id, ...setArgs)).toMatchObject({ enabled: true, poller: 'running' });
    const again = await handle.describe();
    expect(again.status.name).toBe('RUNNING');
    expect(again.runId).not.toBe(firstRun);
  });

  test('a changed host key stops the pickup with the reason in the workflow history; the file stays on the server', async () => {
    const server = await startSshd();
    try {
      const mailbox = await setUpPickup({ server });
      await startPollers();
      await eventually(
        async () => (await lastPolledAt(mailbox.issuerId)) !== undefined,
        30_000,
        'first poll',
      );
      const pinned = server.hostKeyFingerprint();

      await server.rotateHostKey();
      const file = invoiceFile(mailbox, 'april.xml');
      file.write();
      mailbox.account.write('in/april.xml.done', '');
      const failure = await mailbox.handle.result().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(WorkflowFailedError);
      const reason = ((failure as WorkflowFailedError).cause as Error).message;
      expect(reason).toContain(`presented the host key ${server.hostKeyFingerprint()}`);
      expect(reason).toContain(`${pinned} is pinned`);

      expect(await deliveriesOf(mailbox.issuerId)).toEqual([]);
      const { rows } = await hub.db.query('select halted_reason from sftp_pickups where issuer_id = $1', [
        mailbox.issuerId,
      ]);
      expect(rows[0].halted_reason).toBe(reason);
      // Untouched on the server: not claimed, not removed.
      const { stdout } = await run('ls', ['-A', mailbox.inbox]);
      expect(stdout.split('\n').filter(Boolean).sort()).toEqual(['april.xml', 'april.xml.done']);
      // A halted pickup is not restarted by a gateway starting.
      await startPollers();
      expect((await mailbox.handle.describe()).status.name).toBe('FAILED');
    } finally {
      await server.stop();
    }
  });

  test('an unreachable server, a refused login and a missing folder fail the poll with the reason, retried with backoff; the poller goes on and takes the file once the settings are fixed', async () => {
    const unreachable = await setUpPickup();
    const refused = await setUpPickup();
    const missing = await setUpPickup();
    const closedPort = await freePort();
    const stranger = await sshd.addAccount(); // a key the server does not accept for `refused`
    const change = (mailbox: Mailbox, settings: Partial<Parameters<typeof configurePickup>[2]>) =>
      configurePickup(hub.db, hubSecret(hub.config), {
        issuerId: mailbox.issuerId,
        host: '127.0.0.1',
        port: sshd.port,
        username: mailbox.account.user,
        privateKey: mailbox.account.privateKey,
        remoteInbox: '/in',
        remoteOutbox: '/out',
        interval: '1s',
        ...settings,
      });
    await change(unreachable, { port: closedPort });
    await change(refused, { privateKey: stranger.privateKey });
    await change(missing, { remoteInbox: '/nowhere' });
    const file = invoiceFile(missing, 'may.xml');
    file.write();
    missing.account.write('in/may.xml.done', '');
    await startPollers();

    const retried = (mailbox: Mailbox, reason: RegExp) =>
      eventually(
        async () => {
          const pending = (await mailbox.handle.describe()).raw.pendingActivities?.[0];
          return (
            pending?.activityType?.name === 'pollMailbox' &&
            (pending.attempt ?? 0) >= 2 &&
            reason.test(pending.lastFailure?.message ?? '') &&
            pending
          );
        },
        30_000,
        `pollMailbox retried with ${reason}`,
      );
    const [a, b, c] = await Promise.all([
      retried(unreachable, new RegExp(`127\\.0\\.0\\.1:${closedPort} cannot be reached`)),
      retried(refused, /refused the login with the configured private key/),
      retried(missing, /the folder \/nowhere does not exist/),
    ]);
    expect(a.lastFailure?.applicationFailureInfo?.type).toBe('SERVER_UNREACHABLE');
    expect(b.lastFailure?.applicationFailureInfo?.type).toBe('LOGIN_REFUSED');
    expect(c.lastFailure?.applicationFailureInfo?.type).toBe('FOLDER_MISSING');
    const { rows } = await hub.db.query('select last_error from sftp_pickups where issuer_id = $1', [
      missing.issuerId,
    ]);
    expect(rows[0].last_error).toMatch(/\/nowhere does not exist/);

    // Fixed: the next attempt reads the settings afresh and takes the file; the same workflow run went on.
    const runId = (await missing.handle.describe()).runId;
    await change(missing, { remoteInbox: '/in' });
    await waitForOutbox(missing, ['may.xml.ack.json']);
    expect((await deliveriesOf(missing.issuerId)).map((d) => d.file_name)).toEqual(['may.xml']);
    expect((await missing.handle.describe()).runId).toBe(runId);
    expect((await missing.handle.describe()).status.name).toBe('RUNNING');
  });

  test('two workers on one task queue and two gateways starting pollers: one poller, each file delivered once', async () => {
    const second = await startSecondWorker(hub.config);
    try {
      const mailbox = await setUpPickup();
      const files = Array.from({ length: 10 }, (_, i) => invoiceFile(mailbox, `twin-${i}.xml`));
      for (const [i, file] of files.entries()) {
        file.write();
        mailbox.account.write(`in/twin-${i}.xml.done`, '');
      }
      await Promise.all([startPollers(), startPollers()]);
      await waitForOutbox(
        mailbox,
        files.map((_, i) => `twin-${i}.xml.ack.json`),
      );
      const running = [];
      for await (const execution of hub.temporal.workflow.list({
        query: `WorkflowId = '${sftpPickupWorkflowId(mailbox.issuerId)}'`,
      })) {
        running.push(execution.status.name);
      }
      expect(running).toEqual(['RUNNING']);
      const delivered = await deliveriesOf(mailbox.issuerId);
      expect(delivered.map((d) => d.file_name).sort()).toEqual(files.map((_, i) => `twin-${i}.xml`).sort());
      const invoices = await hub.db.query('select number from invoices where issuer_id = $1', [
        mailbox.issuerId,
      ]);
      expect(invoices.rows.map((r) => r.number).sort()).toEqual(files.map((f) => f.number).sort());
      expect(await remoteNames(mailbox, '/in')).toEqual([]);
    } finally {
      await second.stop();
    }
  });

  test('a worker killed with SIGKILL mid-pickup loses no file and delivers none twice', async () => {
    const IN_FLIGHT = 30;
    const config = testConfig(); // its own task queue, served only by worker processes this test starts and kills
    let worker = await startWorkerProcess(config);
    try {
      const mailbox = await setUpPickup();
      const files = Array.from({ length: IN_FLIGHT }, (_, i) =>
        invoiceFile(mailbox, `crash-${i}.xml`, undefined, 150),
      );
      for (const [i, file] of files.entries()) {
        file.write();
        mailbox.account.write(`in/crash-${i}.xml.done`, '');
      }
      await startPollers(config);
      await eventually(
        async () => (await deliveriesOf(mailbox.issuerId)).length >= 3,
        60_000,
        'the first files to be delivered',
      );
      process.kill(worker.pid, 'SIGKILL');
      const deliveredAtKill = (await deliveriesOf(mailbox.issuerId)).length;
      await worker.exited;
      expect(deliveredAtKill).toBeLessThan(IN_FLIGHT);

      worker = await startWorkerProcess(config);
      const names = files.map((_, i) => `crash-${i}.xml`);
      await waitForOutbox(
        mailbox,
        names.map((n) => `${n}.ack.json`),
        90_000,
      );
      const delivered = await deliveriesOf(mailbox.issuerId);
      expect(delivered.map((d) => d.file_name).sort()).toEqual([...names].sort());
      expect(delivered.map((d) => d.status)).toEqual(names.map(() => 'accepted'));
      const invoices = await hub.db.query('select number from invoices where issuer_id = $1', [
        mailbox.issuerId,
      ]);
      expect(invoices.rows.map((r) => r.number).sort()).toEqual(files.map((f) => f.number).sort());
      const answers = await hub.db.query(
        `select name, count(*)::int as n, count(pushed_at)::int as pushed from channel_answers
          where issuer_id = $1 and name like '%.ack.json' group by name`,
        [mailbox.issuerId],
      );
      expect(answers.rows).toHaveLength(IN_FLIGHT);
      expect(answers.rows.every((r) => r.n === 1 && r.pushed === 1)).toBe(true);
      expect(await remoteNames(mailbox, '/in')).toEqual([]); // no file left, claimed or not
      const outbox = await remoteNames(mailbox, '/out');
      expect(outbox.filter((n) => n.endsWith('.ack.json'))).toHaveLength(IN_FLIGHT);
      expect(outbox.filter((n) => n.startsWith('.'))).toEqual([]);
    } finally {
      await worker.stop();
    }
  });
});

interface WorkerProcess {
  pid: number;
  exited: Promise<void>;
  stop(): Promise<void>;
}

/** `bin/hub worker` in its own process, as the hub's supervisor runs it, on the given task queue. */
async function startWorkerProcess(config: HubConfig): Promise<WorkerProcess> {
  const child: ChildProcess = spawn(process.execPath, [HUB, 'worker'], {
    env: {
      ...process.env,
      DATA_DIR: process.env.HUB_TEST_ROOT,
      TEMPORAL_TASK_QUEUE: config.taskQueue,
      WORKER_METRICS_PORT: '0', // two workers run at once
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-5000)));
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      output = (output + line + '\n').slice(-5000);
      if (line.includes('invoice worker running')) resolve();
    });
    void exited.then(() => reject(new Error(`bin/hub worker exited before it ran: ${output}`)));
  });
  return { pid: child.pid as number, exited, stop: () => stopChild(child, 10_000) };
}

/** Another worker in this process, on the same task queue as the test hub's. */
async function startSecondWorker(config: HubConfig) {
  const connection = await NativeConnection.connect({ address: config.temporalAddress as string });
  const db = createPool(config.databaseUrl as string, 5);
  const mailer = createMailer(db, config.smtpUrl as string, config.mailFrom);
  const worker = await Worker.create({
    connection,
    namespace: config.temporalNamespace,
    taskQueue: config.taskQueue,
    workflowBundle: { codePath: process.env.HUB_TEST_WORKFLOW_BUNDLE as string },
    activities: createActivities({ db, mailer, config, secret: 'test-secret' }),
    identity: `second-worker-${crypto.randomUUID().slice(0, 4)}`,
  });
  const running = worker.run();
  return {
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
      mailer.close();
      await db.end();
    },
  };
}

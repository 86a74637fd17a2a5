/**
 * Issue 11: the hub as a cluster — the Temporal server on PostgreSQL, two gateways and two workers, each its own
 * process — takes a batch of 1,000 invoices over the REST API and SFTP while one worker, one gateway, the Temporal
 * server and PostgreSQL are SIGKILLed in turn and started again. At the end every invoice is there once, archived
 * once, mailed once, acknowledged once, and its lifecycle waits for the recipient with nothing stuck.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { parsePublicKey } from '../../connectors/sftp/keys';
import { createPool, type Db } from '../../db';
import { addSftpKey } from '../../db/sftp-keys';
import { readMailbox } from '../../embedded/mail-server';
import { addTestIssuer, eventually } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { makeSshKey, opensshAvailable } from '../support/openssh';
import { startCluster, type Cluster } from './cluster';
import { startSenders, writeSftpFiles, type Invoice } from './senders';

const INVOICES = 1000;
const SFTP_SHARE = 0.3;
/** Between two kills the batch moves on by at least this many confirmed invoices. */
const PROGRESS_BETWEEN_KILLS = 80;
const AWAITING_VIEW = 'awaiting view';
const { EventType } = temporal.api.enums.v1;

const describeWithOpenssh = opensshAvailable ? describe : describe.skip;

describeWithOpenssh(
  'a hub cluster (Temporal server on PostgreSQL, 2 gateways, 2 workers) under SIGKILL',
  () => {
    let cluster: Cluster;
    let db: Db;
    let watch: NodeJS.Timeout | undefined;

    beforeAll(async () => {
      const root = path.join(
        process.env.HUB_TEST_ROOT as string,
        `cluster-${crypto.randomUUID().slice(0, 8)}`,
      );
      cluster = await startCluster(root);
      db = createPool(cluster.databaseUrl, 4);
      // The test's own idle connections die with PostgreSQL, as planned: not worth a warning.
      db.removeAllListeners('error').on('error', () => undefined);
    }, 240_000);
    afterAll(async () => {
      clearInterval(watch);
      await db?.end();
      await cluster?.stop();
    });

    test('1,000 invoices over API and SFTP while a worker, a gateway, Temporal and PostgreSQL are killed: each archived, mailed and acknowledged once, none stuck', async () => {
      const started = Date.now();
      const { issuer, apiKey } = await addTestIssuer(db);
      const key = await makeSshKey(path.join(cluster.root, 'ssh'));
      await addSftpKey(db, { issuerId: issuer.id, ...parsePublicKey(key.publicKey) });
      const invoices = makeBatch();
      const sftpDir = path.join(cluster.root, 'outgoing');
      fs.mkdirSync(sftpDir, { recursive: true });
      writeSftpFiles(invoices, sftpDir);

      const senders = startSenders(invoices, {
        gateways: cluster.gateways,
        apiKey,
        sftp: { user: issuer.id, key: key.privateKeyFile, dir: sftpDir },
        rate: 12,
        // The end of the batch waits until every kill is done, so each kill falls within the load.
        held: 100,
        apiConcurrency: 6,
      });
      const failedSending = senders.done.then(
        () => new Promise<never>(() => undefined),
        (error: unknown) => Promise.reject(error),
      );
      const confirmed = () => senders.stats.confirmed;
      const archived = () =>
        db
          .query<{ n: number }>('select count(*)::int as n from invoice_archive')
          .then((r) => r.rows[0].n)
          .catch(() => undefined); // while PostgreSQL is down

      watch = setInterval(
        () =>
          void pipelineState(db).then((state) =>
            progress(`${seconds(Date.now() - started)} s: ${confirmed()} confirmed by the hub; ${state}`),
          ),
        15_000,
      );
      const kills: { part: string; atConfirmed: number; downMs: number }[] = [];
      let mark = 0;
      const killAndRestart = async (
        part: string,
        pidAfter: () => number,
        kill: () => Promise<void>,
        start: () => Promise<void>,
      ) => {
        await Promise.race([
          eventually(
            async () => confirmed() >= mark + PROGRESS_BETWEEN_KILLS,
            180_000,
            `progress before ${part}`,
          ),
          failedSending,
        ]);
        const pidBefore = pidAfter();
        const at = Date.now();
        const atConfirmed = confirmed();
        await kill();
        await start();
        kills.push({ part, atConfirmed, downMs: Date.now() - at });
        progress(
          `${part} (pid ${pidBefore}) SIGKILLed at ${atConfirmed} confirmed; pid ${pidAfter()} serving after ${Date.now() - at} ms`,
        );
        mark = confirmed();
      };

      // The first worker dies with invoices half-way through their lifecycles.
      await eventually(async () => ((await archived()) ?? 0) >= 20, 180_000, 'the first invoices archived');
      const [worker] = cluster.workers;
      await killAndRestart('worker 1', worker.pid, worker.kill, worker.start);
      const [gateway] = cluster.gateways;
      await killAndRestart('gateway 1', gateway.pid, gateway.kill, gateway.start);
      await killAndRestart(
        'the Temporal server',
        cluster.temporal.pid,
        cluster.temporal.kill,
        cluster.temporal.start,
      );
      await killAndRestart('PostgreSQL', cluster.postgres.pid, cluster.postgres.kill, cluster.postgres.start);
      expect(confirmed()).toBeLessThan(INVOICES); // every kill fell within the batch
      senders.release();
      await senders.done;
      const sentMs = Date.now() - started;

      const settled = async () => {
        const { rows } = await db.query<{ n: number }>(
          'select count(*)::int as n from invoices where issuer_id = $1 and status = $2',
          [issuer.id, AWAITING_VIEW],
        );
        return rows[0].n === INVOICES;
      };
      await eventually(settled, 240_000, `all ${INVOICES} invoices to await their view`).catch(
        async (error: unknown) => {
          progress(
            `not settled: ${await pipelineState(db)}; the parts' last lines:\n${cluster.logTails(20)}\n` +
              `the invoices not awaiting their view:\n${await unsettledInvoices(db, cluster.temporalAddress)}`,
          );
          throw error;
        },
      );
      const settledMs = Date.now() - started;
      clearInterval(watch);

      // Exactly the batch, each invoice once, by the channel it was sent over.
      const byChannel = await db.query<{ channel: string; n: number; numbers: number }>(
        `select channel, count(*)::int as n, count(distinct number)::int as numbers from invoices group by channel order by channel`,
      );
      const apiInvoices = invoices.filter((i) => i.channel === 'api');
      const sftpInvoices = invoices.filter((i) => i.channel === 'sftp');
      expect(byChannel.rows).toEqual([
        { channel: 'api', n: apiInvoices.length, numbers: apiInvoices.length },
        { channel: 'sftp', n: sftpInvoices.length, numbers: sftpInvoices.length },
      ]);
      const registered = await db.query<{ id: string; number: string; status: string; workflow_id: string }>(
        'select id, number, status, workflow_id from invoices where issuer_id = $1',
        [issuer.id],
      );
      const invoiceOf = new Map(registered.rows.map((r) => [r.number, r]));
      expect(new Set(invoiceOf.keys())).toEqual(new Set(invoices.map((i) => i.number)));

      // Archived once (one archive row per invoice, none for anything else), every lifecycle event written once.
      const archive = await db.query<{ n: number; invoices: number }>(
        'select count(*)::int as n, count(distinct invoice_id)::int as invoices from invoice_archive',
      );
      expect(archive.rows[0]).toEqual({ n: INVOICES, invoices: INVOICES });
      const repeatedEvents = await db.query(
        `select invoice_id, type, count(*)::int as n from invoice_events group by 1, 2 having count(*) > 1`,
      );
      expect(repeatedEvents.rows).toEqual([]);

      // Mailed once: one message in the SMTP server's mailbox per recipient (each invoice has its own), and the
      // hub's record agrees. SMTP has no two-phase hand-over: a worker killed after the server took a message but
      // before the hub marked it sent sends it again on retry, as the same message (the Message-ID comes from the
      // mail's business key), which receiving systems take for one. So the count is of distinct messages; the copies
      // are counted and reported, and a second message with another Message-ID would fail it.
      const mailbox = await readMailbox(cluster.mailDir);
      const messagesTo = new Map<string, Set<string>>();
      for (const mail of mailbox)
        for (const to of mail.to)
          messagesTo.set(
            to,
            (messagesTo.get(to) ?? new Set()).add(mail.messageId ?? `no Message-ID ${mail.id}`),
          );
      const notMailedOnce = invoices.filter((i) => messagesTo.get(i.buyerEmail)?.size !== 1);
      expect(notMailedOnce.map((i) => `${i.number}: ${messagesTo.get(i.buyerEmail)?.size ?? 0}`)).toEqual([]);
      const mails = [...messagesTo.values()].reduce((sum, ids) => sum + ids.size, 0);
      const resentCopies = mailbox.length - mails;
      const sentMail = await db.query<{ kind: string; state: string; n: number; invoices: number }>(
        `select kind, state, count(*)::int as n, count(distinct invoice_id)::int as invoices from sent_mail
        where invoice_id is not null group by 1, 2`,
      );
      expect(sentMail.rows).toEqual([{ kind: 'invitation', state: 'sent', n: INVOICES, invoices: INVOICES }]);

      // Acknowledged once. API: every invoice answered with its id; a retry of one that had reached the hub answered
      // "duplicate" with the same id.
      for (const invoice of apiInvoices) {
        const answer = senders.apiAnswers.get(invoice.number);
        expect({ number: invoice.number, ids: answer?.ids }).toEqual({
          number: invoice.number,
          ids: [invoiceOf.get(invoice.number)?.id],
        });
        expect(answer?.status).toBe(answer?.duplicate ? 200 : 202);
      }
      // SFTP: one delivery and one acknowledgement per file, nothing quarantined or taken twice.
      const deliveries = await db.query<{ status: string; n: number; files: number }>(
        `select status, count(*)::int as n, count(distinct file_name)::int as files from deliveries
        where issuer_id = $1 group by status`,
        [issuer.id],
      );
      expect(deliveries.rows).toEqual([
        { status: 'accepted', n: sftpInvoices.length, files: sftpInvoices.length },
      ]);
      const acks = await db.query<{ name: string; n: number }>(
        `select name, count(*)::int as n from channel_answers where issuer_id = $1 and answer_key like 'ack:%' group by name`,
        [issuer.id],
      );
      expect(acks.rows.filter((r) => r.n !== 1)).toEqual([]);
      expect(new Set(acks.rows.map((r) => r.name))).toEqual(
        new Set(sftpInvoices.map((i) => `${i.file}.ack.json`)),
      );

      // No lifecycle stuck: each runs, waits for its recipient with no activity pending or retrying, and no
      // workflow task ever failed.
      const stuck = await lifecycleProblems(cluster.temporalAddress, [...invoiceOf.values()]);

      const s = senders.stats;
      process.stderr.write(
        `cluster: ${INVOICES} invoices (${apiInvoices.length} API, ${sftpInvoices.length} SFTP) on 2 gateways + 2 workers, ` +
          `Temporal server on PostgreSQL; killed ${kills.map((k) => `${k.part} (back in ${seconds(k.downMs)} s)`).join(', ')}; ` +
          `client retries: ${s.apiRetries} API (${s.apiDuplicateAnswers} answered duplicate), ` +
          `${s.sftpBrokenSessions} failed SFTP sessions (${s.sftpReuploads} files put again); ` +
          `parts restarted unplanned: ${JSON.stringify(cluster.unplannedRestarts)}; sent in ${seconds(sentMs)} s, all awaiting view after ${seconds(settledMs)} s; ` +
          `counts: ${INVOICES} invoices, ${archive.rows[0].n} archived, ${mails} mails (${resentCopies} sent again as the same message), ` +
          `${senders.apiAnswers.size} API answers, ${acks.rows.length} SFTP acknowledgements, ${stuck.length} stuck\n`,
      );
      expect(stuck).toEqual([]);
      // Only what the test killed went down: no other part died of it (a worker losing its database, say).
      expect(cluster.unplannedRestarts).toEqual({ gateway: 0, worker: 0, postgres: 0, temporal: 0 });
    }, 600_000);
  },
);

/** The batch: small invoices (1 or 2 lines), 70 % for the API and 30 % for SFTP, each channel alternating gateways. */
function makeBatch(): Invoice[] {
  const sent = { api: 0, sftp: 0 };
  return Array.from({ length: INVOICES }, (_, index) => {
    const number = nextInvoiceNumber();
    const channel = (index % 10) / 10 < SFTP_SHARE ? 'sftp' : 'api';
    const buyerEmail = `cluster-${number.toLowerCase()}@buyer.example`;
    return {
      index,
      number,
      buyerEmail,
      channel,
      gateway: sent[channel]++ % 2,
      xml: makeUblInvoice({ number, buyerEmail, lines: 1 + (index % 2) }),
      file: `invoice-${String(index).padStart(4, '0')}.xml`,
    };
  });
}

/**
 * What Temporal says of each invoice's lifecycle: not running, an activity pending (none should be, while it waits
 * for the recipient) or retrying, a workflow task retrying, or a failed workflow task anywhere in its history.
 */
async function lifecycleProblems(
  address: string,
  lifecycles: { number: string; workflow_id: string }[],
): Promise<string[]> {
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const problems: string[] = [];
    const check = async ({ number, workflow_id }: { number: string; workflow_id: string }) => {
      const handle = client.workflow.getHandle(workflow_id);
      const { status, raw } = await handle.describe();
      if (status.name !== 'RUNNING') problems.push(`${number}: ${status.name}`);
      for (const activity of raw.pendingActivities ?? [])
        problems.push(
          `${number}: activity ${activity.activityType?.name} pending, attempt ${activity.attempt}`,
        );
      if ((raw.pendingWorkflowTask?.attempt ?? 1) > 1)
        problems.push(`${number}: workflow task at attempt ${raw.pendingWorkflowTask?.attempt}`);
      const history = await handle.fetchHistory();
      const failedTasks = (history.events ?? []).filter(
        (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
      );
      if (failedTasks.length) problems.push(`${number}: ${failedTasks.length} failed workflow tasks`);
    };
    const queue = [...lifecycles];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) await check(next);
      }),
    );
    return problems;
  } finally {
    await connection.close();
  }
}

/** Each invoice not yet awaiting its view, with what Temporal says of its lifecycle: why it does not move on. */
async function unsettledInvoices(db: Db, address: string): Promise<string> {
  const { rows } = await db.query<{ number: string; status: string; channel: string; workflow_id: string }>(
    `select number, status, channel, workflow_id from invoices where status <> $1 order by number limit 20`,
    [AWAITING_VIEW],
  );
  const connection = await Connection.connect({ address });
  try {
    const client = new Client({ connection });
    const lines = await Promise.all(
      rows.map(async (r) => {
        const head = `${r.number} (${r.channel}) ${r.status}`;
        try {
          const handle = client.workflow.getHandle(r.workflow_id);
          const { status, raw } = await handle.describe();
          if (status.name === 'FAILED') {
            const failure = await handle.result().then(
              () => undefined,
              (error: Error) => innermostMessage(error),
            );
            return `${head}: workflow FAILED: ${failure}`;
          }
          const activities = (raw.pendingActivities ?? []).map(
            (a) =>
              `${a.activityType?.name} attempt ${a.attempt} state ${a.state}: ${a.lastFailure?.message ?? 'no failure'}`,
          );
          return `${head}: workflow ${status.name}; ${activities.join('; ') || 'no activity pending'}`;
        } catch (error) {
          return `${head}: ${(error as Error).message}`;
        }
      }),
    );
    return lines.join('\n');
  } finally {
    await connection.close();
  }
}

/** A workflow's failure wraps the activity's, which wraps its cause: the last one says what went wrong. */
function innermostMessage(error: Error): string {
  let inner = error;
  while (inner.cause instanceof Error) inner = inner.cause;
  return inner.message;
}

/** How many invoices are in which status, and deliveries not yet processed. */
async function pipelineState(db: Db): Promise<string> {
  try {
    const statuses = await db.query<{ status: string; n: number }>(
      'select status, count(*)::int as n from invoices group by status order by status',
    );
    const waiting = await db.query<{ n: number }>(
      `select count(*)::int as n from deliveries where status = 'received'`,
    );
    return `${statuses.rows.map((r) => `${r.n} ${r.status}`).join(', ')}; ${waiting.rows[0].n} files unprocessed`;
  } catch (error) {
    return `database unreachable (${(error as Error).message})`;
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}

/** Where the long test is, for whoever watches it run. */
function progress(message: string): void {
  process.stderr.write(`cluster: ${message}\n`);
}

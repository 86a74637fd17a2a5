/**
 * The issuers' side of the cluster test: billing systems sending a batch of invoices at a steady pace, over the REST
 * API (several requests at a time, alternating between the gateways) and over SFTP (Debian's OpenSSH `sftp`, a
 * session per gateway). They do what real senders do when a part of the hub is down: an API call that fails with a
 * connection error, a timeout or a 5xx is sent again, the same invoice, to the next gateway; an SFTP session that
 * broke is followed by a look at /inbox and /outbox, and what the hub does not have is uploaded again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { sftpBatch, type SftpTarget } from '../support/openssh';

export interface Invoice {
  /** Position in the batch: invoices are released in this order. */
  index: number;
  number: string;
  buyerEmail: string;
  channel: 'api' | 'sftp';
  /** The gateway it is first sent to. */
  gateway: number;
  xml: string;
  file: string;
}

export interface ApiAnswer {
  status: number;
  id: string;
  duplicate: boolean;
  /** Every invoice id the hub answered with for this invoice, over all attempts (one, when retries are safe). */
  ids: string[];
}

export interface SenderStats {
  apiRetries: number;
  /** API retries answered "duplicate": the first attempt had reached the hub before the part failed. */
  apiDuplicateAnswers: number;
  sftpBrokenSessions: number;
  /** Files uploaded again after a broken session. */
  sftpReuploads: number;
  /** Invoices the hub has confirmed: a 2xx with an id, or a closed SFTP upload (or one found in /inbox, /outbox). */
  confirmed: number;
}

export interface Senders {
  stats: SenderStats;
  apiAnswers: Map<string, ApiAnswer>;
  /** Lets the last `held` invoices go (they wait until the test says so). */
  release(): void;
  done: Promise<void>;
}

export interface SenderOptions {
  gateways: { url: string; sftpPort: number }[];
  apiKey: string;
  sftp: { user: string; key: string; dir: string };
  /** Invoices released per second, over both channels. */
  rate: number;
  /** How many invoices at the end of the batch wait for release(). */
  held: number;
  apiConcurrency: number;
}

export function startSenders(invoices: Invoice[], options: SenderOptions): Senders {
  const stats: SenderStats = {
    apiRetries: 0,
    apiDuplicateAnswers: 0,
    sftpBrokenSessions: 0,
    sftpReuploads: 0,
    confirmed: 0,
  };
  const apiAnswers = new Map<string, ApiAnswer>();
  const started = Date.now();
  let held = true;
  const releasedCount = () =>
    Math.min(
      Math.floor(((Date.now() - started) / 1000) * options.rate) + 1,
      held ? invoices.length - options.held : invoices.length,
    );
  const api = new Feed(
    invoices.filter((i) => i.channel === 'api'),
    releasedCount,
  );
  const sftpFeeds = options.gateways.map(
    (_, g) =>
      new Feed(
        invoices.filter((i) => i.channel === 'sftp' && i.gateway === g),
        releasedCount,
      ),
  );
  const apiSender = async () => {
    for (let invoice = await api.takeOne(); invoice; invoice = await api.takeOne()) {
      apiAnswers.set(invoice.number, await postUntilAccepted(invoice, options, stats));
      stats.confirmed++;
    }
  };
  const sftpSender = async (feed: Feed, gateway: number) => {
    for (let batch = await feed.take(25); batch.length; batch = await feed.take(25)) {
      await uploadUntilReceived(batch, gateway, options, stats);
      stats.confirmed += batch.length;
    }
  };
  const done = Promise.all([
    ...Array.from({ length: options.apiConcurrency }, apiSender),
    ...sftpFeeds.map((feed, g) => sftpSender(feed, g)),
  ]).then(() => undefined);
  return {
    stats,
    apiAnswers,
    release: () => {
      held = false;
    },
    done,
  };
}

/** Invoices of one sender, handed out in batch order once the pace has released them. */
class Feed {
  private next = 0;

  constructor(
    private readonly items: Invoice[],
    private readonly released: () => number,
  ) {}

  async take(max: number): Promise<Invoice[]> {
    for (;;) {
      if (this.next >= this.items.length) return [];
      const limit = this.released();
      const batch: Invoice[] = [];
      while (batch.length < max && this.next < this.items.length && this.items[this.next].index < limit)
        batch.push(this.items[this.next++]);
      if (batch.length) return batch;
      await sleep(50);
    }
  }

  async takeOne(): Promise<Invoice | undefined> {
    return (await this.take(1))[0];
  }
}

const API_TIMEOUT_MS = 30_000;

async function postUntilAccepted(
  invoice: Invoice,
  options: SenderOptions,
  stats: SenderStats,
): Promise<ApiAnswer> {
  const ids: string[] = [];
  for (let attempt = 0; ; attempt++) {
    const gateway = options.gateways[(invoice.gateway + attempt) % options.gateways.length];
    if (attempt > 0) {
      stats.apiRetries++;
      await sleep(Math.min(200 * attempt, 2000));
    }
    let response: Response;
    try {
      response = await fetch(`${gateway.url}/api/v1/invoices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.apiKey}`, 'content-type': 'application/xml' },
        body: invoice.xml,
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch {
      continue; // refused, reset or timed out: the part is down; send it again
    }
    const body = await response.text();
    if (response.status >= 500) continue;
    if (response.status !== 202 && response.status !== 200)
      throw new Error(`invoice ${invoice.number}: ${response.status} ${body}`);
    const answer = JSON.parse(body) as { id: string; duplicate: boolean };
    ids.push(answer.id);
    if (answer.duplicate) stats.apiDuplicateAnswers++;
    return { status: response.status, id: answer.id, duplicate: answer.duplicate, ids };
  }
}

/**
 * One `sftp -b` session per batch, `put` after `put`. A session that did not end well (the gateway died, or
 * refused the login while the database was down) leaves the sender unsure which files arrived: the ones in /inbox
 * (received, being processed) or answered in /outbox did; the others are uploaded again, to the other gateway.
 */
async function uploadUntilReceived(
  batch: Invoice[],
  gateway: number,
  options: SenderOptions,
  stats: SenderStats,
): Promise<void> {
  let pending = batch;
  for (let attempt = 0; pending.length; attempt++) {
    const target = sftpTarget(options, gateway + attempt);
    if (attempt > 0) {
      stats.sftpReuploads += pending.length;
      await sleep(Math.min(250 * attempt, 2000));
    }
    const session = await sftpBatch(target, ['cd /inbox', ...pending.map((i) => `put ${i.file}`)], {
      cwd: options.sftp.dir,
    });
    if (session.code === 0) return;
    stats.sftpBrokenSessions++;
    const arrived = await arrivedFiles(options, gateway + attempt + 1);
    pending = pending.filter((i) => !arrived.has(i.file) && !arrived.has(`${i.file}.ack.json`));
  }
}

/** The names in /inbox and /outbox, from whichever gateway answers (both serve the same mailbox). */
async function arrivedFiles(options: SenderOptions, first: number): Promise<Set<string>> {
  for (let attempt = 0; ; attempt++) {
    const target = sftpTarget(options, first + attempt);
    const listing = await sftpBatch(target, ['cd /inbox', 'ls -1', 'cd /outbox', 'ls -1']);
    if (listing.code === 0)
      return new Set(
        listing.stdout
          .split('\n')
          .map((line) => line.trim())
          .filter((line) => line && !line.startsWith('sftp>')),
      );
    await sleep(Math.min(250 * (attempt + 1), 2000));
  }
}

function sftpTarget(options: SenderOptions, gateway: number): SftpTarget {
  const { sftpPort } = options.gateways[gateway % options.gateways.length];
  return { port: sftpPort, user: options.sftp.user, key: options.sftp.key };
}

/** Writes each SFTP invoice's file into the senders' folder. */
export function writeSftpFiles(invoices: Invoice[], dir: string): void {
  for (const invoice of invoices)
    if (invoice.channel === 'sftp') fs.writeFileSync(path.join(dir, invoice.file), invoice.xml);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

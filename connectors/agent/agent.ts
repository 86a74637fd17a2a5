/**
 * The issuer agent: takes each invoice the accounting system exports into the watched folder and
 *   1. waits until the file is complete (its size and time unchanged for --settle, or older than that when seen),
 *   2. checks it with the hub's own rules (a file that fails is never signed or sent: failed/NAME + NAME.json),
 *   3. signs it with the issuer's key (PKCS#12 or a PKCS#11 token), keeping the signed bytes before sending,
 *   4. delivers it by the API or the hub's SFTP, retrying with backoff while the hub cannot be reached,
 *   5. files it into sent/ with NAME.json (invoice id, status link) and NAME.signed.xml,
 * and keeps bringing back the answers (answers.ts). Every step is in the journal (journal.ts) before the next
 * starts, so a crash or reboot at any point neither loses a file nor delivers it twice.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { followAnswers } from './answers';
import { backoff, type Backoff } from './backoff';
import { checkExport, isExportCandidate } from './exports';
import { HubApi, HubCallError, type DeliveredInvoice } from './hub-api';
import { HubSftp } from './hub-sftp';
import { Journal, syncFolder, writeDurably, type JournalEntry, type Reason } from './journal';
import type { AgentOptions } from './options';
import { CertificateValidityError, expiryWarning, type AgentSigner } from './signer';

export type FileOutcome = 'sent' | 'duplicate' | 'failed' | 'waiting';

export interface AgentReport {
  sent: number;
  duplicates: number;
  failed: number;
  /** Left in the folder: the hub could not be reached long enough (only --once gives up). */
  waiting: number;
  seconds: number;
  /** Time spent in each step, summed over files (ms). */
  phases: { read: number; check: number; sign: number; send: number; file: number };
}

export interface AgentEvents {
  /** One line per file, and whatever a person should know. */
  log(line: string): void;
  /** --once: how many files the run has, and each one done. */
  planned?(total: number): void;
  done?(name: string, outcome: FileOutcome): void;
}

/** The agent stops: the API key or the SFTP login is refused, or the certificate cannot sign. */
export class AgentStop extends Error {
  override readonly name = 'AgentStop';
}

export class IssuerAgent {
  private readonly journal: Journal;
  private readonly api: HubApi;
  private readonly sftp?: HubSftp;
  private readonly hubGate: Backoff;
  private readonly report: AgentReport = {
    sent: 0,
    duplicates: 0,
    failed: 0,
    waiting: 0,
    seconds: 0,
    phases: { read: 0, check: 0, sign: 0, send: 0, file: 0 },
  };
  private readonly preparing = limit(PREPARED_AHEAD);
  private readonly sending: Limit;
  private stopping = false;
  private stopped: Error | undefined;
  private lastExpiryWarning = 0;

  constructor(
    private readonly options: AgentOptions,
    private readonly signer: AgentSigner,
    private readonly events: AgentEvents,
  ) {
    for (const folder of ['sent', 'failed', 'receipts']) {
      fs.mkdirSync(path.join(options.watch, folder), { recursive: true });
    }
    this.journal = Journal.open(options.watch);
    this.api = new HubApi(options.hub, options.apiKey);
    if (options.sftp) this.sftp = new HubSftp(options.sftp, this.journal.folder, this.api);
    this.hubGate = backoff({ firstMs: 1000, maxMs: 300_000 });
    this.sending = limit(options.concurrency);
  }

  /** --once: everything in the folder now, then one round of answers. */
  async runOnce(): Promise<AgentReport> {
    const started = Date.now();
    this.warnIfExpiring();
    const names = await this.completeFiles(this.candidates());
    this.events.planned?.(names.length);
    await this.processAll(names);
    if (!this.stopped) await this.answerRound();
    this.report.seconds = (Date.now() - started) / 1000;
    if (this.stopped) throw this.stopped;
    return this.report;
  }

  /** Watches until stop(): new files as they settle, answers every --answer-interval. */
  async watch(): Promise<void> {
    const seen = new Map<string, Observation>();
    let nextAnswers = 0;
    let wake: (() => void) | undefined;
    const watcher = fs.watch(this.options.watch, () => wake?.());
    try {
      while (!this.stopping && !this.stopped) {
        this.warnIfExpiring();
        const ready = readyFiles(this.options.watch, this.candidates(), seen, this.options.settleMs);
        if (ready.length) await this.processAll(ready);
        if (Date.now() >= nextAnswers && !this.stopped) {
          await this.answerRound();
          nextAnswers = Date.now() + this.options.answerIntervalMs;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.scanIntervalMs);
          wake = () => {
            clearTimeout(timer);
            // a burst of events is one scan, a moment later (a writer usually has more to write)
            setTimeout(resolve, Math.min(200, this.options.scanIntervalMs));
          };
        });
        wake = undefined;
      }
    } finally {
      watcher.close();
    }
    if (this.stopped) throw this.stopped;
  }

  stop(): void {
    this.stopping = true;
  }

  async close(): Promise<void> {
    await this.sftp?.close();
    this.journal.close();
    this.signer.close();
  }

  private candidates(): string[] {
    return fs
      .readdirSync(this.options.watch, { withFileTypes: true })
      .filter((entry) => entry.isFile() && isExportCandidate(entry.name))
      .map((entry) => entry.name)
      .sort();
  }

  /** --once: the files there now, waiting for those still being written to settle. */
  private async completeFiles(names: string[]): Promise<string[]> {
    const seen = new Map<string, Observation>();
    const ready = readyFiles(this.options.watch, names, seen, this.options.settleMs);
    while (seen.size > 0) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, this.options.settleMs)));
      ready.push(...readyFiles(this.options.watch, [...seen.keys()], seen, this.options.settleMs));
    }
    return ready.sort();
  }

  /**
   * A pipeline: up to --concurrency deliveries in flight (what the hub's side bounds), while the next files are
   * read, checked and signed (what this machine's CPU or the token bounds), two at a time.
   */
  private async processAll(names: string[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < names.length && !this.stopped && !this.stopping) {
        const name = names[next++];
        let outcome: FileOutcome;
        try {
          outcome = await this.processFile(name);
        } catch (error) {
          if (error instanceof AgentStop || error instanceof CertificateValidityError) {
            this.stopped = error instanceof AgentStop ? error : new AgentStop(error.message);
            return;
          }
          if (error instanceof GaveUp) {
            outcome = 'waiting';
          } else {
            throw error;
          }
        }
        if (outcome === 'waiting') this.report.waiting += 1;
        this.events.done?.(name, outcome);
      }
    };
    const workers = Math.min(this.options.concurrency + PREPARED_AHEAD, names.length);
    await Promise.all(Array.from({ length: workers }, worker));
  }

  /** One exported file, from the folder to sent/ or failed/. */
  private async processFile(name: string): Promise<FileOutcome> {
    const prepared = await this.preparing.run(() => this.prepare(name));
    if (prepared.outcome) return prepared.outcome;
    return this.sending.run(() => this.send(name, prepared.key, prepared.signed));
  }

  /** Read, check and sign: the signed bytes, kept in the journal, or what became of the file without sending. */
  private async prepare(
    name: string,
  ): Promise<
    { outcome: FileOutcome; key?: never; signed?: never } | { outcome?: never; key: string; signed: Buffer }
  > {
    const phases = this.report.phases;
    let started = Date.now();
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(this.options.watch, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { outcome: 'waiting' }; // taken away meanwhile
      throw error;
    }
    const key = crypto.createHash('sha256').update(bytes).digest('hex');
    phases.read += Date.now() - started;
    const known = this.journal.get(key);

    // Already decided before (a crash before filing, or the same export dropped again): filed, never sent again.
    if (known?.stage === 'sent' && known.invoice) {
      return { outcome: this.fileSent(name, known, known.filedAs !== undefined) };
    }
    if (known?.stage === 'failed') return { outcome: this.fileFailed(name, key, known.reasons ?? []) };

    const kept = this.journal.readSigned(key);
    if (kept) return { key, signed: kept }; // signed before a crash: the very same bytes go
    started = Date.now();
    const checked = await checkExport(name, bytes);
    phases.check += Date.now() - started;
    if (!checked.ok) {
      this.journal.record({ key, name, stage: 'failed', reasons: checked.reasons });
      return { outcome: this.fileFailed(name, key, checked.reasons) };
    }
    started = Date.now();
    const signed = Buffer.from(await this.signer.sign(checked.invoice.xml), 'utf8');
    phases.sign += Date.now() - started;
    this.journal.keepSigned(key, signed);
    this.journal.record({ key, name, stage: 'signed' });
    return { key, signed };
  }

  private async send(name: string, key: string, signed: Buffer): Promise<FileOutcome> {
    const phases = this.report.phases;
    let started = Date.now();
    started = Date.now();
    let delivered: DeliveredInvoice;
    try {
      delivered = await this.deliver(signed, key, deliveryNameOf(name));
    } catch (error) {
      if (!(error instanceof HubCallError) || error.kind !== 'refused') throw error;
      const reasons: Reason[] = [
        { code: error.code, message: `the hub refused the invoice: ${error.message}` },
      ];
      this.journal.record({ key, name, stage: 'failed', reasons });
      this.journal.forgetSigned(key);
      return this.fileFailed(name, key, reasons);
    } finally {
      phases.send += Date.now() - started;
    }
    const entry = this.journal.record({
      key,
      name,
      stage: 'sent',
      via: this.options.via,
      sentAt: new Date().toISOString(),
      invoice: delivered,
    });
    started = Date.now();
    const outcome = this.fileSent(name, entry, false, signed);
    phases.file += Date.now() - started;
    return outcome;
  }

  /** Sends with backoff while the hub cannot be reached; with --once, gives up after --retry-for. */
  private async deliver(signed: Buffer, key: string, deliveryName: string): Promise<DeliveredInvoice> {
    const outageStarted = Date.now();
    for (;;) {
      await this.hubGate.wait();
      if (this.stopped) throw new GaveUp();
      try {
        const delivered = this.sftp
          ? await this.sftp.deliver(signed, key, deliveryName)
          : await this.api.deliver(signed, key);
        this.hubGate.succeeded();
        return delivered;
      } catch (error) {
        if (!(error instanceof HubCallError)) throw error;
        if (error.kind === 'unauthorized') throw new AgentStop(error.message);
        if (error.kind === 'refused') throw error;
        const delay = this.hubGate.failed();
        if (delay !== undefined) {
          this.events.log(
            `the hub cannot take invoices now (${error.message}); trying again in ${Math.round(delay / 1000)} s`,
          );
        }
        if (this.options.once && Date.now() - outageStarted > this.options.retryForMs) throw new GaveUp();
        if (this.stopping) throw new GaveUp();
      }
    }
  }

  private fileSent(name: string, entry: JournalEntry, repeated: boolean, signed?: Buffer): FileOutcome {
    const invoice = entry.invoice as NonNullable<JournalEntry['invoice']>;
    const status = repeated ? 'already sent' : invoice.duplicate ? 'already at the hub' : 'sent';
    const answer = {
      file: name,
      sha256: entry.key,
      status,
      via: entry.via,
      sentAt: entry.sentAt,
      invoice: { id: invoice.id, number: invoice.number, status: invoice.status, link: invoice.link },
      ...(repeated
        ? { note: `the same file was sent before as ${entry.filedAs}; it is not sent again` }
        : {}),
    };
    const signedBytes = repeated ? undefined : (signed ?? this.journal.readSigned(entry.key));
    const filed = fileInto(this.options.watch, 'sent', name, entry.key, answer, (stem) => {
      if (signedBytes) writeDurably(path.join(this.options.watch, 'sent', `${stem}.signed.xml`), signedBytes);
    });
    if (!filed) return 'waiting';
    if (!repeated) {
      this.journal.record({ key: entry.key, filedAs: `sent/${filed}` });
      this.journal.forgetSigned(entry.key);
    }
    const duplicate = repeated || invoice.duplicate;
    if (duplicate) this.report.duplicates += 1;
    else this.report.sent += 1;
    if (!this.options.once) {
      this.events.log(
        `${name}: ${status} as invoice ${invoice.number} (${invoice.id}, ${invoice.status}) → sent/${filed}`,
      );
    }
    return duplicate ? 'duplicate' : 'sent';
  }

  private fileFailed(name: string, key: string, reasons: Reason[]): FileOutcome {
    const answer = { file: name, sha256: key, failedAt: new Date().toISOString(), sent: false, reasons };
    const filed = fileInto(this.options.watch, 'failed', name, key, answer);
    if (!filed) return 'waiting';
    this.journal.record({ key, filedAs: `failed/${filed}` });
    this.report.failed += 1;
    if (!this.options.once) {
      this.events.log(
        `${name}: not sent, ${reasons.length} reason(s): ${reasons[0]?.message} → failed/${filed}`,
      );
    }
    return 'failed';
  }

  private async answerRound(): Promise<void> {
    try {
      await followAnswers(this.journal, this.api, this.options.watch, {
        followDays: this.options.followDays,
        concurrency: this.options.concurrency,
        log: (line) => this.events.log(line),
      });
    } catch (error) {
      if (error instanceof HubCallError && error.kind === 'unauthorized') {
        this.stopped = new AgentStop(error.message);
        return;
      }
      if (!(error instanceof HubCallError)) throw error;
      this.events.log(`answers not brought back this round: ${error.message}`);
    }
  }

  private warnIfExpiring(): void {
    if (Date.now() - this.lastExpiryWarning < 86_400_000) return;
    const warning = expiryWarning(this.signer.certificate);
    if (warning) {
      this.events.log(`warning: ${warning}`);
      this.lastExpiryWarning = Date.now();
    }
  }
}

/** Files read, checked and signed at the same time, ahead of the deliveries. */
const PREPARED_AHEAD = 2;

interface Limit {
  run<T>(work: () => Promise<T>): Promise<T>;
}

/** At most `slots` pieces of work at once; the others wait their turn in order. */
function limit(slots: number): Limit {
  let free = slots;
  const waiting: (() => void)[] = [];
  return {
    async run(work) {
      if (free > 0) free -= 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await work();
      } finally {
        const nextInLine = waiting.shift();
        if (nextInLine) nextInLine();
        else free += 1;
      }
    },
  };
}

/** --once gave up on the hub: the file stays in the folder, its signed bytes kept for the next run. */
class GaveUp extends Error {}

interface Observation {
  size: number;
  mtimeMs: number;
  changedAt: number;
}

/** The files whose size and time have not changed for `settleMs` (or were already that old when first seen). */
function readyFiles(
  folder: string,
  names: string[],
  seen: Map<string, Observation>,
  settleMs: number,
): string[] {
  const now = Date.now();
  const ready: string[] = [];
  for (const name of names) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(path.join(folder, name));
    } catch {
      seen.delete(name);
      continue;
    }
    const before = seen.get(name);
    if (!before || before.size !== stat.size || before.mtimeMs !== stat.mtimeMs) {
      seen.set(name, {
        size: stat.size,
        mtimeMs: stat.mtimeMs,
        changedAt: before ? now : Math.min(now, stat.mtimeMs),
      });
    }
    const observation = seen.get(name) as Observation;
    if (now - observation.changedAt >= settleMs && stat.size > 0) {
      ready.push(name);
      seen.delete(name);
    }
  }
  return ready;
}

/**
 * Files the exported file into sent/ or failed/ with its NAME.json beside it, under a free name (an accounting system
 * may reuse names): the answer is written first, then the file moved, each durably, so a crash between the two is
 * finished by the next run under the same name. Undefined when the file is no longer in the folder.
 */
function fileInto(
  folder: string,
  into: 'sent' | 'failed',
  name: string,
  key: string,
  answer: object,
  alsoWrite?: (stem: string) => void,
): string | undefined {
  const source = path.join(folder, name);
  if (!fs.existsSync(source)) return undefined;
  const { name: stem, ext } = path.parse(name);
  for (let n = 1; ; n += 1) {
    const candidateStem = n === 1 ? stem : `${stem} (${n})`;
    const candidate = `${candidateStem}${ext}`;
    const target = path.join(folder, into, candidate);
    const answerFile = path.join(folder, into, `${candidateStem}.json`);
    if (fs.existsSync(target)) continue;
    if (fs.existsSync(answerFile) && !answersFor(answerFile, key)) continue;
    writeDurably(answerFile, JSON.stringify(answer, null, 2) + '\n');
    alsoWrite?.(candidateStem);
    fs.renameSync(source, target);
    syncFolder(path.join(folder, into));
    syncFolder(folder);
    return candidate;
  }
}

/** True when an answer file left by a crash (file not moved yet) belongs to this very file. */
function answersFor(answerFile: string, key: string): boolean {
  try {
    return (JSON.parse(fs.readFileSync(answerFile, 'utf8')) as { sha256?: string }).sha256 === key;
  } catch {
    return false;
  }
}

function deliveryNameOf(name: string): string {
  const { name: stem } = path.parse(name);
  return `${stem}.xml`;
}

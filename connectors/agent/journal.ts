/**
 * The agent's memory, in DIR/.hub-agent: an append-only journal of what became of each exported file, keyed by the
 * SHA-256 of the file as the accounting system wrote it (the business key: the same export dropped twice is the
 * same invoice), and the signed bytes of every file signed but not yet known to be delivered.
 *
 * Each line is one JSON record, written and fsynced before the step it records is taken further, so after a crash
 * or reboot at any point the journal says where every file stood. A torn last line (the crash came mid-write) is
 * ignored. The journal is rewritten compactly (temporary file, fsync, rename) when it grows well past its content.
 */
import fs from 'node:fs';
import path from 'node:path';

export type FileStage = 'checked' | 'signed' | 'sent' | 'failed';

export interface JournalEntry {
  /** SHA-256 (hex) of the exported file. */
  key: string;
  /** The exported file's name in the watched folder. */
  name: string;
  stage: FileStage;
  /** Set once the hub has it. */
  invoice?: { id: string; number: string; status: string; link: string; duplicate: boolean };
  via?: 'api' | 'sftp';
  sentAt?: string;
  /** Every reason a file failed. */
  reasons?: Reason[];
  /** Where the file was filed: sent/ or failed/ (absent while it is still in the folder). */
  filedAs?: string;
  /** The last status the hub reported, and when the recipient viewed it. */
  answer?: { status: string; viewedAt?: string; events: number; checkedAt: string };
  receiptWritten?: boolean;
  /** The hub's signed receipt was written next to it (receipts/NAME.receipt.xml). */
  signedReceiptWritten?: boolean;
  /** No more status checks: final status reached, or followed long enough. */
  followed?: boolean;
}

export interface Reason {
  code: string;
  message: string;
  messageBg?: string;
  /** The rule's id when a business rule failed. */
  rule?: string;
  path?: string;
}

export interface JournalCounts {
  waiting: number;
  sent: number;
  failed: number;
  receipts: number;
  following: number;
}

type Patch = Partial<JournalEntry> & { key: string };

export class Journal {
  private readonly entries = new Map<string, JournalEntry>();
  private lines = 0;
  private fd: number | undefined;

  private constructor(
    readonly folder: string,
    private readonly file: string,
  ) {}

  /** Opens (or creates) the journal of an export folder for the one agent that works on it. */
  static open(watchFolder: string): Journal {
    const folder = path.join(watchFolder, '.hub-agent');
    fs.mkdirSync(path.join(folder, 'signed'), { recursive: true });
    takeLock(path.join(folder, 'agent.pid'));
    const journal = new Journal(folder, path.join(folder, 'journal.jsonl'));
    journal.fd = fs.openSync(journal.file, 'a');
    journal.replay();
    if (journal.lines > 1000 && journal.lines > 3 * journal.entries.size) journal.compact();
    journal.forgetSettledSigned();
    return journal;
  }

  /** Reads the journal without writing to it (`bin/hub agent status`, while an agent may be running). */
  static read(watchFolder: string): Journal | undefined {
    const folder = path.join(watchFolder, '.hub-agent');
    const journal = new Journal(folder, path.join(folder, 'journal.jsonl'));
    if (!fs.existsSync(journal.file)) return undefined;
    journal.replay();
    return journal;
  }

  get(key: string): JournalEntry | undefined {
    return this.entries.get(key);
  }

  all(): JournalEntry[] {
    return [...this.entries.values()];
  }

  /** Records a change to one file's entry; durable when this returns. */
  record(patch: Patch): JournalEntry {
    const entry = { ...this.entries.get(patch.key), ...patch } as JournalEntry;
    if (this.fd === undefined) throw new Error('the journal was opened read-only');
    this.entries.set(entry.key, entry);
    fs.writeSync(this.fd, JSON.stringify(patch) + '\n');
    fs.fsyncSync(this.fd);
    this.lines += 1;
    return entry;
  }

  /** Where the signed bytes of a file are kept until it is known to be delivered. */
  signedPath(key: string): string {
    return path.join(this.folder, 'signed', `${key}.xml`);
  }

  readSigned(key: string): Buffer | undefined {
    try {
      return fs.readFileSync(this.signedPath(key));
    } catch {
      return undefined;
    }
  }

  /** Keeps the signed bytes durably before they are sent, so a resend after a crash sends the very same bytes. */
  keepSigned(key: string, signed: string | Buffer): void {
    writeDurably(this.signedPath(key), signed);
  }

  /** Signed bytes of files already filed (a crash came between filing and forgetting them) are not needed again. */
  private forgetSettledSigned(): void {
    for (const name of fs.readdirSync(path.join(this.folder, 'signed'))) {
      const entry = this.entries.get(name.replace(/\.xml$/, ''));
      if (entry && ((entry.stage === 'sent' && entry.filedAs) || entry.stage === 'failed')) {
        fs.rmSync(path.join(this.folder, 'signed', name), { force: true });
      }
    }
  }

  forgetSigned(key: string): void {
    fs.rmSync(this.signedPath(key), { force: true });
  }

  counts(): JournalCounts {
    const counts: JournalCounts = { waiting: 0, sent: 0, failed: 0, receipts: 0, following: 0 };
    for (const entry of this.entries.values()) {
      if (entry.stage === 'sent') counts.sent += 1;
      else if (entry.stage === 'failed') counts.failed += 1;
      else counts.waiting += 1;
      if (entry.receiptWritten) counts.receipts += 1;
      if (entry.stage === 'sent' && !entry.followed) counts.following += 1;
    }
    return counts;
  }

  close(): void {
    if (this.fd === undefined) return;
    fs.closeSync(this.fd);
    this.fd = undefined;
    fs.rmSync(path.join(this.folder, 'agent.pid'), { force: true });
  }

  private replay(): void {
    const text = fs.readFileSync(this.file, 'utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let patch: Patch;
      try {
        patch = JSON.parse(line) as Patch;
      } catch {
        continue; // the torn last line of a crash mid-write: its step was not taken further
      }
      if (typeof patch.key !== 'string') continue;
      this.entries.set(patch.key, { ...this.entries.get(patch.key), ...patch } as JournalEntry);
      this.lines += 1;
    }
  }

  private compact(): void {
    const text = [...this.entries.values()].map((entry) => JSON.stringify(entry) + '\n').join('');
    if (this.fd !== undefined) fs.closeSync(this.fd);
    writeDurably(this.file, text);
    this.fd = fs.openSync(this.file, 'a');
    this.lines = this.entries.size;
  }
}

/** One agent per folder: a second one is refused while the first lives; a dead one's lock (SIGKILL, reboot) is taken over. */
function takeLock(lockFile: string): void {
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = fs.openSync(lockFile, 'wx');
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(fs.readFileSync(lockFile, 'utf8').trim());
    if (holder && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `another agent (pid ${holder}) works on this folder; stop it first (its lock is ${lockFile})`,
      );
    }
    fs.rmSync(lockFile, { force: true });
  }
  throw new Error(`the lock ${lockFile} could not be taken`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes a file so that it is either wholly there or not at all: temporary name, fsync, rename, fsync the folder. */
export function writeDurably(file: string, content: string | Buffer): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temporary, 'w');
  try {
    fs.writeSync(fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temporary, file);
  syncFolder(path.dirname(file));
}

export function syncFolder(folder: string): void {
  const fd = fs.openSync(folder, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

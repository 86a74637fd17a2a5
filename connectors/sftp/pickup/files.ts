import { isTemporaryName } from '../paths';

/**
 * Which files of an issuer's remote inbox the hub takes, decided from two listings (plain data, no I/O).
 *
 * A file is taken only when its writer is done with it:
 *   - a done-file `NAME.done` or `NAME.ok` stands next to it: taken at once;
 *   - or its size and modification time did not change between the previous poll and this one (a read lock by
 *     stability, as Camel's `readLock=changed`); an empty file is not taken this way, as writers create the file
 *     before they write;
 *   - a temporary name (`*.part`, `*.tmp`, `.name`, see isTemporaryName) is never taken: the writer renames it when
 *     complete, and the final name then goes through the rules above.
 *
 * A taken file is first CLAIMED: renamed on the issuer's server to `.hub-claimed.<claim>.<NAME>`. The rename is atomic
 * on the server, so exactly one poll (or one of two racing activity attempts) owns the file; the dot name is what every
 * writer, reader and this hub treat as "not a finished file"; it stays in the same folder, so the claim needs no
 * permission beyond the one removal needs and cannot fail across file systems. A claimed file still there at a poll is
 * one a crash interrupted: it is resumed first, under the same claim, hence the same delivery.
 */
export interface RemoteFile {
  name: string;
  size: number;
  /** Modification time in milliseconds (SFTP v3 has second resolution). */
  mtime: number;
}

export interface ClaimedFile {
  /** The name on the server while claimed. */
  claimedName: string;
  /** The name the issuer gave it: the delivery's file name and the stem of its answers. */
  name: string;
  claim: string;
  size: number;
}

export interface PickupPlan {
  /** Files a crash left claimed, to be finished first. */
  resume: { file: ClaimedFile; doneFiles: string[] }[];
  /** Complete files to claim now, oldest first. */
  take: { file: RemoteFile; doneFiles: string[] }[];
  /** Files not complete yet: the next poll compares with these. */
  waiting: RemoteFile[];
  /** More complete files than one poll takes: the rest wait for the next poll. */
  backlog: boolean;
}

/** What the poller carries from one poll to the next. */
export interface WaitingFiles {
  folder: string;
  files: RemoteFile[];
}

const CLAIMED = /^\.hub-claimed\.([0-9a-f]{12})\.(.+)$/;
const DONE_SUFFIXES = ['.done', '.ok'];
/** File names on common file systems are at most 255 bytes; the claimed name must fit too. */
const MAX_NAME_BYTES = 255;
/** Bounds what one poll does and what the workflow carries, so a flooded inbox drains over several polls. */
export const MAX_FILES_PER_POLL = 200;
export const MAX_WAITING_CARRIED = 1000;

export function claimedName(name: string, claim: string): string {
  return `.hub-claimed.${claim}.${name}`;
}

export function parseClaimedName(claimedName: string): { name: string; claim: string } | undefined {
  const match = CLAIMED.exec(claimedName);
  return match ? { claim: match[1], name: match[2] } : undefined;
}

export function canBeClaimed(name: string): boolean {
  return Buffer.byteLength(claimedName(name, '0'.repeat(12))) <= MAX_NAME_BYTES;
}

function isDoneFile(name: string): boolean {
  return DONE_SUFFIXES.some((suffix) => name.endsWith(suffix) && name.length > suffix.length);
}

export function planPickup(listing: RemoteFile[], previous: RemoteFile[] = []): PickupPlan {
  const names = new Set(listing.map((f) => f.name));
  const before = new Map(previous.map((f) => [f.name, f]));
  const doneFilesOf = (name: string) => DONE_SUFFIXES.map((s) => name + s).filter((d) => names.has(d));
  const plan: PickupPlan = { resume: [], take: [], waiting: [], backlog: false };

  for (const file of listing) {
    const claimed = parseClaimedName(file.name);
    if (claimed) {
      // Its done-file, if still there, belongs to it, unless the issuer has meanwhile put a new file of that name.
      const doneFiles = names.has(claimed.name) ? [] : doneFilesOf(claimed.name);
      plan.resume.push({ file: { claimedName: file.name, ...claimed, size: file.size }, doneFiles });
      continue;
    }
    if (isTemporaryName(file.name) || isDoneFile(file.name)) continue;
    const doneFiles = doneFilesOf(file.name);
    const last = before.get(file.name);
    const stable =
      last !== undefined && last.size === file.size && last.mtime === file.mtime && file.size > 0;
    if (doneFiles.length > 0 || stable) plan.take.push({ file, doneFiles });
    else plan.waiting.push(file);
  }
  plan.take.sort((a, b) => a.file.mtime - b.file.mtime || a.file.name.localeCompare(b.file.name));
  // Beyond the per-poll bound, stable files wait: they are still stable at the next poll.
  const left = plan.take.splice(MAX_FILES_PER_POLL);
  plan.backlog = left.length > 0;
  plan.waiting.unshift(...left.map((l) => l.file));
  plan.waiting.splice(MAX_WAITING_CARRIED);
  return plan;
}

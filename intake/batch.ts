/**
 * ZIP batches: an issuer may upload one `.zip` holding many invoices; each file in it becomes a delivery of its own.
 *
 * A batch is read whole before any entry is handed on, so a bomb or a broken archive is refused, with a specific
 * reason, before anything of it is delivered. The archive is checked in two passes:
 *  1. its directory, without inflating a byte: entry count, names (traversal, absolute, NUL, backslash, symbolic
 *     links, duplicates), encryption, compression method, nested archives, the sizes and ratios the headers
 *     claim, and entries that share compressed data (the overlapping-entries bomb);
 *  2. each entry's data, counting the inflated bytes as they come and stopping at the first chunk past a limit,
 *     so the headers are never trusted: yauzl also stops an entry that inflates past its stated size, and the
 *     CRC-32 of every entry is checked here (yauzl does not).
 *
 * Skipped, never delivered: folders, everything under `__MACOSX/`, and dot-files or anything in a dot-folder
 * (`.DS_Store`, AppleDouble `._invoice.xml`, `.git/…`): archivers add them, and they are never invoices.
 */
import { crc32 } from 'node:zlib';
import * as yauzl from 'yauzl';
import type { Entry, ZipFile } from 'yauzl';

export interface BatchLimits {
  /** Invoice files in one batch (skipped entries do not count). */
  maxEntries: number;
  /** Bytes of one inflated entry: the hub's invoice limit; callers pass their own (MAX_INVOICE_BYTES). */
  maxEntryBytes: number;
  /** Inflated bytes of the whole batch. */
  maxTotalBytes: number;
  /** Inflated / compressed bytes, for each entry and for the batch against the archive's size. */
  maxRatio: number;
}

export const DEFAULT_BATCH_LIMITS: Readonly<BatchLimits> = Object.freeze({
  maxEntries: 1000,
  maxEntryBytes: 10 * 1024 * 1024,
  maxTotalBytes: 200 * 1024 * 1024,
  maxRatio: 100,
});

/**
 * Ratios are judged only past this many inflated bytes: a small, very repetitive invoice (a few KiB of
 * indentation) can compress 200:1 and is harmless; a bomb is dangerous for its size, and all of them are large.
 */
export const RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024;

export interface BatchEntry {
  /** Path inside the zip, as stored (folders included, `/`-separated). */
  name: string;
  bytes: Buffer;
}

export type BatchErrorCode =
  | 'ZIP_CORRUPT'
  | 'ZIP_ENCRYPTED'
  | 'ZIP_UNSUPPORTED_METHOD'
  | 'ZIP_TOO_MANY_ENTRIES'
  | 'ZIP_ENTRY_TOO_LARGE'
  | 'ZIP_TOO_LARGE'
  | 'ZIP_RATIO'
  | 'ZIP_UNSAFE_NAME'
  | 'ZIP_DUPLICATE_NAME'
  | 'ZIP_NESTED'
  | 'ZIP_EMPTY';

/** Why a batch was refused as a whole; the message says what is wrong and what to do. */
export class BatchError extends Error {
  override readonly name = 'BatchError';
  constructor(
    readonly code: BatchErrorCode,
    message: string,
    /** The entry at fault, when one is. */
    readonly entry?: string,
  ) {
    super(message);
  }
}

/** The invoice files of a ZIP batch, in archive order; throws BatchError when the batch must be refused. */
export async function readZipBatch(bytes: Buffer, limits: Partial<BatchLimits> = {}): Promise<BatchEntry[]> {
  const effective: BatchLimits = { ...DEFAULT_BATCH_LIMITS, ...limits };
  const zip = await openArchive(bytes);
  try {
    const invoices = await checkDirectory(zip, bytes.length, effective);
    const budget = new InflationBudget(effective, bytes.length);
    const entries: BatchEntry[] = [];
    for (const invoice of invoices) {
      entries.push({ name: invoice.name, bytes: await inflate(zip, invoice, budget) });
    }
    return entries;
  } finally {
    zip.close();
  }
}

interface InvoiceEntry {
  name: string;
  entry: Entry;
}

async function openArchive(bytes: Buffer): Promise<ZipFile> {
  if (bytes.length === 0) throw new BatchError('ZIP_CORRUPT', 'the upload is empty: it is not a ZIP archive');
  try {
    // Names are decoded and checked here (decodeStrings: false), so an unsafe name gets its own answer.
    return await yauzl.fromBufferPromise(bytes, {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true,
    });
  } catch (error) {
    throw archiveError(error);
  }
}

// ---- pass 1: the directory ------------------------------------------------------------------------------

async function checkDirectory(
  zip: ZipFile,
  archiveBytes: number,
  limits: BatchLimits,
): Promise<InvoiceEntry[]> {
  // Known before reading a single entry. Room is left for a folder entry and a macOS AppleDouble twin per file.
  if (zip.entryCount > 2 * limits.maxEntries + 16) {
    throw new BatchError(
      'ZIP_TOO_MANY_ENTRIES',
      `the archive has ${zip.entryCount} entries; a batch may hold at most ${limits.maxEntries} invoice files: split it into several batches`,
    );
  }
  const invoices: InvoiceEntry[] = [];
  const seen = new Map<string, string>();
  const extents: Extent[] = [];
  let claimedTotal = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const name = entryName(entry);
      checkName(name, entry);
      extents.push(await extentOf(zip, entry, name));
      if (isSkipped(name)) continue;
      checkReadable(name, entry);
      const key = name.normalize('NFC').toLowerCase();
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        throw new BatchError(
          'ZIP_DUPLICATE_NAME',
          earlier === name
            ? `the archive holds "${name}" twice; which one is the invoice would be a guess: re-create the archive`
            : `the archive holds "${earlier}" and "${name}", one file on Windows and macOS; rename one of them`,
          name,
        );
      }
      seen.set(key, name);
      if (invoices.length === limits.maxEntries) {
        throw new BatchError(
          'ZIP_TOO_MANY_ENTRIES',
          `the archive holds more than ${limits.maxEntries} invoice files, the most one batch may hold: split it into several batches`,
        );
      }
      claimedTotal += entry.uncompressedSize;
      checkClaimedSizes(name, entry, claimedTotal, limits);
      invoices.push({ name, entry });
    }
  } catch (error) {
    throw error instanceof BatchError ? error : archiveError(error);
  }
  checkOverlaps(extents);
  checkRatio('the batch', claimedTotal, archiveBytes, limits);
  if (invoices.length === 0) {
    throw new BatchError(
      'ZIP_EMPTY',
      'the archive holds no invoice files (folders, __MACOSX/ and dot-files are skipped): nothing to deliver',
    );
  }
  return invoices;
}

const UTF8_NAME_FLAG = 0x800;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The entry's name as its author wrote it. Info-ZIP's `zip` on Linux stores UTF-8 names without setting the UTF-8
 * flag, and the spec's fallback (CP437) turns "фактура.xml" into "╤ä╨░…"; a name whose bytes are valid UTF-8 is
 * therefore read as UTF-8 (CP437 text with bytes above 0x7F is practically never valid UTF-8).
 */
function entryName(entry: Entry): string {
  let flags = entry.generalPurposeBitFlag;
  if (!(flags & UTF8_NAME_FLAG) && isUtf8(entry.fileNameRaw)) flags |= UTF8_NAME_FLAG;
  // strictFileNames = true keeps backslashes as written, so checkName can refuse them.
  return yauzl.getFileNameLowLevel(flags, entry.fileNameRaw, entry.extraFields, true);
}

function isUtf8(bytes: Buffer): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

const UNIX_HOST = 3;
const FILE_TYPE_MASK = 0o170000;
const SYMBOLIC_LINK = 0o120000;

/** Names are keys of deliveries and may become file names later: only plain relative paths are taken. */
function checkName(name: string, entry: Entry): void {
  const unsafe = (why: string) =>
    new BatchError(
      'ZIP_UNSAFE_NAME',
      `entry "${printable(name)}" ${why}; re-create the archive from plain files`,
      name,
    );
  if (name === '') throw unsafe('has no name');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw unsafe('holds a control character (NUL or another)');
  if (name.includes('\\')) throw unsafe('holds a backslash, which Windows reads as a folder separator');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw unsafe('is an absolute path');
  const segments = (name.endsWith('/') ? name.slice(0, -1) : name).split('/');
  if (segments.includes('..')) throw unsafe('climbs out of the archive with ".."');
  if (segments.some((segment) => segment === '' || segment === '.'))
    throw unsafe('has an empty or "." folder');
  if (
    entry.versionMadeBy >>> 8 === UNIX_HOST &&
    ((entry.externalFileAttributes >>> 16) & FILE_TYPE_MASK) === SYMBOLIC_LINK
  ) {
    throw unsafe('is a symbolic link, not a file');
  }
}

function isSkipped(name: string): boolean {
  const segments = name.split('/');
  return (
    name.endsWith('/') || segments[0] === '__MACOSX' || segments.some((segment) => segment.startsWith('.'))
  );
}

const STORED = 0;
const DEFLATED = 8;

function checkReadable(name: string, entry: Entry): void {
  if (entry.isEncrypted()) {
    throw new BatchError(
      'ZIP_ENCRYPTED',
      `entry "${name}" is password-protected and the hub cannot read it: upload the archive without a password (the transfer itself is already protected)`,
      name,
    );
  }
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    throw new BatchError(
      'ZIP_UNSUPPORTED_METHOD',
      `entry "${name}" uses compression method ${entry.compressionMethod}; the hub reads stored and deflated entries: re-create the archive with standard ZIP compression`,
      name,
    );
  }
  if (/\.zip$/i.test(name)) throw nested(name);
}

function nested(name: string): BatchError {
  return new BatchError(
    'ZIP_NESTED',
    `entry "${name}" is itself a ZIP archive; a batch holds invoice files only (archives inside archives multiply the work and are how bombs are built): upload the inner archive on its own`,
    name,
  );
}

function checkClaimedSizes(name: string, entry: Entry, claimedTotal: number, limits: BatchLimits): void {
  checkRatio(`entry "${name}"`, entry.uncompressedSize, entry.compressedSize, limits, name);
  if (entry.uncompressedSize > limits.maxEntryBytes)
    throw entryTooLarge(name, limits, entry.uncompressedSize);
  if (claimedTotal > limits.maxTotalBytes) throw batchTooLarge(limits, claimedTotal);
}

function checkRatio(
  what: string,
  inflated: number,
  compressed: number,
  limits: BatchLimits,
  entry?: string,
): void {
  if (inflated <= RATIO_CHECKED_ABOVE_BYTES) return;
  const ratio = inflated / Math.max(compressed, 1);
  if (ratio <= limits.maxRatio) return;
  throw new BatchError(
    'ZIP_RATIO',
    `${what} inflates ${Math.round(ratio)}:1 (${inflated} bytes from ${compressed}), beyond the ${limits.maxRatio}:1 the hub accepts: this is how zip bombs look; invoices compress far less`,
    entry,
  );
}

/** `bytes` is the stated size, or undefined while inflating, when only "past the limit" is known. */
const entryTooLarge = (name: string, limits: BatchLimits, bytes?: number): BatchError =>
  new BatchError(
    'ZIP_ENTRY_TOO_LARGE',
    `entry "${name}" has ${bytes ?? `more than ${limits.maxEntryBytes}`} bytes; an invoice may have at most ${limits.maxEntryBytes}`,
    name,
  );

const batchTooLarge = (limits: BatchLimits, bytes?: number): BatchError =>
  new BatchError(
    'ZIP_TOO_LARGE',
    `the batch inflates to ${bytes ?? `more than ${limits.maxTotalBytes}`} bytes; a batch may have at most ${limits.maxTotalBytes}: split it into several batches`,
  );

/** Where an entry's header and compressed data lie in the archive. */
interface Extent {
  name: string;
  start: number;
  end: number;
}

async function extentOf(zip: ZipFile, entry: Entry, name: string): Promise<Extent> {
  const { fileDataStart } = await zip.readLocalFileHeaderPromise(entry, { minimal: true });
  return { name, start: entry.relativeOffsetOfLocalHeader, end: fileDataStart + entry.compressedSize };
}

/** No zip tool lets two entries share bytes; overlapping entries are the construction of the best zip bombs. */
function checkOverlaps(extents: Extent[]): void {
  const sorted = [...extents].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].start < sorted[i - 1].end) {
      throw new BatchError(
        'ZIP_CORRUPT',
        `entries "${printable(sorted[i - 1].name)}" and "${printable(sorted[i].name)}" overlap: they share compressed data, which no zip tool writes and overlapping-entry zip bombs do`,
        sorted[i].name,
      );
    }
  }
}

// ---- pass 2: the data -----------------------------------------------------------------------------------

/** Counts inflated bytes for one batch; refuses at the first chunk past a limit. */
class InflationBudget {
  private total = 0;

  constructor(
    private readonly limits: BatchLimits,
    private readonly archiveBytes: number,
  ) {}

  spend(invoice: InvoiceEntry, entryBytesSoFar: number, chunkBytes: number): void {
    this.total += chunkBytes;
    if (entryBytesSoFar > this.limits.maxEntryBytes) throw entryTooLarge(invoice.name, this.limits);
    if (this.total > this.limits.maxTotalBytes) throw batchTooLarge(this.limits);
    checkRatio(
      `entry "${invoice.name}"`,
      entryBytesSoFar,
      invoice.entry.compressedSize,
      this.limits,
      invoice.name,
    );
    checkRatio('the batch', this.total, this.archiveBytes, this.limits);
  }
}

// Local file header, empty archive, spanned archive: each starts a ZIP file.
const ZIP_SIGNATURES = [0x04034b50, 0x06054b50, 0x08074b50];

async function inflate(zip: ZipFile, invoice: InvoiceEntry, budget: InflationBudget): Promise<Buffer> {
  const { name, entry } = invoice;
  const chunks: Buffer[] = [];
  let size = 0;
  let crc = 0;
  let sniffed = false;
  try {
    const stream = await zip.openReadStreamPromise(entry);
    // Leaving the loop by a throw destroys the stream: inflation stops at the chunk that crossed the limit.
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      budget.spend(invoice, size, chunk.length);
      crc = crc32(chunk, crc);
      chunks.push(chunk);
      if (!sniffed && size >= 4) {
        sniffed = true;
        if (ZIP_SIGNATURES.includes(Buffer.concat(chunks, 4).readUInt32LE(0))) throw nested(name);
      }
    }
  } catch (error) {
    if (error instanceof BatchError) throw error;
    throw dataError(name, error);
  }
  if (crc >>> 0 !== entry.crc32 >>> 0) {
    throw new BatchError(
      'ZIP_CORRUPT',
      `entry "${name}" is damaged: its CRC-32 does not match its contents; upload the batch again`,
      name,
    );
  }
  return Buffer.concat(chunks, size);
}

// ---- yauzl's errors, in words a person can act on -----------------------------------------------------

function archiveError(error: unknown): BatchError {
  const detail = error instanceof Error ? error.message : String(error);
  if (/encrypt/i.test(detail)) {
    return new BatchError(
      'ZIP_ENCRYPTED',
      `the archive uses strong encryption and the hub cannot read it (${detail}): upload it without a password`,
    );
  }
  if (/end of central directory record signature not found/i.test(detail)) {
    return new BatchError(
      'ZIP_CORRUPT',
      'the upload is not a ZIP archive, or it is cut short: its closing directory record is missing; upload it again',
    );
  }
  return new BatchError(
    'ZIP_CORRUPT',
    `the archive is damaged (${detail}); re-create it and upload it again`,
  );
}

function dataError(name: string, error: unknown): BatchError {
  const detail = error instanceof Error ? error.message : String(error);
  if (/too (many|few) bytes in the stream/.test(detail)) {
    return new BatchError(
      'ZIP_CORRUPT',
      `entry "${name}" inflates to another size than the archive states (${detail}); the archive is damaged or forged`,
      name,
    );
  }
  return new BatchError(
    'ZIP_CORRUPT',
    `entry "${name}" is damaged: its compressed data cannot be read (${detail}); upload the batch again`,
    name,
  );
}

/** A name quoted in a message, with control characters made visible. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { BatchError, DEFAULT_BATCH_LIMITS, readZipBatch, type BatchLimits } from '../../intake/batch';

// ---- A small ZIP writer: archives no zip tool would make (bombs, forged headers, hostile names) ----------

interface EntrySpec {
  name: string | Buffer;
  data?: Buffer;
  /** Compressed bytes as they go into the archive; defaults to data, deflated (method 8) or stored (0). */
  payload?: Buffer;
  method?: number;
  crc?: number;
  /** The inflated size the headers state; defaults to data's length. */
  statedSize?: number;
  flags?: number;
  versionMadeBy?: number;
  externalAttributes?: number;
  extra?: Buffer;
}

/** A directory record that points at the local file of entry `of`: entries sharing their data. */
interface AliasSpec {
  name: string;
  of: number;
}

const UNIX = 3 << 8;
const REGULAR_FILE = 0o100644 * 0x10000;

interface DirectoryRecord {
  /** The central directory record's fixed part after its signature (offset set by withDirectory). */
  header: Buffer;
  /** Name and extra field. */
  tail: Buffer;
  offset: number;
}

function writeZip(entries: EntrySpec[], aliases: AliasSpec[] = []): Buffer {
  const locals: Buffer[] = [];
  const records: DirectoryRecord[] = [];
  let offset = 0;
  for (const spec of entries) {
    const data = spec.data ?? Buffer.alloc(0);
    const method = spec.method ?? 8;
    const payload = spec.payload ?? (method === 8 ? zlib.deflateRawSync(data) : data);
    const crc = spec.crc ?? zlib.crc32(data);
    const { header, record } = fileHeaders(
      { ...spec, method },
      crc,
      payload.length,
      spec.statedSize ?? data.length,
    );
    locals.push(header, payload);
    records.push({ ...record, offset });
    offset += header.length + payload.length;
  }
  for (const alias of aliases) {
    const target = records[alias.of];
    const name = Buffer.from(alias.name, 'utf8');
    const header = Buffer.from(target.header);
    header.writeUInt16LE(name.length, 24);
    header.writeUInt16LE(0, 26); // no extra field
    records.push({ header, tail: name, offset: target.offset });
  }
  return withDirectory(Buffer.concat(locals), records);
}

/** The local file header of an entry, and its central directory record (offset still to set). */
function fileHeaders(
  spec: EntrySpec,
  crc: number,
  compressedSize: number,
  statedSize: number,
): { header: Buffer; record: Omit<DirectoryRecord, 'offset'> } {
  const name = Buffer.isBuffer(spec.name) ? spec.name : Buffer.from(spec.name, 'utf8');
  const extra = spec.extra ?? Buffer.alloc(0);
  const fields = Buffer.alloc(26);
  fields.writeUInt16LE(20, 0); // version needed
  fields.writeUInt16LE(spec.flags ?? 0x800, 2); // UTF-8 names
  fields.writeUInt16LE(spec.method ?? 8, 4);
  fields.writeUInt32LE(0x5a210000, 6); // a DOS date and time
  fields.writeUInt32LE(crc >>> 0, 10);
  fields.writeUInt32LE(compressedSize, 14);
  fields.writeUInt32LE(statedSize, 18);
  fields.writeUInt16LE(name.length, 22);
  fields.writeUInt16LE(extra.length, 24);
  const central = Buffer.alloc(42);
  central.writeUInt16LE(spec.versionMadeBy ?? UNIX | 20, 0);
  fields.copy(central, 2, 0, 26); // version needed … extra length
  central.writeUInt32LE(spec.externalAttributes ?? REGULAR_FILE, 34);
  return {
    header: Buffer.concat([u32(0x04034b50), fields, name, extra]),
    record: { header: central, tail: Buffer.concat([name, extra]) },
  };
}

/** Appends the central directory and its end record to the local files. */
function withDirectory(files: Buffer, records: DirectoryRecord[]): Buffer {
  const directory = Buffer.concat(
    records.map((record) => {
      const header = Buffer.from(record.header);
      header.writeUInt32LE(record.offset, 38);
      return Buffer.concat([u32(0x02014b50), header, record.tail]);
    }),
  );
  const end = Buffer.alloc(18);
  end.writeUInt16LE(records.length, 4);
  end.writeUInt16LE(records.length, 6);
  end.writeUInt32LE(directory.length, 8);
  end.writeUInt32LE(files.length, 12);
  return Buffer.concat([files, directory, u32(0x06054b50), end]);
}

/**
 * The overlapping-files bomb of D. Fifield ("A better zip bomb", 2019): every file's data starts with a stored
 * DEFLATE block that quotes the next file's local header, then runs on into that file's data, down to one shared
 * kernel. Each file is a valid DEFLATE stream with a true CRC; together they inflate to files × kernel.
 */
function overlappingFilesBomb(files: number, kernelBytes: number): Buffer {
  const kernel = zlib.deflateRawSync(Buffer.alloc(kernelBytes));
  const headers: Buffer[] = [];
  const records: Omit<DirectoryRecord, 'offset'>[] = [];
  let data = kernel; // the data of file i, built from the last file to the first
  for (let i = files - 1; i >= 0; i--) {
    if (i < files - 1) {
      const quoted = headers[0];
      const stored = Buffer.from([
        0x00,
        quoted.length & 0xff,
        quoted.length >> 8,
        ~quoted.length & 0xff,
        (~quoted.length >> 8) & 0xff,
      ]);
      data = Buffer.concat([stored, quoted, data]);
    }
    const inflated = zlib.inflateRawSync(data);
    const { header, record } = fileHeaders(
      { name: `${i}.xml` },
      zlib.crc32(inflated),
      data.length,
      inflated.length,
    );
    headers.unshift(header);
    records.unshift(record);
  }
  let offset = 0;
  const placed = records.map((record, i) => {
    const at = offset;
    offset += headers[i].length + 5;
    return { ...record, offset: at };
  });
  return withDirectory(Buffer.concat([headers[0], data]), placed);
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0);
  return buffer;
}

const MiB = 1024 * 1024;

/**
 * `mebibytes` MiB of zeros as raw DEFLATE, made without ever holding them: one MiB compressed with a full flush
 * (byte-aligned, non-final, no back-reference before its start) is repeated, then closed by an empty final block.
 */
function zeros(mebibytes: number): { payload: Buffer; crc: number; size: number } {
  const block = Buffer.alloc(MiB);
  const segment = zlib.deflateRawSync(block, { finishFlush: zlib.constants.Z_FULL_FLUSH });
  let crc = 0;
  for (let i = 0; i < mebibytes; i++) crc = zlib.crc32(block, crc);
  const finalEmptyBlock = zlib.deflateRawSync(Buffer.alloc(0));
  return {
    payload: Buffer.concat([...Array<Buffer>(mebibytes).fill(segment), finalEmptyBlock]),
    crc,
    size: mebibytes * MiB,
  };
}

// ---- Real archives from Info-ZIP's `zip`, when it is installed ------------------------------------------

const zipCli = spawnSync('zip', ['-v'], { stdio: 'ignore' }).status === 0;
const withZipCli = zipCli ? it : it.skip;
if (!zipCli)
  console.warn(
    'Info-ZIP zip is not installed (apt-get install -y zip): the tests on its archives are skipped.',
  );

/** Runs `zip ARGS…` in a folder holding `files`, and returns the archive it wrote. */
function zipWithCli(files: Record<string, string | Buffer>, args: string[], input?: string): Buffer {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(work, name)), { recursive: true });
      fs.writeFileSync(path.join(work, name), content);
    }
    const run = spawnSync(input ?? 'zip', input ? [] : ['-q', 'out.zip', ...args], {
      cwd: work,
      shell: input !== undefined,
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
    });
    if (run.status !== 0) throw new Error(`zip failed: ${run.stderr}`);
    return fs.readFileSync(path.join(work, 'out.zip'));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// ---- Helpers ---------------------------------------------------------------------------------------------

const invoice = (n: number) =>
  Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2">` +
      `<cbc:ID xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">${String(n).padStart(10, '0')}</cbc:ID>` +
      `<Note>Доставчик ООД &amp; партньори</Note></Invoice>\n`,
  );

async function refusal(
  zip: Buffer,
  limits: Partial<BatchLimits> = {},
): Promise<{ code: string; message: string; entry?: string; ms: number }> {
  const started = process.hrtime.bigint();
  try {
    await readZipBatch(zip, limits);
  } catch (error) {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (error instanceof BatchError)
      return { code: error.code, message: error.message, entry: error.entry, ms };
    throw error;
  }
  throw new Error('the batch was accepted');
}

/** Runs `work` and reports how far the memory of Buffers grew; generous, as garbage collection is not ours to time. */
async function bufferGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const before = process.memoryUsage().arrayBuffers;
  const result = await work();
  return { result, growth: process.memoryUsage().arrayBuffers - before };
}

// ---- The specification ----------------------------------------------------------------------------------

describe('readZipBatch', () => {
  it('has the documented default limits', () => {
    expect(DEFAULT_BATCH_LIMITS).toEqual({
      maxEntries: 1000,
      maxEntryBytes: 10 * MiB,
      maxTotalBytes: 200 * MiB,
      maxRatio: 100,
    });
  });

  it('returns every invoice of a batch, in archive order, with its name and exact bytes', async () => {
    const zip = writeZip([
      { name: 'a.xml', data: invoice(1) },
      { name: 'b.xml', data: invoice(2), method: 0 },
      { name: 'фактура-3.xml', data: invoice(3) },
    ]);
    expect(await readZipBatch(zip)).toEqual([
      { name: 'a.xml', bytes: invoice(1) },
      { name: 'b.xml', bytes: invoice(2) },
      { name: 'фактура-3.xml', bytes: invoice(3) },
    ]);
  });

  withZipCli('reads a batch of three invoices made by Info-ZIP zip, Cyrillic name included', async () => {
    const files = {
      '0000000001.xml': invoice(1),
      '0000000002.xml': invoice(2),
      'фактура-0000000003.xml': invoice(3),
    };
    const entries = await readZipBatch(zipWithCli(files, Object.keys(files)));
    expect(entries).toEqual(Object.entries(files).map(([name, bytes]) => ({ name, bytes })));
  });

  withZipCli('keeps the folders in the names of nested entries and skips the folder entries', async () => {
    const files = { '2026/02/a.xml': invoice(1), '2026/03/b.xml': invoice(2), 'c.xml': invoice(3) };
    const entries = await readZipBatch(zipWithCli(files, ['-r', '2026', 'c.xml']));
    // zip walks folders in the file system's order, so the names are compared sorted.
    expect(entries.map((entry) => entry.name).sort()).toEqual(['2026/02/a.xml', '2026/03/b.xml', 'c.xml']);
    expect(entries.find((entry) => entry.name === '2026/03/b.xml')?.bytes).toEqual(invoice(2));
  });

  it('reads names without the UTF-8 flag as UTF-8 when they are, else as CP437 (the ZIP default)', async () => {
    const utf8 = writeZip([{ name: Buffer.from('фактура.xml', 'utf8'), data: invoice(1), flags: 0 }]);
    expect((await readZipBatch(utf8))[0].name).toBe('фактура.xml');
    const cp437 = writeZip([
      { name: Buffer.from([0x66, 0x81, 0x2e, 0x78, 0x6d, 0x6c]), data: invoice(1), flags: 0 },
    ]);
    expect((await readZipBatch(cp437))[0].name).toBe('fü.xml');
  });

  it('skips folders, __MACOSX/ and dot-files (AppleDouble ._x, .DS_Store, dot-folders)', async () => {
    const zip = writeZip([
      { name: 'invoices/', method: 0 },
      { name: 'invoices/a.xml', data: invoice(1) },
      { name: '__MACOSX/', method: 0 },
      { name: '__MACOSX/invoices/._a.xml', data: Buffer.from('apple double') },
      { name: 'invoices/._a.xml', data: Buffer.from('apple double') },
      { name: '.DS_Store', data: Buffer.from('finder') },
      { name: '.git/config', data: Buffer.from('[core]') },
    ]);
    expect((await readZipBatch(zip)).map((entry) => entry.name)).toEqual(['invoices/a.xml']);
  });

  describe('refuses zip bombs before they cost memory or time', () => {
    withZipCli(
      'a 200 MB entry of zeros (about 200 KB compressed): ZIP_RATIO, naming the entry and the ratio',
      async () => {
        const zip = zipWithCli(
          {},
          [],
          'head -c 200000000 /dev/zero > zeros.bin && zip -q -9 out.zip zeros.bin',
        );
        expect(zip.length).toBeLessThan(400_000);
        const { result, growth } = await bufferGrowth(() => refusal(zip));
        expect(result.code).toBe('ZIP_RATIO');
        expect(result.entry).toBe('zeros.bin');
        expect(result.message).toMatch(/^entry "zeros\.bin" inflates \d{3,4}:1 \(200000000 bytes from \d+\)/);
        expect(result.ms).toBeLessThan(1000);
        expect(growth).toBeLessThan(32 * MiB);
      },
    );

    it('a 1 GiB entry of zeros that says so: refused from its header, nothing inflated', async () => {
      const gigabyte = zeros(1024);
      const zip = writeZip([
        { name: 'zeros.xml', payload: gigabyte.payload, crc: gigabyte.crc, statedSize: gigabyte.size },
      ]);
      const { result, growth } = await bufferGrowth(() => refusal(zip));
      expect(result).toMatchObject({ code: 'ZIP_RATIO', entry: 'zeros.xml' });
      expect(result.ms).toBeLessThan(500);
      expect(growth).toBeLessThan(32 * MiB);
    });

    it('a 1 GiB entry of zeros whose headers claim 2 KiB: stopped at the first chunk past the claim', async () => {
      const gigabyte = zeros(1024);
      const zip = writeZip([
        { name: 'a.xml', data: invoice(1) },
        { name: 'zeros.xml', payload: gigabyte.payload, crc: gigabyte.crc, statedSize: 2048 },
      ]);
      const { result, growth } = await bufferGrowth(() => refusal(zip));
      expect(result.code).toBe('ZIP_CORRUPT');
      expect(result.entry).toBe('zeros.xml');
      expect(result.message).toMatch(/inflates to another size than the archive states/);
      expect(result.ms).toBeLessThan(1000);
      expect(growth).toBeLessThan(32 * MiB);
    });

    it('the overlapping-entries bomb (1000 names for one 100 KiB stream of zeros): refused unread', async () => {
      const kernel = zlib.deflateRawSync(Buffer.alloc(100 * 1024));
      const aliases = Array.from({ length: 999 }, (_, i) => ({ name: `${i + 1}.xml`, of: 0 }));
      const zip = writeZip([{ name: '0.xml', data: Buffer.alloc(100 * 1024), payload: kernel }], aliases);
      expect(zip.length).toBeLessThan(100_000); // about 100 MB when inflated
      const { result, growth } = await bufferGrowth(() => refusal(zip));
      expect(result.code).toBe('ZIP_CORRUPT');
      expect(result.message).toMatch(/^entries "0\.xml" and "\d+\.xml" overlap: they share compressed data/);
      expect(result.ms).toBeLessThan(1000);
      expect(growth).toBeLessThan(32 * MiB);
    });

    it('the overlapping-files bomb with quoted local headers (Fifield): valid DEFLATE and CRCs, refused unread', async () => {
      const zip = overlappingFilesBomb(250, 256 * 1024);
      expect(zip.length).toBeLessThan(30_000); // about 64 MB when inflated
      const { result, growth } = await bufferGrowth(() => refusal(zip));
      expect(result.code).toBe('ZIP_CORRUPT');
      expect(result.message).toMatch(/^entries "0\.xml" and "1\.xml" overlap/);
      expect(result.ms).toBeLessThan(1000);
      expect(growth).toBeLessThan(32 * MiB);
    });

    it('a batch whose entries are each under the limits but inflate far beyond the archive: ZIP_RATIO', async () => {
      // 40 entries of 1 MiB of zeros: each 1 MiB is at the ratio threshold, the batch is 40 MiB from ~40 KB.
      const zip = writeZip(
        Array.from({ length: 40 }, (_, i) => ({ name: `${i}.xml`, data: Buffer.alloc(MiB) })),
      );
      const result = await refusal(zip);
      expect(result.code).toBe('ZIP_RATIO');
      expect(result.message).toMatch(/^the batch inflates \d+:1/);
      expect(result.entry).toBeUndefined();
    });

    it('lets a small, very repetitive invoice through: ratios count only for large entries', async () => {
      const repetitive = Buffer.from(`<Invoice>${' '.repeat(200_000)}</Invoice>`);
      const [entry] = await readZipBatch(writeZip([{ name: 'spaces.xml', data: repetitive }]));
      expect(entry.bytes).toEqual(repetitive);
    });
  });

  it('refuses more entries than maxEntries (ZIP_TOO_MANY_ENTRIES), skipped entries not counted', async () => {
    const three = writeZip([1, 2, 3].map((n) => ({ name: `${n}.xml`, data: invoice(n) })));
    expect((await refusal(three, { maxEntries: 2 })).code).toBe('ZIP_TOO_MANY_ENTRIES');
    const many = writeZip(Array.from({ length: 1001 }, (_, n) => ({ name: `${n}.xml`, data: invoice(n) })));
    expect(await refusal(many)).toMatchObject({
      code: 'ZIP_TOO_MANY_ENTRIES',
      message: expect.stringMatching(/more than 1000 invoice files/),
    });
    const withJunk = writeZip([
      { name: '1.xml', data: invoice(1) },
      { name: '._1.xml', data: Buffer.from('x') },
      { name: '2.xml', data: invoice(2) },
    ]);
    expect(await readZipBatch(withJunk, { maxEntries: 2 })).toHaveLength(2);
  });

  it('refuses an archive whose directory alone lists far more entries, before reading one', async () => {
    const folders = writeZip(Array.from({ length: 30 }, (_, n) => ({ name: `${n}/`, method: 0 })));
    expect((await refusal(folders, { maxEntries: 5 })).message).toMatch(/^the archive has 30 entries/);
  });

  it('refuses an entry over maxEntryBytes (ZIP_ENTRY_TOO_LARGE), naming it', async () => {
    const zip = writeZip([
      { name: 'small.xml', data: invoice(1) },
      { name: 'large.xml', data: Buffer.alloc(5000, 'x') },
    ]);
    expect(await refusal(zip, { maxEntryBytes: 4096 })).toMatchObject({
      code: 'ZIP_ENTRY_TOO_LARGE',
      entry: 'large.xml',
      message: 'entry "large.xml" has 5000 bytes; an invoice may have at most 4096',
    });
  });

  withZipCli('refuses an 11 MiB entry made by zip under the default 10 MiB limit', async () => {
    const large = crypto.randomBytes(11 * MiB); // incompressible: the size, not the ratio, must refuse it
    expect((await refusal(zipWithCli({ 'large.xml': large }, ['large.xml']))).code).toBe(
      'ZIP_ENTRY_TOO_LARGE',
    );
  });

  it('refuses a batch over maxTotalBytes (ZIP_TOO_LARGE)', async () => {
    const zip = writeZip([1, 2, 3].map((n) => ({ name: `${n}.xml`, data: Buffer.alloc(1500, 'x') })));
    expect((await refusal(zip, { maxTotalBytes: 4000 })).code).toBe('ZIP_TOO_LARGE');
  });

  it.each([
    ['../evil.xml', /climbs out/],
    ['invoices/../../evil.xml', /climbs out/],
    ['/etc/cron.d/evil.xml', /absolute path/],
    ['C:/Windows/evil.xml', /absolute path/],
    ['..\\..\\evil.xml', /backslash/],
    ['invoices\\evil.xml', /backslash/],
    ['a.xml\u0000.pdf', /control character/],
    ['invoices//a.xml', /empty or "\." folder/],
    ['./a.xml', /empty or "\." folder/],
  ])('refuses the unsafe name %j (ZIP_UNSAFE_NAME)', async (name, why) => {
    const result = await refusal(writeZip([{ name, data: invoice(1) }]));
    expect(result.code).toBe('ZIP_UNSAFE_NAME');
    expect(result.message).toMatch(why);
    expect(result.message).not.toContain('\u0000');
  });

  it('refuses a traversal hidden in the Unicode path field, which readers prefer to the plain name', async () => {
    const unicodePath = Buffer.from('../evil.xml', 'utf8');
    const plain = Buffer.from('a.xml');
    const field = Buffer.concat([Buffer.from([1]), u32(zlib.crc32(plain)), unicodePath]);
    const extra = Buffer.concat([Buffer.from([0x75, 0x70]), Buffer.from([field.length, 0]), field]);
    const result = await refusal(writeZip([{ name: plain, data: invoice(1), flags: 0, extra }]));
    expect(result).toMatchObject({ code: 'ZIP_UNSAFE_NAME', entry: '../evil.xml' });
  });

  it('refuses a symbolic link (ZIP_UNSAFE_NAME)', async () => {
    const link = { name: 'a.xml', data: Buffer.from('/etc/passwd'), externalAttributes: 0o120777 * 0x10000 };
    expect((await refusal(writeZip([link]))).message).toMatch(/symbolic link/);
  });

  it('refuses duplicate names, also those that differ only in case (ZIP_DUPLICATE_NAME)', async () => {
    const twice = writeZip([
      { name: 'a.xml', data: invoice(1) },
      { name: 'a.xml', data: invoice(2) },
    ]);
    expect(await refusal(twice)).toMatchObject({ code: 'ZIP_DUPLICATE_NAME', entry: 'a.xml' });
    const byCase = writeZip([
      { name: 'Фактура.xml', data: invoice(1) },
      { name: 'фактура.xml', data: invoice(2) },
    ]);
    expect((await refusal(byCase)).message).toBe(
      'the archive holds "Фактура.xml" and "фактура.xml", one file on Windows and macOS; rename one of them',
    );
  });

  it('refuses a ZIP inside the ZIP, by name and by content (ZIP_NESTED)', async () => {
    const inner = writeZip([{ name: 'a.xml', data: invoice(1) }]);
    const byName = await refusal(writeZip([{ name: 'more.ZIP', data: inner }]));
    expect(byName).toMatchObject({ code: 'ZIP_NESTED', entry: 'more.ZIP' });
    expect(byName.message).toMatch(/upload the inner archive on its own/);
    const disguised = writeZip([
      { name: 'a.xml', data: invoice(1) },
      { name: 'b.xml', data: inner },
    ]);
    expect(await refusal(disguised)).toMatchObject({ code: 'ZIP_NESTED', entry: 'b.xml' });
  });

  withZipCli('refuses a ZIP made by zip that holds another ZIP', async () => {
    const inner = zipWithCli({ 'a.xml': invoice(1) }, ['a.xml']);
    expect((await refusal(zipWithCli({ 'inner.zip': inner }, ['inner.zip']))).code).toBe('ZIP_NESTED');
  });

  withZipCli('refuses a password-protected entry made by zip -P (ZIP_ENCRYPTED)', async () => {
    const zip = zipWithCli({ 'a.xml': invoice(1) }, ['-P', 'secret', 'a.xml']);
    expect(await refusal(zip)).toMatchObject({ code: 'ZIP_ENCRYPTED', entry: 'a.xml' });
  });

  it('refuses traditional and strong encryption (ZIP_ENCRYPTED)', async () => {
    const traditional = writeZip([{ name: 'a.xml', data: invoice(1), flags: 0x801 }]);
    expect((await refusal(traditional)).message).toMatch(/^entry "a\.xml" is password-protected/);
    const strong = writeZip([{ name: 'a.xml', data: invoice(1), flags: 0x841 }]);
    expect((await refusal(strong)).code).toBe('ZIP_ENCRYPTED');
  });

  it('refuses a compression method it cannot read, saying which (ZIP_UNSUPPORTED_METHOD)', async () => {
    const bzip2 = writeZip([{ name: 'a.xml', data: invoice(1), method: 12, payload: Buffer.from('BZh9') }]);
    expect((await refusal(bzip2)).message).toMatch(/compression method 12/);
  });

  describe('refuses what is not a readable ZIP (ZIP_CORRUPT)', () => {
    const good = writeZip([1, 2, 3].map((n) => ({ name: `${n}.xml`, data: invoice(n) })));

    it('an empty upload, and an invoice uploaded as a batch', async () => {
      expect((await refusal(Buffer.alloc(0))).message).toMatch(/empty/);
      expect((await refusal(invoice(1))).message).toMatch(/not a ZIP archive, or it is cut short/);
    });

    it('a truncated archive, cut anywhere', async () => {
      for (const cut of [good.length - 10, Math.floor(good.length / 2), 30]) {
        expect((await refusal(good.subarray(0, cut))).code).toBe('ZIP_CORRUPT');
      }
    });

    withZipCli('a truncated archive made by zip', async () => {
      const zip = zipWithCli({ 'a.xml': invoice(1), 'b.xml': invoice(2) }, ['a.xml', 'b.xml']);
      expect((await refusal(zip.subarray(0, zip.length - 40))).code).toBe('ZIP_CORRUPT');
    });

    it('a wrong CRC-32', async () => {
      const zip = writeZip([{ name: 'a.xml', data: invoice(1), crc: 0x12345678 }]);
      expect(await refusal(zip)).toMatchObject({
        code: 'ZIP_CORRUPT',
        message: expect.stringMatching(/^entry "a\.xml" is damaged: its CRC-32 does not match/),
      });
    });

    it('damaged compressed data', async () => {
      const payload = Buffer.from(zlib.deflateRawSync(invoice(1)));
      payload.fill(0xff, 2, 12);
      const result = await refusal(writeZip([{ name: 'a.xml', data: invoice(1), payload }]));
      expect(result).toMatchObject({ code: 'ZIP_CORRUPT', entry: 'a.xml' });
    });
  });

  it('refuses an archive with no invoice in it (ZIP_EMPTY)', async () => {
    expect((await refusal(writeZip([]))).code).toBe('ZIP_EMPTY');
    const junkOnly = writeZip([
      { name: 'invoices/', method: 0 },
      { name: '__MACOSX/._invoices', data: Buffer.from('x') },
    ]);
    expect((await refusal(junkOnly)).message).toMatch(/holds no invoice files/);
  });
});

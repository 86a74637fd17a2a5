import fs from 'node:fs';

/**
 * The backup's container: a POSIX ustar archive (readable by `tar tvf` anywhere), written and read here in a few lines
 * rather than through a dependency. Only regular files; names up to 255 bytes (prefix + name); parts up to 8 GiB.
 */
const BLOCK = 512;
const MAX_SIZE = 8 * 1024 ** 3 - 1; // 11 octal digits

export class BackupDamagedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupDamagedError';
  }
}

export interface TarEntry {
  name: string;
  mode: number;
  size: number;
  /** Where the entry's bytes start in the archive. */
  offset: number;
}

/** Appends entries to an archive file; `finish` writes the end-of-archive blocks and flushes to disk. */
export class TarWriter {
  private readonly out: fs.WriteStream;
  private readonly fd: Promise<number>;

  constructor(file: string) {
    this.out = fs.createWriteStream(file, { flags: 'wx', mode: 0o600 });
    this.fd = new Promise((resolve, reject) => {
      this.out.once('open', resolve);
      this.out.once('error', reject);
    });
  }

  async addFile(name: string, source: string, mode = 0o600): Promise<void> {
    const { size } = await fs.promises.stat(source);
    await this.write(header(name, size, mode));
    let written = 0;
    for await (const chunk of fs.createReadStream(source)) {
      written += (chunk as Buffer).length;
      await this.write(chunk as Buffer);
    }
    if (written !== size) throw new Error(`${source} changed while it was written into the backup`);
    await this.write(Buffer.alloc(padding(size)));
  }

  async addBuffer(name: string, content: Buffer, mode = 0o600): Promise<void> {
    await this.write(header(name, content.length, mode));
    await this.write(content);
    await this.write(Buffer.alloc(padding(content.length)));
  }

  async finish(): Promise<void> {
    await this.write(Buffer.alloc(2 * BLOCK));
    const fd = await this.fd;
    await new Promise<void>((resolve, reject) => fs.fsync(fd, (e) => (e ? reject(e) : resolve())));
    await new Promise<void>((resolve, reject) =>
      this.out.end((e?: Error | null) => (e ? reject(e) : resolve())),
    );
  }

  /** Closes without finishing (the caller removes the file). */
  abort(): void {
    this.out.destroy();
  }

  private write(chunk: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.write(chunk, (error) => (error ? reject(error) : resolve()));
    });
  }
}

/** The entries of an archive, from their headers; a damaged or truncated archive is a BackupDamagedError. */
export async function listTar(file: string): Promise<TarEntry[]> {
  const handle = await fs.promises.open(file, 'r');
  try {
    const { size: fileSize } = await handle.stat();
    const entries: TarEntry[] = [];
    const block = Buffer.alloc(BLOCK);
    let offset = 0;
    for (;;) {
      const previous = entries.at(-1)?.name;
      const where = previous ? `the header after part ${previous}` : 'the first header';
      const { bytesRead } = await handle.read(block, 0, BLOCK, offset);
      if (bytesRead < BLOCK) throw new BackupDamagedError(`the backup is truncated at ${where}`);
      if (block.every((b) => b === 0)) return entries;
      const stored = octal(block, 148, 8);
      if (stored !== checksum(block))
        throw new BackupDamagedError(`the backup is damaged: ${where} is altered`);
      const type = String.fromCharCode(block[156]);
      const name = [text(block, 345, 155), text(block, 0, 100)].filter(Boolean).join('/');
      const size = octal(block, 124, 12);
      const mode = octal(block, 100, 8);
      if (!Number.isFinite(size) || !Number.isFinite(mode))
        throw new BackupDamagedError(`${where} is altered`);
      if (type !== '0' && type !== '\0')
        throw new BackupDamagedError(`unexpected entry type "${type}" for ${name}`);
      if (offset + BLOCK + size > fileSize)
        throw new BackupDamagedError(`the backup is truncated in part ${name}`);
      entries.push({ name, mode, size, offset: offset + BLOCK });
      offset += BLOCK + size + padding(size);
    }
  } finally {
    await handle.close();
  }
}

/** A stream of one entry's bytes. */
export function entryStream(file: string, entry: TarEntry): fs.ReadStream {
  return fs.createReadStream(file, { start: entry.offset, end: entry.offset + entry.size - 1 });
}

function header(name: string, size: number, mode: number): Buffer {
  if (size > MAX_SIZE) throw new Error(`${name} is larger than a backup part can be (8 GiB)`);
  const bytes = Buffer.from(name, 'utf8');
  let prefix = '';
  let base = name;
  if (bytes.length > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100)
      throw new Error(`part name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  const block = Buffer.alloc(BLOCK);
  block.write(base, 0, 100, 'utf8');
  writeOctal(block, 100, 8, mode & 0o7777);
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, Math.floor(Date.now() / 1000));
  block.write('0', 156, 1, 'ascii');
  block.write('ustar\0', 257, 6, 'ascii');
  block.write('00', 263, 2, 'ascii');
  block.write(prefix, 345, 155, 'utf8');
  block.write(`${checksum(block).toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  return block;
}

/** The header's checksum: every byte summed, with the checksum field counted as spaces. */
function checksum(block: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum;
}

function writeOctal(block: Buffer, at: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, width, 'ascii');
}

function octal(block: Buffer, at: number, width: number): number {
  const digits = text(block, at, width).trim();
  return /^[0-7]+$/.test(digits) ? parseInt(digits, 8) : NaN;
}

function text(block: Buffer, at: number, width: number): string {
  const field = block.subarray(at, at + width);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? width : end).toString('utf8');
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

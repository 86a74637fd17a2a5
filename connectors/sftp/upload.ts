import type { UploadFolder } from '../../db/sftp-staged-files';

/**
 * One file being written over SFTP (to /inbox or /statements). Clients send WRITE requests at offsets, several in
 * flight and not necessarily in order (OpenSSH's sftp keeps up to 64 outstanding), so the bytes are kept by offset and
 * put together at CLOSE.
 * A file counts as complete only when the writes cover every byte from 0 to its end: anything with a hole (a resumed
 * upload, a client that died between writes and reconnected) is refused rather than delivered short.
 */
export class UploadError extends Error {}

export class Upload {
  private readonly chunks: { offset: number; data: Buffer }[] = [];
  private highWater = 0;

  constructor(
    readonly folder: UploadFolder,
    readonly name: string,
    private readonly maxBytes: number,
  ) {}

  /** Size as far as the client has written (FSTAT on the open handle). */
  get size(): number {
    return this.highWater;
  }

  write(offset: number, data: Buffer): void {
    const end = offset + data.length;
    if (end > this.maxBytes) {
      throw new UploadError(`the file is over the upload limit of ${this.maxBytes} bytes`);
    }
    this.chunks.push({ offset, data: Buffer.from(data) });
    this.highWater = Math.max(this.highWater, end);
  }

  /** The whole file, or an error naming the first missing byte. */
  assemble(): Buffer {
    const sorted = [...this.chunks].sort((a, b) => a.offset - b.offset);
    const file = Buffer.alloc(this.highWater);
    let covered = 0;
    for (const { offset, data } of sorted) {
      if (offset > covered) {
        throw new UploadError(
          `bytes ${covered}–${offset - 1} were never written: the upload is incomplete ` +
            '(resuming an upload is not supported; upload the whole file again)',
        );
      }
      data.copy(file, offset);
      covered = Math.max(covered, offset + data.length);
    }
    return file;
  }
}

import crypto from 'node:crypto';
import type { SFTPWrapper } from 'ssh2';
import type { Db } from '../../../db';
import { eventually } from '../../support/hub';
import type { Answer, HostileCase } from '../measure';
import * as hostile from '../payloads';

/**
 * The hub's SFTP server, over a protocol-level session (ssh2's client: it sends NUL bytes, holes and offsets that
 * OpenSSH's client will not). A refused request is answered with its SFTP status ("PERMISSION_DENIED: …"); a file
 * that arrives but is no invoice is quarantined, and the code is the quarantine reason its acknowledgement carries.
 */
export interface SftpDoor {
  sftp: SFTPWrapper;
  db: Db;
  issuerId: string;
  maxUploadBytes: number;
}

type SftpError = (Error & { code?: number }) | null | undefined;
const STATUS_NAMES: Record<number, string> = {
  2: 'NO_SUCH_FILE',
  3: 'PERMISSION_DENIED',
  4: 'FAILURE',
  8: 'OP_UNSUPPORTED',
};
const statusAnswer = (error: Error & { code?: number }): Answer => ({
  code: STATUS_NAMES[error.code ?? 0] ?? `SFTP status ${error.code}`,
  detail: error.message,
});

function call(run: (done: (error: SftpError, value?: Buffer) => void) => void): Promise<Buffer | Answer> {
  return new Promise((resolve) =>
    run((error, value) => resolve(error ? statusAnswer(error) : (value ?? Buffer.alloc(0)))),
  );
}
const isAnswer = (value: Buffer | Answer): value is Answer =>
  !Buffer.isBuffer(value) && typeof (value as Partial<Answer>).code === 'string';

/** Opens, writes the given pieces at their offsets, closes: the first refusal, or undefined when all went through. */
async function write(
  door: SftpDoor,
  path: string,
  pieces: { offset: number; data: Buffer }[],
): Promise<Answer | undefined> {
  const handle = await call((done) => door.sftp.open(path, 'w', (error, h) => done(error, h)));
  if (isAnswer(handle)) return handle;
  let refused: Answer | undefined;
  for (const { offset, data } of pieces) {
    for (let at = 0; at < data.length && !refused; at += 32 * 1024) {
      const chunk = data.subarray(at, at + 32 * 1024);
      const written = await call((done) =>
        door.sftp.write(handle, chunk, 0, chunk.length, offset + at, done),
      );
      if (isAnswer(written)) refused = written;
    }
  }
  const closed = await call((done) => door.sftp.close(handle, done));
  return refused ?? (isAnswer(closed) ? closed : undefined);
}

/** Uploads a whole file to /inbox and waits for what became of it: its SFTP refusal or the delivery's reason. */
async function deliver(door: SftpDoor, bytes: Buffer, extension = 'xml'): Promise<Answer> {
  const name = `hostile-${crypto.randomUUID().slice(0, 8)}.${extension}`;
  const refused = await write(door, `/inbox/${name}`, [{ offset: 0, data: bytes }]);
  if (refused) return refused;
  const delivery = await eventually(
    async () => {
      const { rows } = await door.db.query<{
        status: string;
        reason_code: string | null;
        reason: string | null;
      }>(
        `select status, reason_code, reason from deliveries
          where issuer_id = $1 and file_name = $2 and parent_id is null and status <> 'received'`,
        [door.issuerId, name],
      );
      return rows[0];
    },
    10_000,
    `the delivery of ${name}`,
  );
  return { code: delivery.reason_code ?? delivery.status, detail: delivery.reason ?? undefined };
}

const upload =
  (bytes: () => Buffer, extension?: string) =>
  (door: SftpDoor): Promise<Answer> =>
    deliver(door, bytes(), extension);

/** A request on a path the server must refuse: opening it for writing. */
const openPath =
  (path: string) =>
  async (door: SftpDoor): Promise<Answer> =>
    (await write(door, path, [{ offset: 0, data: hostile.invoice() }])) ?? { code: 'OK' };

/** A quarantined file keeps its delivery (the evidence, with the reason) and its acknowledgement in /outbox. */
const QUARANTINE = { quarantined: 1, channelAnswers: 1 };

export const sftpCases: HostileCase<SftpDoor>[] = [
  {
    name: 'external entity (XXE) in /inbox',
    kind: 'XXE and entity tricks',
    expect: 'DTD_FORBIDDEN',
    send: upload(() => hostile.xxeFile),
    keeps: QUARANTINE,
  },
  {
    name: 'billion laughs in /inbox',
    kind: 'XXE and entity tricks',
    expect: 'DTD_FORBIDDEN',
    send: upload(() => hostile.billionLaughs),
    keeps: QUARANTINE,
  },
  {
    name: '100,000 nested elements',
    kind: 'deep nesting',
    expect: 'TOO_DEEP',
    send: upload(() => hostile.deepNesting()),
    keeps: QUARANTINE,
  },
  {
    name: 'a 200,000-character attribute',
    kind: 'huge attributes and texts',
    expect: 'ATTRIBUTE_TOO_LONG',
    send: upload(() => hostile.hugeAttribute()),
    keeps: QUARANTINE,
  },
  {
    name: 'a byte that is not UTF-8',
    kind: 'invalid UTF-8 and mixed encodings',
    expect: 'INVALID_ENCODING',
    send: upload(hostile.invalidUtf8),
    keeps: QUARANTINE,
  },
  {
    name: 'a ZIP bomb (50 MiB of zeros beside an invoice)',
    kind: 'zip bombs and nested zips',
    expect: 'ZIP_RATIO',
    send: upload(hostile.zipBomb, 'zip'),
    keeps: QUARANTINE,
  },
  {
    name: 'a ZIP bomb whose headers claim 1 KB',
    kind: 'zip bombs and nested zips',
    expect: 'ZIP_CORRUPT',
    detail: /another size than the archive states/,
    send: upload(hostile.lyingZipBomb, 'zip'),
    keeps: QUARANTINE,
  },
  {
    name: 'a ZIP inside a ZIP',
    kind: 'zip bombs and nested zips',
    expect: 'ZIP_NESTED',
    send: upload(hostile.nestedZip, 'zip'),
    keeps: QUARANTINE,
  },
  {
    name: 'a ZIP entry named ../../../etc/cron.d/evil.xml',
    kind: 'path traversal and NUL bytes in names',
    expect: 'ZIP_UNSAFE_NAME',
    send: upload(hostile.traversingZip, 'zip'),
    keeps: QUARANTINE,
  },
  {
    name: 'a ZIP cut short',
    kind: 'oversized and truncated uploads',
    expect: 'ZIP_CORRUPT',
    send: upload(hostile.truncatedZip, 'zip'),
    keeps: QUARANTINE,
  },
  {
    name: 'an upload with a hole (bytes never written)',
    kind: 'oversized and truncated uploads',
    expect: 'FAILURE',
    detail: /never written/,
    send: async (door) =>
      (await write(door, `/inbox/holes-${crypto.randomUUID().slice(0, 6)}.xml`, [
        { offset: 0, data: Buffer.from('<?xml version="1.0"?>') },
        { offset: 4096, data: Buffer.from('</Invoice>') },
      ])) ?? { code: 'OK' },
  },
  {
    name: 'a write past SFTP_MAX_UPLOAD_BYTES',
    kind: 'oversized and truncated uploads',
    expect: 'FAILURE',
    detail: /upload limit/,
    send: async (door) =>
      (await write(door, `/inbox/huge-${crypto.randomUUID().slice(0, 6)}.xml`, [
        { offset: door.maxUploadBytes, data: Buffer.from('x') },
      ])) ?? { code: 'OK' },
  },
  {
    name: 'a ".." path to /etc/passwd',
    kind: 'path traversal and NUL bytes in names',
    expect: 'PERMISSION_DENIED',
    detail: /\.\./,
    send: openPath('/inbox/../../etc/passwd'),
  },
  {
    name: 'a NUL byte in the file name',
    kind: 'path traversal and NUL bytes in names',
    expect: 'PERMISSION_DENIED',
    detail: /NUL/,
    send: openPath('/inbox/invoice.xml\0.pdf'),
  },
  {
    name: 'a newline in the file name',
    kind: 'path traversal and NUL bytes in names',
    expect: 'PERMISSION_DENIED',
    detail: /control character/,
    send: openPath('/inbox/a\nb.xml'),
  },
  {
    name: 'a name of 300 bytes',
    kind: 'path traversal and NUL bytes in names',
    expect: 'PERMISSION_DENIED',
    detail: /longer than 255/,
    send: openPath(`/inbox/${'я'.repeat(150)}.xml`),
  },
  {
    name: 'number with Arabic-Indic digits',
    kind: 'Unicode look-alike identifiers',
    expect: 'CONFUSABLE_INVOICE_NUMBER',
    send: upload(() => hostile.lookAlikeNumber(hostile.arabicIndicDigits)),
    keeps: QUARANTINE,
  },
  {
    name: 'issue date 2026-02-30',
    kind: 'impossible dates',
    expect: 'INVALID_DATE',
    send: upload(() => hostile.issueDate('2026-02-30')),
    keeps: QUARANTINE,
  },
  {
    name: 'amount due 44.22e0',
    kind: 'numbers with exponents, commas, 40 digits',
    expect: 'INVALID_NUMBER',
    send: upload(() => hostile.payableAmount('44.22e0')),
    keeps: QUARANTINE,
  },
];

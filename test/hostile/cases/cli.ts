import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Answer, HostileCase } from '../measure';
import * as hostile from '../payloads';

/**
 * The command line's files: `bin/hub verify --json FILE…` and `bin/hub submit FILE…`, each run once over all its
 * cases' files (a process start costs seconds). A case's answer is its line: for verify the first fatal finding's
 * rule id (or the signature's sub-indication), for submit the code column. Its time is the time since the line
 * before (the first one includes the process start); its memory, the process's peak resident size (VmHWM) then.
 */
export interface CliDoor {
  dir: string;
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  apiKey: string;
  /** One run of a command over every file its cases name, started by the first case that needs it. */
  runs: Map<string, Promise<CliLine[]>>;
}

export interface CliLine {
  line: string;
  elapsedMs: number;
  peakRssBytes: number;
}

const HUB = path.resolve(__dirname, '..', '..', '..', 'bin', 'hub');

/** Runs `bin/hub ARGS FILES`, timing each stdout line and sampling the child's peak resident size. */
function runTimed(args: string[], env: NodeJS.ProcessEnv): Promise<CliLine[]> {
  const child = spawn(process.execPath, [HUB, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: CliLine[] = [];
  let peak = 0;
  const sample = () => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
    } catch {
      // the process has ended
    }
  };
  const sampler = setInterval(sample, 20);
  let last = performance.now();
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      if (!line.trim()) continue;
      sample();
      const now = performance.now();
      lines.push({ line, elapsedMs: Math.round(now - last), peakRssBytes: peak });
      last = now;
    }
  });
  child.stderr.resume();
  return new Promise((resolve) =>
    child.once('close', () => {
      clearInterval(sampler);
      resolve(lines);
    }),
  );
}

interface CliFile {
  name: string;
  /** Makes the file (or device, FIFO, folder) in `dir` and returns its path. */
  make(dir: string): string;
}

const file = (name: string, bytes: () => Buffer): CliFile => ({
  name,
  make: (dir) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, bytes());
    return target;
  },
});
const fifo = (name: string): CliFile => ({
  name,
  make: (dir) => {
    const target = path.join(dir, name);
    if (!fs.existsSync(target)) execFileSync('mkfifo', [target]);
    return target;
  },
});
const folder = (name: string): CliFile => ({
  name,
  make: (dir) => {
    const target = path.join(dir, name);
    fs.mkdirSync(target, { recursive: true });
    return target;
  },
});
/** A sparse file: large to stat and read, nothing on the disk. */
const sparse = (name: string, bytes: number): CliFile => ({
  name,
  make: (dir) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, '<');
    fs.truncateSync(target, bytes);
    return target;
  },
});
const device = (devicePath: string): CliFile => ({ name: devicePath, make: () => devicePath });

/** Each command's files in its cases' order, so the n-th line answers the n-th case. */
const verifyFiles: CliFile[] = [];
const submitFiles: CliFile[] = [];

function verifyCode(line: string): string {
  const report = JSON.parse(line) as {
    validation: { findings: { ruleId: string; severity: string }[] };
    signature: { subIndication?: string; indication: string };
  };
  const fatal = report.validation.findings.find((f) => f.severity === 'fatal');
  return fatal?.ruleId ?? `SIGNATURE-${report.signature.subIndication ?? report.signature.indication}`;
}

function cliCase(
  command: 'verify' | 'submit',
  name: string,
  kind: string,
  expect: string,
  input: CliFile,
): HostileCase<CliDoor> {
  const files = command === 'verify' ? verifyFiles : submitFiles;
  const index = files.push(input) - 1;
  return {
    name: `${command}: ${name}`,
    kind,
    expect,
    async send(door): Promise<Answer> {
      if (!door.runs.has(command)) {
        const paths = files.map((f) => f.make(door.dir));
        const args =
          command === 'verify'
            ? ['verify', '--json', ...paths]
            : ['submit', '--url', door.apiUrl.replace(/\/api\/v1$/, ''), '--api-key', door.apiKey, ...paths];
        door.runs.set(command, runTimed(args, door.env));
      }
      const lines = await (door.runs.get(command) as Promise<CliLine[]>);
      const line = lines[index];
      if (!line) return { code: 'NO_ANSWER', detail: `${lines.length} lines for ${files.length} files` };
      const code = command === 'verify' ? verifyCode(line.line) : line.line.split('\t')[2];
      return {
        code,
        detail: line.line.slice(0, 300),
        elapsedMs: line.elapsedMs,
        peakRssBytes: line.peakRssBytes,
      };
    },
  };
}

export function cliCases(maxInvoiceBytes: number): HostileCase<CliDoor>[] {
  return [
    cliCase(
      'verify',
      '/dev/zero (endless)',
      'oversized and truncated uploads',
      'HUB-FILE-NOT-REGULAR',
      device('/dev/zero'),
    ),
    cliCase(
      'verify',
      'a FIFO nobody writes to',
      'oversized and truncated uploads',
      'HUB-FILE-NOT-REGULAR',
      fifo('pipe.xml'),
    ),
    cliCase(
      'verify',
      'a folder named invoice.xml',
      'path traversal and NUL bytes in names',
      'HUB-FILE-NOT-REGULAR',
      folder('invoice.xml'),
    ),
    cliCase(
      'verify',
      'a sparse file over MAX_INVOICE_BYTES',
      'oversized and truncated uploads',
      'HUB-FILE-TOO-LARGE',
      sparse('huge.xml', maxInvoiceBytes * 4),
    ),
    cliCase(
      'verify',
      'an external entity (XXE)',
      'XXE and entity tricks',
      'XML-DTD_FORBIDDEN',
      file('xxe.xml', () => hostile.xxeFile),
    ),
    cliCase(
      'verify',
      'billion laughs',
      'XXE and entity tricks',
      'XML-DTD_FORBIDDEN',
      file('lol.xml', () => hostile.billionLaughs),
    ),
    cliCase(
      'verify',
      '100,000 nested elements',
      'deep nesting',
      'XML-TOO_DEEP',
      file('deep.xml', () => hostile.deepNesting()),
    ),
    cliCase(
      'verify',
      'a 200,000-character attribute',
      'huge attributes and texts',
      'XML-ATTRIBUTE_TOO_LONG',
      file('attr.xml', () => hostile.hugeAttribute()),
    ),
    cliCase(
      'verify',
      'a byte that is not UTF-8',
      'invalid UTF-8 and mixed encodings',
      'XML-INVALID_ENCODING',
      file('latin.xml', hostile.invalidUtf8),
    ),
    cliCase(
      'verify',
      'a ZIP bomb named invoice',
      'zip bombs and nested zips',
      'XML-INVALID_ENCODING',
      file('bomb.xml', hostile.zipBomb),
    ),
    cliCase(
      'submit',
      '/dev/zero (endless)',
      'oversized and truncated uploads',
      'HUB-FILE-NOT-REGULAR',
      device('/dev/zero'),
    ),
    cliCase(
      'submit',
      'a FIFO nobody writes to',
      'oversized and truncated uploads',
      'HUB-FILE-NOT-REGULAR',
      fifo('submit-pipe.xml'),
    ),
    cliCase(
      'submit',
      'a sparse file over MAX_INVOICE_BYTES',
      'oversized and truncated uploads',
      'HUB-FILE-TOO-LARGE',
      sparse('submit-huge.xml', maxInvoiceBytes * 4),
    ),
    cliCase(
      'submit',
      'an external entity (XXE)',
      'XXE and entity tricks',
      'DTD_FORBIDDEN',
      file('submit-xxe.xml', () => hostile.xxeFile),
    ),
    cliCase(
      'submit',
      'issue date 2026-02-30',
      'impossible dates',
      'INVALID_DATE',
      file('submit-date.xml', () => hostile.issueDate('2026-02-30')),
    ),
    cliCase(
      'submit',
      'amount due 1.0e3',
      'numbers with exponents, commas, 40 digits',
      'INVALID_NUMBER',
      file('submit-exp.xml', () => hostile.payableAmount('1.0e3')),
    ),
  ];
}

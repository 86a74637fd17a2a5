/**
 * Real AS2 (RFC 4130) partners for the tests, installed by `scripts/install-peers.sh`:
 *
 * - `pyas2lib` — pyas2lib 1.4.4 in `.tools/as2venv`, CLI `test/peers/pyas2/as2peer.py`;
 * - `as2-lib` — phax as2-lib 5.1.8, CLI `hub.peers.As2Peer` built into `.tools/as2-java/` (one JVM per send).
 *
 * Both CLIs take the same arguments and print the same one-line JSON ({@link PeerResult}); what each library verifies
 * of the MDN is written at the top of each CLI. `startReferenceReceiver` runs the pyas2lib reference receiver
 * (`as2peer.py serve`), which stands in for the hub's `POST /as2` until that exists.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import readline from 'node:readline';

export type As2PeerName = 'pyas2lib' | 'as2-lib';
export type As2Sign = 'none' | 'sha1' | 'sha256' | 'sha384' | 'sha512';
export type As2Encrypt = 'none' | '3des' | 'aes128' | 'aes192' | 'aes256';
export type As2MdnMode = 'none' | 'sync' | 'async';

const ROOT = resolve(__dirname, '..', '..');
const VENV_PYTHON = join(ROOT, '.tools', 'as2venv', 'bin', 'python');
const PY_PEER = join(ROOT, 'test', 'peers', 'pyas2', 'as2peer.py');
const JAVA_OUT = join(ROOT, '.tools', 'as2-java');
const JAVA_JAR = join(JAVA_OUT, 'as2-peer.jar');
const JAVA_CLASSPATH = `${JAVA_JAR}:${join(JAVA_OUT, 'lib', '*')}`;
/** Short-lived JVMs start faster with the C1 compiler only; the peer does a few crypto operations, no hot loop. */
const JAVA_OPTIONS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];

/** An RSA-2048 key and its self-signed certificate, as PEM files in `dir`. */
export interface As2Keys {
  as2Id: string;
  dir: string;
  keyPath: string;
  certPath: string;
  keyPem: string;
  certPem: string;
}

export interface SendAs2Options {
  url: string;
  as2From: string;
  as2To: string;
  /** Sender's private key (PEM file). */
  key: string;
  /** Sender's certificate (PEM file). */
  cert: string;
  /** Receiver's certificate (PEM file): encrypts the message and verifies the MDN. */
  partnerCert: string;
  /** File whose bytes are sent. */
  payload: string;
  contentType?: string;
  sign?: As2Sign;
  encrypt?: As2Encrypt;
  compress?: boolean;
  mdn?: As2MdnMode;
  mdnSigned?: boolean;
  /** For `mdn: 'async'`: the CLI listens on 127.0.0.1:asyncPort (a free port when omitted). */
  asyncPort?: number;
  messageId?: string;
  timeoutSeconds?: number;
}

export interface PeerMdn {
  received: boolean;
  /** Normalised disposition: "processed", "processed/error: decryption-failed", "processed/warning: duplicate-document"... */
  disposition: string | null;
  signed: boolean;
  /** Checked by the peer library: true/false for a signed MDN (or one that had to be signed), null otherwise. */
  signatureVerified: boolean | null;
  /** The library's MIC comparison; null when it did not compare (no MIC in the MDN, or none computed). */
  micMatches: boolean | null;
  originalMessageId: string | null;
}

export interface PeerResult {
  peer: As2PeerName;
  messageId: string | null;
  httpStatus: number | null;
  mdn: PeerMdn;
  error?: string;
  /** 0 when the peer judged the MDN positive and verified it (when asked), 1 otherwise. */
  exitCode: number;
  stderr: string;
  durationMs: number;
}

let availability: { pyas2lib: boolean; as2lib: boolean; reason?: string } | undefined;

/** Whether the peers are installed (`bash scripts/install-peers.sh`), with the reason when one is not. */
export function as2PeersAvailable(): { pyas2lib: boolean; as2lib: boolean; reason?: string } {
  if (availability) return availability;
  const reasons: string[] = [];
  let pyas2lib = existsSync(VENV_PYTHON) && existsSync(PY_PEER);
  if (!pyas2lib) reasons.push(`pyas2lib: ${VENV_PYTHON} missing`);
  else {
    const probe = spawnSync(VENV_PYTHON, ['-c', 'import pyas2lib; from oscrypto import asymmetric'], {
      encoding: 'utf8',
      timeout: 20000,
    });
    if (probe.status !== 0) {
      pyas2lib = false;
      reasons.push(
        `pyas2lib: cannot import pyas2lib/oscrypto (${(probe.stderr || '').trim().split('\n').pop()})`,
      );
    }
  }
  let as2lib = existsSync(JAVA_JAR);
  if (!as2lib) reasons.push(`as2-lib: ${JAVA_JAR} missing`);
  else if (spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 20000 }).status !== 0) {
    as2lib = false;
    reasons.push('as2-lib: java not found');
  }
  availability = {
    pyas2lib,
    as2lib,
    ...(reasons.length ? { reason: `${reasons.join('; ')} (run: bash scripts/install-peers.sh)` } : {}),
  };
  return availability;
}

/** Makes an RSA-2048 key and a self-signed certificate (CN = the AS2 ID) with openssl, in `dir` or a new temp folder. */
export function makeAs2Keys(as2Id: string, dir?: string): As2Keys {
  const folder = dir ?? mkdtempSync(join(tmpdir(), 'as2-keys-'));
  const safe = as2Id.replace(/[^A-Za-z0-9._-]/g, '_');
  const keyPath = join(folder, `${safe}.key.pem`);
  const certPath = join(folder, `${safe}.cert.pem`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      '-days',
      '30',
      '-subj',
      `/CN=${as2Id.replace(/[/=+,]/g, '_')}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  return {
    as2Id,
    dir: folder,
    keyPath,
    certPath,
    keyPem: readFileSync(keyPath, 'utf8'),
    certPem: readFileSync(certPath, 'utf8'),
  };
}

function sendArguments(o: SendAs2Options): string[] {
  const args = [
    'send',
    '--url',
    o.url,
    '--as2-from',
    o.as2From,
    '--as2-to',
    o.as2To,
    '--key',
    o.key,
    '--cert',
    o.cert,
    '--partner-cert',
    o.partnerCert,
    '--payload',
    o.payload,
    '--content-type',
    o.contentType ?? 'application/xml',
    '--sign',
    o.sign ?? 'none',
    '--encrypt',
    o.encrypt ?? 'none',
    '--mdn',
    o.mdn ?? 'sync',
  ];
  if (o.compress) args.push('--compress');
  if (o.mdnSigned) args.push('--mdn-signed');
  if (o.asyncPort !== undefined) args.push('--async-port', String(o.asyncPort));
  if (o.messageId !== undefined) args.push('--message-id', o.messageId);
  if (o.timeoutSeconds !== undefined) args.push('--timeout', String(o.timeoutSeconds));
  return args;
}

function peerCommand(peer: As2PeerName): [string, string[]] {
  return peer === 'pyas2lib'
    ? [VENV_PYTHON, [PY_PEER]]
    : ['java', [...JAVA_OPTIONS, '-cp', JAVA_CLASSPATH, 'hub.peers.As2Peer']];
}

/**
 * Sends one AS2 message with a real peer and returns what the peer library made of the MDN. Resolves also when the
 * peer judged the MDN negative (`exitCode` 1, `error` says why); rejects, with the peer's stderr, when the CLI
 * printed no JSON line (crash, bad arguments, not installed).
 */
export function sendAs2(peer: As2PeerName, options: SendAs2Options): Promise<PeerResult> {
  const [command, prefix] = peerCommand(peer);
  const args = [...prefix, ...sendArguments(options)];
  const started = Date.now();
  const killAfterMs = ((options.timeoutSeconds ?? 30) + 30) * 1000;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${peer}: cannot start ${command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.startsWith('{'))
        .pop();
      if (!line) {
        reject(
          new Error(
            `${peer} send exited with ${code ?? signal} and printed no JSON line.\n` +
              `command: ${command} ${args.join(' ')}\nstdout: ${stdout}\nstderr: ${stderr}`,
          ),
        );
        return;
      }
      try {
        const parsed = JSON.parse(line) as Omit<PeerResult, 'exitCode' | 'stderr' | 'durationMs'>;
        resolvePromise({ ...parsed, exitCode: code ?? -1, stderr, durationMs: Date.now() - started });
      } catch (err) {
        reject(new Error(`${peer}: unreadable output ${line}: ${(err as Error).message}\nstderr: ${stderr}`));
      }
    });
  });
}

/** What the reference receiver wrote about one message (`<out>/<message id>.json`). */
export interface ReceivedAs2Message {
  messageId: string;
  status: string;
  error: string | null;
  signed: boolean;
  digestAlg: string | null;
  encrypted: boolean;
  encAlg: string | null;
  compressed: boolean;
  mic: string | null;
  /** Content type of the payload part after decryption, verification and decompression. */
  contentType: string | null;
  headers: Record<string, string>;
  mdn: { mode: 'SYNC' | 'ASYNC'; url: string | null } | null;
}

export interface ReferenceReceiverOptions {
  /** The receiver's own AS2 ID and keys (it decrypts with them and signs MDNs with them). */
  keys: As2Keys;
  /** The one partner it accepts, and that partner's certificate (verifies signatures). */
  partnerId: string;
  partnerCert: string;
  /** Folder for payloads and records; a new temp folder when omitted. */
  outDir?: string;
  /** 0 or omitted: a free port. */
  port?: number;
}

export interface ReferenceReceiver {
  url: string;
  port: number;
  outDir: string;
  /** The record of an accepted message, or undefined. */
  record(messageId: string): ReceivedAs2Message | undefined;
  /** The payload bytes of an accepted message, or undefined. */
  payload(messageId: string): Buffer | undefined;
  /** Records of refused messages (duplicates, failed checks) with that message ID. */
  refused(messageId: string): ReceivedAs2Message[];
  /** What the receiver printed on stderr so far. */
  stderr(): string;
  stop(): Promise<void>;
}

function safeName(messageId: string): string {
  return messageId.replace(/[^A-Za-z0-9._@-]/g, '_').slice(0, 200);
}

/** Starts the pyas2lib reference receiver (`as2peer.py serve`) and resolves once it listens. */
export async function startReferenceReceiver(options: ReferenceReceiverOptions): Promise<ReferenceReceiver> {
  const outDir = options.outDir ?? mkdtempSync(join(tmpdir(), 'as2-received-'));
  const args = [
    PY_PEER,
    'serve',
    '--port',
    String(options.port ?? 0),
    '--as2-id',
    options.keys.as2Id,
    '--key',
    options.keys.keyPath,
    '--cert',
    options.keys.certPath,
    '--partner-cert',
    options.partnerCert,
    '--partner-id',
    options.partnerId,
    '--out',
    outDir,
  ];
  const child: ChildProcess = spawn(VENV_PYTHON, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  const ready = await new Promise<{ listening: string; port: number }>((resolveReady, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const timer = setTimeout(
      () => reject(new Error(`reference receiver did not start in 20 s\n${stderr}`)),
      20000,
    );
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      lines.close();
      resolveReady(JSON.parse(line) as { listening: string; port: number });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reference receiver exited with ${code}\n${stderr}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });

  const readJson = (file: string): ReceivedAs2Message | undefined =>
    existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ReceivedAs2Message) : undefined;

  return {
    url: ready.listening,
    port: ready.port,
    outDir,
    record: (messageId) => readJson(join(outDir, `${safeName(messageId)}.json`)),
    payload: (messageId) => {
      const file = join(outDir, `${safeName(messageId)}.payload`);
      return existsSync(file) ? readFileSync(file) : undefined;
    },
    refused: (messageId) =>
      readdirSync(outDir)
        .filter((f) => f.startsWith(`${safeName(messageId)}.refused-`) && f.endsWith('.json'))
        .sort()
        .map((f) => readJson(join(outDir, f))!),
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.outDir) rmSync(outDir, { recursive: true, force: true });
    },
  };
}

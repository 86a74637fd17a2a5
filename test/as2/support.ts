/** What the AS2 specifications share: identities made once per file, captures read as HTTP, openssl in a temp folder. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { generateAs2Identity } from '../../connectors/as2/protocol';
import type { OwnKeyPair } from '../../connectors/as2/protocol/cms';
import { parseMimeEntity } from '../../connectors/as2/protocol/mime';
import { loadSignerCredentials } from '../../domain/signature/signer-credentials';
import { corpusDir } from '../domain/corpus-support';

export const as2CorpusDir = path.join(corpusDir, 'as2');
export const as2CorpusPresent = fs.existsSync(path.join(as2CorpusDir, 'payload.txt'));

export function corpusFile(name: string): Buffer {
  return fs.readFileSync(path.join(as2CorpusDir, name));
}

/** A capture is the HTTP headers, an empty line, the body: read as HTTP hands it to the gateway. */
export function readCapture(name: string): { headers: Record<string, string>; body: Buffer } {
  const entity = parseMimeEntity(corpusFile(name));
  return { headers: entity.headers.toRecord(), body: entity.body };
}

/** The corpus receiver key: a legacy RC2-40 PKCS#12 that Node cannot open (node-forge can). */
let corpusKey: OwnKeyPair | undefined;
export function corpusHubKeyPair(): OwnKeyPair {
  if (corpusKey) return corpusKey;
  const credentials = loadSignerCredentials({ p12: corpusFile('cert_test.p12'), password: 'test' });
  return (corpusKey = {
    privateKeyPem: credentials.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: pem('CERTIFICATE', credentials.certificate),
  });
}

export function pem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END ${label}-----\n`;
}

/** Identities generated once per test file, by name. */
const identities = new Map<string, Promise<OwnKeyPair>>();
export function identity(name: string): Promise<OwnKeyPair> {
  let made = identities.get(name);
  if (!made) identities.set(name, (made = generateAs2Identity(name)));
  return made;
}

export function digest(algorithm: 'sha1' | 'sha256' | 'sha384' | 'sha512', bytes: Buffer): string {
  return createHash(algorithm).update(bytes).digest('base64');
}

/** Flips one bit of the byte at `index` (negative: from the end). */
export function flipped(bytes: Buffer, index: number): Buffer {
  const copy = Buffer.from(bytes);
  const at = index < 0 ? copy.length + index : index;
  copy[at] ^= 0x01;
  return copy;
}

/** A temporary folder for openssl's files; `run` executes openssl there and returns stdout. */
export interface OpensslWorkspace {
  dir: string;
  write(name: string, content: string | Buffer): string;
  read(name: string): Buffer;
  run(...args: string[]): Buffer;
  close(): void;
}

export function opensslWorkspace(): OpensslWorkspace {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'as2-openssl-'));
  return {
    dir,
    write: (name, content) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, content);
      return file;
    },
    read: (name) => fs.readFileSync(path.join(dir, name)),
    run: (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }),
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

export const opensslPresent = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let zlib: boolean | undefined;
export function opensslHasZlib(): boolean {
  if (zlib === undefined) {
    try {
      execFileSync('openssl', ['cms', '-compress', '-outform', 'DER'], {
        input: 'x',
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      zlib = true;
    } catch {
      zlib = false;
    }
  }
  return zlib;
}

/**
 * A real PKCS#11 token for signing tests: SoftHSM2 (Debian's softhsm2, with OpenSC's pkcs11-tool), one token
 * per call, holding a test identity's private key (imported as PKCS#8, so it stays on the token), its
 * certificate under the key's id and label, and the issuing CA certificates if given.
 *
 * Tokens live in a temporary folder named by a softhsm2.conf; `createSoftHsmToken` points SOFTHSM2_CONF at it
 * (`use()` points it back later; `env` is for child processes). SoftHSM reads SOFTHSM2_CONF and its tokens when
 * the module is initialized, so make the tokens a test file needs before opening any, and close every key
 * before `close()`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SHARE_ENV, Worker } from 'node:worker_threads';

const run = promisify(execFile);

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';

/** Why the SoftHSM2 tests cannot run here, or undefined when they can: `(softHsmSkipReason ? describe.skip : describe)`. */
export const softHsmSkipReason: string | undefined = (() => {
  if (!existsSync(SOFTHSM_MODULE)) return `${SOFTHSM_MODULE} is missing (apt-get install softhsm2)`;
  for (const [tool, debianPackage] of [
    ['softhsm2-util', 'softhsm2'],
    ['pkcs11-tool', 'opensc'],
  ]) {
    if (spawnSync(tool, ['--help']).error) return `${tool} is missing (apt-get install ${debianPackage})`;
  }
  return undefined;
})();

export interface SoftHsmIdentity {
  certificatePem: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** Issuing CA certificates to store on the token too; the identity's own certificate is skipped if present. */
  chainPem?: string;
}

export interface SoftHsmTokenOptions {
  tokenLabel?: string;
  pin?: string;
  soPin?: string;
  keyLabel?: string;
  /** CKA_ID of the key and its certificate, hex. */
  keyId?: string;
  /** Leave the certificate off the token (the key alone). */
  withoutCertificate?: boolean;
  /** Another token whose folder and softhsm2.conf this one joins: one module, several tokens. */
  sharing?: SoftHsmToken;
}

export interface SoftHsmToken {
  module: string;
  /** The slot id SoftHSM gave the token (random, derived from its serial). */
  slot: number;
  tokenLabel: string;
  pin: string;
  keyLabel: string;
  keyId: string;
  /** The softhsm2.conf naming the token folder. */
  conf: string;
  /** process.env with SOFTHSM2_CONF, for child processes (pkcs11-tool, bin/hub). */
  env: NodeJS.ProcessEnv;
  /** Points this process's SOFTHSM2_CONF at the token's folder: the module's next initialization sees its tokens. */
  use(): Promise<void>;
  /** Imports another PKCS#8 key, and its certificate when given, under `label` and `id` (hex). */
  importKey(key: {
    privateKeyPem: string;
    certificatePem?: string;
    label: string;
    id: string;
  }): Promise<void>;
  /** Removes the token folder (unless the token shares another token's folder: that one's close removes it). */
  close(): void;
}

let made = 0;

export async function createSoftHsmToken(
  identity: SoftHsmIdentity,
  options: SoftHsmTokenOptions = {},
): Promise<SoftHsmToken> {
  const dir = options.sharing ? join(options.sharing.conf, '..') : mkdtempSync(join(tmpdir(), 'softhsm-'));
  const conf = join(dir, 'softhsm2.conf');
  if (!options.sharing) {
    mkdirSync(join(dir, 'tokens'));
    writeFileSync(
      conf,
      `directories.tokendir = ${join(dir, 'tokens')}\nobjectstore.backend = file\nlog.level = ERROR\n`,
    );
  }
  const use = () => setProcessEnvironment('SOFTHSM2_CONF', conf);
  await use();
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const tokenLabel = options.tokenLabel ?? `test-token-${process.pid}-${++made}`;
  const pin = options.pin ?? '1234';
  const keyLabel = options.keyLabel ?? 'signing-key';
  const keyId = options.keyId ?? '01';

  const { stdout } = await run(
    'softhsm2-util',
    ['--init-token', '--free', '--label', tokenLabel, '--pin', pin, '--so-pin', options.soPin ?? '5678'],
    { env },
  );
  const slot = /reassigned to slot (\d+)/.exec(stdout)?.[1];
  if (!slot) throw new Error(`softhsm2-util --init-token printed no slot: ${stdout}`);

  let files = 0;
  const writeFile = (name: string, content: string | Buffer): string => {
    const file = join(dir, `${++files}-${name}`);
    writeFileSync(file, content, { mode: 0o600 });
    return file;
  };
  const writeCertificate = (certificate: Buffer, label: string, id: string) =>
    run(
      'pkcs11-tool',
      [
        ...['--module', SOFTHSM_MODULE, '--token-label', tokenLabel, '--login', '--pin', pin],
        ...[
          '--write-object',
          writeFile('cert.der', certificate),
          '--type',
          'cert',
          '--id',
          id,
          '--label',
          label,
        ],
      ],
      { env },
    );
  const importKey: SoftHsmToken['importKey'] = async (key) => {
    const keyFile = writeFile('key.pk8', key.privateKeyPem);
    try {
      await run(
        'softhsm2-util',
        ['--import', keyFile, '--token', tokenLabel, '--label', key.label, '--id', key.id, '--pin', pin],
        { env },
      );
    } finally {
      rmSync(keyFile);
    }
    if (key.certificatePem) await writeCertificate(certificatesIn(key.certificatePem)[0], key.label, key.id);
  };

  await importKey({
    privateKeyPem: identity.privateKeyPem,
    certificatePem: options.withoutCertificate ? undefined : identity.certificatePem,
    label: keyLabel,
    id: keyId,
  });
  const own = certificatesIn(identity.certificatePem)[0];
  const authorities = certificatesIn(identity.chainPem ?? '').filter((der) => !der.equals(own));
  for (const [index, der] of authorities.entries()) {
    await writeCertificate(der, `ca-${index + 1}`, `ca${(index + 1).toString(16).padStart(2, '0')}`);
  }

  return {
    module: SOFTHSM_MODULE,
    slot: Number(slot),
    tokenLabel,
    pin,
    keyLabel,
    keyId,
    conf,
    env,
    use,
    importKey,
    close() {
      if (!options.sharing) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Jest gives each test file its own copy of process.env, which native code (SoftHSM's getenv) never sees; a worker
 * thread started with SHARE_ENV writes the process's real environment.
 */
async function setProcessEnvironment(name: string, value: string): Promise<void> {
  process.env[name] = value;
  const worker = new Worker(
    'const { workerData } = require("node:worker_threads"); process.env[workerData.name] = workerData.value;',
    { eval: true, env: SHARE_ENV, workerData: { name, value } },
  );
  await new Promise<void>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`the worker exited with ${code}`)),
    );
  });
}

function certificatesIn(pem: string): Buffer[] {
  return [...pem.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map(
    (block) => new X509Certificate(block[0]).raw,
  );
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Debian's OpenSSH client tools, as an issuer's billing system would use them. */
export const opensshAvailable = (() => {
  try {
    return fs.existsSync('/usr/bin/sftp') && fs.existsSync('/usr/bin/ssh-keygen');
  } catch {
    return false;
  }
})();

export interface SshKeyPair {
  privateKeyFile: string;
  publicKeyFile: string;
  publicKey: string;
}

/** A fresh ed25519 (or RSA) key pair made by ssh-keygen, in a folder of its own. */
export async function makeSshKey(
  dir: string = fs.mkdtempSync(path.join(os.tmpdir(), 'sshkey-')),
  type: 'ed25519' | 'rsa' = 'ed25519',
): Promise<SshKeyPair> {
  fs.mkdirSync(dir, { recursive: true });
  const privateKeyFile = path.join(dir, `id_${type}`);
  await run('ssh-keygen', ['-q', '-t', type, '-N', '', '-C', `test-${type}`, '-f', privateKeyFile]);
  const publicKeyFile = `${privateKeyFile}.pub`;
  return { privateKeyFile, publicKeyFile, publicKey: fs.readFileSync(publicKeyFile, 'utf8') };
}

export interface SftpTarget {
  port: number;
  user: string;
  key: string;
}

export interface BatchResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs OpenSSH's `sftp -b` with the given batch commands (a line each). A leading "-" on a command lets the batch
 * go on when that command fails, as in OpenSSH's batch syntax.
 */
export function sftpBatch(
  target: SftpTarget,
  commands: string[],
  options: { cwd?: string; limitKbit?: number } = {},
): Promise<BatchResult> & { child: ChildProcess; kill(): void } {
  const child = spawn(
    'sftp',
    [
      '-b',
      '-',
      '-P',
      String(target.port),
      '-i',
      target.key,
      '-o',
      'StrictHostKeyChecking=no',
      '-o',
      'UserKnownHostsFile=/dev/null',
      '-o',
      'IdentitiesOnly=yes',
      '-o',
      'BatchMode=yes',
      '-o',
      'LogLevel=ERROR',
      ...(options.limitKbit ? ['-l', String(options.limitKbit)] : []),
      `${target.user}@127.0.0.1`,
    ],
    // Its own process group, so killing it takes the ssh process sftp runs along (the connection dies with both).
    { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: true },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // An sftp that cannot connect exits before it reads its commands: the write fails with EPIPE, and the exit code
  // already says what happened.
  child.stdin.on('error', () => undefined);
  child.stdin.end(commands.join('\n') + '\n');
  const done = new Promise<BatchResult>((resolve) =>
    child.once('close', (code) => resolve({ code, stdout, stderr })),
  );
  const kill = () => {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  };
  return Object.assign(done, { child, kill });
}

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fingerprintOf, parsePublicKey } from '../../connectors/sftp/keys';
import { freePort, waitForPort } from '../../embedded/ports';
import { stopChild } from '../../embedded/processes';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
/** Chroot folders must be root-owned all the way up and not writable by others: not under /tmp. */
const BASE = '/srv/hub-test-sftp';

/**
 * Debian's OpenSSH server as an issuer's own SFTP server, for the pickup connector's tests: its own sshd on a free
 * loopback port, its own host key, users chrooted to their own folder with SFTP only. Needs root (chroot, useradd).
 */
export const sshdSkipReason: string | undefined = !fs.existsSync(SSHD)
  ? `${SSHD} is missing (apt-get install -y openssh-server, or scripts/install-peers.sh)`
  : process.getuid?.() !== 0
    ? 'the OpenSSH server tests need root (ChrootDirectory, useradd); they run as root in CI'
    : !fs.existsSync('/usr/bin/ssh-keygen')
      ? 'ssh-keygen is missing (apt-get install -y openssh-client)'
      : undefined;

export interface SftpAccount {
  user: string;
  /** The account's chroot on disk: what the account sees as "/". */
  root: string;
  privateKey: Buffer;
  privateKeyFile: string;
  /** A folder inside the chroot, made and owned by the account (e.g. "in", "out"). */
  folder(name: string): string;
  /** Writes a file as the issuer's own system would, owned by the account. */
  write(remotePath: string, content: string | Buffer): string;
}

export interface RunningSshd {
  port: number;
  /** OpenSSH's SHA256 fingerprint of the host key the server presents now. */
  hostKeyFingerprint(): string;
  addAccount(): Promise<SftpAccount>;
  /** Restarts the server on the same port with a freshly generated host key. */
  rotateHostKey(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSshd(): Promise<RunningSshd> {
  fs.mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  fs.mkdirSync(BASE, { recursive: true, mode: 0o755 });
  fs.chmodSync(BASE, 0o755);
  await removeStaleServers();
  const id = crypto.randomBytes(4).toString('hex');
  const base = path.join(BASE, id);
  const etc = path.join(base, 'etc');
  const keys = path.join(base, 'keys');
  const chroots = path.join(base, 'chroot');
  for (const dir of [base, etc, keys, chroots]) fs.mkdirSync(dir, { mode: 0o755 });
  const userPrefix = `hubsftp${id}`;
  const port = await freePort();
  const hostKey = path.join(etc, 'host_ed25519_key');
  const configFile = path.join(etc, 'sshd_config');
  fs.writeFileSync(
    configFile,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(etc, 'sshd.pid')}`,
      `AuthorizedKeysFile ${keys}/%u`,
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'PermitRootLogin no',
      'LogLevel INFO',
      'Subsystem sftp internal-sftp',
      `Match User ${userPrefix}*`,
      `  ChrootDirectory ${chroots}/%u`,
      '  ForceCommand internal-sftp',
      '  AllowTcpForwarding no',
      '  X11Forwarding no',
      '',
    ].join('\n'),
  );
  const users: string[] = [];
  let child: ChildProcess | undefined;
  let log = '';

  const makeHostKey = async () => {
    fs.rmSync(hostKey, { force: true });
    fs.rmSync(`${hostKey}.pub`, { force: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test-host', '-f', hostKey]);
  };
  const launch = async () => {
    await run(SSHD, ['-t', '-f', configFile]).catch((error: Error & { stderr?: string }) => {
      throw new Error(`sshd -t refused ${configFile}: ${error.stderr ?? error.message}`);
    });
    log = '';
    const started = spawn(SSHD, ['-D', '-e', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    started.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
    const exited = new Promise<never>((_, reject) =>
      started.once('exit', (code) => reject(new Error(`sshd exited with ${code}: ${log}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([waitForPort(port, '127.0.0.1', 15_000), exited]);
    child = started;
  };

  await makeHostKey();
  await launch();
  let counter = 0;
  return {
    port,
    hostKeyFingerprint: () =>
      fingerprintOf(parsePublicKey(fs.readFileSync(`${hostKey}.pub`, 'utf8')).publicKey),
    async addAccount() {
      const user = `${userPrefix}u${++counter}`;
      await run('useradd', ['--no-create-home', '--home-dir', '/', '--shell', '/usr/sbin/nologin', user]);
      users.push(user);
      // useradd leaves the account locked ("!"), which sshd refuses without PAM; "*" is no password, not locked.
      await run('usermod', ['-p', '*', user]);
      const { stdout } = await run('id', ['-u', user]);
      const { stdout: gid } = await run('id', ['-g', user]);
      const uid = Number(stdout.trim());
      const root = path.join(chroots, user);
      fs.mkdirSync(root, { mode: 0o755 });
      const keyFile = path.join(etc, `id_${user}`);
      await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', user, '-f', keyFile]);
      fs.copyFileSync(`${keyFile}.pub`, path.join(keys, user));
      fs.chmodSync(path.join(keys, user), 0o644);
      const own = (target: string) => fs.chownSync(target, uid, Number(gid.trim()));
      return {
        user,
        root,
        privateKey: fs.readFileSync(keyFile),
        privateKeyFile: keyFile,
        folder(name) {
          const dir = path.join(root, name);
          fs.mkdirSync(dir, { recursive: true, mode: 0o755 });
          own(dir);
          return dir;
        },
        write(remotePath, content) {
          const file = path.join(root, remotePath);
          fs.writeFileSync(file, content);
          own(file);
          return file;
        },
      };
    },
    async rotateHostKey() {
      if (child) await stopChild(child, 5_000);
      await makeHostKey();
      await launch();
    },
    async stop() {
      if (child) await stopChild(child, 5_000);
      for (const user of users) await run('userdel', [user]).catch(() => undefined);
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Servers, users and folders a killed test run left behind (no live sshd, older than ten minutes). */
async function removeStaleServers(): Promise<void> {
  const passwd = fs.readFileSync('/etc/passwd', 'utf8');
  for (const id of fs.readdirSync(BASE)) {
    const base = path.join(BASE, id);
    if (Date.now() - fs.statSync(base).mtimeMs < 10 * 60_000) continue;
    try {
      process.kill(Number(fs.readFileSync(path.join(base, 'etc', 'sshd.pid'), 'utf8')), 0);
      continue; // still serving
    } catch {
      // no pid file, or no such process: stale
    }
    const users = passwd.split('\n').map((line) => line.split(':')[0]);
    for (const user of users.filter((u) => u.startsWith(`hubsftp${id}u`))) {
      await run('userdel', [user]).catch(() => undefined);
    }
    fs.rmSync(base, { recursive: true, force: true });
  }
}

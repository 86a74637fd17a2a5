import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as SshClient, type SFTPWrapper } from 'ssh2';
import { loadHostKey, parsePublicKey } from '../../connectors/sftp/keys';
import { startSftpServer, type RunningSftpServer } from '../../connectors/sftp/server';
import type { Issuer } from '../../db/issuers';
import { addSftpKey } from '../../db/sftp-keys';
import { addTestIssuer, type TestHub } from './hub';
import { makeSshKey, type SftpTarget } from './openssh';

/** The hub's SFTP server in the test process, on a free loopback port, over the test hub's database and Temporal. */
export async function startTestSftpServer(hub: TestHub): Promise<RunningSftpServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sftp-host-'));
  return startSftpServer(
    { db: hub.db, temporal: hub.temporal, config: hub.config },
    {
      port: 0,
      host: '127.0.0.1',
      hostKey: loadHostKey(dir),
      maxUploadBytes: hub.config.sftp.maxUploadBytes,
      outboxDays: 30,
    },
  );
}

export interface SftpIssuer {
  issuer: Issuer;
  target: SftpTarget;
  privateKey: Buffer;
}

/** An issuer with an ed25519 login key registered, and where its files are. */
export async function addSftpIssuer(hub: TestHub, port: number): Promise<SftpIssuer> {
  const { issuer } = await addTestIssuer(hub.db);
  const key = await makeSshKey();
  await addSftpKey(hub.db, { issuerId: issuer.id, ...parsePublicKey(key.publicKey) });
  return {
    issuer,
    target: { port, user: issuer.id, key: key.privateKeyFile },
    privateKey: fs.readFileSync(key.privateKeyFile),
  };
}

/** A folder of its own for the files one test uploads and downloads. */
export function workFolder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `sftp-work-${crypto.randomUUID().slice(0, 4)}-`));
}

/**
 * A protocol-level SFTP session (ssh2's client), for requests OpenSSH's client will not send as such
 * (NUL bytes, over-long names, raw paths).
 */
export async function rawSftp(
  port: number,
  username: string,
  privateKey: Buffer,
): Promise<{ sftp: SFTPWrapper; end(): void }> {
  const client = new SshClient();
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', reject);
    client.connect({ host: '127.0.0.1', port, username, privateKey, readyTimeout: 10_000 });
  });
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) =>
    client.sftp((error, session) => (error ? reject(error) : resolve(session))),
  );
  return { sftp, end: () => client.end() };
}

/** Logs in with ssh2's client; resolves with the error when the server refuses. */
export function tryLogin(
  port: number,
  options: { username: string; privateKey?: Buffer; password?: string },
): Promise<Error | undefined> {
  const client = new SshClient();
  return new Promise((resolve) => {
    client.once('ready', () => {
      client.end();
      resolve(undefined);
    });
    client.once('error', (error) => resolve(error));
    client.connect({ host: '127.0.0.1', port, readyTimeout: 10_000, tryKeyboard: false, ...options });
  });
}

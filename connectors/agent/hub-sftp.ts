/**
 * Delivery by the hub's SFTP server: the signed invoice is written to /inbox under a temporary name and renamed
 * (so the hub never takes a half-written file), then the hub's acknowledgement /outbox/NAME.ack.json says which
 * invoice it became. The name carries the exported file's hash, so a resend after a crash is the same delivery and
 * two exports that happen to share a name never read each other's answers.
 *
 * The hub's host key is pinned: given as --sftp-host-key, or trusted on first use and kept in .hub-agent/.
 */
import fs from 'node:fs';
import path from 'node:path';
import SftpClient from 'ssh2-sftp-client';
import { fingerprintOf } from '../sftp/keys';
import { HubCallError, type DeliveredInvoice, type HubApi } from './hub-api';
import type { SftpTarget } from './options';

const ACK_WAIT_MS = 120_000;

export class HubSftp {
  private client: SftpClient | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly target: SftpTarget,
    private readonly agentFolder: string,
    private readonly api: HubApi,
  ) {}

  /** The name the file is delivered under: its own, with the first 16 hex digits of its hash. */
  static remoteName(deliveryName: string, fileHash: string): string {
    const { name, ext } = path.parse(deliveryName);
    return `${name}.${fileHash.slice(0, 16)}${ext || '.xml'}`;
  }

  deliver(signed: Buffer, fileHash: string, deliveryName: string): Promise<DeliveredInvoice> {
    // One SFTP session, one file at a time: uploads are bound by the link, not by round trips.
    const next = this.queue.then(() => this.upload(signed, HubSftp.remoteName(deliveryName, fileHash)));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = undefined;
  }

  private async upload(signed: Buffer, name: string): Promise<DeliveredInvoice> {
    const sftp = await this.connection();
    try {
      const ack = await this.readAck(sftp, name, 0);
      if (!ack) {
        const staging = `/inbox/${name}.part`;
        await sftp.put(signed, staging);
        await sftp.rename(staging, `/inbox/${name}`);
      }
      return this.answerOf(ack ?? (await this.readAck(sftp, name, ACK_WAIT_MS)), name);
    } catch (error) {
      if (error instanceof HubCallError) throw error;
      await this.close();
      throw new HubCallError(
        'transient',
        'SFTP_FAILED',
        `the hub's SFTP server ${this.target.host}:${this.target.port}: ${(error as Error).message}`,
      );
    }
  }

  private answerOf(ack: Record<string, unknown> | undefined, name: string): DeliveredInvoice {
    if (!ack) {
      throw new HubCallError(
        'transient',
        'NO_ACKNOWLEDGEMENT',
        `the hub has not acknowledged /inbox/${name} within ${ACK_WAIT_MS / 1000} s; it is asked again`,
      );
    }
    const invoice = ack.invoice as { id: string; number: string; status: string } | undefined;
    const error = ack.error as { code: string; message: string } | undefined;
    if (ack.status === 'quarantined' || !invoice) {
      throw new HubCallError(
        'refused',
        error?.code ?? 'QUARANTINED',
        error?.message ?? 'the hub quarantined the file',
      );
    }
    return {
      id: invoice.id,
      number: invoice.number,
      status: invoice.status,
      link: this.api.invoiceLink(invoice.id),
      duplicate: ack.duplicate === true,
    };
  }

  /** The acknowledgement of `name`, waiting up to `waitMs` for it. */
  private async readAck(
    sftp: SftpClient,
    name: string,
    waitMs: number,
  ): Promise<Record<string, unknown> | undefined> {
    const file = `/outbox/${name}.ack.json`;
    const deadline = Date.now() + waitMs;
    for (let pause = 100; ; pause = Math.min(pause * 2, 2000)) {
      if (await sftp.exists(file)) {
        return JSON.parse(((await sftp.get(file)) as Buffer).toString('utf8')) as Record<string, unknown>;
      }
      if (Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }

  private async connection(): Promise<SftpClient> {
    if (this.client) return this.client;
    const client = new SftpClient('hub-agent', {
      error: () => undefined,
      end: () => undefined,
      close: () => {
        if (this.client === client) this.client = undefined;
      },
    });
    const pinned = path.join(this.agentFolder, 'sftp-host-key');
    let presented: string | undefined;
    let expected = this.target.hostKey;
    if (!expected && fs.existsSync(pinned)) expected = fs.readFileSync(pinned, 'utf8').trim();
    try {
      await client.connect({
        host: this.target.host,
        port: this.target.port,
        username: this.target.username,
        privateKey: fs.readFileSync(this.target.privateKeyFile),
        readyTimeout: 15_000,
        keepaliveInterval: 10_000,
        hostVerifier: (key: Buffer) => {
          presented = fingerprintOf(key);
          return !expected || presented === expected;
        },
      });
    } catch (error) {
      await client.end().catch(() => undefined);
      if (presented && expected && presented !== expected) {
        throw new HubCallError(
          'unauthorized',
          'HOST_KEY_CHANGED',
          `the SFTP server ${this.target.host}:${this.target.port} presented the host key ${presented}, but ${expected} ` +
            'is pinned: it may not be the hub. If the hub changed its key on purpose, give --sftp-host-key with the new one.',
        );
      }
      if (/authentication/i.test((error as Error).message)) {
        throw new HubCallError(
          'unauthorized',
          'SFTP_LOGIN_REFUSED',
          `the hub's SFTP server refused the login of ${this.target.username} with ${this.target.privateKeyFile}: ` +
            'register its public key with bin/hub issuer sftp-key add',
        );
      }
      throw error;
    }
    if (!expected && presented) fs.writeFileSync(pinned, presented + '\n'); // trusted on first use
    this.client = client;
    return client;
  }
}

import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A webhook receiver for the tests: a real node:http server that checks every request's signature with its own
 * implementation of the Standard Webhooks verification (not the hub's), and answers as the test tells it to:
 * 500, too late, 410, or 200. It can be taken down (its port closed) and brought back on the same port.
 */
export type Answer = 'ok' | 'fail' | 'late' | 'gone';

export interface ReceivedWebhook {
  id: string;
  type: string;
  invoiceId: string;
  body: string;
  headers: http.IncomingHttpHeaders;
  signatures: number;
  verified: boolean;
  answer: Answer;
}

const TOLERANCE_SECONDS = 5 * 60;

/** Standard Webhooks: base64 HMAC-SHA256 of "id.timestamp.body" with the secret's bytes; any v1 signature may match. */
export function verifyStandardWebhook(
  secret: string,
  headers: http.IncomingHttpHeaders,
  body: string,
): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > TOLERANCE_SECONDS)
    return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();
  return signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && crypto.timingSafeEqual(given, expected);
  });
}

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Answers for the next requests, in turn; then 200. */
  readonly plan: Answer[] = [];
  /** The secret(s) it accepts; set once the endpoint is registered. */
  secrets: string[] = [];
  /** Past the tests' WEBHOOK_TIMEOUT (3 s): the hub has given up on the attempt when this answer comes. */
  lateMs = 4_500;
  /** How long a 2xx answer takes (a slow receiver). */
  okDelayMs = 0;
  private server?: http.Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const verified = this.secrets.some((s) => verifyStandardWebhook(s, req.headers, body));
        const answer: Answer = verified ? (this.plan.shift() ?? 'ok') : 'fail';
        const parsed = JSON.parse(body) as { type: string; data: { invoiceId: string } };
        this.received.push({
          id: String(req.headers['webhook-id']),
          type: parsed.type,
          invoiceId: parsed.data.invoiceId,
          body,
          headers: req.headers,
          signatures: String(req.headers['webhook-signature']).split(' ').length,
          verified,
          answer,
        });
        if (!verified) return void res.writeHead(401).end('bad signature');
        if (answer === 'fail') return void res.writeHead(500).end('receiver failed');
        if (answer === 'gone') return void res.writeHead(410).end('gone');
        if (answer === 'late') return void setTimeout(() => res.writeHead(200).end(), this.lateMs);
        setTimeout(() => res.writeHead(204).end(), this.okDelayMs);
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: the port is closed, so the hub's attempts are refused. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** What it accepted (answered 2xx), each webhook-id once, in first-arrival order, per invoice. */
  acceptedIdsByInvoice(): Map<string, string[]> {
    const byInvoice = new Map<string, string[]>();
    for (const r of this.received) {
      if (!r.verified || r.answer === 'fail' || r.answer === 'gone') continue;
      const ids = byInvoice.get(r.invoiceId) ?? [];
      if (!ids.includes(r.id)) ids.push(r.id);
      byInvoice.set(r.invoiceId, ids);
    }
    return byInvoice;
  }
}

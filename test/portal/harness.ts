import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createPool, type Db } from '../../db';
import { archiveInvoice, recordInvoiceEvent, recordReceivedInvoice } from '../../db/invoices';
import { createIssuer, type Issuer } from '../../db/issuers';
import { ensureInvitation, ensureUser } from '../../db/users';
import { parseInvoice, summarizeInvoice } from '../../domain/invoice';
import { createGatewayApp } from '../../gateway/app';
import type { PortalDeps } from '../../gateway/portal';
import { loadConfig, type HubConfig } from '../../platform/config';
import { lifecycleWorkflowId, recordViewSignal } from '../../workflows/messages';
import { randomEik, uniqueEmail } from '../support/hub';

export { uniqueEmail };

/**
 * The portal against the real services of the integration set-up (test/support/services.ts): PostgreSQL with the
 * hub's migrations and the Temporal dev server. Each test makes its own issuer, addresses and numbers, so tests
 * sharing one database never see each other's data.
 */
export interface PortalHarness {
  db: Db;
  temporal: Client;
  config: HubConfig;
  baseUrl: string;
  close(): Promise<void>;
}

const FIXTURE = path.join(__dirname, 'fixtures', 'bulgarian-invoice.xml');

/** `env`: settings for this gateway only (e.g. REQUIRE_2FA_ADMINS), over the test run's. */
export async function startPortalHarness(env: Record<string, string> = {}): Promise<PortalHarness> {
  const config = loadConfig({ ...process.env, DATA_DIR: process.env.HUB_TEST_ROOT, PORT: '0', ...env });
  const db = createPool(required('DATABASE_URL'), 5);
  const connection = await Connection.connect({ address: required('TEMPORAL_ADDRESS') });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const api = await serveGateway({ db, temporal, config });
  return {
    db,
    temporal,
    config,
    baseUrl: api.baseUrl,
    async close() {
      await api.close();
      await connection.close();
      await db.end();
    },
  };
}

/** Serves the gateway exactly as the hub does: API validation, portal API, issuer API, the built portal. */
export async function serveGateway(deps: PortalDeps): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const app = createGatewayApp(deps);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the portal tests through jest's integration project`);
  return value;
}

/** A ten-digit invoice number no other test uses. */
export function uniqueNumber(): string {
  return String(crypto.randomInt(1, 2 ** 47))
    .padStart(10, '0')
    .slice(-10);
}

export async function newIssuer(db: Db, name = 'Примерна Търговия ЕООД'): Promise<Issuer> {
  const eik = randomEik();
  const { issuer } = await createIssuer(db, { name, eik, email: `issuer-${eik}@issuer.example` });
  return issuer;
}

export interface DeliveredInvoice {
  id: string;
  number: string;
  workflowId: string;
  original: Buffer;
}

/**
 * An invoice as the lifecycle leaves it once the recipient was notified: registry row, archive entry, timeline.
 * It goes through the lead's repository functions, so the portal reads what production writes.
 */
export async function deliverInvoice(
  db: Db,
  issuer: Issuer,
  recipientEmail: string,
  number = uniqueNumber(),
): Promise<DeliveredInvoice> {
  const xml = fs
    .readFileSync(FIXTURE, 'utf8')
    .replace(/\{\{NUMBER\}\}/g, number)
    .replace(/\{\{RECIPIENT_EMAIL\}\}/g, recipientEmail);
  const original = Buffer.from(xml, 'utf8');
  const model = parseInvoice(original);
  const summary = summarizeInvoice(model);
  const id = crypto.randomUUID();
  const workflowId = lifecycleWorkflowId(issuer.id, number);
  await recordReceivedInvoice(db, {
    id,
    issuerId: issuer.id,
    number,
    workflowId,
    channel: 'sftp',
    original,
    sha256: crypto.createHash('sha256').update(original).digest('hex'),
    summary,
  });
  await archiveInvoice(db, id, { model, summary, report: {}, retainUntil: '2036-12-31' });
  const events: [string, string, Record<string, unknown>][] = [
    ['received', 'received', { channel: 'sftp' }],
    ['verified', 'verified', { indication: 'TOTAL-PASSED' }],
    ['archived', 'archived', { sha256: 'internal', retainUntil: '2036-12-31' }],
    ['recipient notified', 'notified', { to: recipientEmail, invitation: true }],
    ['awaiting view', 'awaiting view', {}],
  ];
  for (const [index, [type, status, detail]] of events.entries()) {
    const at = new Date(Date.UTC(2026, 0, 15, 9, index)).toISOString();
    await recordInvoiceEvent(db, id, { key: `${index + 1}:${type}`, type, status, at, detail });
  }
  return { id, number, workflowId, original };
}

/** The invitation link token the first e-mail to this address carries (created the way the notification does). */
export async function invite(db: Db, email: string, invoiceId: string): Promise<string> {
  const recipient = await ensureUser(db, email);
  return ensureInvitation(db, required('HUB_SECRET'), recipient, invoiceId, 30);
}

/**
 * Starts the invoice's lifecycle execution on a task queue no worker polls: it stays open and records every signal
 * in its history, which is what these tests read. The lifecycle's behaviour itself is tested in the lead's suites.
 */
export async function startSilentLifecycle(
  temporal: Client,
  invoice: DeliveredInvoice,
  issuer: Issuer,
): Promise<void> {
  await temporal.workflow.start('invoiceLifecycle', {
    taskQueue: `portal-test-${crypto.randomUUID()}`,
    workflowId: invoice.workflowId,
    args: [
      { invoiceId: invoice.id, issuerId: issuer.id, number: invoice.number, timings: { reminderDelays: [] } },
    ],
  });
}

/** The recordView signals the invoice's lifecycle has received. */
export async function recordViewSignals(temporal: Client, workflowId: string): Promise<unknown[]> {
  const history = await temporal.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? [])
    .map((event) => event.workflowExecutionSignaledEventAttributes)
    .filter((signal) => signal?.signalName === recordViewSignal.name);
}

export interface PortalResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

/** A browser stand-in: keeps the session cookie between calls like a browser would. */
export class PortalVisitor {
  private cookie: string | undefined;
  lastSetCookie: string | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly userAgent = 'portal-test/1.0',
  ) {}

  async call(
    method: string,
    pathName: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<PortalResponse> {
    const response = await fetch(this.baseUrl + pathName, {
      method,
      headers: {
        'user-agent': this.userAgent,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) {
      this.lastSetCookie = setCookie;
      const [pair] = setCookie.split(';');
      this.cookie = /=$/.test(pair) || /expires=thu, 01 jan 1970/i.test(setCookie) ? undefined : pair;
    }
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    return {
      status: response.status,
      headers: response.headers,
      body: isJson ? JSON.parse(text) : undefined,
      text,
    };
  }

  /** Sends raw bytes (an upload) with the session cookie. */
  async sendBytes(
    pathName: string,
    bytes: Uint8Array,
    contentType: string,
    headers: Record<string, string> = {},
  ): Promise<PortalResponse> {
    const response = await fetch(this.baseUrl + pathName, {
      method: 'POST',
      headers: {
        'user-agent': this.userAgent,
        'content-type': contentType,
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...headers,
      },
      body: Buffer.from(bytes),
    });
    const text = await response.text();
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    return {
      status: response.status,
      headers: response.headers,
      body: isJson ? JSON.parse(text) : undefined,
      text,
    };
  }

  /** Downloads bytes (an attachment) with the session cookie. */
  async download(pathName: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const response = await fetch(this.baseUrl + pathName, {
      headers: { 'user-agent': this.userAgent, ...(this.cookie ? { cookie: this.cookie } : {}) },
    });
    return {
      status: response.status,
      headers: response.headers,
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  /** The same browser session talking to another server (e.g. one wired differently). */
  at(baseUrl: string): PortalVisitor {
    const twin = new PortalVisitor(baseUrl, this.userAgent);
    twin.cookie = this.cookie;
    return twin;
  }

  get hasSession(): boolean {
    return this.cookie !== undefined;
  }
}

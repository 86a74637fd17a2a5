import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client, type PoolClient } from 'pg';
import { createPool, migrate, withTransaction } from '../../../db';
import { withArchiveSnapshot } from '../../../db/archive/records';
import type { Issuer } from '../../../db/issuers';
import { writeDecidedEntries } from '../../../db/payments/ledger';
import { recordStatementImport } from '../../../db/payments/statement-imports';
import { describeVerification, verifyArchive } from '../../../domain/archive/verify';
import type { StatementEntry } from '../../../domain/payments/model';
import type { UploadedAttachment } from '../../../gateway/portal/dispute-contract';
import { createReconciliationActions } from '../../../gateway/payments/reconciliation-actions';
import { LOCAL_TIMESTAMP_UNIT_NAME, readArchiveKeys } from '../../../platform/archive-keys';
import {
  deliverInvoice,
  loggedIn,
  makeIssuerMember,
  registeredPerson,
  startDisputeHub,
  stateOf,
  type DisputeHub,
} from '../../support/dispute-hub';
import { addTestIssuer, eventually, uniqueEmail } from '../../support/hub';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', '..', 'bin', 'hub');
const PNG = fs.readFileSync(
  path.resolve(__dirname, '..', '..', 'domain', 'fixtures', 'disputes', 'delivery-note.png'),
);

/**
 * A whole hub (worker, gateway) on a database of its own, made for the suite on the test run's PostgreSQL and dropped
 * after it: `archive verify` reads the whole archive, and these suites edit it by hand, so they must not share it with
 * the other suites.
 */
export interface ArchiveHub extends DisputeHub {
  databaseUrl: string;
  dataDir: string;
}

export async function startArchiveHub(overrides: Record<string, string> = {}): Promise<ArchiveHub> {
  const name = `archive_${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new Client({ connectionString: process.env.DATABASE_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(process.env.DATABASE_URL as string);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const migrator = createPool(databaseUrl, 1);
  await migrate(migrator);
  await migrator.end();
  // The test run's data folder, as every suite's: its archive keys are made once for the run.
  const dataDir = process.env.HUB_TEST_ROOT as string;
  const hub = await startDisputeHub({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ...overrides });
  return {
    ...hub,
    databaseUrl,
    dataDir,
    async stop() {
      await hub.stop();
      const dropper = new Client({ connectionString: process.env.DATABASE_URL });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/** What `populate` archived: one record or more of every type. */
export interface Archived {
  issuer: Issuer;
  apiKey: string;
  buyerEmail: string;
  clerkEmail: string;
  invoices: { id: string; number: string; workflowId: string }[];
  viewId: string;
  disputeId: string;
  paymentKey: string;
  decisionId: string;
}

/**
 * Archives one record of every type the way the hub does: two invoices delivered through intake and their lifecycles
 * (archive rows, notification mails), the recipient's view in the portal (view log, return receipt mail), a dispute
 * with an attachment, and a clerk's match of a bank statement entry (reconciliation decision, payment).
 */
export async function populate(hub: ArchiveHub): Promise<Archived> {
  const { issuer, apiKey } = await addTestIssuer(hub.db);
  const buyer = await registeredPerson(hub, uniqueEmail('buyer'));
  const clerk = await registeredPerson(hub, uniqueEmail('clerk'));
  await makeIssuerMember(hub, issuer.id, clerk.id, 'clerk');
  const first = (await deliverInvoice(hub, issuer, buyer.email)).invoice;
  const second = (await deliverInvoice(hub, issuer, buyer.email)).invoice;

  const disputeId = await viewAndDispute(hub, buyer.email, first.id);

  const total = (await stateOf(hub, second.workflowId)).summary?.total as string;
  const entryId = await reviewEntry(hub, issuer, second, total);
  const decided = await createReconciliationActions(hub).match(
    { userId: clerk.id, email: clerk.email },
    issuer.id,
    entryId,
    { invoiceId: second.id, note: 'paid by the parent company' },
  );
  const { rows } = await hub.db.query<{ payment_key: string; view_id: string }>(
    `select (select payment_key from invoice_payments where decision_id = $1) as payment_key,
            (select id::text from invoice_views where invoice_id = $2) as view_id`,
    [decided.decision.id, first.id],
  );
  return {
    issuer,
    apiKey,
    buyerEmail: buyer.email,
    clerkEmail: clerk.email,
    invoices: [first, second],
    viewId: rows[0].view_id,
    disputeId,
    paymentKey: rows[0].payment_key,
    decisionId: decided.decision.id,
  };
}

/**
 * The recipient's authenticated view of an invoice in the portal (view log, signed receipt, return receipt mail) and a
 * dispute on it with an attachment: the dispute's id.
 */
export async function viewAndDispute(
  hub: ArchiveHub,
  buyerEmail: string,
  invoiceId: string,
): Promise<string> {
  const recipient = await loggedIn(hub, buyerEmail);
  const viewed = await recipient.call('POST', `/api/v1/portal/invoices/${invoiceId}/views`);
  if (viewed.status !== 200) throw new Error(`view: ${viewed.status} ${viewed.text}`);
  await eventually(
    async () =>
      (
        await hub.db.query("select 1 from sent_mail where idempotency_key = $1 and state = 'sent'", [
          `receipt:${invoiceId}`,
        ])
      ).rowCount === 1,
    30_000,
    'the return receipt',
  );

  const base = `/api/v1/portal/invoices/${invoiceId}/disputes`;
  const upload = await recipient.sendBytes(`${base}/uploads?name=note.png`, PNG, 'image/png');
  if (upload.status !== 201) throw new Error(`upload: ${upload.status} ${upload.text}`);
  const opened = await recipient.call('POST', base, {
    category: 'wrong-quantity',
    text: 'Line 2: we received 1 pallet, not 3.',
    attachments: [(upload.body as UploadedAttachment).id],
  });
  if (opened.status !== 201) throw new Error(`dispute: ${opened.status} ${opened.text}`);
  return (opened.body as { id: string }).id;
}

/** A statement entry waiting in the clerk's review queue, for the invoice's amount. */
async function reviewEntry(
  hub: ArchiveHub,
  issuer: Issuer,
  invoice: { id: string; number: string },
  amount: string,
): Promise<string> {
  const { record } = await recordStatementImport(hub.db, {
    issuerId: issuer.id,
    source: 'cli',
    fileName: 'statement.xml',
    content: Buffer.from(crypto.randomUUID()),
  });
  const entry: StatementEntry = {
    index: 0,
    bankReference: crypto.randomUUID(),
    bookingDate: '2026-11-30',
    amount,
    currency: 'EUR',
    direction: 'credit',
    reversal: false,
    status: 'BOOK',
    counterparty: { name: 'Майка Холдинг АД', iban: 'BG80BNBG96611020345678' },
    remittance: ['плащане'],
  };
  const key = `BG80BNBG96611020345679|2026-11-30|${entry.bankReference}`;
  await withTransaction(hub.db, (client) =>
    writeDecidedEntries(client, issuer.id, record.id, [
      {
        key,
        position: 0,
        entry,
        decision: {
          kind: 'review',
          reason: 'no invoice number in the remittance text',
          candidates: [
            { invoiceId: invoice.id, number: invoice.number, outstanding: amount, evidence: 'amount' },
          ],
        },
      },
    ]),
  );
  const { rows } = await hub.db.query<{ id: string }>(
    'select id from statement_entries where entry_key = $1',
    [key],
  );
  return rows[0].id;
}

/**
 * A hand edit as the database's owner can make one: in one transaction with triggers off
 * (`session_replication_role = replica`), so neither the write-once triggers nor the chain's trigger run.
 */
export async function editByHand(
  hub: ArchiveHub,
  edit: (client: PoolClient) => Promise<unknown>,
): Promise<void> {
  await withTransaction(hub.db, async (client) => {
    await client.query('set local session_replication_role = replica');
    await edit(client);
  });
}

/** `bin/hub archive verify` on the suite's database and data folder: its exit code and output lines. */
export async function archiveVerify(
  hub: ArchiveHub,
  args: string[] = [],
): Promise<{ code: number; lines: string[]; stdout: string }> {
  return hubCommand(hub, ['archive', 'verify', ...args]);
}

/** A `bin/hub` command on the suite's database and data folder: its exit code, output lines and error output. */
export async function hubCommand(
  hub: ArchiveHub,
  args: string[],
): Promise<{ code: number; lines: string[]; stdout: string; stderr: string }> {
  const env = { ...process.env, DATABASE_URL: hub.databaseUrl, DATA_DIR: hub.dataDir, LOG_LEVEL: 'warn' };
  try {
    const { stdout, stderr } = await run(process.execPath, [HUB, ...args], { env });
    return { code: 0, stdout, stderr, lines: stdout.trim().split('\n') };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number' || failed.stdout === undefined) throw error;
    return {
      code: failed.code,
      stdout: failed.stdout,
      stderr: failed.stderr ?? '',
      lines: failed.stdout.trim().split('\n'),
    };
  }
}

/**
 * The same check in this process (what the command runs, without starting a process and compiling the hub's sources
 * for each call): its exit code and lines.
 */
export async function verifyHere(hub: ArchiveHub): Promise<{ code: number; lines: string[] }> {
  const keys = readArchiveKeys(hub.dataDir);
  const report = await withArchiveSnapshot(hub.db, (source) =>
    verifyArchive(source, {
      archiveCertificatePem: keys?.archive.certificatePem,
      localUnitCertificatePem: keys?.timestampUnit.certificatePem,
      localUnitName: LOCAL_TIMESTAMP_UNIT_NAME,
    }),
  );
  return { code: report.breaks.length > 0 ? 1 : 0, lines: describeVerification(report) };
}

/** The BREAK lines of a report. */
export const breaksOf = (lines: string[]) => lines.filter((line) => line.startsWith('BREAK '));

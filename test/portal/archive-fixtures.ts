import crypto from 'node:crypto';
import type { Db } from '../../db';
import { tokenDigest } from '../../db/users';
import { ensureUser } from '../../db/users';
import type { InvoiceSummary } from '../../domain/invoice/model';
import { hashPassword } from '../../gateway/portal/passwords';
import { uniqueNumber } from './harness';

/**
 * Invoices written straight into the registry and the archive (the search reads what the lifecycle leaves there),
 * many at once, each with the summary fields the search looks at. And people: a session for any account without
 * going through the login page (the accounts part owns that), or a password to log in with.
 */
export interface SeededInvoice {
  issuerId: string;
  recipientEmail: string;
  number?: string;
  issueDate?: string;
  dueDate?: string;
  total?: string;
  currency?: string;
  status?: string;
  channel?: string;
  customerName?: string;
  supplierName?: string;
  /** Defaults to every status but received, verified and rejected (what the lifecycle archives). */
  archived?: boolean;
  receivedAt?: string;
}

export interface SeededRow {
  id: string;
  number: string;
  issueDate: string;
  total: string;
  status: string;
  channel: string;
  customerName: string;
  supplierName: string;
  recipientEmail: string;
}

export async function seedInvoices(db: Db, specs: SeededInvoice[]): Promise<SeededRow[]> {
  const rows: SeededRow[] = [];
  const invoiceValues: unknown[][] = [];
  const archived: string[] = [];
  for (const spec of specs) {
    const id = crypto.randomUUID();
    const number = spec.number ?? uniqueNumber();
    const status = spec.status ?? 'awaiting view';
    const summary: InvoiceSummary = {
      syntax: 'UBL',
      kind: 'Invoice',
      number,
      issueDate: spec.issueDate ?? '2026-01-15',
      dueDate: spec.dueDate ?? '2026-02-14',
      currency: spec.currency ?? 'EUR',
      supplier: { name: spec.supplierName ?? 'Примерна Търговия ЕООД', vatId: 'BG175074752' },
      customer: { name: spec.customerName ?? 'Клиент Консулт ООД', email: spec.recipientEmail },
      total: spec.total ?? '100.00',
    };
    invoiceValues.push([
      id,
      spec.issuerId,
      number,
      `invoice-${id}`,
      spec.channel ?? 'api',
      summary,
      spec.recipientEmail.toLowerCase(),
      status,
      spec.receivedAt ?? new Date().toISOString(),
    ]);
    if (spec.archived ?? !['received', 'verified', 'rejected'].includes(status)) archived.push(id);
    rows.push({
      id,
      number,
      issueDate: summary.issueDate,
      total: summary.total,
      status,
      channel: spec.channel ?? 'api',
      customerName: summary.customer.name as string,
      supplierName: summary.supplier.name as string,
      recipientEmail: spec.recipientEmail.toLowerCase(),
    });
  }
  for (let start = 0; start < invoiceValues.length; start += 500) {
    const chunk = invoiceValues.slice(start, start + 500);
    const params: unknown[] = [];
    const tuples = chunk.map((values) => {
      const base = params.length;
      params.push(...values);
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, '\\x00', 'seeded',
               $${base + 6}, $${base + 7}, $${base + 8}, $${base + 9})`;
    });
    await db.query(
      `insert into invoices (id, issuer_id, number, workflow_id, channel, original, sha256, summary, recipient_email,
                             status, received_at)
       values ${tuples.join(', ')}`,
      params,
    );
  }
  if (archived.length) {
    await db.query(
      `insert into invoice_archive (invoice_id, sha256, original, model, summary, report, retain_until)
       select id, sha256, original, '{}'::jsonb, summary, '{}'::jsonb, '2036-12-31' from invoices
        where id = any($1::uuid[])`,
      [archived],
    );
  }
  return rows;
}

/** An account with a password, ready to log in through the login page. */
export async function accountWithPassword(db: Db, email: string, password: string): Promise<string> {
  const user = await ensureUser(db, email);
  await db.query(
    'update users set password_hash = $2, registered_at = coalesce(registered_at, now()) where id = $1',
    [user.id, await hashPassword(password)],
  );
  return user.id;
}

export async function makeIssuerMember(
  db: Db,
  issuerId: string,
  userId: string,
  role: 'admin' | 'clerk' = 'clerk',
): Promise<void> {
  await db.query(
    `insert into issuer_members (issuer_id, user_id, role) values ($1, $2, $3)
     on conflict (issuer_id, user_id) do update set role = excluded.role`,
    [issuerId, userId, role],
  );
}

/** A live portal session for the account: the Cookie header a browser would send. */
export async function sessionCookie(db: Db, email: string): Promise<{ userId: string; cookie: string }> {
  const user = await ensureUser(db, email);
  const token = crypto.randomBytes(32).toString('base64url');
  await db.query(
    `insert into portal_sessions (token_sha256, user_id, expires_at) values ($1, $2, now() + interval '1 hour')`,
    [tokenDigest(token), user.id],
  );
  return { userId: user.id, cookie: `hub_session=${token}` };
}

/** GET with a session cookie; JSON parsed when the answer is JSON. */
export async function getAs(
  baseUrl: string,
  cookie: string | undefined,
  pathName: string,
): Promise<{ status: number; headers: Headers; body: unknown; bytes: Buffer }> {
  const response = await fetch(baseUrl + pathName, { headers: cookie ? { cookie } : {} });
  const bytes = Buffer.from(await response.arrayBuffer());
  const json = (response.headers.get('content-type') ?? '').includes('json');
  return {
    status: response.status,
    headers: response.headers,
    body: json ? JSON.parse(bytes.toString('utf8')) : undefined,
    bytes,
  };
}

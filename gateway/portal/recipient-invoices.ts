import type { Db } from '../../db';
import { withTransaction } from '../../db';
import { queryParams, recipientReachCondition } from '../../db/recipient-reach';
import type { RecipientReach } from '../../db/users';
import type { Invoice, InvoiceSummary } from '../../domain/invoice/model';
import type { InvoiceListItem, ViewReceipt } from './contract';

/**
 * The invoices a recipient may see: theirs (authorization.ts `receivedInvoicesOf`) and accepted into the archive.
 * Rejected or still-unverified deliveries never reach the portal. Every query filters by the recipient, so another
 * recipient's invoice is simply "not found".
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface InvoiceRow {
  id: string;
  number: string;
  summary: InvoiceSummary;
  status: string;
  received_at: Date;
  viewed_at: Date | null;
}

export interface RecipientInvoice {
  id: string;
  number: string;
  summary: InvoiceSummary;
  status: string;
  receivedAt: string;
  viewedAt: string | null;
  workflowId: string;
  channel: string;
  model: Invoice;
}

export async function listRecipientInvoices(db: Db, reach: RecipientReach): Promise<InvoiceListItem[]> {
  const { values, param } = queryParams();
  const { rows } = await db.query<InvoiceRow>(
    `select i.id, i.number, i.summary, i.status, i.received_at, i.viewed_at
       from invoices i join invoice_archive a on a.invoice_id = i.id
      where ${recipientReachCondition(reach, param)}
      order by i.received_at desc, i.number desc`,
    values,
  );
  return rows.map((row) => ({
    id: row.id,
    number: row.number,
    issueDate: row.summary.issueDate,
    dueDate: row.summary.dueDate ?? null,
    currency: row.summary.currency,
    total: row.summary.total,
    supplierName: row.summary.supplier.name ?? null,
    status: row.status,
    viewedAt: row.viewed_at?.toISOString() ?? null,
  }));
}

export async function findRecipientInvoice(
  db: Db,
  reach: RecipientReach,
  id: string,
): Promise<RecipientInvoice | undefined> {
  if (!UUID.test(id)) return undefined;
  const { values, param } = queryParams([id]);
  const { rows } = await db.query<InvoiceRow & { workflow_id: string; channel: string; model: Invoice }>(
    `select i.id, i.number, i.summary, i.status, i.received_at, i.viewed_at, i.workflow_id, i.channel, a.model
       from invoices i join invoice_archive a on a.invoice_id = i.id
      where i.id = $1 and ${recipientReachCondition(reach, param)}`,
    values,
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    number: row.number,
    summary: row.summary,
    status: row.status,
    receivedAt: row.received_at.toISOString(),
    viewedAt: row.viewed_at?.toISOString() ?? null,
    workflowId: row.workflow_id,
    channel: row.channel,
    model: row.model,
  };
}

/** The archived original bytes of an invoice the recipient may see, with its number for the file name. */
export async function recipientOriginal(
  db: Db,
  reach: RecipientReach,
  id: string,
): Promise<{ number: string; original: Buffer } | undefined> {
  if (!UUID.test(id)) return undefined;
  const { values, param } = queryParams([id]);
  const { rows } = await db.query<{ number: string; original: Buffer }>(
    `select i.number, a.original from invoices i join invoice_archive a on a.invoice_id = i.id
      where i.id = $1 and ${recipientReachCondition(reach, param)}`,
    values,
  );
  return rows[0];
}

export interface ViewEvidence {
  invoiceId: string;
  recipientId: string;
  userAgent: string | null;
  ip: string | null;
}

/**
 * Logs one authenticated view. The first view of an invoice sets its `viewed_at` and calls `tellLifecycle`
 * inside the same transaction: if the lifecycle cannot be told, the first view is not recorded as the receipt
 * (only logged), and the next view tries again — the database never claims a receipt the workflow lacks.
 */
export async function recordInvoiceView(
  db: Db,
  view: ViewEvidence,
  tellLifecycle: (viewedAt: string) => Promise<void>,
): Promise<ViewReceipt> {
  const insertView = `insert into invoice_views (invoice_id, recipient_id, user_agent, ip) values ($1, $2, $3, $4)
                      returning viewed_at`;
  const viewParams = [view.invoiceId, view.recipientId, view.userAgent, view.ip];
  let tellingLifecycle = false;
  try {
    return await withTransaction(db, async (client) => {
      const logged = await client.query<{ viewed_at: Date }>(insertView, viewParams);
      const first = await client.query<{ viewed_at: Date }>(
        'update invoices set viewed_at = $2 where id = $1 and viewed_at is null returning viewed_at',
        [view.invoiceId, logged.rows[0].viewed_at],
      );
      if (first.rows[0]) {
        const viewedAt = first.rows[0].viewed_at.toISOString();
        tellingLifecycle = true;
        await tellLifecycle(viewedAt);
        return { viewedAt, firstView: true };
      }
      const earlier = await client.query<{ viewed_at: Date }>(
        'select viewed_at from invoices where id = $1',
        [view.invoiceId],
      );
      return { viewedAt: earlier.rows[0].viewed_at.toISOString(), firstView: false };
    });
  } catch (failure) {
    if (tellingLifecycle) await db.query(insertView, viewParams); // the view happened; only the receipt waits
    throw failure;
  }
}

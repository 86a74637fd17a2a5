import type { Db } from './index';

/** The signed return receipt of an invoice (domain/archive/receipt.ts), written once. */
export interface StoredViewReceipt {
  invoiceId: string;
  document: Buffer;
  sha256: string;
  signedAt: string;
}

/** What the receipt states: the invoice's first authenticated view and who made it. */
export interface FirstView {
  viewId: string;
  viewedAt: string;
  userAgent: string | null;
  ip: string | null;
  recipientId: string;
  recipientEmail: string;
}

export async function firstView(db: Db, invoiceId: string): Promise<FirstView | undefined> {
  const { rows } = await db.query<{
    id: string;
    viewed_at: Date;
    user_agent: string | null;
    ip: string | null;
    recipient_id: string;
    email: string;
  }>(
    `select v.id, v.viewed_at, v.user_agent, v.ip, v.recipient_id, u.email
       from invoice_views v join users u on u.id = v.recipient_id
      where v.invoice_id = $1 order by v.viewed_at, v.id limit 1`,
    [invoiceId],
  );
  const row = rows[0];
  return (
    row && {
      viewId: String(row.id),
      viewedAt: row.viewed_at.toISOString(),
      userAgent: row.user_agent,
      ip: row.ip,
      recipientId: row.recipient_id,
      recipientEmail: row.email,
    }
  );
}

/** Keeps the receipt once; a second attempt (a retried activity) gets the first document back. */
export async function keepViewReceipt(
  db: Db,
  receipt: { invoiceId: string; viewId: string; document: Buffer; sha256: string },
): Promise<StoredViewReceipt> {
  await db.query(
    `insert into view_receipts (invoice_id, view_id, document, sha256) values ($1, $2, $3, $4)
     on conflict (invoice_id) do nothing`,
    [receipt.invoiceId, receipt.viewId, receipt.document, receipt.sha256],
  );
  return (await getViewReceipt(db, receipt.invoiceId)) as StoredViewReceipt;
}

export async function getViewReceipt(db: Db, invoiceId: string): Promise<StoredViewReceipt | undefined> {
  const { rows } = await db.query<{ invoice_id: string; document: Buffer; sha256: string; signed_at: Date }>(
    'select invoice_id, document, sha256, signed_at from view_receipts where invoice_id = $1',
    [invoiceId],
  );
  const row = rows[0];
  return (
    row && {
      invoiceId: row.invoice_id,
      document: row.document,
      sha256: row.sha256,
      signedAt: row.signed_at.toISOString(),
    }
  );
}

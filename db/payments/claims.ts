import crypto from 'node:crypto';
import type { PoolClient } from 'pg';
import type { Db } from '../index';

/**
 * "I paid elsewhere" (`payment_claims`): the recipient's word that it paid by other means, with the date and a note.
 * Shown to the issuer; never a payment: only a statement, a provider's signed notification or a clerk makes one.
 */
export interface PaymentClaim {
  id: string;
  invoiceId: string;
  userId: string;
  /** Who said so, as the issuer reads it. */
  email: string;
  /** YYYY-MM-DD, as the recipient gave it. */
  paidOn: string;
  note: string;
  createdAt: string;
}

interface ClaimRow {
  id: string;
  invoice_id: string;
  user_id: string;
  email: string;
  paid_on: string;
  note: string;
  created_at: Date;
}

const toClaim = (row: ClaimRow): PaymentClaim => ({
  id: row.id,
  invoiceId: row.invoice_id,
  userId: row.user_id,
  email: row.email,
  paidOn: row.paid_on,
  note: row.note,
  createdAt: row.created_at.toISOString(),
});

export async function insertPaymentClaim(
  db: Db | PoolClient,
  claim: { invoiceId: string; userId: string; paidOn: string; note: string },
): Promise<PaymentClaim> {
  const { rows } = await db.query<ClaimRow>(
    `with inserted as (
       insert into payment_claims (id, invoice_id, user_id, paid_on, note) values ($1, $2, $3, $4, $5)
       returning id, invoice_id, user_id, paid_on, note, created_at)
     select inserted.*, u.email from inserted join users u on u.id = inserted.user_id`,
    [crypto.randomUUID(), claim.invoiceId, claim.userId, claim.paidOn, claim.note],
  );
  return toClaim(rows[0]);
}

/** The invoice's claims, oldest first. */
export async function claimsOfInvoice(db: Db | PoolClient, invoiceId: string): Promise<PaymentClaim[]> {
  const { rows } = await db.query<ClaimRow>(
    `select c.id, c.invoice_id, c.user_id, u.email, c.paid_on, c.note, c.created_at
       from payment_claims c join users u on u.id = c.user_id
      where c.invoice_id = $1 order by c.created_at, c.id`,
    [invoiceId],
  );
  return rows.map(toClaim);
}

/** How many claims this person made about this invoice: a few are words, hundreds are noise for the issuer. */
export async function countClaimsBy(db: Db | PoolClient, invoiceId: string, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    'select count(*) as n from payment_claims where invoice_id = $1 and user_id = $2',
    [invoiceId, userId],
  );
  return Number(rows[0]?.n ?? 0);
}

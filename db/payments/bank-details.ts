import type { PoolClient } from 'pg';
import type { Db } from '../index';

/** An invoice that asks to be paid to an account none of the issuer's earlier invoices to this recipient named. */
export interface BankDetailsChange {
  /** The new account(s) this invoice names (BT-84). */
  ibans: string[];
  /** The accounts earlier invoices of the issuer to this recipient named. */
  earlier: string[];
}

/**
 * Compares the invoice's payee accounts (BG-17, every payment means) with those of the issuer's earlier archived
 * invoices to the same recipient address. No earlier invoice, or no account on this one: nothing to compare, no alert.
 */
export async function bankDetailsChange(
  db: Db | PoolClient,
  invoiceId: string,
): Promise<BankDetailsChange | undefined> {
  const { rows } = await db.query<{ current: boolean; iban: string }>(
    `with this as (select i.id, i.issuer_id, lower(i.recipient_email) as address, i.received_at
                     from invoices i where i.id = $1)
     select (i.id = this.id) as current, upper(regexp_replace(t ->> 'accountId', '\\s', '', 'g')) as iban
       from this
       join invoices i on i.issuer_id = this.issuer_id and lower(i.recipient_email) = this.address
                      and (i.id = this.id or i.received_at < this.received_at)
       join invoice_archive a on a.invoice_id = i.id
       cross join lateral jsonb_array_elements(coalesce(a.model -> 'paymentMeans', jsonb_build_array(a.model -> 'payment'))) m
       cross join lateral jsonb_array_elements(coalesce(m -> 'creditTransfers', '[]'::jsonb)) t
      where i.status <> 'rejected' and t ->> 'accountId' is not null`,
    [invoiceId],
  );
  const earlier = [...new Set(rows.filter((r) => !r.current).map((r) => r.iban))];
  const current = [...new Set(rows.filter((r) => r.current).map((r) => r.iban))];
  const ibans = current.filter((iban) => !earlier.includes(iban));
  if (earlier.length === 0 || ibans.length === 0) return undefined;
  return { ibans, earlier };
}

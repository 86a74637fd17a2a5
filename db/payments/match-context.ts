import type { PoolClient } from 'pg';
import { fromCents, toCents } from '../../domain/money';
import type { MatchContext, OpenInvoice, ProviderOrder, RecordedPayment } from '../../domain/payments/model';
import type { Db } from '../index';

/**
 * What the matcher may pay for one issuer, read in four queries: every invoice that reached the archive with what is
 * still owed (total minus live payments), the providers' orders, the payments earlier statement entries made, and the
 * IBANs each customer paid from. Rejected invoices never appear; cancelled and paid ones do, so a transfer naming one
 * goes to review with that said instead of looking unknown.
 */
export async function loadMatchContext(db: Db | PoolClient, issuerId: string): Promise<MatchContext> {
  const invoices = await openInvoices(db, issuerId);
  const byId = new Map(invoices.map((invoice) => [invoice.invoiceId, invoice]));
  const byCustomer = groupBy(invoices, (invoice) => invoice.customerKey);
  const recordedPayments = await statementPayments(db, issuerId);
  for (const payment of recordedPayments) {
    const invoice = byId.get(payment.invoiceId);
    if (!invoice || !payment.counterpartyIban) continue;
    for (const sibling of byCustomer.get(invoice.customerKey) ?? []) {
      if (!sibling.payerIbans.includes(payment.counterpartyIban))
        sibling.payerIbans.push(payment.counterpartyIban);
    }
  }
  return { issuerId, invoices, providerOrders: await providerOrders(db, issuerId), recordedPayments };
}

interface InvoiceRow {
  id: string;
  number: string;
  status: string;
  summary: {
    issueDate?: string;
    dueDate?: string;
    currency?: string;
    total?: string;
    customer?: { name?: string; vatId?: string; id?: string; email?: string };
  };
  recipient_email: string | null;
  payment: { remittanceInformation?: string; directDebit?: { debitedAccountId?: string } } | null;
  paid: string | null;
}

async function openInvoices(db: Db | PoolClient, issuerId: string): Promise<OpenInvoice[]> {
  const { rows } = await db.query<InvoiceRow>(
    `select i.id, i.number, i.status, i.summary, i.recipient_email, a.model -> 'payment' as payment, p.paid
       from invoices i
       join invoice_archive a on a.invoice_id = i.id
       left join (select invoice_id, sum(amount::numeric)::text as paid from invoice_payments
                   where issuer_id = $1 and state in ('pending', 'recorded') group by invoice_id) p
              on p.invoice_id = i.id
      where i.issuer_id = $1 and i.status <> 'rejected'`,
    [issuerId],
  );
  return rows.map((row) => {
    const total = row.summary.total ?? '0.00';
    const outstanding = toCents(total) - toCents(row.paid ?? '0');
    const debited = row.payment?.directDebit?.debitedAccountId;
    return {
      invoiceId: row.id,
      issuerId,
      number: row.number,
      issueDate: row.summary.issueDate ?? '',
      dueDate: row.summary.dueDate,
      currency: row.summary.currency ?? 'EUR',
      total,
      outstanding: fromCents(outstanding > 0n ? outstanding : 0n),
      status: outstanding <= 0n && row.status !== 'cancelled' ? 'paid' : row.status,
      paymentReference: row.payment?.remittanceInformation?.trim() || undefined,
      customerKey: customerKeyOf(row.summary.customer, row.recipient_email),
      customerName: row.summary.customer?.name,
      payerIbans: debited ? [normalizeIban(debited)] : [],
    };
  });
}

/** The same key for every invoice of the issuer to the same customer: the buyer's VAT number, else its id, else the address. */
export function customerKeyOf(
  customer: { vatId?: string; id?: string; email?: string } | undefined,
  recipientEmail: string | null,
): string {
  if (customer?.vatId) return `vat:${customer.vatId.replace(/\s+/g, '').toUpperCase()}`;
  if (customer?.id) return `id:${customer.id.replace(/\s+/g, '')}`;
  return `email:${(customer?.email ?? recipientEmail ?? 'unknown').toLowerCase()}`;
}

function normalizeIban(iban: string): string {
  return iban.replace(/\s+/g, '').toUpperCase();
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

async function statementPayments(db: Db | PoolClient, issuerId: string): Promise<RecordedPayment[]> {
  const { rows } = await db.query<{
    entry_key: string;
    invoice_id: string;
    amount: string;
    currency: string;
    counterparty_iban: string | null;
    booking_date: string;
    entry: { bankReference?: string; endToEndId?: string };
  }>(
    `select e.entry_key, p.invoice_id, p.amount, p.currency, e.counterparty_iban, e.booking_date, e.entry
       from invoice_payments p join statement_entries e on e.id = p.entry_id
      where p.issuer_id = $1 and p.state in ('pending', 'recorded') and p.reversal_of is null
        and not exists (select 1 from invoice_payments r
                         where r.reversal_of = p.payment_key and r.state in ('pending', 'recorded'))`,
    [issuerId],
  );
  return rows.map((row) => ({
    entryKey: row.entry_key,
    invoiceId: row.invoice_id,
    amount: row.amount,
    currency: row.currency,
    bankReference: row.entry.bankReference,
    endToEndId: row.entry.endToEndId,
    counterpartyIban: row.counterparty_iban ? normalizeIban(row.counterparty_iban) : undefined,
    bookingDate: row.booking_date,
  }));
}

async function providerOrders(db: Db | PoolClient, issuerId: string): Promise<ProviderOrder[]> {
  const { rows } = await db.query<{
    provider: string;
    order_number: string;
    invoice_id: string;
    amount: string;
    currency: string;
  }>(
    `select provider, order_number::text, invoice_id, amount, currency from payment_orders
      where issuer_id = $1 and state = 'paid'`,
    [issuerId],
  );
  return rows.map((row) => ({
    provider: row.provider,
    orderId: row.order_number,
    invoiceId: row.invoice_id,
    amount: row.amount,
    currency: row.currency,
    // Only paid orders are loaded, and a paid order's payment was recorded from the provider's notification.
    recorded: true,
  }));
}

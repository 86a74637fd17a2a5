import type {
  DailyVolume,
  FailedMail,
  HeldInvoice,
  PendingMdn,
  QuarantinedDelivery,
  RejectionCount,
} from '../domain/operations/console';
import type { Db } from './index';

/**
 * What the operator console reads from the database: who is an operator, invoices held too long in one state or
 * undeliverable, quarantined deliveries, mails that did not go out, asynchronous MDNs not delivered, volumes and
 * rejection reasons. Temporal's side (activities retrying) is gateway/operator/temporal-inspection.ts.
 */

export async function addOperator(db: Db, userId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'insert into hub_operators (user_id) values ($1) on conflict (user_id) do nothing',
    [userId],
  );
  return rowCount === 1;
}

export async function isOperator(db: Db, userId: string): Promise<boolean> {
  const { rowCount } = await db.query('select 1 from hub_operators where user_id = $1', [userId]);
  return rowCount === 1;
}

const HELD = `
  select i.id, i.issuer_id, i.number, i.workflow_id, i.status, e.at, e.detail
    from invoices i
    join lateral (select at, detail from invoice_events ev where ev.invoice_id = i.id order by ev.id desc limit 1) e
      on true`;

function toHeld(row: {
  id: string;
  issuer_id: string;
  number: string;
  workflow_id: string;
  status: string;
  at: Date;
  detail: Record<string, unknown>;
}): HeldInvoice {
  return {
    invoiceId: row.id,
    issuerId: row.issuer_id,
    number: row.number,
    workflowId: row.workflow_id,
    status: row.status,
    since: row.at.toISOString(),
    detail: row.detail,
  };
}

/**
 * Invoices whose lifecycle has stayed in a working state (received, verified, archived) longer than `seconds`:
 * states the lifecycle passes through in seconds when all is well.
 */
export async function invoicesHeldLongerThan(db: Db, seconds: number, limit = 100): Promise<HeldInvoice[]> {
  const { rows } = await db.query(
    `${HELD}
      where i.status in ('received', 'verified', 'archived') and e.at < now() - make_interval(secs => $1)
      order by e.at limit $2`,
    [seconds, limit],
  );
  return rows.map(toHeld);
}

export async function undeliverableInvoices(db: Db, limit = 100): Promise<HeldInvoice[]> {
  const { rows } = await db.query(`${HELD} where i.status = 'undeliverable' order by e.at desc limit $1`, [
    limit,
  ]);
  return rows.map(toHeld);
}

export async function quarantinedDeliveries(db: Db, limit = 100): Promise<QuarantinedDelivery[]> {
  const { rows } = await db.query(
    `select id, issuer_id, channel, file_name, reason_code, reason, received_at from deliveries
      where status = 'quarantined' order by received_at desc limit $1`,
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    issuerId: r.issuer_id,
    channel: r.channel,
    fileName: r.file_name,
    reasonCode: r.reason_code,
    reason: r.reason,
    receivedAt: r.received_at.toISOString(),
  }));
}

/** Mails claimed but not sent, whose last SMTP attempt failed (the activity that sends them retries). */
export async function failedMails(db: Db, limit = 100): Promise<FailedMail[]> {
  const { rows } = await db.query(
    `select idempotency_key, invoice_id, kind, recipient, last_error, failed_at from sent_mail
      where state = 'sending' and last_error is not null order by failed_at desc limit $1`,
    [limit],
  );
  return rows.map((r) => ({
    idempotencyKey: r.idempotency_key,
    invoiceId: r.invoice_id,
    kind: r.kind,
    recipient: r.recipient,
    lastError: r.last_error,
    failedAt: r.failed_at.toISOString(),
  }));
}

/** Asynchronous MDNs not delivered a minute after their message arrived. */
export async function undeliveredMdns(db: Db, limit = 100): Promise<PendingMdn[]> {
  const { rows } = await db.query(
    `select as2_from, message_id, issuer_id, mdn_url, received_at from as2_messages
      where mdn_url is not null and mdn_delivered_at is null and received_at < now() - interval '1 minute'
      order by received_at desc limit $1`,
    [limit],
  );
  return rows.map((r) => ({
    as2From: r.as2_from,
    messageId: r.message_id,
    issuerId: r.issuer_id,
    mdnUrl: r.mdn_url,
    receivedAt: r.received_at.toISOString(),
  }));
}

/** Invoices received per channel and day (UTC), the last `days` days. */
export async function volumesByChannelAndDay(db: Db, days: number): Promise<DailyVolume[]> {
  const { rows } = await db.query(
    `select to_char(received_at at time zone 'UTC', 'YYYY-MM-DD') as day, channel, count(*)::int as invoices
       from invoices where received_at >= (now() at time zone 'UTC')::date - ($1::int - 1)
      group by 1, 2 order by 1 desc, 2`,
    [days],
  );
  return rows.map((r) => ({ day: r.day, channel: r.channel, invoices: r.invoices }));
}

/** The rules that refused most invoices in the last `days` days. */
export async function topRejectionReasons(db: Db, days: number, limit = 10): Promise<RejectionCount[]> {
  const { rows } = await db.query(
    `select coalesce(substring(reason from '^([A-Za-z0-9-]+):'), 'other') as rule,
            count(distinct e.invoice_id)::int as count, min(reason) as example
       from invoice_events e, jsonb_array_elements_text(coalesce(e.detail -> 'reasons', '[]'::jsonb)) as reason
      where e.type = 'rejected' and e.at >= now() - make_interval(days => $1)
      group by 1 order by 2 desc, 1 limit $2`,
    [days, limit],
  );
  return rows.map((r) => ({ rule: r.rule, count: r.count, example: r.example }));
}

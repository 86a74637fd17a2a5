import crypto from 'node:crypto';
import { webhookMessageId, webhookPayload, type WebhookEventType } from '../domain/webhooks/events';
import type { Db } from './index';

/** Webhook endpoints and their outbox of deliveries (db/migrations/016_webhooks.sql). */

export interface WebhookEndpoint {
  id: string;
  issuerId: string;
  url: string;
  description: string;
  /** null: every event type. */
  eventTypes: string[] | null;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
  /** Until then the previous secret signs beside the current one. */
  previousSecretExpiresAt: string | null;
}

export interface WebhookEndpointSecrets {
  secret: string;
  previousSecret: string | null;
  previousSecretExpiresAt: string | null;
}

interface EndpointRow {
  id: string;
  issuer_id: string;
  url: string;
  description: string;
  event_types: string[] | null;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

const ENDPOINT_COLUMNS =
  'id, issuer_id, url, description, event_types, enabled, disabled_reason, created_at, updated_at, secret, previous_secret, previous_secret_expires_at';

const toEndpoint = (row: EndpointRow): WebhookEndpoint => ({
  id: row.id,
  issuerId: row.issuer_id,
  url: row.url,
  description: row.description,
  eventTypes: row.event_types,
  enabled: row.enabled,
  disabledReason: row.disabled_reason,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  previousSecretExpiresAt: row.previous_secret_expires_at?.toISOString() ?? null,
});

export async function createWebhookEndpoint(
  db: Db,
  endpoint: {
    issuerId: string;
    url: string;
    description: string;
    eventTypes: string[] | null;
    secret: string;
  },
): Promise<WebhookEndpoint> {
  const { rows } = await db.query<EndpointRow>(
    `insert into webhook_endpoints (id, issuer_id, url, description, event_types, secret)
     values ($1, $2, $3, $4, $5, $6) returning ${ENDPOINT_COLUMNS}`,
    [
      crypto.randomUUID(),
      endpoint.issuerId,
      endpoint.url,
      endpoint.description,
      endpoint.eventTypes,
      endpoint.secret,
    ],
  );
  return toEndpoint(rows[0]);
}

export async function listWebhookEndpoints(db: Db, issuerId: string): Promise<WebhookEndpoint[]> {
  const { rows } = await db.query<EndpointRow>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints where issuer_id = $1 order by created_at, id`,
    [issuerId],
  );
  return rows.map(toEndpoint);
}

/** One endpoint of the issuer's; another issuer's answers like a missing one. */
export async function getWebhookEndpoint(
  db: Db,
  issuerId: string,
  endpointId: string,
): Promise<WebhookEndpoint | undefined> {
  const { rows } = await db.query<EndpointRow>(
    `select ${ENDPOINT_COLUMNS} from webhook_endpoints where id = $1 and issuer_id = $2`,
    [endpointId, issuerId],
  );
  return rows[0] && toEndpoint(rows[0]);
}

/**
 * Changes what is given. Disabling (here, or by a 410 answer) fails the endpoint's pending deliveries in the same
 * transaction: nothing waits on an endpoint that will not be tried; the issuer replays them once it is enabled again.
 */
export async function updateWebhookEndpoint(
  db: Db,
  issuerId: string,
  endpointId: string,
  change: { url?: string; description?: string; eventTypes?: string[] | null; enabled?: boolean },
): Promise<WebhookEndpoint | undefined> {
  const { rows } = await db.query<EndpointRow>(
    `with changed as (
       update webhook_endpoints set
         url = coalesce($3, url),
         description = coalesce($4, description),
         event_types = case when $5::boolean then $6::text[] else event_types end,
         enabled = coalesce($7, enabled),
         disabled_reason = case when $7 is null then disabled_reason when $7 then null else 'disabled by the issuer' end,
         updated_at = now()
       where id = $1 and issuer_id = $2
       returning ${ENDPOINT_COLUMNS}
     ), failed as (
       update webhook_deliveries d set status = 'failed', last_error = coalesce(d.last_error || ' · ', '') || 'endpoint disabled'
         from changed where d.endpoint_id = changed.id and not changed.enabled and d.status = 'pending'
     )
     select * from changed`,
    [
      endpointId,
      issuerId,
      change.url ?? null,
      change.description ?? null,
      change.eventTypes !== undefined,
      change.eventTypes ?? null,
      change.enabled ?? null,
    ],
  );
  return rows[0] && toEndpoint(rows[0]);
}

/** Deletes the endpoint and its delivery log. */
export async function deleteWebhookEndpoint(db: Db, issuerId: string, endpointId: string): Promise<boolean> {
  const { rowCount } = await db.query('delete from webhook_endpoints where id = $1 and issuer_id = $2', [
    endpointId,
    issuerId,
  ]);
  return rowCount === 1;
}

/** A new current secret; the one it replaces keeps signing until `overlapSeconds` from now. */
export async function rotateWebhookSecret(
  db: Db,
  issuerId: string,
  endpointId: string,
  secret: string,
  overlapSeconds: number,
): Promise<WebhookEndpoint | undefined> {
  const { rows } = await db.query<EndpointRow>(
    `update webhook_endpoints set previous_secret = secret, secret = $3,
            previous_secret_expires_at = now() + make_interval(secs => $4), updated_at = now()
      where id = $1 and issuer_id = $2 returning ${ENDPOINT_COLUMNS}`,
    [endpointId, issuerId, secret, overlapSeconds],
  );
  return rows[0] && toEndpoint(rows[0]);
}

/** The secrets that sign a message now: the current one, and the previous one while its overlap lasts. */
export function signingSecrets(secrets: WebhookEndpointSecrets, now = new Date()): string[] {
  const previousValid =
    secrets.previousSecret &&
    secrets.previousSecretExpiresAt &&
    new Date(secrets.previousSecretExpiresAt) > now;
  return previousValid ? [secrets.secret, secrets.previousSecret as string] : [secrets.secret];
}

/**
 * Called in the transaction that records a timeline event (db/invoices.ts): one outbox row per enabled endpoint of
 * the invoice's issuer that takes this event type, with the body fixed now. Unique on endpoint, invoice and event
 * key, so a retried write adds nothing.
 */
export async function queueWebhookDeliveries(
  db: Db,
  endpointIds: string[],
  invoiceId: string,
  number: string,
  type: WebhookEventType,
  event: { key: string; type: string; status: string; at: string; detail?: Record<string, unknown> },
): Promise<void> {
  const body = webhookPayload(type, {
    invoiceId,
    number,
    eventKey: event.key,
    timelineType: event.type,
    status: event.status,
    occurredAt: new Date(event.at).toISOString(),
    detail: event.detail ?? {},
  });
  await db.query(
    `insert into webhook_deliveries (endpoint_id, invoice_id, event_key, event_type, message_id, body)
     select unnest($1::uuid[]), $2, $3, $4, $5, $6
     on conflict (endpoint_id, invoice_id, event_key) do nothing`,
    [endpointIds, invoiceId, event.key, type, webhookMessageId(invoiceId, event.key), body],
  );
}

/** The endpoints with a pending delivery of this event: whose delivery workflows to wake. */
export async function endpointsAwaitingEvent(db: Db, invoiceId: string, eventKey: string): Promise<string[]> {
  const { rows } = await db.query<{ endpoint_id: string }>(
    `select endpoint_id from webhook_deliveries where invoice_id = $1 and event_key = $2 and status = 'pending'`,
    [invoiceId, eventKey],
  );
  return rows.map((r) => r.endpoint_id);
}

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  endpointId: string;
  issuerId: string;
  url: string;
  invoiceId: string;
  invoiceNumber: string;
  eventType: string;
  messageId: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
  retryFrom: string;
}

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  issuer_id: string;
  url: string;
  invoice_id: string;
  number: string;
  event_type: string;
  message_id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
  retry_from: Date;
}

const DELIVERY_COLUMNS = `d.id::text as id, d.endpoint_id, e.issuer_id, e.url, d.invoice_id, i.number, d.event_type,
  d.message_id, d.status, d.attempts, d.last_status, d.last_error, d.last_attempt_at, d.delivered_at, d.created_at,
  d.retry_from`;
const DELIVERY_FROM = `webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
  join invoices i on i.id = d.invoice_id`;

const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  endpointId: row.endpoint_id,
  issuerId: row.issuer_id,
  url: row.url,
  invoiceId: row.invoice_id,
  invoiceNumber: row.number,
  eventType: row.event_type,
  messageId: row.message_id,
  status: row.status,
  attempts: row.attempts,
  lastStatus: row.last_status,
  lastError: row.last_error,
  lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
  deliveredAt: row.delivered_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  retryFrom: row.retry_from.toISOString(),
});

/** An endpoint's delivery log, newest first. */
export async function listWebhookDeliveries(
  db: Db,
  endpointId: string,
  filter: { status?: WebhookDeliveryStatus; limit: number; before?: string },
): Promise<WebhookDelivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `select ${DELIVERY_COLUMNS} from ${DELIVERY_FROM}
      where d.endpoint_id = $1 and ($2::text is null or d.status = $2) and ($3::bigint is null or d.id < $3)
      order by d.id desc limit $4`,
    [endpointId, filter.status ?? null, filter.before ?? null, filter.limit],
  );
  return rows.map(toDelivery);
}

/** Failed deliveries across issuers, most recent attempt first (the operator's view). */
export async function listFailedWebhookDeliveries(db: Db, limit: number): Promise<WebhookDelivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `select ${DELIVERY_COLUMNS} from ${DELIVERY_FROM}
      where d.status = 'failed' order by d.last_attempt_at desc nulls last, d.id desc limit $1`,
    [limit],
  );
  return rows.map(toDelivery);
}

export async function getWebhookDelivery(db: Db, deliveryId: string): Promise<WebhookDelivery | undefined> {
  const { rows } = await db.query<DeliveryRow>(
    `select ${DELIVERY_COLUMNS} from ${DELIVERY_FROM} where d.id = $1`,
    [deliveryId],
  );
  return rows[0] && toDelivery(rows[0]);
}

/**
 * Queues deliveries again: those given (any status but pending), or every failed one of an endpoint. The retry window
 * starts anew. Returns the invoices whose delivery workflows must be woken; nothing on a disabled endpoint.
 */
export async function requeueWebhookDeliveries(
  db: Db,
  which: { deliveryId: string } | { endpointId: string; failed: true },
): Promise<{ endpointId: string; invoiceId: string }[]> {
  const { rows } = await db.query<{ endpoint_id: string; invoice_id: string }>(
    `update webhook_deliveries d set status = 'pending', retry_from = now()
       from webhook_endpoints e
      where e.id = d.endpoint_id and e.enabled and d.status <> 'pending'
        and (case when $1::bigint is not null then d.id = $1 else d.endpoint_id = $2 and d.status = 'failed' end)
      returning d.endpoint_id, d.invoice_id`,
    'deliveryId' in which ? [which.deliveryId, null] : [null, which.endpointId],
  );
  const seen = new Map(rows.map((r) => [`${r.endpoint_id}/${r.invoice_id}`, r]));
  return [...seen.values()].map((r) => ({ endpointId: r.endpoint_id, invoiceId: r.invoice_id }));
}

/** The oldest pending delivery of one invoice to one enabled endpoint: the next to send, in order. */
export async function nextPendingWebhookDelivery(
  db: Db,
  endpointId: string,
  invoiceId: string,
): Promise<{ id: string; retryFrom: string } | undefined> {
  // An event recorded while the endpoint was being disabled may have queued a row the disabling did not see: it
  // fails here, as the others did.
  const { rows } = await db.query<{ id: string; retry_from: Date }>(
    `with stranded as (
       update webhook_deliveries d set status = 'failed', last_error = coalesce(d.last_error || ' · ', '') || 'endpoint disabled'
         from webhook_endpoints e
        where e.id = d.endpoint_id and not e.enabled and d.endpoint_id = $1 and d.invoice_id = $2 and d.status = 'pending'
     )
     select d.id::text as id, d.retry_from from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
      where d.endpoint_id = $1 and d.invoice_id = $2 and d.status = 'pending' and e.enabled
      order by d.id limit 1`,
    [endpointId, invoiceId],
  );
  return rows[0] && { id: rows[0].id, retryFrom: rows[0].retry_from.toISOString() };
}

/** What an attempt needs: the body, the id, and the endpoint's URL and secrets. */
export async function webhookDeliveryToSend(
  db: Db,
  deliveryId: string,
): Promise<
  | ({
      status: WebhookDeliveryStatus;
      enabled: boolean;
      url: string;
      messageId: string;
      body: string;
      retryFrom: string;
    } & WebhookEndpointSecrets)
  | undefined
> {
  const { rows } = await db.query(
    `select d.status, e.enabled, e.url, d.message_id, d.body, d.retry_from, e.secret, e.previous_secret, e.previous_secret_expires_at
       from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id where d.id = $1`,
    [deliveryId],
  );
  const row = rows[0];
  return (
    row && {
      status: row.status,
      enabled: row.enabled,
      url: row.url,
      messageId: row.message_id,
      body: row.body,
      retryFrom: row.retry_from.toISOString(),
      secret: row.secret,
      previousSecret: row.previous_secret,
      previousSecretExpiresAt: row.previous_secret_expires_at?.toISOString() ?? null,
    }
  );
}

/** Notes one attempt's answer; `outcome` decides the delivery's status (pending stays pending for a retry). */
export async function recordWebhookAttempt(
  db: Db,
  deliveryId: string,
  attempt: { httpStatus: number | null; error: string | null; outcome: WebhookDeliveryStatus },
): Promise<void> {
  await db.query(
    `update webhook_deliveries set attempts = attempts + 1, last_status = $2, last_error = $3, last_attempt_at = now(),
            status = $4, delivered_at = case when $4 = 'delivered' then now() else delivered_at end
      where id = $1 and status = 'pending'`,
    [deliveryId, attempt.httpStatus, attempt.error, attempt.outcome],
  );
}

/** Retries are over: the delivery stays in the log as failed, for a replay. */
export async function failWebhookDelivery(db: Db, deliveryId: string, reason: string): Promise<void> {
  await db.query(
    `update webhook_deliveries set status = 'failed', last_error = coalesce(last_error || ' · ', '') || $2
      where id = $1 and status = 'pending'`,
    [deliveryId, reason],
  );
}

/** A receiver that answered 410 Gone: the endpoint is disabled and its pending deliveries fail with it. */
export async function disableGoneWebhookEndpoint(db: Db, deliveryId: string): Promise<void> {
  await db.query(
    `with gone as (
       update webhook_endpoints e set enabled = false, disabled_reason = 'the receiver answered 410 Gone', updated_at = now()
         from webhook_deliveries d where d.id = $1 and e.id = d.endpoint_id returning e.id
     )
     update webhook_deliveries d set status = 'failed', last_error = coalesce(d.last_error || ' · ', '') || 'endpoint disabled'
       from gone where d.endpoint_id = gone.id and d.status = 'pending'`,
    [deliveryId],
  );
}

export async function webhookDeliveryCounts(
  db: Db,
  endpointId: string,
): Promise<{ pending: number; delivered: number; failed: number }> {
  const { rows } = await db.query<{ status: WebhookDeliveryStatus; n: string }>(
    'select status, count(*) as n from webhook_deliveries where endpoint_id = $1 group by status',
    [endpointId],
  );
  const counts = { pending: 0, delivered: 0, failed: 0 };
  for (const row of rows) counts[row.status] = Number(row.n);
  return counts;
}

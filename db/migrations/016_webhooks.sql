-- Webhooks for issuers: endpoints (URL, signing secret, event types) and the outbox of deliveries, one row per
-- endpoint and timeline event, written in the same transaction as the event (db/invoices.ts recordInvoiceEvent).

create table webhook_endpoints (
  id uuid primary key,
  issuer_id uuid not null references issuers (id),
  url text not null,
  description text not null default '',
  -- null: every event type, also those added later
  event_types text[],
  -- Standard Webhooks secret ("whsec_" + base64); during a rotation the previous one signs too until it expires
  secret text not null,
  previous_secret text,
  previous_secret_expires_at timestamptz,
  enabled boolean not null default true,
  disabled_reason text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index webhook_endpoints_issuer on webhook_endpoints (issuer_id) where enabled;

create table webhook_deliveries (
  -- the outbox's order: an invoice's events are delivered by ascending id
  id bigserial primary key,
  endpoint_id uuid not null references webhook_endpoints (id) on delete cascade,
  invoice_id uuid not null references invoices (id),
  event_key text not null,
  event_type text not null,
  -- webhook-id: the same on every attempt and replay, so receivers deduplicate by it
  message_id text not null,
  -- the JSON body, fixed when the event is recorded
  body text not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
  attempts integer not null default 0,
  last_status integer,
  last_error text,
  last_attempt_at timestamptz,
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  -- retries stop this long after retry_from (WEBHOOK_RETRY_FOR); a replay starts the window again
  retry_from timestamptz not null default now(),
  unique (endpoint_id, invoice_id, event_key)
);

create index webhook_deliveries_pending on webhook_deliveries (endpoint_id, invoice_id, id) where status = 'pending';
create index webhook_deliveries_failed on webhook_deliveries (last_attempt_at) where status = 'failed';
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, id);
-- the endpoints an event was queued for (woken after the event's transaction)
create index webhook_deliveries_event on webhook_deliveries (invoice_id, event_key);

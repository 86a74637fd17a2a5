-- Issuers: companies that deliver invoices. API keys are high-entropy secrets, so a SHA-256 digest is enough to store them.
create table issuers (
  id uuid primary key,
  name text not null,
  eik text not null unique,
  email text not null,
  api_key_sha256 text not null unique,
  created_at timestamptz not null default now()
);

-- One row per invoice the hub accepted for processing: what the issuer delivered, and the projection of its lifecycle.
-- The same issuer and number arrive once; a repeated delivery finds this row.
create table invoices (
  id uuid primary key,
  issuer_id uuid not null references issuers (id),
  number text not null,
  workflow_id text not null unique,
  channel text not null,
  idempotency_key text,
  original bytea not null,
  sha256 text not null,
  summary jsonb not null,
  recipient_email text,
  status text not null default 'received',
  verification jsonb,
  received_at timestamptz not null default now(),
  viewed_at timestamptz,
  unique (issuer_id, number)
);
create index invoices_recipient_email on invoices (lower(recipient_email));
create unique index invoices_idempotency_key on invoices (issuer_id, idempotency_key) where idempotency_key is not null;

-- The archive: written once per invoice, never updated or deleted before its retention ends.
create table invoice_archive (
  invoice_id uuid primary key references invoices (id),
  sha256 text not null,
  original bytea not null,
  model jsonb not null,
  summary jsonb not null,
  report jsonb not null,
  archived_at timestamptz not null default now(),
  retain_until date not null
);
create function refuse_archive_change() returns trigger language plpgsql as $$
begin
  raise exception 'the invoice archive is append-only (invoice %)', old.invoice_id;
end $$;
create trigger invoice_archive_append_only before update or delete on invoice_archive
  for each row execute function refuse_archive_change();

-- The timeline people see: one row per lifecycle event, written once (event_key makes retries harmless).
create table invoice_events (
  id bigserial primary key,
  invoice_id uuid not null references invoices (id),
  event_key text not null,
  type text not null,
  at timestamptz not null default now(),
  detail jsonb not null default '{}'::jsonb,
  unique (invoice_id, event_key)
);

-- Every e-mail the hub sent, keyed by a business idempotency key, so a retried activity never mails twice.
create table sent_mail (
  idempotency_key text primary key,
  invoice_id uuid references invoices (id),
  recipient text not null,
  kind text not null,
  message_id text not null,
  state text not null check (state in ('sending', 'sent')),
  created_at timestamptz not null default now(),
  sent_at timestamptz
);

-- Recipients: people who receive invoices at an e-mail address and may register in the portal.
create table recipients (
  id uuid primary key,
  email text not null,
  password_hash text,
  registered_at timestamptz,
  created_at timestamptz not null default now()
);
create unique index recipients_email on recipients (lower(email));

-- The invitation carried by the first invoice mailed to an address. Only a digest of the token is kept.
create table invitations (
  token_sha256 text primary key,
  recipient_id uuid not null references recipients (id),
  invoice_id uuid references invoices (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create unique index invitations_one_per_recipient on invitations (recipient_id);

create table portal_sessions (
  token_sha256 text primary key,
  recipient_id uuid not null references recipients (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_seen_at timestamptz not null default now()
);

-- Every authenticated view of an invoice (the first one is the return receipt).
create table invoice_views (
  id bigserial primary key,
  invoice_id uuid not null references invoices (id),
  recipient_id uuid not null references recipients (id),
  viewed_at timestamptz not null default now(),
  user_agent text,
  ip text
);
create index invoice_views_invoice on invoice_views (invoice_id, viewed_at);

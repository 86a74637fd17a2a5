-- Channels (SFTP, SFTP pickup, AS2): every file or message an issuer delivers is recorded here once, by a business
-- key, before anything else happens to it; what became of it (an invoice, a duplicate, a quarantine with its reason)
-- is written in the same row. A ZIP batch is a row whose entries are rows pointing at it.
create table deliveries (
  id uuid primary key,
  issuer_id uuid not null references issuers (id),
  channel text not null,
  -- sftp:<upload>, as2:<from>:<message-id>, pickup:<issuer>:<name>:<sha256>, <batch key>/<entry>
  delivery_key text not null unique,
  -- Where the hub's answer files go: 'sftp' (the hub's own server) or 'pickup' (the issuer's remote outbox); null: none.
  mailbox text,
  file_name text not null,
  parent_id uuid references deliveries (id),
  sha256 text not null,
  size bigint not null,
  -- The bytes as delivered: kept until processed, and for good when quarantined (the evidence of what was refused).
  content bytea,
  status text not null default 'received'
    check (status in ('received', 'accepted', 'duplicate', 'quarantined', 'batch')),
  invoice_id uuid references invoices (id),
  reason_code text,
  reason text,
  received_at timestamptz not null default now(),
  -- Whoever processes the delivery holds it until then, so two nodes do not do the same work at once.
  lease_until timestamptz,
  processed_at timestamptz
);
create index deliveries_unprocessed on deliveries (received_at) where status = 'received';
create index deliveries_issuer on deliveries (issuer_id, received_at);
create index deliveries_parent on deliveries (parent_id) where parent_id is not null;

alter table invoices add column delivery_id uuid references deliveries (id);

-- The hub's answer files to an issuer (acknowledgement, verification result, Invoice Responses), each written once
-- (answer_key). An issuer's outbox shows, per name, the newest answer; older ones stay here as history.
create table channel_answers (
  id bigserial primary key,
  answer_key text not null unique,
  issuer_id uuid not null references issuers (id),
  mailbox text not null,
  name text not null,
  content bytea not null,
  delivery_id uuid references deliveries (id),
  created_at timestamptz not null default now(),
  -- For the pickup mailbox: when the answer was written to the issuer's own server.
  pushed_at timestamptz
);
create index channel_answers_outbox on channel_answers (issuer_id, mailbox, name, id desc);
create index channel_answers_unpushed on channel_answers (issuer_id, id) where mailbox = 'pickup' and pushed_at is null;

-- SFTP: the public keys an issuer logs in with (several, so keys can be rotated).
create table sftp_keys (
  id uuid primary key,
  issuer_id uuid not null references issuers (id),
  algorithm text not null,
  -- The key in SSH wire format, as a client presents it.
  public_key bytea not null,
  fingerprint text not null,
  comment text,
  created_at timestamptz not null default now(),
  unique (issuer_id, fingerprint)
);

-- SFTP: files uploaded under a temporary name (*.part, *.tmp, .name), complete but not yet renamed to their final
-- name. Kept in the database, not on one node's disk, so the rename may come through any gateway node.
create table sftp_staged_files (
  issuer_id uuid not null references issuers (id),
  name text not null,
  content bytea not null,
  sha256 text not null,
  size bigint not null,
  staged_at timestamptz not null default now(),
  primary key (issuer_id, name)
);

-- SFTP pickup: the issuer's own SFTP server the hub polls. The private key is sealed with the hub secret.
create table sftp_pickups (
  issuer_id uuid primary key references issuers (id),
  host text not null,
  port integer not null,
  username text not null,
  private_key_sealed text not null,
  -- Pinned on first connection unless given: a changed host key stops the pickup.
  host_key_sha256 text,
  remote_inbox text not null,
  remote_outbox text not null,
  poll_seconds integer not null check (poll_seconds > 0),
  enabled boolean not null default true,
  updated_at timestamptz not null default now()
);

-- AS2 partners: an issuer's AS2 id and the certificates it signs with (two may be valid at once during a rollover)
-- and the one the hub encrypts to it with.
create table as2_partners (
  issuer_id uuid primary key references issuers (id),
  as2_id text not null unique,
  -- An unsigned message cannot prove who sent it: refused unless the partner is set up to allow it.
  require_signature boolean not null default true,
  require_encryption boolean not null default false,
  updated_at timestamptz not null default now()
);
create table as2_partner_certificates (
  issuer_id uuid not null references as2_partners (issuer_id),
  usage text not null check (usage in ('signing', 'encryption')),
  fingerprint text not null,
  pem text not null,
  not_before timestamptz not null,
  not_after timestamptz not null,
  added_at timestamptz not null default now(),
  primary key (issuer_id, usage, fingerprint)
);

-- AS2 messages the hub processed, by the sender's Message-ID: a resend gets the MDN it was given the first time.
-- A message that failed is not kept here, so a resend after a failed first attempt is processed afresh.
create table as2_messages (
  as2_from text not null,
  message_id text not null,
  issuer_id uuid not null references issuers (id),
  delivery_id uuid not null references deliveries (id),
  mdn_headers jsonb not null,
  mdn_body bytea not null,
  -- Receipt-Delivery-Option: where an asynchronous MDN goes, and when it got there.
  mdn_url text,
  mdn_delivered_at timestamptz,
  received_at timestamptz not null default now(),
  primary key (as2_from, message_id)
);

-- Disputes: the record both sides read. The invoice's lifecycle workflow decides what may happen; these tables keep
-- what did happen — every message, attachment and status change with its author and time — and are never edited.

create table disputes (
  id uuid primary key,
  invoice_id uuid not null references invoices (id),
  category text not null
    check (category in ('wrong-amount', 'wrong-quantity', 'goods-not-received', 'not-ours', 'duplicate', 'other')),
  opened_by uuid not null references users (id),
  opened_at timestamptz not null
);
create index disputes_invoice on disputes (invoice_id, opened_at);

-- The thread: entry 1 opens the dispute; each later one is a message or a status change. `status` is the dispute's
-- status after the entry, so the latest entry tells the current one. Authors: a person (user_id, with the address
-- they had then) or, for an issuer's system (API key, a delivered credit note), the issuer by name.
create table dispute_entries (
  id uuid primary key,
  dispute_id uuid not null references disputes (id),
  seq integer not null check (seq >= 1),
  kind text not null check (kind in ('opened', 'message', 'upheld', 'rejected', 'reopened', 'closed')),
  status text not null check (status in ('open', 'upheld', 'rejected', 'closed')),
  author_side text not null check (author_side in ('recipient', 'issuer')),
  author_user_id uuid references users (id),
  author_name text not null,
  text text,
  credit_note_id uuid references invoices (id),
  credit_note_number text,
  at timestamptz not null,
  unique (dispute_id, seq)
);

create table dispute_attachments (
  id uuid primary key,
  entry_id uuid not null references dispute_entries (id),
  dispute_id uuid not null references disputes (id),
  file_name text not null,
  -- Decided from the bytes (domain/disputes/attachments.ts), never taken from the uploader.
  content_type text not null check (content_type in ('application/pdf', 'image/png', 'image/jpeg')),
  size integer not null check (size > 0 and size <= 5242880),
  sha256 text not null,
  content bytea not null
);
create index dispute_attachments_entry on dispute_attachments (entry_id);

create function refuse_dispute_change() returns trigger language plpgsql as $$
begin
  raise exception 'dispute history is append-only (% on %)', tg_op, tg_table_name;
end $$;
create trigger disputes_append_only before update or delete on disputes
  for each row execute function refuse_dispute_change();
create trigger disputes_no_truncate before truncate on disputes
  for each statement execute function refuse_dispute_change();
create trigger dispute_entries_append_only before update or delete on dispute_entries
  for each row execute function refuse_dispute_change();
create trigger dispute_entries_no_truncate before truncate on dispute_entries
  for each statement execute function refuse_dispute_change();
create trigger dispute_attachments_append_only before update or delete on dispute_attachments
  for each row execute function refuse_dispute_change();
create trigger dispute_attachments_no_truncate before truncate on dispute_attachments
  for each statement execute function refuse_dispute_change();

-- Files uploaded for a message not yet sent: checked by content on upload, moved into dispute_attachments together
-- with the entry that carries them, and deleted then (or a day later, unused). Not part of the record.
create table dispute_uploads (
  id uuid primary key,
  invoice_id uuid not null references invoices (id),
  author_side text not null check (author_side in ('recipient', 'issuer')),
  -- Who may attach it: the person who uploaded it, or (API) the issuer whose key did.
  uploaded_by uuid references users (id),
  uploaded_by_issuer uuid references issuers (id),
  file_name text not null,
  content_type text not null check (content_type in ('application/pdf', 'image/png', 'image/jpeg')),
  size integer not null check (size > 0 and size <= 5242880),
  sha256 text not null,
  content bytea not null,
  uploaded_at timestamptz not null default now(),
  check ((uploaded_by is null) <> (uploaded_by_issuer is null))
);
create index dispute_uploads_age on dispute_uploads (uploaded_at);

-- The archive that proves itself (domain/archive/README.md): what the hub archived is written once, and every record
-- joins one hash chain whose head is sealed at intervals (workflows/archive-sealing.ts); `bin/hub archive verify`
-- re-hashes the records against the chain and the seals.

-- 1. Write-once. The hub connects as the role that runs these migrations and owns the tables (with the embedded
-- cluster also its superuser), so grants cannot bind it; the triggers are the guarantee, and the chain and its seals
-- show what someone with the power to switch triggers off changed anyway.
--
-- invoice_archive, disputes, dispute_entries, dispute_attachments and reconciliation_decisions already refuse UPDATE
-- and DELETE (001, 006, 008); TRUNCATE is refused below where it was not yet. invoice_views is written once.
-- sent_mail and invoice_payments carry one piece of workflow bookkeeping each, which the application updates today:
-- a mail is claimed ('sending') before SMTP and marked 'sent' after; a payment is 'pending' until its lifecycle took it
-- ('recorded', 'refused', later 'withdrawn' by an undo). Those columns may change; every other column of the row is the
-- record, refused like the rest, and DELETE is refused.
create function refuse_archive_record_change() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only: % refused (archived records are written once)', tg_table_name, tg_op
    using errcode = 'integrity_constraint_violation';
end $$;

create trigger invoice_archive_no_truncate before truncate on invoice_archive
  for each statement execute function refuse_archive_record_change();
create trigger reconciliation_decisions_no_truncate before truncate on reconciliation_decisions
  for each statement execute function refuse_archive_record_change();

create trigger invoice_views_append_only before update or delete on invoice_views
  for each row execute function refuse_archive_record_change();
create trigger invoice_views_no_truncate before truncate on invoice_views
  for each statement execute function refuse_archive_record_change();

create function refuse_sent_mail_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE'
     and (new.idempotency_key, new.invoice_id, new.recipient, new.kind, new.message_id, new.created_at)
         is not distinct from (old.idempotency_key, old.invoice_id, old.recipient, old.kind, old.message_id, old.created_at)
  then
    return new; -- the delivery state ('sending' → 'sent', sent_at) is bookkeeping, not the record
  end if;
  raise exception 'sent_mail is append-only: % refused (only state and sent_at may change)', tg_op
    using errcode = 'integrity_constraint_violation';
end $$;
create trigger sent_mail_append_only before update or delete on sent_mail
  for each row execute function refuse_sent_mail_change();
create trigger sent_mail_no_truncate before truncate on sent_mail
  for each statement execute function refuse_archive_record_change();

create function refuse_payment_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'UPDATE'
     and (new.id, new.payment_key, new.invoice_id, new.issuer_id, new.source, new.entry_id, new.order_id,
          new.decision_id, new.amount, new.currency, new.paid_at, new.reason, new.reversal_of, new.created_at)
         is not distinct from
         (old.id, old.payment_key, old.invoice_id, old.issuer_id, old.source, old.entry_id, old.order_id,
          old.decision_id, old.amount, old.currency, old.paid_at, old.reason, old.reversal_of, old.created_at)
  then
    return new; -- whether the lifecycle took the payment (state, refusal, recorded_at) is bookkeeping
  end if;
  raise exception 'invoice_payments is append-only: % refused (only state, refusal and recorded_at may change)', tg_op
    using errcode = 'integrity_constraint_violation';
end $$;
create trigger invoice_payments_append_only before update or delete on invoice_payments
  for each row execute function refuse_payment_change();
create trigger invoice_payments_no_truncate before truncate on invoice_payments
  for each statement execute function refuse_archive_record_change();

-- 2. The hash chain. One row per archived record, in one total order. Each record is reduced to the SHA-256 of each of
-- its fields (`fields`, in a fixed order per record type: domain/archive/records.ts names the same fields, and
-- verify recomputes them from the tables), the record digest covers type, key and those field digests, and each link
-- hash covers the previous link and the record digest:
--
--   record_sha256 = SHA-256("einvoice-hub archive record v1\ntype <type>\nkey <key>\n" || "<field> <digest or ->\n"...)
--   link          = SHA-256("einvoice-hub archive link v1\n<previous link>\n<record_sha256>\n"), the first previous link 64 zeros
--
-- Canonical bytes of a field: bytea as stored; text as UTF-8; jsonb as PostgreSQL prints it (jsonb::text is fixed for
-- a stored value); timestamptz as UTC 'YYYY-MM-DDTHH:MI:SS.uuuuuuZ'; date as 'YYYY-MM-DD'; uuid and integers as text.
create table archive_chain (
  seq bigint primary key check (seq >= 1),
  record_type text not null,
  record_key text not null,
  fields jsonb not null,
  record_sha256 text not null,
  previous_link text not null unique,
  link text not null unique,
  chained_at timestamptz not null default clock_timestamp(),
  unique (record_type, record_key)
);

create function archive_digest(value bytea) returns text language sql immutable strict parallel safe as $$
  select encode(sha256(value), 'hex')
$$;
create function archive_digest(value text) returns text language sql immutable strict parallel safe as $$
  select encode(sha256(convert_to(value, 'UTF8')), 'hex')
$$;
create function archive_instant(value timestamptz) returns text language sql immutable strict parallel safe as $$
  select to_char(value at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- Appends one record at the chain's head. Callers hold no lock before: the advisory lock is taken here, at commit
-- time (the triggers below are deferred), so concurrent writers wait for each other only while they commit. The
-- unique constraints turn any stale read of the head into an error instead of a fork.
create function archive_chain_append(kind text, key text, fields jsonb) returns void language plpgsql as $$
declare
  head_seq bigint;
  head_link text;
  record_digest text;
begin
  perform pg_advisory_xact_lock(727010);
  select c.seq, c.link into head_seq, head_link from archive_chain c order by c.seq desc limit 1;
  if not found then
    head_seq := 0;
    head_link := repeat('0', 64);
  end if;
  record_digest := archive_digest(
    'einvoice-hub archive record v1' || E'\n' || 'type ' || kind || E'\n' || 'key ' || key || E'\n' ||
    coalesce((select string_agg((f ->> 0) || ' ' || coalesce(f ->> 1, '-'), E'\n' order by n) || E'\n'
                from jsonb_array_elements(fields) with ordinality as e (f, n)), ''));
  insert into archive_chain (seq, record_type, record_key, fields, record_sha256, previous_link, link)
  values (head_seq + 1, kind, key, fields, record_digest, head_link,
          archive_digest('einvoice-hub archive link v1' || E'\n' || head_link || E'\n' || record_digest || E'\n'));
end $$;

-- The field digests of one record of each type, in the order domain/archive/records.ts gives.
create function archive_record_fields(kind text, r record) returns jsonb language plpgsql stable as $$
begin
  case kind
    when 'invoice' then return jsonb_build_array(
      jsonb_build_array('original', archive_digest(r.original)),
      jsonb_build_array('sha256', archive_digest(r.sha256)),
      jsonb_build_array('model', archive_digest(r.model::text)),
      jsonb_build_array('summary', archive_digest(r.summary::text)),
      jsonb_build_array('report', archive_digest(r.report::text)),
      jsonb_build_array('archived_at', archive_digest(archive_instant(r.archived_at))),
      jsonb_build_array('retain_until', archive_digest(to_char(r.retain_until, 'YYYY-MM-DD'))));
    when 'view' then return jsonb_build_array(
      jsonb_build_array('invoice_id', archive_digest(r.invoice_id::text)),
      jsonb_build_array('recipient_id', archive_digest(r.recipient_id::text)),
      jsonb_build_array('viewed_at', archive_digest(archive_instant(r.viewed_at))),
      jsonb_build_array('user_agent', archive_digest(r.user_agent)),
      jsonb_build_array('ip', archive_digest(r.ip)));
    when 'mail' then return jsonb_build_array(
      jsonb_build_array('invoice_id', archive_digest(r.invoice_id::text)),
      jsonb_build_array('recipient', archive_digest(r.recipient)),
      jsonb_build_array('kind', archive_digest(r.kind)),
      jsonb_build_array('message_id', archive_digest(r.message_id)),
      jsonb_build_array('created_at', archive_digest(archive_instant(r.created_at))));
    when 'dispute' then return jsonb_build_array(
      jsonb_build_array('invoice_id', archive_digest(r.invoice_id::text)),
      jsonb_build_array('category', archive_digest(r.category)),
      jsonb_build_array('opened_by', archive_digest(r.opened_by::text)),
      jsonb_build_array('opened_at', archive_digest(archive_instant(r.opened_at))));
    when 'dispute-entry' then return jsonb_build_array(
      jsonb_build_array('dispute_id', archive_digest(r.dispute_id::text)),
      jsonb_build_array('seq', archive_digest(r.seq::text)),
      jsonb_build_array('kind', archive_digest(r.kind)),
      jsonb_build_array('status', archive_digest(r.status)),
      jsonb_build_array('author_side', archive_digest(r.author_side)),
      jsonb_build_array('author_user_id', archive_digest(r.author_user_id::text)),
      jsonb_build_array('author_name', archive_digest(r.author_name)),
      jsonb_build_array('text', archive_digest(r.text)),
      jsonb_build_array('credit_note_id', archive_digest(r.credit_note_id::text)),
      jsonb_build_array('credit_note_number', archive_digest(r.credit_note_number)),
      jsonb_build_array('at', archive_digest(archive_instant(r.at))));
    when 'dispute-attachment' then return jsonb_build_array(
      jsonb_build_array('entry_id', archive_digest(r.entry_id::text)),
      jsonb_build_array('dispute_id', archive_digest(r.dispute_id::text)),
      jsonb_build_array('file_name', archive_digest(r.file_name)),
      jsonb_build_array('content_type', archive_digest(r.content_type)),
      jsonb_build_array('size', archive_digest(r.size::text)),
      jsonb_build_array('sha256', archive_digest(r.sha256)),
      jsonb_build_array('content', archive_digest(r.content)));
    when 'payment' then return jsonb_build_array(
      jsonb_build_array('id', archive_digest(r.id::text)),
      jsonb_build_array('invoice_id', archive_digest(r.invoice_id::text)),
      jsonb_build_array('issuer_id', archive_digest(r.issuer_id::text)),
      jsonb_build_array('source', archive_digest(r.source)),
      jsonb_build_array('entry_id', archive_digest(r.entry_id::text)),
      jsonb_build_array('order_id', archive_digest(r.order_id::text)),
      jsonb_build_array('decision_id', archive_digest(r.decision_id::text)),
      jsonb_build_array('amount', archive_digest(r.amount)),
      jsonb_build_array('currency', archive_digest(r.currency)),
      jsonb_build_array('paid_at', archive_digest(r.paid_at)),
      jsonb_build_array('reason', archive_digest(r.reason)),
      jsonb_build_array('reversal_of', archive_digest(r.reversal_of)),
      jsonb_build_array('created_at', archive_digest(archive_instant(r.created_at))));
    when 'reconciliation-decision' then return jsonb_build_array(
      jsonb_build_array('issuer_id', archive_digest(r.issuer_id::text)),
      jsonb_build_array('entry_id', archive_digest(r.entry_id::text)),
      jsonb_build_array('action', archive_digest(r.action)),
      jsonb_build_array('allocations', archive_digest(r.allocations::text)),
      jsonb_build_array('note', archive_digest(r.note)),
      jsonb_build_array('previous', archive_digest(r.previous::text)),
      jsonb_build_array('decided_by', archive_digest(r.decided_by::text)),
      jsonb_build_array('decided_at', archive_digest(archive_instant(r.decided_at))),
      jsonb_build_array('undoes', archive_digest(r.undoes::text)));
  end case;
end $$;

-- The trigger's argument is the record type, then the key column.
create function archive_chain_record() returns trigger language plpgsql as $$
begin
  perform archive_chain_append(tg_argv[0], to_jsonb(new) ->> tg_argv[1], archive_record_fields(tg_argv[0], new));
  return null;
end $$;

-- Deferred: the record is chained when its transaction commits, in the same transaction, so a record never exists
-- without its link, and the chain's lock is held only while committing (a view's transaction, for one, waits on
-- Temporal before it commits).
create constraint trigger invoice_archive_chained after insert on invoice_archive
  deferrable initially deferred for each row execute function archive_chain_record('invoice', 'invoice_id');
create constraint trigger invoice_views_chained after insert on invoice_views
  deferrable initially deferred for each row execute function archive_chain_record('view', 'id');
create constraint trigger sent_mail_chained after insert on sent_mail
  deferrable initially deferred for each row execute function archive_chain_record('mail', 'idempotency_key');
create constraint trigger disputes_chained after insert on disputes
  deferrable initially deferred for each row execute function archive_chain_record('dispute', 'id');
create constraint trigger dispute_entries_chained after insert on dispute_entries
  deferrable initially deferred for each row execute function archive_chain_record('dispute-entry', 'id');
create constraint trigger dispute_attachments_chained after insert on dispute_attachments
  deferrable initially deferred for each row execute function archive_chain_record('dispute-attachment', 'id');
create constraint trigger invoice_payments_chained after insert on invoice_payments
  deferrable initially deferred for each row execute function archive_chain_record('payment', 'payment_key');
create constraint trigger reconciliation_decisions_chained after insert on reconciliation_decisions
  deferrable initially deferred for each row
  execute function archive_chain_record('reconciliation-decision', 'id');

-- 3. Seals: the chain head at a moment, signed by the hub's archive key and timestamped (RFC 3161) by TSA_URL or the
-- hub's own timestamp unit. Each seal names the one before it (the SHA-256 of its document), so seals form a chain
-- of their own. The document is rebuilt from these columns by domain/archive/seals.ts.
create table archive_seals (
  seal bigint primary key check (seal >= 1),
  previous_seal_sha256 text,
  head_seq bigint not null,
  head_link text not null,
  sealed_at timestamptz not null,
  document_sha256 text not null,
  signature bytea not null,
  signer_certificate text not null,
  timestamp_token bytea not null,
  timestamp_authority text not null,
  timestamp_time timestamptz not null,
  unique (previous_seal_sha256)
);

create trigger archive_chain_append_only before update or delete on archive_chain
  for each row execute function refuse_archive_record_change();
create trigger archive_chain_no_truncate before truncate on archive_chain
  for each statement execute function refuse_archive_record_change();
create trigger archive_seals_append_only before update or delete on archive_seals
  for each row execute function refuse_archive_record_change();
create trigger archive_seals_no_truncate before truncate on archive_seals
  for each statement execute function refuse_archive_record_change();

-- Records archived before this migration join the chain now, oldest first.
do $$
declare
  r record;
begin
  for r in
    select kind, key, fields from (
      select 'invoice' as kind, invoice_id::text as key, archived_at as at, archive_record_fields('invoice', a) as fields
        from invoice_archive a
      union all
      select 'view', id::text, viewed_at, archive_record_fields('view', v) from invoice_views v
      union all
      select 'mail', idempotency_key, created_at, archive_record_fields('mail', m) from sent_mail m
      union all
      select 'dispute', id::text, opened_at, archive_record_fields('dispute', d) from disputes d
      union all
      select 'dispute-entry', id::text, at, archive_record_fields('dispute-entry', e) from dispute_entries e
      union all
      select 'dispute-attachment', a.id::text, e.at, archive_record_fields('dispute-attachment', a)
        from dispute_attachments a join dispute_entries e on e.id = a.entry_id
      union all
      select 'payment', payment_key, created_at, archive_record_fields('payment', p) from invoice_payments p
      union all
      select 'reconciliation-decision', id::text, decided_at, archive_record_fields('reconciliation-decision', d)
        from reconciliation_decisions d
    ) existing
    order by at, kind, key
  loop
    perform archive_chain_append(r.kind, r.key, r.fields);
  end loop;
end $$;

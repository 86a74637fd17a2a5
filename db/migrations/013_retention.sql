-- Retention, legal hold and purge (domain/archive/README.md): an archived invoice is kept until its retention date
-- (invoice_archive.retain_until); `bin/hub archive purge --before DATE` is the only way it leaves, never while it is
-- under legal hold, and the purge leaves a chained record of everything it removed. The database checks each of
-- these conditions itself, row by row, whatever client asks.

-- 1. Legal holds: one row per action (hold, release), written once and chained. The invoice's number and issuer are
-- copied in by the database, so the record still says which invoice it was once the invoice is purged. An invoice is
-- held while its latest action is a hold; a hold on a held invoice and a release of one not held are refused.
create table archive_holds (
  id bigserial primary key,
  invoice_id uuid not null,
  invoice_number text not null,
  issuer_eik text not null,
  action text not null check (action in ('hold', 'release')),
  reason text not null check (btrim(reason) <> ''),
  acted_by text not null check (btrim(acted_by) <> ''),
  acted_at timestamptz not null default now()
);
create index archive_holds_invoice on archive_holds (invoice_id, id desc);

-- Holds and purges take this lock, so a hold placed while a purge runs waits for it (and then finds the invoice
-- gone), and a purge sees every hold committed before it.
create function archive_retention_lock() returns void language sql as $$
  select pg_advisory_xact_lock(727013)
$$;

create function archive_hold_action(invoice uuid) returns text language sql stable as $$
  select h.action from archive_holds h where h.invoice_id = invoice order by h.id desc limit 1
$$;

create function check_archive_hold() returns trigger language plpgsql as $$
declare
  current_action text;
begin
  perform archive_retention_lock();
  select i.number, s.eik into new.invoice_number, new.issuer_eik
    from invoice_archive a join invoices i on i.id = a.invoice_id join issuers s on s.id = i.issuer_id
   where a.invoice_id = new.invoice_id;
  if not found then
    raise exception 'invoice % is not in the archive: nothing to hold or release', new.invoice_id
      using errcode = 'foreign_key_violation';
  end if;
  current_action := coalesce(archive_hold_action(new.invoice_id), 'release');
  if current_action = new.action then
    raise exception 'invoice % is % on hold', new.invoice_number,
      case new.action when 'hold' then 'already' else 'not' end
      using errcode = 'check_violation';
  end if;
  new.acted_at := now();
  return new;
end $$;
create trigger archive_holds_checked before insert on archive_holds
  for each row execute function check_archive_hold();

-- 2. Purges: one row per purge, written once and chained. `invoices` maps each invoice removed to what it was and to
-- every archived record removed with it, by chain position:
--   {"<invoice id>": {"number": "…", "issuer": "<EIK>", "retain_until": "YYYY-MM-DD",
--                     "records": [{"seq": 12, "type": "invoice", "key": "<invoice id>"}, …]}, …}
-- `xact` is the transaction that inserted the row (set by the database): only that transaction may delete under it.
create table archive_purges (
  purge bigint primary key check (purge >= 1),
  before date not null,
  purged_at timestamptz not null default now(),
  purged_by text not null check (btrim(purged_by) <> ''),
  invoices jsonb not null check (jsonb_typeof(invoices) = 'object'),
  xact bigint not null
);
-- Which purge removed an invoice (purgeOf, the evidence package): a lookup of a top-level key.
create index archive_purges_invoices on archive_purges using gin (invoices);

create function check_archive_purge() returns trigger language plpgsql as $$
begin
  perform archive_retention_lock();
  if new.before > current_date then
    raise exception 'a purge before % is refused: the date is in the future (today is %)', new.before, current_date
      using errcode = 'check_violation';
  end if;
  new.purge := coalesce((select max(p.purge) from archive_purges p), 0) + 1;
  new.purged_at := now();
  new.xact := txid_current();
  return new;
end $$;
create trigger archive_purges_numbered before insert on archive_purges
  for each row execute function check_archive_purge();

-- At commit: every invoice the purge lists is really gone (a purge record never claims what it did not do).
create function check_archive_purge_done() returns trigger language plpgsql as $$
begin
  if exists (select 1 from jsonb_object_keys(new.invoices) k join invoices i on i.id = k::uuid) then
    raise exception 'purge % lists invoices it did not remove', new.purge using errcode = 'check_violation';
  end if;
  return null;
end $$;
create constraint trigger archive_purges_done after insert on archive_purges
  deferrable initially deferred for each row execute function check_archive_purge_done();

create trigger archive_holds_append_only before update or delete on archive_holds
  for each row execute function refuse_archive_record_change();
create trigger archive_holds_no_truncate before truncate on archive_holds
  for each statement execute function refuse_archive_record_change();
create trigger archive_purges_append_only before update or delete on archive_purges
  for each row execute function refuse_archive_record_change();
create trigger archive_purges_no_truncate before truncate on archive_purges
  for each statement execute function refuse_archive_record_change();

-- 3. DELETE of an archived record, allowed only inside a purge: the transaction has set `hub.archive_purge` to the
-- number of a purge row it inserted itself, that row lists the record under its invoice, the invoice's retention
-- date is before the purge's date and before today, and the invoice is not on hold. UPDATE and TRUNCATE stay refused
-- as before (the triggers of 001, 006, 010, 011, 012, now for UPDATE alone).
create function archive_purge_permits(kind text, key text, invoice uuid) returns boolean language plpgsql stable as $$
declare
  purge_number text := nullif(current_setting('hub.archive_purge', true), '');
  p archive_purges;
  retained date;
begin
  if purge_number is null or invoice is null or purge_number !~ '^[0-9]{1,18}$' then
    return false;
  end if;
  select * into p from archive_purges where purge = purge_number::bigint and xact = txid_current();
  if not found then
    return false;
  end if;
  if not coalesce(p.invoices -> invoice::text -> 'records' @> jsonb_build_array(jsonb_build_object('type', kind, 'key', key)), false) then
    return false;
  end if;
  select a.retain_until into retained from invoice_archive a where a.invoice_id = invoice;
  return retained < p.before and retained < current_date and archive_hold_action(invoice) is distinct from 'hold';
end $$;

-- The trigger's arguments: the record type, its key column, and the column naming its invoice (`dispute_id` for the
-- dispute thread, whose invoice is its dispute's).
create function refuse_archive_record_delete() returns trigger language plpgsql as $$
declare
  key text;
  invoice uuid;
begin
  execute format('select ($1).%I::text', tg_argv[1]) into key using old;
  if tg_argv[2] = 'dispute_id' then
    select d.invoice_id into invoice from disputes d where d.id = old.dispute_id;
  else
    execute format('select ($1).%I', tg_argv[2]) into invoice using old;
  end if;
  if archive_purge_permits(tg_argv[0], key, invoice) then
    return old;
  end if;
  raise exception '% is append-only: DELETE refused (archived records are written once; only bin/hub archive purge removes an invoice past its retention date and not on hold)', tg_table_name
    using errcode = 'integrity_constraint_violation';
end $$;

-- Each table: its UPDATE trigger's function (kept), its record type, key column and the column naming its invoice.
do $$
declare
  t record;
begin
  for t in select * from (values
    ('invoice_archive', 'refuse_archive_change', 'invoice', 'invoice_id', 'invoice_id'),
    ('invoice_views', 'refuse_archive_record_change', 'view', 'id', 'invoice_id'),
    ('sent_mail', 'refuse_sent_mail_change', 'mail', 'idempotency_key', 'invoice_id'),
    ('disputes', 'refuse_dispute_change', 'dispute', 'id', 'invoice_id'),
    ('dispute_entries', 'refuse_dispute_change', 'dispute-entry', 'id', 'dispute_id'),
    ('dispute_attachments', 'refuse_dispute_change', 'dispute-attachment', 'id', 'dispute_id'),
    ('invoice_payments', 'refuse_payment_change', 'payment', 'payment_key', 'invoice_id'),
    ('invoice_events', 'refuse_archive_record_change', 'event', 'id', 'invoice_id'),
    ('view_receipts', 'refuse_view_receipt_change', 'view-receipt', 'invoice_id', 'invoice_id')
  ) as protected (tbl, update_function, kind, key_column, invoice_column)
  loop
    execute format('drop trigger %I on %I', t.tbl || '_append_only', t.tbl);
    execute format('create trigger %I before update on %I for each row execute function %I()',
                   t.tbl || '_append_only', t.tbl, t.update_function);
    execute format('create trigger %I before delete on %I for each row '
                   'execute function refuse_archive_record_delete(%L, %L, %L)',
                   t.tbl || '_purge_only', t.tbl, t.kind, t.key_column, t.invoice_column);
  end loop;
end $$;

-- 4. Both new tables join the hash chain, their fields in the order domain/archive/records.ts gives.
alter function archive_record_fields(text, record) rename to archive_record_fields_012;
create function archive_record_fields(kind text, r record) returns jsonb language plpgsql stable as $$
begin
  case kind
    when 'hold' then return jsonb_build_array(
      jsonb_build_array('invoice_id', archive_digest(r.invoice_id::text)),
      jsonb_build_array('invoice_number', archive_digest(r.invoice_number)),
      jsonb_build_array('issuer_eik', archive_digest(r.issuer_eik)),
      jsonb_build_array('action', archive_digest(r.action)),
      jsonb_build_array('reason', archive_digest(r.reason)),
      jsonb_build_array('acted_by', archive_digest(r.acted_by)),
      jsonb_build_array('acted_at', archive_digest(archive_instant(r.acted_at))));
    when 'purge' then return jsonb_build_array(
      jsonb_build_array('before', archive_digest(to_char(r.before, 'YYYY-MM-DD'))),
      jsonb_build_array('purged_at', archive_digest(archive_instant(r.purged_at))),
      jsonb_build_array('purged_by', archive_digest(r.purged_by)),
      jsonb_build_array('invoices', archive_digest(r.invoices::text)));
    else return archive_record_fields_012(kind, r);
  end case;
end $$;

create constraint trigger archive_holds_chained after insert on archive_holds
  deferrable initially deferred for each row execute function archive_chain_record('hold', 'id');
create constraint trigger archive_purges_chained after insert on archive_purges
  deferrable initially deferred for each row execute function archive_chain_record('purge', 'purge');

-- The archive's hash chain (010) grows by two record types: the timeline (`invoice_events`, which the evidence package
-- carries and which no code ever changed, is now written once too) and the signed return receipts (`view_receipts`,
-- written once since 011). Both are chained when their transaction commits, like every other archived record.

create trigger invoice_events_append_only before update or delete on invoice_events
  for each row execute function refuse_archive_record_change();
create trigger invoice_events_no_truncate before truncate on invoice_events
  for each statement execute function refuse_archive_record_change();

-- The field digests of the two new types, in the order domain/archive/records.ts gives; the other types keep 010's.
alter function archive_record_fields(text, record) rename to archive_record_fields_010;
create function archive_record_fields(kind text, r record) returns jsonb language plpgsql stable as $$
begin
  case kind
    when 'event' then return jsonb_build_array(
      jsonb_build_array('invoice_id', archive_digest(r.invoice_id::text)),
      jsonb_build_array('event_key', archive_digest(r.event_key)),
      jsonb_build_array('type', archive_digest(r.type)),
      jsonb_build_array('at', archive_digest(archive_instant(r.at))),
      jsonb_build_array('detail', archive_digest(r.detail::text)));
    when 'view-receipt' then return jsonb_build_array(
      jsonb_build_array('view_id', archive_digest(r.view_id::text)),
      jsonb_build_array('document', archive_digest(r.document)),
      jsonb_build_array('sha256', archive_digest(r.sha256)),
      jsonb_build_array('signed_at', archive_digest(archive_instant(r.signed_at))));
    else return archive_record_fields_010(kind, r);
  end case;
end $$;

create constraint trigger invoice_events_chained after insert on invoice_events
  deferrable initially deferred for each row execute function archive_chain_record('event', 'id');
create constraint trigger view_receipts_chained after insert on view_receipts
  deferrable initially deferred for each row execute function archive_chain_record('view-receipt', 'invoice_id');

-- What was written before this migration joins the chain now, oldest first.
do $$
declare
  r record;
begin
  for r in
    select kind, key, fields from (
      select 'event' as kind, id::text as key, at, archive_record_fields('event', e) as fields from invoice_events e
      union all
      select 'view-receipt', invoice_id::text, signed_at, archive_record_fields('view-receipt', v) from view_receipts v
    ) existing
    order by at, kind, key
  loop
    perform archive_chain_append(r.kind, r.key, r.fields);
  end loop;
end $$;

-- One timeline event in one round trip (db/invoices.ts recordInvoiceEvent). The invoice row is locked first, so two
-- events of one invoice written at once are decided one after the other; each statement below sees what committed
-- before it. The event is added once by its key; the status moves to the event's unless a later event (a higher key
-- number) overtook it. Returns the invoice's number and the issuer's enabled endpoints for this webhook event type
-- (none without a type), also when the event was already there: a write retried after a crash still queues its
-- deliveries, which are unique per endpoint and event.
create function record_invoice_event(
  p_invoice uuid, p_key text, p_type text, p_at timestamptz, p_detail jsonb, p_status text, p_webhook_type text
) returns table (number text, endpoint_ids uuid[]) language plpgsql as $$
declare
  v_number text;
  v_issuer uuid;
begin
  select i.number, i.issuer_id into v_number, v_issuer from invoices i where i.id = p_invoice for update;
  insert into invoice_events (invoice_id, event_key, type, at, detail)
    values (p_invoice, p_key, p_type, p_at, p_detail)
    on conflict (invoice_id, event_key) do nothing;
  if found then
    update invoices set status = p_status
     where id = p_invoice
       and not exists (select 1 from invoice_events e
                        where e.invoice_id = p_invoice and e.event_key <> p_key
                          and substring(e.event_key from '^[0-9]+')::bigint
                              > coalesce(substring(p_key from '^[0-9]+')::bigint, -1));
  end if;
  return query
    select v_number,
           (select array_agg(e.id order by e.id) from webhook_endpoints e
             where p_webhook_type is not null and e.issuer_id = v_issuer and e.enabled
               and (e.event_types is null or p_webhook_type = any (e.event_types)));
end $$;

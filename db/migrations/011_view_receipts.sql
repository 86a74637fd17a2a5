-- Signed return receipts (domain/archive/receipt.ts): one per invoice, made when the recipient first viewed it in an
-- authenticated portal session, signed by the hub's archive key. Written once: the same document is attached to the
-- issuer's mail, served by the API and the portal, and kept for the retention period.
create table view_receipts (
  invoice_id uuid primary key references invoices (id),
  view_id bigint not null references invoice_views (id),
  document bytea not null,
  sha256 text not null,
  signed_at timestamptz not null default now()
);

create function refuse_view_receipt_change() returns trigger language plpgsql as $$
begin
  raise exception 'view_receipts is append-only: % refused (a signed receipt is written once)', tg_op
    using errcode = 'integrity_constraint_violation';
end $$;
create trigger view_receipts_append_only before update or delete on view_receipts
  for each row execute function refuse_view_receipt_change();
create trigger view_receipts_no_truncate before truncate on view_receipts
  for each statement execute function refuse_view_receipt_change();

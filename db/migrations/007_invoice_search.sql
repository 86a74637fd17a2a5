-- The searchable archive (issuer and recipient side, db/invoice-search.ts). The summary is jsonb; searching and
-- sorting it by expressions would repeat each expression in every query and index. Stored generated columns keep the
-- queries readable, give the planner plain column statistics, and are computed by PostgreSQL itself on every insert
-- and update, so no writer has to know about them. EXPLAIN on 100,000 invoices: see bench/portal.ts and the README.

-- Case folding for name search that does not depend on the database's collation: the embedded cluster (and many
-- others) runs with LC_CTYPE=C, where lower() leaves Cyrillic as it is. Bulgarian, Russian, Ukrainian and Latin-1
-- capitals are folded explicitly; ASCII by lower(). The same function folds what a person types.
create function search_fold(value text) returns text language sql immutable parallel safe as $$
  select lower(translate(value,
    'АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯЁЇІЄЃЌЎЅЈЉЊЋЏҐÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞ',
    'абвгдежзийклмнопрстуфхцчшщъыьэюяёїієѓќўѕјљњћџґàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþ'))
$$;

-- The amount payable (BT-115) as an exact numeric. A document whose amount is not a decimal (a rejected delivery)
-- gets NaN: it sorts after every amount and is left out of amount ranges, and the column is never null, so keyset
-- comparisons need no null handling.
create function search_amount(total text) returns numeric language sql immutable parallel safe as $$
  select case when total ~ '^\s*[+-]?[0-9]{1,30}(\.[0-9]{1,20})?\s*$' then trim(total)::numeric else 'NaN'::numeric end
$$;

alter table invoices
  -- BT-2 as written (YYYY-MM-DD): ISO dates sort and compare as text; '' when a rejected delivery had none.
  add column search_issue_date text generated always as (coalesce(summary ->> 'issueDate', '')) stored,
  add column search_amount numeric generated always as (search_amount(summary ->> 'total')) stored,
  -- The number as a person types it: spaces removed, folded, so "0000 000 123" finds "0000000123".
  add column search_number text generated always as (search_fold(regexp_replace(number, '\s+', '', 'g'))) stored,
  -- What an issuer searches a recipient by: the buyer's name and the address the invoice went to.
  add column search_customer text generated always as (
    search_fold(coalesce(summary -> 'customer' ->> 'name', '') || ' ' || coalesce(recipient_email, ''))) stored,
  -- What a recipient searches an issuer by: the seller's name on the invoice.
  add column search_supplier text generated always as (search_fold(coalesce(summary -> 'supplier' ->> 'name', ''))) stored;

-- Issuer side: every sort order starts from the issuer and ends with the id (the tie-breaker of the keyset), so the
-- first page and every next page is one index range scan read in either direction.
create index invoices_issuer_by_issue_date on invoices (issuer_id, search_issue_date, id);
create index invoices_issuer_by_number on invoices (issuer_id, number, id);
create index invoices_issuer_by_amount on invoices (issuer_id, search_amount, id);
create index invoices_issuer_by_status on invoices (issuer_id, status, id);
-- Number prefix search (text_pattern_ops makes LIKE 'prefix%' an index range whatever the collation).
create index invoices_issuer_number_prefix on invoices (issuer_id, search_number text_pattern_ops);

-- Recipient side: the same orders from the recipient address.
create index invoices_recipient_by_issue_date on invoices (lower(recipient_email), search_issue_date, id);
create index invoices_recipient_by_number on invoices (lower(recipient_email), number, id);
create index invoices_recipient_by_amount on invoices (lower(recipient_email), search_amount, id);
create index invoices_recipient_by_status on invoices (lower(recipient_email), status, id);
create index invoices_recipient_number_prefix on invoices (lower(recipient_email), search_number text_pattern_ops);
-- invoices_recipient_email (lower(recipient_email)) is a prefix of the ones above.
drop index invoices_recipient_email;

-- Rejected invoices for the issuer's deliveries page.
create index invoices_issuer_rejected on invoices (issuer_id, received_at, id) where status = 'rejected';
create index deliveries_issuer_quarantined on deliveries (issuer_id, received_at, id) where status = 'quarantined';

-- Payments (domain/payments/, workflows/statement-import.ts, gateway/payments/): statements imported and the
-- decision on each of their entries, the payments applied to invoices, customers' credits, the clerks' manual
-- decisions, card/e-wallet orders handed to a provider, and "I paid elsewhere" claims.
-- The invoice's lifecycle workflow is the process that decides "paid"; these tables are the record people read.

-- One row per statement file received (SFTP statements/, POST /api/v1/statements, bin/hub statement import). The same
-- file from the same issuer is one import whatever the channel; its entries are deduplicated again one by one.
create table statement_imports (
  id uuid primary key,
  issuer_id uuid not null references issuers (id),
  source text not null check (source in ('sftp', 'api', 'cli')),
  file_name text not null,
  sha256 text not null,
  content bytea not null,
  workflow_id text not null unique,
  status text not null default 'received' check (status in ('received', 'imported', 'refused')),
  format text,
  statement_ids text[] not null default '{}',
  account text,
  refusal_code text,
  refusal text,
  entry_count integer not null default 0,
  new_entries integer not null default 0,
  received_at timestamptz not null default now(),
  imported_at timestamptz,
  unique (issuer_id, sha256)
);
create index statement_imports_issuer on statement_imports (issuer_id, received_at desc, id);

-- Every statement entry once per issuer, by its business key (account, booking date, the bank's reference): the same
-- entry in a later, overlapping statement finds its row and changes nothing. `decision` is the matcher's (or a
-- clerk's) current decision with its reason; `state` is what it came to.
create table statement_entries (
  id uuid primary key,
  issuer_id uuid not null references issuers (id),
  import_id uuid not null references statement_imports (id),
  entry_key text not null,
  position integer not null,
  booking_date text not null,
  amount text not null,
  currency text not null,
  direction text not null check (direction in ('credit', 'debit')),
  reversal boolean not null,
  counterparty_name text,
  counterparty_iban text,
  entry jsonb not null,
  decision jsonb not null,
  state text not null check (state in ('matched', 'review', 'not-a-payment', 'ignored')),
  decided_at timestamptz not null default now(),
  decided_by uuid references users (id),
  unique (issuer_id, entry_key)
);
create index statement_entries_import on statement_entries (import_id, position);
create index statement_entries_review on statement_entries (issuer_id, booking_date, id) where state = 'review';

-- Money applied to an invoice. `payment_key` is the id the lifecycle's recordPayment update gets, so a payment is
-- recorded in the workflow exactly once whatever crashes; `state` says whether the workflow has taken it yet.
create table invoice_payments (
  id uuid primary key,
  payment_key text not null unique,
  invoice_id uuid not null references invoices (id),
  issuer_id uuid not null references issuers (id),
  source text not null check (source in ('statement', 'provider', 'manual')),
  entry_id uuid references statement_entries (id),
  order_id uuid,
  decision_id uuid,
  amount text not null,
  currency text not null,
  paid_at text not null,
  reason text not null,
  reversal_of text references invoice_payments (payment_key),
  state text not null default 'pending' check (state in ('pending', 'recorded', 'refused', 'withdrawn')),
  refusal text,
  created_at timestamptz not null default now(),
  recorded_at timestamptz
);
create index invoice_payments_invoice on invoice_payments (invoice_id, created_at);
create index invoice_payments_entry on invoice_payments (entry_id);
create index invoice_payments_pending on invoice_payments (issuer_id, created_at) where state = 'pending';

-- Money beyond what the named invoices owed: the customer's credit with the issuer, shown to both sides.
create table customer_credits (
  id uuid primary key,
  issuer_id uuid not null references issuers (id),
  customer_key text not null,
  amount text not null,
  currency text not null,
  entry_id uuid references statement_entries (id),
  payment_key text,
  reason text not null,
  created_at timestamptz not null default now(),
  withdrawn_at timestamptz
);
create index customer_credits_customer on customer_credits (issuer_id, customer_key) where withdrawn_at is null;

-- What a clerk decided about an entry in the review queue (match, split, ignore) or about an automatic decision
-- (undo), with who, when and the note. Kept: an undo is a new row naming the one it undoes.
create table reconciliation_decisions (
  id uuid primary key,
  issuer_id uuid not null references issuers (id),
  entry_id uuid not null references statement_entries (id),
  action text not null check (action in ('match', 'split', 'ignore', 'undo')),
  allocations jsonb not null default '[]'::jsonb,
  note text not null,
  previous jsonb not null,
  decided_by uuid not null references users (id),
  decided_at timestamptz not null default now(),
  undoes uuid references reconciliation_decisions (id)
);
create index reconciliation_decisions_entry on reconciliation_decisions (entry_id, decided_at);
create function refuse_decision_change() returns trigger language plpgsql as $$
begin
  raise exception 'manual reconciliation decisions are kept as made (decision %)', old.id;
end $$;
create trigger reconciliation_decisions_append_only before update or delete on reconciliation_decisions
  for each row execute function refuse_decision_change();

-- A card or e-wallet payment handed to a provider's hosted page. `order_number` is the numeric order the provider
-- knows (ePay's INVOICE); the result comes only from the provider's signed notification.
create table payment_orders (
  id uuid primary key,
  order_number bigint generated always as identity (start with 1000001) unique,
  provider text not null,
  invoice_id uuid not null references invoices (id),
  issuer_id uuid not null references issuers (id),
  amount text not null,
  currency text not null,
  state text not null default 'started' check (state in ('started', 'paid', 'denied', 'expired')),
  started_by uuid references users (id),
  started_at timestamptz not null default now(),
  notified_at timestamptz,
  provider_reference text,
  answer text
);
create index payment_orders_invoice on payment_orders (invoice_id, started_at);

-- "I paid elsewhere": the recipient's word, shown to the issuer, never a payment.
create table payment_claims (
  id uuid primary key,
  invoice_id uuid not null references invoices (id),
  user_id uuid not null references users (id),
  paid_on text not null,
  note text not null,
  created_at timestamptz not null default now()
);
create index payment_claims_invoice on payment_claims (invoice_id, created_at);

-- Permanent access (README "Permanent access"): a recipient's invoices belong to the account that owned the recipient
-- address when the invoice was delivered, not to whoever owns the address later. Moving an address to another
-- account (the holder changes their login address, or an operator releases it) leaves the invoices where they are.
-- An issuer that stops using the hub is deactivated: its intake is refused, its archive stays readable.

-- 1. The recipient account of each invoice. Bound by the database, so every writer (intake, seeds, a restore) binds
-- the same way: when the invoice is recorded (or verification corrects its address), to the account owning the address
-- then; when no account owns it, to the account the hub makes for the address when it notifies (trigger below).
alter table invoices add column recipient_user_id uuid references users (id);

update invoices i set recipient_user_id = u.id from users u where lower(u.email) = lower(i.recipient_email);

create function recipient_account_of(address text) returns uuid language sql stable as $$
  select id from users where lower(email) = lower(address)
$$;

create function bind_invoice_recipient() returns trigger language plpgsql as $$
begin
  if tg_op = 'INSERT' and new.recipient_user_id is null
     or tg_op = 'UPDATE' and new.recipient_email is distinct from old.recipient_email then
    new.recipient_user_id := recipient_account_of(new.recipient_email);
  end if;
  return new;
end $$;
create trigger invoices_bind_recipient before insert or update of recipient_email on invoices
  for each row execute function bind_invoice_recipient();

-- An account made for an address, or an account moving to one, takes the invoices addressed to it that no account
-- has yet (those delivered while nobody owned the address, not yet notified); never invoices bound to someone else.
create function bind_unclaimed_invoices() returns trigger language plpgsql as $$
begin
  update invoices set recipient_user_id = new.id
   where lower(recipient_email) = lower(new.email) and recipient_user_id is null;
  return null;
end $$;
create trigger users_bind_unclaimed_invoices after insert or update of email on users
  for each row execute function bind_unclaimed_invoices();

-- The recipient's search and lists go by account now (007's indexes went by address); the address index stays for
-- the look-ups above and the issuer side's "exact address" search.
drop index invoices_recipient_by_issue_date;
drop index invoices_recipient_by_number;
drop index invoices_recipient_by_amount;
drop index invoices_recipient_by_status;
drop index invoices_recipient_number_prefix;
create index invoices_recipient_address on invoices (lower(recipient_email));
create index invoices_recipient_by_issue_date on invoices (recipient_user_id, search_issue_date, id);
create index invoices_recipient_by_number on invoices (recipient_user_id, number, id);
create index invoices_recipient_by_amount on invoices (recipient_user_id, search_amount, id);
create index invoices_recipient_by_status on invoices (recipient_user_id, status, id);
create index invoices_recipient_number_prefix on invoices (recipient_user_id, search_number text_pattern_ops);

-- 2. A share covers the invoices bound to the sharing account at that address, so the same address may be shared by
-- its earlier owner (their invoices) and its current one (theirs) with the same colleague.
drop index address_shares_live;
create unique index address_shares_live on address_shares (lower(address), user_id, shared_by) where removed_at is null;

-- 3. Every move of a login address, for the record: the account, the address it had and the one it got, who moved it
-- (the account holder, confirmed by a link mailed to the new address; or an operator), when and why. Written once.
create table account_address_changes (
  id bigserial primary key,
  user_id uuid not null references users (id),
  from_email text not null,
  to_email text not null,
  kind text not null check (kind in ('changed', 'released')),
  reason text not null check (btrim(reason) <> ''),
  changed_by text not null check (btrim(changed_by) <> ''),
  changed_at timestamptz not null default now()
);
create index account_address_changes_user on account_address_changes (user_id, id);
create index account_address_changes_from on account_address_changes (lower(from_email));
create trigger account_address_changes_append_only before update or delete on account_address_changes
  for each row execute function refuse_archive_record_change();
create trigger account_address_changes_no_truncate before truncate on account_address_changes
  for each statement execute function refuse_archive_record_change();

-- A login-address change the account holder asked for, waiting for the link mailed to the new address. Only the
-- token's digest is kept; a newer request replaces an open one.
create table login_address_changes (
  token_sha256 text primary key,
  user_id uuid not null references users (id),
  new_email text not null,
  requested_at timestamptz not null default now(),
  expires_at timestamptz not null,
  confirmed_at timestamptz
);
create unique index login_address_changes_open on login_address_changes (user_id) where confirmed_at is null;

-- 4. Issuers that stopped using the hub: intake is refused on every channel while `deactivated_at` is set; their
-- members and recipients keep reading the archive. Each deactivation and reactivation is recorded, written once.
alter table issuers add column deactivated_at timestamptz;
alter table issuers add column deactivation_reason text;
create table issuer_activity_changes (
  id bigserial primary key,
  issuer_id uuid not null references issuers (id),
  action text not null check (action in ('deactivate', 'reactivate')),
  reason text not null check (btrim(reason) <> ''),
  acted_by text not null check (btrim(acted_by) <> ''),
  acted_at timestamptz not null default now()
);
create index issuer_activity_changes_issuer on issuer_activity_changes (issuer_id, id);
create trigger issuer_activity_changes_append_only before update or delete on issuer_activity_changes
  for each row execute function refuse_archive_record_change();
create trigger issuer_activity_changes_no_truncate before truncate on issuer_activity_changes
  for each statement execute function refuse_archive_record_change();

-- One account per person, whatever they do in the portal: receive invoices at their address, see a colleague's
-- address, work for one or more issuers. (Until now only recipients could log in: their table becomes everyone's.)
alter table recipients rename to users;
alter index recipients_email rename to users_email;
alter table users add column locale text not null default 'bg' check (locale in ('bg', 'en'));
alter table invitations rename column recipient_id to user_id;
alter index invitations_one_per_recipient rename to invitations_one_per_user;
alter table portal_sessions rename column recipient_id to user_id;

-- The people who work for an issuer in the portal: an admin manages the issuer's users; a clerk works its invoices.
create table issuer_members (
  issuer_id uuid not null references issuers (id),
  user_id uuid not null references users (id),
  role text not null check (role in ('admin', 'clerk')),
  added_by uuid references users (id),
  added_at timestamptz not null default now(),
  primary key (issuer_id, user_id)
);
create index issuer_members_user on issuer_members (user_id);

-- A recipient address shared with a colleague: the colleague sees the invoices addressed to it. The address's own
-- account always sees them; a share ends when it is removed (the row is kept with the time, for the record).
create table address_shares (
  address text not null,
  user_id uuid not null references users (id),
  shared_by uuid not null references users (id),
  shared_at timestamptz not null default now(),
  removed_at timestamptz,
  removed_by uuid references users (id)
);
create unique index address_shares_live on address_shares (lower(address), user_id) where removed_at is null;
create index address_shares_user on address_shares (user_id) where removed_at is null;

-- The operator console: who operates the hub (a role of the hub, not of an issuer), and why a mail did not go out.
create table hub_operators (
  user_id uuid primary key references users (id),
  added_at timestamptz not null default now()
);

-- The last SMTP failure of a mail still 'sending' (the activity retries it); cleared when it is sent.
alter table sent_mail add column last_error text;
alter table sent_mail add column failed_at timestamptz;

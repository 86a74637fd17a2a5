-- Accounts done properly: password resets, login throttling, an optional second factor (TOTP), sessions that can all
-- be ended at once.

alter table users add column password_changed_at timestamptz;
-- The TOTP secret, sealed with the hub secret (platform/sealing.ts, purpose "totp:<user id>"); set once confirmed.
alter table users add column totp_secret_sealed text;
alter table users add column totp_enabled_at timestamptz;
-- The last TOTP time step accepted: a code opens one login only, even within its 30 seconds.
alter table users add column totp_last_step bigint;
-- A secret being set up: it replaces nothing until the person proves their app shows the right code.
alter table users add column totp_pending_sealed text;

-- One-time codes for a lost phone, shown once when the second factor is turned on; only digests are kept.
create table totp_recovery_codes (
  user_id uuid not null references users (id),
  code_sha256 text not null,
  used_at timestamptz,
  primary key (user_id, code_sha256)
);

create index portal_sessions_user on portal_sessions (user_id);
-- Whether this session passed the second factor (shown to the person; admins need it when REQUIRE_2FA_ADMINS).
alter table portal_sessions add column second_factor boolean not null default false;

-- E-mailed one-time links to choose a new password. Only the token's digest is kept; a link expires, opens once,
-- and a newer link or a completed reset ends every other one of the account.
create table password_resets (
  token_sha256 text primary key,
  user_id uuid not null references users (id),
  requested_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz,
  -- why it was made: the person asked, or the account was locked after failed logins (the lock e-mail carries it)
  reason text not null check (reason in ('requested', 'locked'))
);
create index password_resets_user on password_resets (user_id, requested_at desc);

-- Failed logins counted per account (the e-mail address typed, known or not, so answers reveal nothing) and per
-- network address. A success clears an account's count; counts are forgotten after a quiet period.
create table login_throttle (
  scope text not null check (scope in ('account', 'ip')),
  key text not null,
  failures integer not null default 0,
  last_failure_at timestamptz not null default now(),
  locked_until timestamptz,
  -- locks in a row: each lock lasts twice the one before
  locks integer not null default 0,
  primary key (scope, key)
);
create index login_throttle_last_failure on login_throttle (last_failure_at);

-- The step between a right password and a session when a second factor is needed: the browser holds the ticket
-- (only its digest is kept here) for a few minutes and a few tries.
create table login_challenges (
  token_sha256 text primary key,
  user_id uuid not null references users (id),
  -- verify: enter the app's code; enrol: an issuer admin must set up the second factor first (REQUIRE_2FA_ADMINS)
  step text not null check (step in ('verify', 'enrol')),
  attempts integer not null default 0,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index login_challenges_user on login_challenges (user_id);

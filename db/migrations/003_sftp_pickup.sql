-- SFTP pickup: why a pickup stopped by itself (its server presented another host key), and what its last poll did,
-- for operators (`bin/hub issuer sftp-pickup show`). A halted pickup is not restarted until `sftp-pickup set`.
alter table sftp_pickups
  add column halted_reason text,
  add column halted_at timestamptz,
  add column last_polled_at timestamptz,
  add column last_error text;

-- SFTP pickup: answers uploaded to the issuer's outbox under their temporary name and not yet renamed to the final
-- one. A row here means the temporary file is complete on the remote server: after a crash, a temporary file that is
-- gone was renamed (mark the answer pushed), one still there is renamed now. Without it a crash between the rename and
-- `pushed_at` would write the answer again, possibly after the issuer had already taken the first copy.
create table sftp_pickup_pushes (
  answer_id bigint primary key references channel_answers (id),
  temporary_name text not null,
  uploaded_at timestamptz not null default now()
);

-- SFTP /statements (connectors/sftp/): an issuer's bank statement files, uploaded beside /inbox with the same staging
-- rules. The file itself is kept once per issuer and content in statement_imports (008); these tables hold what the
-- SFTP tree needs on top of that.

-- Staged uploads now belong to a folder: `x.part` in /statements is another file than `x.part` in /inbox.
alter table sftp_staged_files
  add column folder text not null default 'inbox' check (folder in ('inbox', 'statements'));
alter table sftp_staged_files drop constraint sftp_staged_files_pkey;
alter table sftp_staged_files add primary key (issuer_id, folder, name);

-- Every statement file an issuer closed (or renamed into place) under a final name in /statements, and the import it
-- is. `/outbox/NAME.statement.json` is rendered from the newest row under NAME and the import's current state, so it
-- says received, refused (with the reason) or imported (with the counts) without anyone writing it again. The same
-- bytes under another name are another row naming the same import (`repeated`).
create table sftp_statement_uploads (
  id bigserial primary key,
  issuer_id uuid not null references issuers (id),
  name text not null,
  import_id uuid not null references statement_imports (id),
  -- The hub had these bytes before this upload (by any channel): nothing new was imported.
  repeated boolean not null,
  uploaded_at timestamptz not null default now()
);
create index sftp_statement_uploads_outbox on sftp_statement_uploads (issuer_id, name, id desc);
create index sftp_statement_uploads_recent on sftp_statement_uploads (issuer_id, uploaded_at);

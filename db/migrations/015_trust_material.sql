-- The trust data verification reports rest on (domain/signature/trust-data.ts): certificates, trusted lists and CA
-- files, CRLs and OCSP responses, each kept once by its SHA-256 and listed by that digest in the reports that used it
-- (the archived report is in the hash chain, so the list is too). The evidence package carries them. Written once.
create table trust_material (
  sha256 text primary key check (sha256 = encode(sha256(bytes), 'hex')),
  kind text not null check (kind in ('certificate', 'trusted-list', 'trust-anchor', 'crl', 'ocsp-response')),
  name text not null,
  bytes bytea not null,
  first_used_at timestamptz not null default now()
);

create trigger trust_material_append_only before update or delete on trust_material
  for each row execute function refuse_archive_record_change();
create trigger trust_material_no_truncate before truncate on trust_material
  for each statement execute function refuse_archive_record_change();

import type { PoolClient, QueryResultRow } from 'pg';
import type { ChainLink } from '../../domain/archive/chain';
import type { FieldDigest } from '../../domain/archive/records';
import type { StoredSeal } from '../../domain/archive/seals';
import type { Db } from '../index';

/**
 * The archive chain and its seals (db/migrations/010_archive_integrity.sql). Links are appended by the database
 * itself, in the transaction of each archived record; this module only reads them, and appends seals.
 */

interface LinkRow {
  seq: string;
  record_type: string;
  record_key: string;
  fields: FieldDigest[];
  record_sha256: string;
  previous_link: string;
  link: string;
}

const LINK_COLUMNS = 'seq, record_type, record_key, fields, record_sha256, previous_link, link';

const toLink = (row: LinkRow): ChainLink => ({
  seq: Number(row.seq),
  recordType: row.record_type,
  recordKey: row.record_key,
  fields: row.fields,
  recordSha256: row.record_sha256,
  previousLink: row.previous_link,
  link: row.link,
});

export async function chainHead(db: Db | PoolClient): Promise<{ seq: number; link: string } | undefined> {
  const { rows } = await db.query<{ seq: string; link: string }>(
    'select seq, link from archive_chain order by seq desc limit 1',
  );
  return rows[0] && { seq: Number(rows[0].seq), link: rows[0].link };
}

export async function linkAt(db: Db | PoolClient, seq: number): Promise<ChainLink | undefined> {
  const { rows } = await db.query<LinkRow>(`select ${LINK_COLUMNS} from archive_chain where seq = $1`, [seq]);
  return rows[0] && toLink(rows[0]);
}

/** The links after `afterSeq` up to `throughSeq`, in order, in batches (keyset pages: no transaction needed). */
export async function* linksBetween(
  db: Db | PoolClient,
  afterSeq: number,
  throughSeq: number,
  batch = 5000,
): AsyncGenerator<ChainLink[]> {
  let from = afterSeq;
  for (;;) {
    const { rows } = await db.query<LinkRow>(
      `select ${LINK_COLUMNS} from archive_chain where seq > $1 and seq <= $2 order by seq limit $3`,
      [from, throughSeq, batch],
    );
    if (rows.length === 0) return;
    const links = rows.map(toLink);
    yield links;
    from = links[links.length - 1].seq;
  }
}

/** Every link in order, read through a cursor of the caller's transaction (one snapshot). */
export function allLinks(client: PoolClient, batch = 5000): AsyncGenerator<ChainLink[]> {
  return throughCursor(
    client,
    'archive_links',
    `select ${LINK_COLUMNS} from archive_chain order by seq`,
    batch,
    toLink,
  );
}

export async function linksByHash(
  db: Db | PoolClient,
  hashes: string[],
): Promise<Map<string, Pick<ChainLink, 'seq' | 'recordType' | 'recordKey'>>> {
  const { rows } = await db.query<{ seq: string; record_type: string; record_key: string; link: string }>(
    'select seq, record_type, record_key, link from archive_chain where link = any($1::text[])',
    [hashes],
  );
  return new Map(
    rows.map((r) => [r.link, { seq: Number(r.seq), recordType: r.record_type, recordKey: r.record_key }]),
  );
}

interface SealRow {
  seal: string;
  previous_seal_sha256: string | null;
  head_seq: string;
  head_link: string;
  sealed_at: Date;
  document_sha256: string;
  signature: Buffer;
  signer_certificate: string;
  timestamp_token: Buffer;
  timestamp_authority: string;
  timestamp_time: Date;
}

const toSeal = (row: SealRow): StoredSeal => ({
  seal: Number(row.seal),
  previousSealSha256: row.previous_seal_sha256,
  headSeq: Number(row.head_seq),
  headLink: row.head_link,
  sealedAt: row.sealed_at,
  documentSha256: row.document_sha256,
  signature: row.signature,
  signerCertificatePem: row.signer_certificate,
  timestampToken: row.timestamp_token,
  timestampAuthority: row.timestamp_authority,
  timestampTime: row.timestamp_time,
});

export async function listSeals(db: Db | PoolClient): Promise<StoredSeal[]> {
  const { rows } = await db.query<SealRow>('select * from archive_seals order by seal');
  return rows.map(toSeal);
}

export async function lastSeal(db: Db | PoolClient): Promise<StoredSeal | undefined> {
  const { rows } = await db.query<SealRow>('select * from archive_seals order by seal desc limit 1');
  return rows[0] && toSeal(rows[0]);
}

/**
 * Appends a seal. Its number and previous-seal digest are unique, so of two sealers that read the same last seal only
 * one gets in; the other fails and, retried, finds the new one.
 */
export async function appendSeal(db: Db, seal: StoredSeal): Promise<void> {
  await db.query(
    `insert into archive_seals (seal, previous_seal_sha256, head_seq, head_link, sealed_at, document_sha256, signature,
                                signer_certificate, timestamp_token, timestamp_authority, timestamp_time)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      seal.seal,
      seal.previousSealSha256,
      seal.headSeq,
      seal.headLink,
      seal.sealedAt,
      seal.documentSha256,
      seal.signature,
      seal.signerCertificatePem,
      seal.timestampToken,
      seal.timestampAuthority,
      seal.timestampTime,
    ],
  );
}

/** Reads a query in batches through a server-side cursor, inside the caller's transaction. */
export async function* throughCursor<R extends QueryResultRow, T>(
  client: PoolClient,
  name: string,
  sql: string,
  batch: number,
  map: (row: R) => T,
): AsyncGenerator<T[]> {
  await client.query(`declare ${name} no scroll cursor for ${sql}`);
  try {
    for (;;) {
      const { rows } = await client.query<R>(`fetch ${batch} from ${name}`);
      if (rows.length === 0) return;
      yield rows.map(map);
    }
  } finally {
    await client.query(`close ${name}`);
  }
}

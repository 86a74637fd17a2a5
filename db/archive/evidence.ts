import type { PoolClient } from 'pg';
import {
  GENESIS_LINK,
  ARCHIVE_RECORDS,
  type ArchiveRecordSpec,
  type CanonicalValue,
} from '../../domain/archive/records';
import {
  safeName,
  sealProof,
  type ChainSegment,
  type EvidenceContents,
  type EvidenceFieldValue,
  type EvidenceRecord,
  type EvidenceTrustFile,
} from '../../domain/archive/evidence/contents';
import type { StoredSeal } from '../../domain/archive/seals';
import type { TrustDatum } from '../../domain/signature/types';
import type { Db } from '../index';
import { trustMaterial } from '../trust-material';
import { chainHead, linkAt, linksBetween, listSeals } from './chain';
import { canonicalColumns, withReadSnapshot } from './records';

/**
 * Everything the archive holds about one invoice, as the evidence package carries it (domain/archive/evidence/), read
 * in one snapshot: each chained record of the invoice in canonical form, the files its bytea fields hold, the trust
 * data of its verification report, and the chain segments and seals that link each record to a sealed head.
 */
export async function gatherEvidence(db: Db, invoiceId: string): Promise<EvidenceContents | undefined> {
  return withReadSnapshot(db, async (client) => {
    const { rows } = await client.query<{ number: string; name: string; eik: string }>(
      `select i.number, s.name, s.eik from invoices i join issuers s on s.id = i.issuer_id
        where i.id = $1 and exists (select 1 from invoice_archive a where a.invoice_id = i.id)`,
      [invoiceId],
    );
    const invoice = rows[0];
    if (!invoice) return undefined;
    const files = new Map<string, Buffer>();
    const records: EvidenceRecord[] = [];
    for (const spec of ARCHIVE_RECORDS) {
      const filter = invoiceFilter(spec);
      if (!filter) continue;
      for (const row of await recordsOf(client, spec, filter, invoiceId)) {
        records.push(toRecord(spec, row, invoice.number, files));
      }
    }
    records.sort((a, b) => a.seq - b.seq);
    const trust = await trustFiles(client, records, files);
    const chain = await chainProof(
      client,
      records.map((r) => r.seq),
    );
    return {
      index: {
        format: 'einvoice-hub evidence v1',
        invoice: { id: invoiceId, number: invoice.number, issuer: { name: invoice.name, eik: invoice.eik } },
        exportedAt: new Date().toISOString(),
        records,
        trust,
      },
      chain,
      files,
    };
  });
}

/** Which records of a type belong to the invoice ($1), or undefined for types that belong to none. */
function invoiceFilter(spec: ArchiveRecordSpec): string | undefined {
  if (spec.type === 'dispute-entry' || spec.type === 'dispute-attachment')
    return 'r.dispute_id in (select id from disputes where invoice_id = $1)';
  if (spec.type === 'reconciliation-decision')
    return 'r.id in (select decision_id from invoice_payments where invoice_id = $1 and decision_id is not null)';
  if (spec.keyColumn === 'invoice_id' || spec.fields.some((f) => f.name === 'invoice_id'))
    return 'r.invoice_id = $1';
  return undefined;
}

type RecordRow = { record_key: string; seq: string } & Record<string, CanonicalValue>;

async function recordsOf(
  client: PoolClient,
  spec: ArchiveRecordSpec,
  filter: string,
  invoiceId: string,
): Promise<RecordRow[]> {
  const { rows } = await client.query<RecordRow>(
    `select r.${spec.keyColumn}::text as record_key, c.seq, ${canonicalColumns(spec)}
       from ${spec.table} r
       join archive_chain c on c.record_type = '${spec.type}' and c.record_key = r.${spec.keyColumn}::text
      where ${filter}
      order by c.seq`,
    [invoiceId],
  );
  return rows;
}

/** Where a bytea field's bytes go in the package. */
function filePath(spec: ArchiveRecordSpec, field: string, row: RecordRow, number: string): string {
  if (spec.type === 'invoice') return `invoice/${safeName(number)}.xml`;
  if (spec.type === 'view-receipt') return 'receipts/view-receipt.xml';
  if (spec.type === 'dispute-attachment')
    return `disputes/${row.record_key.slice(0, 8)}-${safeName(String(row.f2 ?? 'attachment'))}`;
  return `records/${spec.type}-${safeName(row.record_key)}-${field}.bin`;
}

function toRecord(
  spec: ArchiveRecordSpec,
  row: RecordRow,
  number: string,
  files: Map<string, Buffer>,
): EvidenceRecord {
  const fields = spec.fields.map((f, i): [string, EvidenceFieldValue] => {
    const value = row[`f${i}`] ?? null;
    if (!Buffer.isBuffer(value)) return [f.name, value];
    const file = filePath(spec, f.name, row, number);
    files.set(file, value);
    return [f.name, { file }];
  });
  return { type: spec.type, key: row.record_key, seq: Number(row.seq), fields };
}

const TRUST_EXTENSIONS: Record<TrustDatum['kind'], string> = {
  certificate: 'cer',
  'trusted-list': 'xml',
  'trust-anchor': 'pem',
  crl: 'crl',
  'ocsp-response': 'ocsp',
};

/** The trust data the archived verification report lists, as files under trust/. */
async function trustFiles(
  client: PoolClient,
  records: readonly EvidenceRecord[],
  files: Map<string, Buffer>,
): Promise<EvidenceTrustFile[]> {
  const invoice = records.find((r) => r.type === 'invoice');
  const report = invoice?.fields.find(([name]) => name === 'report')?.[1];
  if (typeof report !== 'string') return [];
  const listed =
    (JSON.parse(report) as { signature?: { trustData?: TrustDatum[] } }).signature?.trustData ?? [];
  if (listed.length === 0) return [];
  const bytes = await trustMaterial(
    client,
    listed.map((d) => d.sha256),
  );
  return listed
    .filter((datum) => bytes.has(datum.sha256))
    .map((datum) => {
      const file = `trust/${datum.kind}-${datum.sha256.slice(0, 16)}.${TRUST_EXTENSIONS[datum.kind]}`;
      files.set(file, bytes.get(datum.sha256) as Buffer);
      return { ...datum, file };
    });
}

/**
 * The links from each record to the head of the first seal after it, one segment per seal (records chained in the
 * same sealing period share one), and a last segment to the chain's head for records no seal covers yet.
 */
async function chainProof(client: PoolClient, seqs: readonly number[]): Promise<EvidenceContents['chain']> {
  const seals = await listSeals(client);
  const groups = new Map<number | null, number[]>();
  for (const seq of seqs) {
    const seal = seals.find((s) => s.headSeq >= seq);
    const key = seal ? seal.seal : null;
    groups.set(key, [...(groups.get(key) ?? []), seq]);
  }
  const segments: ChainSegment[] = [];
  const used: StoredSeal[] = [];
  const head = await chainHead(client);
  for (const [sealNumber, group] of groups) {
    const seal = seals.find((s) => s.seal === sealNumber);
    const first = Math.min(...group);
    const through = seal ? seal.headSeq : (head?.seq ?? first);
    const afterSeq = first - 1;
    const after = afterSeq === 0 ? GENESIS_LINK : ((await linkAt(client, afterSeq))?.link ?? GENESIS_LINK);
    const links: [number, string][] = [];
    let last = { seq: afterSeq, link: after };
    for await (const batch of linksBetween(client, afterSeq, through)) {
      for (const link of batch) links.push([link.seq, link.recordSha256]);
      const tail = batch[batch.length - 1];
      last = { seq: tail.seq, link: tail.link };
    }
    segments.push({ seal: sealNumber, after: { seq: afterSeq, link: after }, links, head: last });
    if (seal) used.push(seal);
  }
  return { segments, seals: used.map(sealProof) };
}

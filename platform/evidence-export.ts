import type { Db } from '../db';
import { gatherEvidence } from '../db/archive/evidence';
import { buildEvidencePackage } from '../domain/archive/evidence/package';
import { loadArchiveKeys } from './archive-keys';
import { stampDigest } from './archive-stamp';
import type { HubConfig } from './config';

export const EVIDENCE_MEDIA_TYPE = 'application/vnd.etsi.asic-e+zip';

/**
 * The evidence package of one archived invoice (domain/archive/evidence/), signed by the archive key and time-stamped
 * by TSA_URL or the hub's own unit; undefined when the invoice is not in the archive. Made on request from what the
 * archive holds at that moment, so two exports differ only in what happened in between (and their export times).
 */
export async function exportEvidence(
  db: Db,
  config: Pick<HubConfig, 'dataDir' | 'archive'>,
  invoiceId: string,
): Promise<{ number: string; bytes: Buffer } | undefined> {
  const contents = await gatherEvidence(db, invoiceId);
  if (!contents) return undefined;
  const keys = await loadArchiveKeys(config.dataDir);
  const bytes = await buildEvidencePackage(
    contents,
    { privateKey: keys.archive.privateKey, certificateDer: keys.archive.certificateDer },
    async (digest) => (await stampDigest(digest, keys, config.archive.tsaUrl, 'the evidence package')).token,
  );
  return { number: contents.index.invoice.number, bytes };
}

export const evidenceFileName = (number: string) =>
  `evidence-${number.replace(/[^\w.-]+/g, '_') || 'invoice'}.asice`;

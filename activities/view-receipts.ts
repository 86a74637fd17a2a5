import crypto from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db';
import type { InvoiceRecord } from '../db/invoices';
import type { Issuer } from '../db/issuers';
import { firstView, keepViewReceipt, type StoredViewReceipt } from '../db/view-receipts';
import { signViewReceipt } from '../domain/archive/receipt';
import { loadArchiveKeys } from '../platform/archive-keys';
import type { HubConfig } from '../platform/config';

/**
 * The invoice's signed return receipt, made once from its first authenticated view and kept (view_receipts):
 * a retried activity gets the very document it made before, so the mail, the API and the portal give the same bytes.
 */
export async function ensureViewReceipt(
  db: Db,
  config: HubConfig,
  record: InvoiceRecord,
  issuer: Issuer,
): Promise<StoredViewReceipt> {
  const view = await firstView(db, record.id);
  if (!view) {
    throw ApplicationFailure.nonRetryable(`invoice ${record.id} has no logged view`, 'NoViewLogged');
  }
  const keys = await loadArchiveKeys(config.dataDir);
  const document = await signViewReceipt(
    {
      invoice: {
        id: record.id,
        number: record.number,
        sha256: record.sha256,
        issueDate: record.summary.issueDate,
      },
      issuer: { name: issuer.name, eik: issuer.eik },
      recipient: { id: view.recipientId, email: view.recipientEmail },
      view: { at: view.viewedAt, logId: view.viewId, userAgent: view.userAgent, ip: view.ip },
      issuedAt: new Date().toISOString(),
      hub: config.publicUrl,
    },
    {
      certificatePem: keys.archive.certificatePem,
      privateKeyPem: keys.archive.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    },
  );
  const bytes = Buffer.from(document, 'utf8');
  return keepViewReceipt(db, {
    invoiceId: record.id,
    viewId: view.viewId,
    document: bytes,
    sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
  });
}

import crypto from 'node:crypto';
import type { Db } from '../db';
import type { InvoiceRecord } from '../db/invoices';
import type { Issuer } from '../db/issuers';
import { firstView, keepViewReceipt, type StoredViewReceipt } from '../db/view-receipts';
import { signViewReceipt } from '../domain/archive/receipt';
import { loadArchiveKeys } from '../platform/archive-keys';
import type { HubConfig } from '../platform/config';
import { logger } from '../platform/logger';

/**
 * The invoice's signed return receipt, made once from its first authenticated view and kept (view_receipts):
 * a retried activity gets the very document it made before, so the mail, the API and the portal give the same bytes.
 */
export async function ensureViewReceipt(
  db: Db,
  config: HubConfig,
  record: InvoiceRecord,
  issuer: Issuer,
): Promise<StoredViewReceipt | undefined> {
  const view = await firstView(db, record.id);
  // The portal logs a view before it tells the lifecycle, so this is only a view signalled some other way (an
  // operator, an older portal): the receipt mail still goes, without a signed receipt of a view nobody logged.
  if (!view) {
    logger.warn({ invoiceId: record.id }, 'a view with no logged view entry: no signed receipt is made');
    return undefined;
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

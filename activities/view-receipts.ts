import crypto from 'node:crypto';
import type { Db } from '../db';
import type { InvoiceRecord } from '../db/invoices';
import type { Issuer } from '../db/issuers';
import { firstView, keepViewReceipt, type StoredViewReceipt } from '../db/view-receipts';
import { signViewReceipt } from '../domain/archive/receipt';
import { loadArchiveKeys } from '../platform/archive-keys';
import type { HubConfig } from '../platform/config';
import { logger } from '../platform/logger';

/** How many attempts (0.5 s, 1 s, 2 s, 4 s apart under the lifecycle's retry policy) wait for the view to commit. */
const VIEW_COMMIT_ATTEMPTS = 5;

/**
 * The invoice's signed return receipt, made once from its first authenticated view and kept (view_receipts):
 * a retried activity gets the very document it made before, so the mail, the API and the portal give the same bytes.
 */
export async function ensureViewReceipt(
  db: Db,
  config: HubConfig,
  record: InvoiceRecord,
  issuer: Issuer,
  attempt: number,
): Promise<StoredViewReceipt | undefined> {
  const view = await firstView(db, record.id);
  if (!view) {
    // The portal tells the lifecycle inside the transaction that logs the view (so a view nobody could be told of is
    // not logged), and this activity may run before that transaction commits: retried, it sees the committed view.
    if (attempt < VIEW_COMMIT_ATTEMPTS)
      throw new Error(`invoice ${record.number}: its first view is not committed yet (attempt ${attempt})`);
    // Still none: a view signalled some other way (an operator, an older portal). The receipt mail still goes,
    // without a signed receipt of a view nobody logged.
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

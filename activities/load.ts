import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db';
import { getInvoice, getInvoiceWithOriginal, getOriginal, type InvoiceRecord } from '../db/invoices';

/** The invoice an activity works on; a missing record is a bug no retry can fix. */
export async function loadInvoice(db: Db, invoiceId: string): Promise<InvoiceRecord> {
  const record = await getInvoice(db, invoiceId);
  if (!record) throw invoiceMissing(invoiceId);
  return record;
}

export async function loadOriginal(db: Db, invoiceId: string): Promise<Buffer> {
  const original = await getOriginal(db, invoiceId);
  if (!original) throw invoiceMissing(invoiceId);
  return original;
}

/** The record and its original bytes, read together. */
export async function loadInvoiceWithOriginal(
  db: Db,
  invoiceId: string,
): Promise<{ record: InvoiceRecord; original: Buffer }> {
  const found = await getInvoiceWithOriginal(db, invoiceId);
  if (!found) throw invoiceMissing(invoiceId);
  return found;
}

function invoiceMissing(invoiceId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`invoice ${invoiceId} does not exist`, 'InvoiceMissing');
}

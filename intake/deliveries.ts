import crypto from 'node:crypto';
import { withTransaction } from '../db';
import { writeAnswer } from '../db/channel-answers';
import {
  getDelivery,
  getDeliveryContent,
  leaseDelivery,
  listBatchEntries,
  renewDeliveryLease,
  recordDelivery,
  recordDeliveryResult,
  unprocessedDeliveries,
  type Channel,
  type DeliveryRecord,
  type DeliveryResult,
  type Mailbox,
} from '../db/deliveries';
import { getInvoice, type InvoiceRecord } from '../db/invoices';
import { getIssuer, type Issuer } from '../db/issuers';
import { logger } from '../platform/logger';
import { acknowledgement, ackEntry, answerKeys, answerNames, jsonFile, type AckEntry } from './answers';
import { BatchError, readZipBatch } from './batch';
import { acceptInvoice, IntakeError, type IntakeDeps } from './index';

/**
 * Files and messages from the channels (SFTP, SFTP pickup, AS2) enter here, in two steps:
 *
 *   1. `receiveFile` records the bytes durably under a business key, before the channel tells the sender it has them
 *      (SFTP CLOSE answered, positive MDN). Recording the same key again records nothing.
 *   2. `processDelivery` turns the recorded file into an invoice through `acceptInvoice` (or a quarantine with its
 *      reason), writes what became of it and its acknowledgement in one transaction. It is idempotent: run again
 *      after a crash it finds the result and writes nothing more. `resumeDeliveries` runs it for files a dead node
 *      recorded and never processed.
 */
export interface FileDelivery {
  issuer: Issuer;
  channel: Channel;
  /** The business key that identifies this delivery across retries, crashes and resends. */
  key: string;
  /** Where answer files go; none for channels that answer otherwise (AS2 answers with its MDN). */
  mailbox?: Mailbox;
  fileName: string;
  bytes: Buffer;
}

export interface DeliveryOutcome {
  delivery: DeliveryRecord;
  /** The invoice it became, or the earlier one it repeats. */
  invoice?: InvoiceRecord;
  /** A ZIP batch: what became of each entry. */
  entries?: DeliveryOutcome[];
}

export async function receiveFile(
  deps: Pick<IntakeDeps, 'db'>,
  file: FileDelivery,
  parentId?: string,
): Promise<DeliveryRecord> {
  const { record } = await recordDelivery(deps.db, {
    id: crypto.randomUUID(),
    issuerId: file.issuer.id,
    channel: file.channel,
    key: file.key,
    mailbox: file.mailbox,
    fileName: file.fileName,
    parentId,
    sha256: crypto.createHash('sha256').update(file.bytes).digest('hex'),
    content: file.bytes,
  });
  return record;
}

/** Both steps at once, for a channel whose sender waits for the outcome (AS2, pickup). */
export async function deliverFile(deps: IntakeDeps, file: FileDelivery): Promise<DeliveryOutcome> {
  const record = await receiveFile(deps, file);
  return processDelivery(deps, record.id, { issuer: file.issuer, content: file.bytes });
}

/**
 * How long one processing may hold a delivery before another process may take it over: after a crash, a file the
 * dead node held waits this long. A batch renews it entry by entry.
 */
const LEASE_SECONDS = 20;

/**
 * `known`: the issuer and bytes, when the caller has them at hand (it just received them), saving their reading.
 * They must be the recorded delivery's own.
 */
export async function processDelivery(
  deps: IntakeDeps,
  deliveryId: string,
  known?: { issuer: Issuer; content: Buffer },
): Promise<DeliveryOutcome> {
  const delivery = await heldDelivery(deps, deliveryId);
  if (delivery.status !== 'received') return recordedOutcome(deps, delivery);
  const issuer = known?.issuer ?? (await getIssuer(deps.db, delivery.issuerId));
  if (!issuer) throw new Error(`issuer ${delivery.issuerId} of delivery ${deliveryId} does not exist`);
  const content = known?.content ?? (await getDeliveryContent(deps.db, deliveryId));
  if (!content) throw new Error(`delivery ${deliveryId} has no content although it is unprocessed`);

  if (isBatch(delivery)) return processBatch(deps, issuer, delivery, content);

  let result: DeliveryResult;
  let invoice: InvoiceRecord | undefined;
  try {
    const accepted = await acceptInvoice(deps, {
      issuer,
      bytes: content,
      channel: delivery.channel,
      deliveryId: delivery.id,
    });
    invoice = accepted.invoice;
    result = { status: accepted.created ? 'accepted' : 'duplicate', invoiceId: invoice.id };
  } catch (error) {
    if (!(error instanceof IntakeError)) throw error; // the hub's fault: stays `received` and is retried
    result = { status: 'quarantined', reason: { code: error.code, message: error.message } };
    if (error.invoiceId) invoice = await getInvoice(deps.db, error.invoiceId);
  }
  const done: DeliveryRecord = { ...delivery, ...result, processedAt: new Date().toISOString() };
  // A batch entry is acknowledged with its batch, once every entry is through.
  await finish(deps, done, result, done.parentId ? [] : [ackAnswer(deps, done, invoice)]);
  return { delivery: done, invoice };
}

/** A ZIP batch: every entry becomes a delivery of its own; a bomb or a broken archive quarantines the whole batch. */
async function processBatch(
  deps: IntakeDeps,
  issuer: Issuer,
  batch: DeliveryRecord,
  content: Buffer,
): Promise<DeliveryOutcome> {
  let entries;
  try {
    entries = await readZipBatch(content, { maxEntryBytes: deps.config.maxInvoiceBytes });
  } catch (error) {
    if (!(error instanceof BatchError)) throw error;
    const result: DeliveryResult = {
      status: 'quarantined',
      reason: { code: error.code, message: error.message },
    };
    const done = { ...batch, ...result };
    await finish(deps, done, result, [ackAnswer(deps, done, undefined)]);
    return { delivery: done };
  }
  const outcomes: DeliveryOutcome[] = [];
  for (const entry of entries) {
    await renewDeliveryLease(deps.db, batch.id, LEASE_SECONDS);
    const recorded = await receiveFile(
      deps,
      {
        issuer,
        channel: batch.channel,
        key: `${batch.key}/${entry.name}`,
        mailbox: batch.mailbox,
        fileName: entry.name,
        bytes: entry.bytes,
      },
      batch.id,
    );
    outcomes.push(await processDelivery(deps, recorded.id));
  }
  const done: DeliveryRecord = { ...batch, status: 'batch' };
  const summary = outcomes.map((o) => ackEntry(o.delivery, o.invoice, deps.config.publicUrl));
  await finish(deps, done, { status: 'batch' }, [
    ...outcomes.map((o) => ackAnswer(deps, o.delivery, o.invoice)),
    ackAnswer(deps, done, undefined, summary),
  ]);
  return { delivery: done, entries: outcomes };
}

interface PendingAnswer {
  key: string;
  name: string;
  content: Buffer;
  deliveryId: string;
}

/**
 * Writes the result and the acknowledgements in one transaction, so an issuer never sees an acknowledgement for a
 * delivery the hub could still process differently, nor a delivery processed without one.
 */
async function finish(
  deps: IntakeDeps,
  delivery: DeliveryRecord,
  result: DeliveryResult,
  answers: PendingAnswer[],
): Promise<void> {
  await withTransaction(deps.db, async (client) => {
    const written = await recordDeliveryResult(client, delivery.id, result);
    if (!written || !delivery.mailbox) return;
    for (const answer of answers) {
      await writeAnswer(client, { ...answer, issuerId: delivery.issuerId, mailbox: delivery.mailbox });
    }
  });
  logger.info(
    {
      delivery: delivery.id,
      channel: delivery.channel,
      file: delivery.fileName,
      status: result.status,
      invoice: result.invoiceId,
      reason: result.reason?.code,
    },
    'delivery processed',
  );
}

function ackAnswer(
  deps: IntakeDeps,
  delivery: DeliveryRecord,
  invoice: InvoiceRecord | undefined,
  entries?: AckEntry[],
): PendingAnswer {
  return {
    key: answerKeys.ack(delivery.id),
    name: answerNames.ack(delivery.fileName),
    content: jsonFile(acknowledgement(delivery, invoice, deps.config.publicUrl, entries)),
    deliveryId: delivery.id,
  };
}

async function recordedOutcome(deps: IntakeDeps, delivery: DeliveryRecord): Promise<DeliveryOutcome> {
  const invoice = delivery.invoiceId ? await getInvoice(deps.db, delivery.invoiceId) : undefined;
  if (delivery.status !== 'batch') return { delivery, invoice };
  const entries = await listBatchEntries(deps.db, delivery.id);
  return {
    delivery,
    entries: await Promise.all(entries.map((entry) => recordedOutcome(deps, entry))),
  };
}

/**
 * The delivery, held by this process while it is still to be processed. When another process holds it (a recovery
 * pass on another node, a second copy of one AS2 message), waits for that one's result, or for its lease to end.
 */
async function heldDelivery(deps: IntakeDeps, deliveryId: string): Promise<DeliveryRecord> {
  for (;;) {
    const leased = await leaseDelivery(deps.db, deliveryId, LEASE_SECONDS);
    if (leased) return leased;
    const delivery = await getDelivery(deps.db, deliveryId);
    if (!delivery) throw new Error(`delivery ${deliveryId} does not exist`);
    if (delivery.status !== 'received') return delivery;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function isBatch(delivery: DeliveryRecord): boolean {
  return !delivery.parentId && /\.zip$/i.test(delivery.fileName);
}

/**
 * Processes files that were recorded and then left unprocessed for `olderThanSeconds` (the node that received them
 * died, or the database or Temporal was down). Safe on several nodes at once: processing is idempotent.
 */
export async function resumeDeliveries(deps: IntakeDeps, olderThanSeconds: number): Promise<number> {
  const pending = await unprocessedDeliveries(deps.db, olderThanSeconds);
  let done = 0;
  for (const delivery of pending) {
    try {
      await processDelivery(deps, delivery.id);
      done++;
    } catch (error) {
      logger.warn({ err: error, delivery: delivery.id }, 'a recovered delivery could not be processed yet');
    }
  }
  if (done) logger.info({ resumed: done }, 'unfinished deliveries processed');
  return done;
}

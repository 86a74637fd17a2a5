import crypto from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../db';
import type { Channel } from '../db/deliveries';
import { recordReceivedInvoice, type InvoiceRecord } from '../db/invoices';
import type { Issuer } from '../db/issuers';
import { InvoiceFormatError, parseInvoice, summarizeInvoice } from '../domain/invoice';
import { decodeStatement } from '../domain/payments/statements';
import { parseXml, XmlInputError } from '../domain/xml';
import type { HubConfig } from '../platform/config';
import { deliveries } from '../platform/metrics';
import { refusedFact } from './invoice-facts';
import { lifecycleWorkflowId, type LifecycleInput } from '../workflows/messages';
import { Channel as ChannelAttribute, InvoiceNumber, IssuerId } from '../workflows/search-attributes';

/**
 * Intake: the one door every channel (REST API, SFTP, AS2) uses to hand an invoice to the hub.
 * It refuses what is not an invoice before anything is stored, records the delivery once,
 * and starts the invoice's lifecycle workflow exactly once.
 */
export class IntakeError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The HTTP status an HTTP channel answers with. */
    readonly httpStatus: number,
    readonly invoiceId?: string,
  ) {
    super(message);
    this.name = 'IntakeError';
  }
}

export interface Delivery {
  issuer: Issuer;
  bytes: Buffer;
  channel: Channel;
  idempotencyKey?: string;
  /** The recorded channel delivery (intake/deliveries.ts) this invoice arrived in; none for the REST API. */
  deliveryId?: string;
}

export interface IntakeDeps {
  db: Db;
  temporal: Client;
  config: HubConfig;
}

export interface Accepted {
  invoice: InvoiceRecord;
  /**
   * False when this delivery repeated an earlier one: the answer points at the first. A recorded delivery retried
   * after a crash is still the one that created its invoice.
   */
  created: boolean;
}

export async function acceptInvoice(deps: IntakeDeps, delivery: Delivery): Promise<Accepted> {
  try {
    const accepted = await acceptOnce(deps, delivery);
    deliveries.inc({ channel: delivery.channel, outcome: accepted.created ? 'accepted' : 'duplicate' });
    return accepted;
  } catch (error) {
    if (error instanceof IntakeError) deliveries.inc({ channel: delivery.channel, outcome: error.code });
    throw error;
  }
}

async function acceptOnce({ db, temporal, config }: IntakeDeps, delivery: Delivery): Promise<Accepted> {
  if (delivery.issuer.deactivatedAt) {
    // The channels refuse a deactivated issuer before this (SFTP login, AS2 partner, API key); this is the backstop
    // for whatever was received before the deactivation and is processed after it.
    throw new IntakeError(
      'ISSUER_DEACTIVATED',
      `issuer ${delivery.issuer.id} was deactivated on ${delivery.issuer.deactivatedAt} and delivers no invoices through this hub`,
      403,
    );
  }
  if (delivery.bytes.length > config.maxInvoiceBytes) {
    throw new IntakeError(
      'PAYLOAD_TOO_LARGE',
      `the invoice has ${delivery.bytes.length} bytes; the limit is ${config.maxInvoiceBytes}`,
      413,
    );
  }
  const summary = readSummary(delivery.bytes);
  const sha256 = crypto.createHash('sha256').update(delivery.bytes).digest('hex');
  const { record, created } = await recordReceivedInvoice(db, {
    id: crypto.randomUUID(),
    issuerId: delivery.issuer.id,
    number: summary.number,
    workflowId: lifecycleWorkflowId(delivery.issuer.id, summary.number),
    channel: delivery.channel,
    idempotencyKey: delivery.idempotencyKey,
    deliveryId: delivery.deliveryId,
    original: delivery.bytes,
    sha256,
    summary,
  });
  if (!created && record.sha256 !== sha256) {
    throw new IntakeError(
      'NUMBER_ALREADY_USED',
      `invoice number ${record.number} was already delivered by this issuer with different content (invoice ${record.id}); ` +
        'a corrected invoice needs a new number, or a credit/debit note',
      409,
      record.id,
    );
  }
  // Started on every delivery, so a crash between recording and starting heals on the next delivery.
  await startLifecycle(temporal, config, record);
  const sameDelivery = delivery.deliveryId !== undefined && record.deliveryId === delivery.deliveryId;
  return { invoice: record, created: created || sameDelivery };
}

function readSummary(bytes: Buffer) {
  let summary;
  let refusal;
  try {
    const document = parseXml(bytes);
    const invoice = parseInvoice(document);
    refusal = refusedFact(document, invoice);
    summary = summarizeInvoice(invoice);
  } catch (error) {
    // Only the parser's own verdicts describe the sender's input; anything else is the hub's fault and stays a 500.
    if (!(error instanceof XmlInputError || error instanceof InvoiceFormatError)) throw error;
    const statement = error.code === 'TOO_LARGE' ? undefined : statementFormatOf(bytes);
    if (statement) {
      // The right file at the wrong door: say where it goes rather than why it is no invoice.
      throw new IntakeError(
        'BANK_STATEMENT',
        `This is a bank statement (${statement}), not an invoice. Statements are imported from /statements over SFTP ` +
          'or by POST /api/v1/statements.',
        422,
      );
    }
    throw new IntakeError(error.code, error.message, error.code === 'TOO_LARGE' ? 413 : 422);
  }
  if (refusal) throw new IntakeError(refusal.code, refusal.message, 422);
  if (!summary.number?.trim()) {
    throw new IntakeError('MISSING_INVOICE_NUMBER', 'the invoice has no number (BT-1)', 422);
  }
  return summary;
}

/** The statement format these bytes are read as, or undefined when they are no bank statement. */
function statementFormatOf(bytes: Buffer): string | undefined {
  try {
    return decodeStatement(bytes)[0]?.format;
  } catch {
    return undefined; // only a hint for a file already refused as no invoice
  }
}

export async function startLifecycle(
  temporal: Client,
  config: HubConfig,
  record: InvoiceRecord,
): Promise<void> {
  const input = lifecycleInputOf(config, record);
  try {
    await temporal.workflow.start('invoiceLifecycle', {
      workflowId: record.workflowId,
      taskQueue: config.taskQueue,
      args: [input],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
      typedSearchAttributes: [
        { key: InvoiceNumber, value: record.number },
        { key: IssuerId, value: record.issuerId },
        { key: ChannelAttribute, value: record.channel },
      ],
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/** What an invoice's lifecycle starts with: the invoice, the hub's timings, and how it arrived. */
export function lifecycleInputOf(
  config: HubConfig,
  record: Pick<InvoiceRecord, 'id' | 'issuerId' | 'number' | 'channel'>,
): LifecycleInput {
  return {
    invoiceId: record.id,
    issuerId: record.issuerId,
    number: record.number,
    timings: { reminderDelays: config.reminderDelays, disputeReminderDelay: config.disputeReminderDelay },
    delivery: { channel: record.channel, answered: channelAnswersIssuer(record.channel) },
  };
}

/** Channels with an outbox, where the hub writes its answers (acknowledgement, result, Invoice Responses) as files. */
export function channelAnswersIssuer(channel: string): boolean {
  return channel === 'sftp' || channel === 'sftp-pickup';
}

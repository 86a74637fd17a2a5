import crypto from 'node:crypto';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../db';
import {
  findOwnUploads,
  getDisputeAttachment,
  getDisputeThread,
  listInvoiceDisputes,
  stageUpload,
  TooManyUploadsError,
  type DisputeSummaryRecord,
  type UploadOwner,
} from '../db/disputes';
import {
  attachmentCountRefusal,
  attachmentFileName,
  availableActions,
  categoryRefusal,
  decisionRefusal,
  MAX_REOPENS,
  openRefusal,
  sniffAttachment,
  textRefusal,
  type DisputeRefusal,
  type DisputeSide,
} from '../domain/disputes';
import { logger } from '../platform/logger';
import {
  openDisputeUpdate,
  reopenDisputeUpdate,
  resolveDisputeUpdate,
  respondToDisputeUpdate,
  type DisputeAttachmentRef,
  type DisputeAuthor,
} from '../workflows/messages';
import { HttpError } from './errors';
import type {
  DisputeDecisionBody,
  DisputeMessageBody,
  DisputeSummary,
  DisputeThread,
  InvoiceDisputes,
  OpenDisputeBody,
  UploadedAttachment,
} from './portal/dispute-contract';

/**
 * What both doors to disputes do — the portal (recipient and issuer users) and the issuer API (ERPs) — once they
 * have decided who is calling and which invoice it is. Every change goes to the invoice's lifecycle as an update
 * (its validator has the last word); every read comes from the database's record.
 */
export interface DisputeInvoice {
  id: string;
  number: string;
  workflowId: string;
}

/** The caller: on which side, as which author, owning which uploads, and under which URL its invoice lives. */
export interface DisputeCaller {
  side: DisputeSide;
  author: DisputeAuthor;
  owner: UploadOwner;
  /** e.g. /api/v1/portal/invoices/<id>, /api/v1/portal/issuers/<issuer>/invoices/<id>, /api/v1/invoices/<id> */
  invoiceUrl: string;
}

/** How long a person's request waits for the lifecycle to take a change before being told to try again. */
const UPDATE_DEADLINE_MS = 20_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refusals about what was written are 422; about the dispute's state, 409. */
const CONTENT_REFUSALS = new Set([
  'UNKNOWN_CATEGORY',
  'UNKNOWN_OUTCOME',
  'TEXT_REQUIRED',
  'TEXT_TOO_LONG',
  'REASON_REQUIRED',
  'TOO_MANY_ATTACHMENTS',
]);

export function createDisputeActions({ db, temporal }: { db: Db; temporal: Client }) {
  const notFound = () =>
    new HttpError(404, 'DISPUTE_NOT_FOUND', 'there is no such dispute about this invoice');

  async function threadOf(invoice: DisputeInvoice, disputeId: string, caller: DisputeCaller) {
    const thread = UUID.test(disputeId) ? await getDisputeThread(db, invoice.id, disputeId) : undefined;
    if (!thread) throw notFound();
    const base = `${caller.invoiceUrl}/disputes/${thread.dispute.id}`;
    const view: DisputeThread = {
      ...summaryOf(thread.dispute, caller.invoiceUrl),
      entries: thread.entries.map((entry) => ({
        id: entry.id,
        seq: entry.seq,
        kind: entry.kind,
        status: entry.status,
        at: entry.at,
        author: { side: entry.author.side, name: entry.author.name },
        text: entry.text,
        attachments: entry.attachments.map((a) => ({ ...a, url: `${base}/attachments/${a.id}` })),
        creditNote: entry.creditNote && { number: entry.creditNote.number, invoiceId: entry.creditNote.id },
      })),
      actions: availableActions(caller.side, {
        status: thread.dispute.status,
        reopens: thread.dispute.reopens,
      }),
    };
    return view;
  }

  /** The caller's staged uploads for these ids, as the update carries them; an unknown id is refused. */
  async function attachmentsFor(
    caller: DisputeCaller,
    ids: string[] | undefined,
  ): Promise<DisputeAttachmentRef[]> {
    const wanted = [...new Set(ids ?? [])];
    refuseIf(attachmentCountRefusal(wanted.length));
    if (wanted.some((id) => !UUID.test(id))) throw uploadMissing();
    const found = await findOwnUploads(db, caller.owner, wanted);
    if (found.length !== wanted.length) throw uploadMissing();
    const byId = new Map(found.map((f) => [f.id, f]));
    return wanted.map((id) => {
      const upload = byId.get(id) as (typeof found)[number];
      return {
        uploadId: upload.id,
        fileName: upload.fileName,
        contentType: upload.contentType as DisputeAttachmentRef['contentType'],
        size: upload.size,
        sha256: upload.sha256,
      };
    });
  }

  /** Sends a change to the invoice's lifecycle and turns its refusals into answers a person can act on. */
  async function change<R>(
    invoice: DisputeInvoice,
    send: (handle: WorkflowHandle) => Promise<R>,
  ): Promise<R> {
    const handle = temporal.workflow.getHandle(invoice.workflowId);
    try {
      return await temporal.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () => send(handle));
    } catch (failure) {
      throw asHttpError(failure, invoice);
    }
  }

  return {
    /** The invoice's disputes, and whether the caller may open one now. */
    async list(invoice: DisputeInvoice, caller: DisputeCaller): Promise<InvoiceDisputes> {
      const disputes = await listInvoiceDisputes(db, invoice.id);
      const refusal =
        caller.side === 'recipient'
          ? openRefusal(disputes.map((d) => ({ status: d.status, reopens: d.reopens })))
          : { code: 'ONLY_RECIPIENT_OPENS', reason: "only the invoice's recipient opens a dispute" };
      return {
        disputes: disputes.map((d) => summaryOf(d, caller.invoiceUrl)),
        canOpen: !refusal,
        openRefusal: refusal ?? null,
      };
    },

    thread: threadOf,

    /** Checks a file by its content and stages it for the caller's next message. */
    async upload(
      caller: DisputeCaller,
      bytes: Buffer,
      declaredName: string | undefined,
    ): Promise<UploadedAttachment> {
      const sniffed = sniffAttachment(bytes);
      if (!sniffed.ok) {
        throw new HttpError(
          sniffed.code === 'TOO_LARGE' ? 413 : 422,
          sniffed.code === 'TOO_LARGE' ? 'ATTACHMENT_TOO_LARGE' : 'ATTACHMENT_REFUSED',
          sniffed.reason,
          { refusal: sniffed.code, ...(sniffed.found ? { found: sniffed.found } : {}) },
        );
      }
      const staged = await stageUpload(db, caller.owner, {
        id: crypto.randomUUID(),
        fileName: attachmentFileName(declaredName, sniffed.contentType),
        contentType: sniffed.contentType,
        sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
        content: bytes,
      }).catch((failure: unknown) => {
        if (failure instanceof TooManyUploadsError)
          throw new HttpError(429, 'TOO_MANY_UPLOADS', failure.message);
        throw failure;
      });
      return {
        id: staged.id,
        fileName: staged.fileName,
        contentType: staged.contentType,
        size: staged.size,
        sha256: staged.sha256,
      };
    },

    async open(
      invoice: DisputeInvoice,
      caller: DisputeCaller,
      body: OpenDisputeBody,
    ): Promise<DisputeThread> {
      refuseIf(categoryRefusal(body.category) ?? textRefusal(body.text));
      const attachments = await attachmentsFor(caller, body.attachments);
      const disputeId = crypto.randomUUID();
      const entryId = crypto.randomUUID();
      await change(invoice, (handle) =>
        handle.executeUpdate(openDisputeUpdate, {
          args: [
            {
              disputeId,
              entryId,
              category: body.category,
              text: body.text,
              author: caller.author,
              attachments,
            },
          ],
          updateId: entryId,
        }),
      );
      logger.info({ invoiceId: invoice.id, disputeId, category: body.category }, 'dispute opened');
      return threadOf(invoice, disputeId, caller);
    },

    async reply(
      invoice: DisputeInvoice,
      disputeId: string,
      caller: DisputeCaller,
      body: DisputeMessageBody,
    ): Promise<DisputeThread> {
      await threadOf(invoice, disputeId, caller); // 404 before anything else
      refuseIf(textRefusal(body.text));
      const attachments = await attachmentsFor(caller, body.attachments);
      const entryId = crypto.randomUUID();
      await change(invoice, (handle) =>
        handle.executeUpdate(respondToDisputeUpdate, {
          args: [{ disputeId, entryId, text: body.text, author: caller.author, attachments }],
          updateId: entryId,
        }),
      );
      return threadOf(invoice, disputeId, caller);
    },

    async reopen(
      invoice: DisputeInvoice,
      disputeId: string,
      caller: DisputeCaller,
      body: DisputeMessageBody,
    ): Promise<DisputeThread> {
      await threadOf(invoice, disputeId, caller);
      refuseIf(textRefusal(body.text));
      const attachments = await attachmentsFor(caller, body.attachments);
      const entryId = crypto.randomUUID();
      await change(invoice, (handle) =>
        handle.executeUpdate(reopenDisputeUpdate, {
          args: [{ disputeId, entryId, text: body.text, author: caller.author, attachments }],
          updateId: entryId,
        }),
      );
      return threadOf(invoice, disputeId, caller);
    },

    async decide(
      invoice: DisputeInvoice,
      disputeId: string,
      caller: DisputeCaller,
      body: DisputeDecisionBody,
    ): Promise<DisputeThread> {
      await threadOf(invoice, disputeId, caller);
      refuseIf(decisionRefusal(body.outcome, body.note));
      const entryId = crypto.randomUUID();
      await change(invoice, (handle) =>
        handle.executeUpdate(resolveDisputeUpdate, {
          args: [{ disputeId, entryId, outcome: body.outcome, note: body.note, author: caller.author }],
          updateId: entryId,
        }),
      );
      logger.info({ invoiceId: invoice.id, disputeId, outcome: body.outcome }, 'dispute decided');
      return threadOf(invoice, disputeId, caller);
    },

    /** An attachment's bytes, under its kept name and the type its content has. */
    async attachment(invoice: DisputeInvoice, disputeId: string, attachmentId: string) {
      const found =
        UUID.test(disputeId) && UUID.test(attachmentId)
          ? await getDisputeAttachment(db, invoice.id, disputeId, attachmentId)
          : undefined;
      if (!found)
        throw new HttpError(404, 'ATTACHMENT_NOT_FOUND', 'there is no such attachment in this dispute');
      return found;
    },
  };
}

export type DisputeActions = ReturnType<typeof createDisputeActions>;

export function summaryOf(record: DisputeSummaryRecord, invoiceUrl: string): DisputeSummary {
  const reopensLeft = Math.max(0, MAX_REOPENS - record.reopens);
  return {
    id: record.id,
    invoiceId: record.invoiceId,
    invoiceNumber: record.invoiceNumber,
    category: record.category,
    status: record.status,
    openedAt: record.openedAt,
    openedBy: record.openedBy,
    lastActivityAt: record.lastEntryAt,
    awaiting: awaitingSide(record, reopensLeft),
    reopensLeft,
    creditNote: record.creditNote && { number: record.creditNote.number, invoiceId: record.creditNote.id },
    customer: { name: record.customerName, email: record.recipientEmail },
    links: { self: `${invoiceUrl}/disputes/${record.id}` },
  };
}

function awaitingSide(record: DisputeSummaryRecord, reopensLeft: number): DisputeSide | null {
  switch (record.status) {
    case 'open':
      return record.lastEntrySide === 'recipient' ? 'issuer' : 'recipient';
    case 'upheld':
      return 'issuer'; // the credit note
    case 'rejected':
      return reopensLeft > 0 ? 'recipient' : null;
    case 'closed':
      return null;
  }
}

function refuseIf(refusal: DisputeRefusal | undefined): void {
  if (!refusal) return;
  throw new HttpError(CONTENT_REFUSALS.has(refusal.code) ? 422 : 409, refusal.code, refusal.reason);
}

function uploadMissing(): HttpError {
  return new HttpError(
    422,
    'UPLOAD_NOT_FOUND',
    'an attachment is not among your uploads for this invoice (uploads are kept for a day): upload it again',
  );
}

/** The lifecycle's answer, as HTTP: its refusals by their code, an ended lifecycle, a busy one. */
function asHttpError(failure: unknown, invoice: DisputeInvoice): unknown {
  if (failure instanceof WorkflowUpdateFailedError) {
    const cause = failure.cause;
    if (cause instanceof ApplicationFailure && cause.type && /^[A-Z_]+$/.test(cause.type)) {
      return new HttpError(CONTENT_REFUSALS.has(cause.type) ? 422 : 409, cause.type, cause.message);
    }
    // The lifecycle's own checks (the invoice is paid, cancelled, not yet verified) are plain errors.
    return new HttpError(409, 'INVOICE_NOT_OPEN', cause?.message ?? failure.message);
  }
  if (failure instanceof WorkflowNotFoundError || isCompleted(failure)) {
    return new HttpError(
      409,
      'INVOICE_CLOSED',
      `invoice ${invoice.number} is settled (paid or cancelled); its disputes take no more changes`,
    );
  }
  if (isDeadline(failure)) {
    logger.warn(
      { err: failure, invoiceId: invoice.id },
      'the lifecycle did not take a dispute change in time',
    );
    return new HttpError(
      503,
      'LIFECYCLE_BUSY',
      'the hub could not confirm this in time; reload the dispute to see whether it was recorded before trying again',
    );
  }
  return failure;
}

function isCompleted(failure: unknown): boolean {
  return failure instanceof Error && /already completed|already finished/i.test(failure.message);
}

function isDeadline(failure: unknown): boolean {
  const code = (failure as { code?: unknown } | null)?.code;
  return code === 4 || (failure instanceof Error && /deadline/i.test(failure.message));
}

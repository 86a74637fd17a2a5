import {
  ApplicationFailure,
  condition,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setHandler,
  uuid4,
} from '@temporalio/workflow';
import { msToNumber } from '@temporalio/common/lib/time';
import type { InvoiceActivities } from '../../activities';
import {
  actionRefusal,
  attachmentCountRefusal,
  awaitsIssuer,
  categoryRefusal,
  decisionRefusal,
  isActive,
  ISSUER_REMINDERS_PER_TURN,
  openRefusal,
  statusAfter,
  textRefusal,
  type DisputeAction,
  type DisputeEntryKind,
  type DisputeFacts,
  type DisputeRefusal,
  type DisputeStatus,
} from '../../domain/disputes/rules';
import {
  openDisputeUpdate,
  recordCreditNoteUpdate,
  reopenDisputeUpdate,
  resolveDisputeUpdate,
  respondToDisputeUpdate,
  type CreditNoteLink,
  type Dispute,
  type DisputeAttachmentRef,
  type DisputeAuthor,
  type LifecycleInput,
  type LifecycleState,
  type LifecycleStatus,
} from '../messages';

/**
 * The invoice lifecycle's disputes: the recipient opens one, both sides write, the issuer decides, a rejected one is
 * reopened once, a credit note closes an upheld one, and an unanswered one reminds the issuer. The rules are the
 * domain's (domain/disputes/rules.ts), checked in update validators so a refused request never enters history and
 * checked again when the update runs (another may have changed the dispute meanwhile). The thread is the
 * database's record: each entry is written by an activity before the update answers.
 *
 * Replay: invoices that were already running keep working. The threaded handlers are behind `patched()` (a
 * history that recorded the earlier handlers replays through them, at the bottom of this file); reminders start only
 * for lifecycles whose input carries `disputeReminderDelay`; the credit-note step is behind its own `patched()`.
 */
const THREADED_DISPUTES = 'disputes-with-threads';
const CREDIT_NOTES_CLOSE_DISPUTES = 'credit-notes-close-disputes';

const work = proxyActivities<InvoiceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['DisputeUploadMissing', 'InvoiceMissing'],
  },
});

/** What the disputes need from the lifecycle that registers them. */
export interface LifecycleStage {
  input: LifecycleInput;
  state: LifecycleState;
  advance(status: LifecycleStatus, type: string, detail?: Record<string, unknown>): Promise<void>;
  note(type: string, detail?: Record<string, unknown>): Promise<void>;
  requireOpenForBusiness(): void;
  /** The status an invoice returns to when no dispute holds it: viewed, or still awaiting the view. */
  undisputedStatus(): LifecycleStatus;
}

export interface DisputeHandlers {
  /** No dispute e-mail is waiting to be sent: the lifecycle may close. */
  idle(): boolean;
  /** A dispute under way keeps the invoice's lifecycle open even once it is paid. */
  holdsInvoiceOpen(): boolean;
  /** A cancelled invoice closes its disputes under way, each with an entry saying so. */
  closeForCancellation(reason: string, requestedBy: string): Promise<void>;
}

export function registerDisputeHandlers(stage: LifecycleStage): DisputeHandlers {
  const { state, input } = stage;
  /** Bumped on every change that may move a reminder's deadline. */
  let version = 0;
  const mailQueue = () => (state.disputeMailQueue ??= []);
  const serially = createSerializer();

  /** Threaded disputes only: those opened before threads have no record to add to. */
  const find = (disputeId: string): ThreadedDispute => {
    const dispute = state.disputes.find((d) => d.id === disputeId);
    if (!dispute || !isThreaded(dispute))
      throw refused({ code: 'NO_SUCH_DISPUTE', reason: `no dispute ${disputeId}` });
    return dispute;
  };

  const check = (dispute: ThreadedDispute, author: DisputeAuthor, action: DisputeAction) =>
    refuseIf(actionRefusal(author.side, action, factsOf(dispute)));

  const checkMessage = (text: unknown, attachments: DisputeAttachmentRef[] | undefined) => {
    refuseIf(textRefusal(text));
    refuseIf(attachmentCountRefusal(attachments?.length ?? 0));
  };

  /** Records one entry (the update answers once it is in the database), then updates the workflow's view. */
  const append = async (
    dispute: ThreadedDispute,
    entry: {
      id: string;
      kind: DisputeEntryKind;
      author: DisputeAuthor;
      text?: string;
      attachments?: DisputeAttachmentRef[];
      creditNote?: { id: string; number: string };
    },
  ) => {
    const at = new Date().toISOString();
    const status = statusAfter(entry.kind, dispute.status);
    await work.recordDisputeEntry({
      id: entry.id,
      disputeId: dispute.id,
      invoiceId: input.invoiceId,
      seq: dispute.entries + 1,
      kind: entry.kind,
      status,
      author: entry.author,
      text: entry.text?.trim() || null,
      at,
      attachmentIds: (entry.attachments ?? []).map((a) => a.uploadId),
      category: entry.kind === 'opened' ? dispute.category : undefined,
      creditNote: entry.creditNote,
    });
    dispute.entries += 1;
    dispute.status = status;
    if (awaitsIssuer(entry.kind, entry.author.side)) {
      dispute.awaitingIssuerSince ??= at; // reminders count from the oldest unanswered word
    } else if (entry.author.side === 'issuer') {
      dispute.awaitingIssuerSince = undefined;
      dispute.issuerReminders = 0;
    }
    if (!isActive(status)) dispute.awaitingIssuerSince = undefined;
    version += 1;
    mailQueue().push({ disputeId: dispute.id, entryId: entry.id });
    return at;
  };

  setHandler(
    openDisputeUpdate,
    async (request) => {
      if (!patched(THREADED_DISPUTES)) return legacy.open(state, stage, request as unknown as LegacyOpening);
      return serially(async () => {
        recheck(() => validateOpening(request));
        const dispute: ThreadedDispute = {
          id: request.disputeId,
          status: 'open',
          category: request.category,
          openedBy: request.author.userId ?? request.author.name,
          openedAt: new Date().toISOString(),
          entries: 0,
          reopens: 0,
          issuerReminders: 0,
        };
        dispute.openedAt = await append(dispute, {
          id: request.entryId,
          kind: 'opened',
          author: request.author,
          text: request.text,
          attachments: request.attachments,
        });
        state.disputes.push(dispute);
        await stage.advance('disputed', 'dispute opened', {
          disputeId: dispute.id,
          category: dispute.category,
        });
        return dispute;
      });
    },
    { validator: (request) => validateOpening(request) },
  );

  function validateOpening(request: OpeningRequest): void {
    stage.requireOpenForBusiness();
    if (request.author?.side !== 'recipient' || !request.author.userId) {
      throw refused({ code: 'ONLY_RECIPIENT_OPENS', reason: "only the invoice's recipient opens a dispute" });
    }
    refuseIf(categoryRefusal(request.category));
    checkMessage(request.text, request.attachments);
    if (state.disputes.some((d) => d.id === request.disputeId)) {
      throw refused({ code: 'DISPUTE_EXISTS', reason: `dispute ${request.disputeId} exists` });
    }
    refuseIf(openRefusal(state.disputes.filter(isThreaded).map(factsOf)));
  }

  setHandler(
    respondToDisputeUpdate,
    async (response) => {
      if (!patched(THREADED_DISPUTES))
        return legacy.respond(state, stage, response as unknown as LegacyResponse);
      return serially(async () => {
        const dispute = recheck(() => validateResponse(response));
        await append(dispute, {
          id: response.entryId,
          kind: 'message',
          author: response.author,
          text: response.text,
          attachments: response.attachments,
        });
        await stage.note('dispute message', { disputeId: dispute.id, side: response.author.side });
        return dispute;
      });
    },
    { validator: (response) => void validateResponse(response) },
  );

  function validateResponse(response: OpeningRequest & { disputeId: string }): ThreadedDispute {
    const dispute = find(response.disputeId);
    check(dispute, response.author, 'reply');
    checkMessage(response.text, response.attachments);
    return dispute;
  }

  setHandler(
    resolveDisputeUpdate,
    async (decision) => {
      if (!patched(THREADED_DISPUTES))
        return legacy.resolve(state, stage, decision as unknown as LegacyDecision);
      return serially(async () => {
        const dispute = recheck(() => validateDecision(decision));
        const at = await append(dispute, {
          id: decision.entryId,
          kind: decision.outcome,
          author: decision.author,
          text: decision.note,
        });
        dispute.decision = { at, outcome: decision.outcome, note: decision.note?.trim() || undefined };
        const detail = { disputeId: dispute.id, outcome: decision.outcome };
        if (decision.outcome === 'rejected')
          await stage.advance(stage.undisputedStatus(), 'dispute resolved', detail);
        else await stage.note('dispute resolved', detail); // upheld: still in dispute until the credit note
        return dispute;
      });
    },
    { validator: (decision) => void validateDecision(decision) },
  );

  function validateDecision(decision: {
    disputeId: string;
    outcome: unknown;
    note?: unknown;
    author: DisputeAuthor;
  }): ThreadedDispute {
    const dispute = find(decision.disputeId);
    if (!decision.author)
      throw refused({ code: 'ONLY_ISSUER_DECIDES', reason: 'only the issuer decides a dispute' });
    check(dispute, decision.author, 'decide');
    refuseIf(decisionRefusal(decision.outcome, decision.note));
    return dispute;
  }

  setHandler(
    reopenDisputeUpdate,
    async (reopening) =>
      serially(async () => {
        const dispute = recheck(() => validateReopening(reopening));
        await append(dispute, {
          id: reopening.entryId,
          kind: 'reopened',
          author: reopening.author,
          text: reopening.text,
          attachments: reopening.attachments,
        });
        dispute.reopens += 1;
        dispute.issuerReminders = 0;
        await stage.advance('disputed', 'dispute reopened', { disputeId: dispute.id });
        return dispute;
      }),
    { validator: (reopening) => void validateReopening(reopening) },
  );

  function validateReopening(reopening: OpeningRequest & { disputeId: string }): ThreadedDispute {
    stage.requireOpenForBusiness();
    const dispute = find(reopening.disputeId);
    check(dispute, reopening.author, 'reopen');
    checkMessage(reopening.text, reopening.attachments);
    return dispute;
  }

  setHandler(
    recordCreditNoteUpdate,
    async (notice) =>
      serially(async (): Promise<CreditNoteLink> => {
        const creditNotes = (state.creditNotes ??= []);
        const known = creditNotes.find((c) => c.id === notice.creditNoteId);
        if (known) return linkOf(known.disputeId);
        const at = new Date().toISOString();
        // The dispute a correction answers: the one under way (upheld, or still open: the credit note is the answer).
        const dispute = state.disputes.filter(isThreaded).find((d) => isActive(d.status));
        if (!dispute) {
          creditNotes.push({ id: notice.creditNoteId, number: notice.creditNoteNumber, at });
          await stage.note('credit note received', { creditNoteNumber: notice.creditNoteNumber });
          return linkOf(undefined);
        }
        await append(dispute, {
          id: uuid4(),
          kind: 'closed',
          author: { side: 'issuer', userId: null, name: notice.issuerName },
          creditNote: { id: notice.creditNoteId, number: notice.creditNoteNumber },
        });
        dispute.creditNote = { invoiceId: notice.creditNoteId, number: notice.creditNoteNumber, at };
        dispute.decision = dispute.decision
          ? { ...dispute.decision, creditNoteNumber: notice.creditNoteNumber }
          : { at, outcome: 'upheld', creditNoteNumber: notice.creditNoteNumber };
        creditNotes.push({
          id: notice.creditNoteId,
          number: notice.creditNoteNumber,
          at,
          disputeId: dispute.id,
        });
        await stage.advance(stage.undisputedStatus(), 'dispute closed', {
          disputeId: dispute.id,
          creditNoteNumber: notice.creditNoteNumber,
        });
        return linkOf(dispute.id);
      }),
    {
      validator: (notice) => {
        if (!notice?.creditNoteId || !notice.creditNoteNumber?.trim() || !notice.issuerName) {
          throw refused({ code: 'BAD_CREDIT_NOTE', reason: 'a credit note needs its id, number and issuer' });
        }
      },
    },
  );

  function linkOf(disputeId: string | undefined): CreditNoteLink {
    return disputeId
      ? { linked: true, disputeId }
      : { linked: false, reason: 'no dispute about this invoice was under way when the credit note arrived' };
  }

  // E-mails go out after the update has answered, so a slow or failing mail server never holds a person's request.
  inBackground('dispute e-mails', async () => {
    for (;;) {
      await condition(() => mailQueue().length > 0);
      const next = mailQueue()[0];
      try {
        await work.mailDisputeEntry(next.entryId);
      } catch (failure) {
        // Only a failure no retry can mend ends here (the entry vanished); the next mails still go out.
        log.error('a dispute e-mail could not be sent', { entryId: next.entryId, failure: String(failure) });
      }
      mailQueue().shift();
    }
  });

  // An unanswered dispute reminds the issuer, DISPUTE_REMINDER_DELAY after the recipient's oldest unanswered word,
  // up to ISSUER_REMINDERS_PER_TURN times. Lifecycles started before this setting existed have no such timer.
  const reminderDelay = input.timings.disputeReminderDelay;
  if (reminderDelay) {
    const delayMs = msToNumber(reminderDelay as Parameters<typeof msToNumber>[0]);
    const waiting = () =>
      state.disputes
        .filter(isThreaded)
        .find(
          (d) =>
            d.status === 'open' && d.awaitingIssuerSince && d.issuerReminders < ISSUER_REMINDERS_PER_TURN,
        );
    inBackground('dispute reminders', async () => {
      for (;;) {
        await condition(() => waiting() !== undefined);
        const dispute = waiting() as ThreadedDispute;
        const since = dispute.awaitingIssuerSince as string;
        const seen = version;
        const due = Date.parse(since) + (dispute.issuerReminders + 1) * delayMs;
        const wait = due - Date.now();
        if (wait > 0 && (await condition(() => version !== seen, wait))) continue; // answered or changed meanwhile
        dispute.issuerReminders += 1;
        const reminder = dispute.issuerReminders;
        await work.remindIssuerOfDispute(input.invoiceId, dispute.id, since, reminder);
        await stage.note('dispute reminder sent', { disputeId: dispute.id, reminder });
      }
    });
  }

  return {
    idle: () => mailQueue().length === 0,
    holdsInvoiceOpen: () => state.disputes.some((d) => isThreaded(d) && isActive(d.status)),
    async closeForCancellation(reason, requestedBy) {
      await serially(async () => {
        for (const dispute of state.disputes.filter(isThreaded).filter((d) => isActive(d.status))) {
          await append(dispute, {
            id: uuid4(),
            kind: 'closed',
            author: { side: 'issuer', userId: null, name: requestedBy },
            text: `The invoice was cancelled: ${reason}`,
          });
        }
      });
    },
  };
}

/**
 * A credit note's own lifecycle, once it is accepted: every invoice of the same issuer it names in BT-25 is told
 * (its lifecycle, by the deterministic workflow id), which closes the dispute under way there. What became of
 * each reference goes into the credit note's timeline: linked, no dispute, an unknown number, an ended lifecycle.
 */
export async function correctDisputedInvoices(stage: LifecycleStage): Promise<void> {
  if (stage.state.summary?.kind !== 'CreditNote') return;
  if (!patched(CREDIT_NOTES_CLOSE_DISPUTES)) return;
  const corrected = await work.findCorrectedInvoices(stage.input.invoiceId);
  for (const reference of corrected) {
    if (!reference.workflowId || !reference.invoiceId) {
      await stage.note('corrects invoice', {
        number: reference.number,
        linked: false,
        reason: 'unknown invoice',
      });
      continue;
    }
    const link = await work.tellInvoiceOfCreditNote(reference.workflowId, {
      creditNoteId: stage.input.invoiceId,
      creditNoteNumber: stage.input.number,
      issuerName: reference.issuerName,
    });
    await stage.note('corrects invoice', {
      number: reference.number,
      invoiceId: reference.invoiceId,
      linked: link.linked,
      disputeId: link.disputeId,
      reason: link.reason,
    });
  }
}

/** A dispute with a thread in the database (opened since threads). */
type ThreadedDispute = Dispute & {
  status: DisputeStatus;
  category: NonNullable<Dispute['category']>;
  entries: number;
  reopens: number;
  issuerReminders: number;
};

interface OpeningRequest {
  disputeId: string;
  category?: unknown;
  text: unknown;
  author: DisputeAuthor;
  attachments?: DisputeAttachmentRef[];
}

function isThreaded(dispute: Dispute): dispute is ThreadedDispute {
  return dispute.category !== undefined && dispute.status !== 'resolved';
}

function factsOf(dispute: ThreadedDispute): DisputeFacts {
  return { status: dispute.status, reopens: dispute.reopens };
}

function refused(refusal: { code: string; reason: string }): ApplicationFailure {
  return ApplicationFailure.create({ type: refusal.code, message: refusal.reason, nonRetryable: true });
}

/**
 * The rules again when the update runs (another may have changed the dispute since it was accepted). A refusal
 * then fails the update; it must be an ApplicationFailure, since any other error would fail the workflow task.
 */
function recheck<T>(rules: () => T): T {
  try {
    return rules();
  } catch (failure) {
    if (failure instanceof ApplicationFailure) throw failure;
    throw refused({
      code: 'INVOICE_NOT_OPEN',
      reason: failure instanceof Error ? failure.message : String(failure),
    });
  }
}

function refuseIf(refusal: DisputeRefusal | undefined): void {
  if (refusal) throw refused(refusal);
}

/** Runs dispute changes one after another, so each sees the one before it recorded. */
function createSerializer() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T>): Promise<T> => {
    const run = tail.then(work);
    tail = run.catch(() => undefined);
    return run;
  };
}

// Disputes as they were before threads: kept only so histories that recorded them replay exactly.
interface LegacyOpening {
  disputeId: string;
  reason: string;
  openedBy: string;
}
interface LegacyResponse {
  disputeId: string;
  author: string;
  text: string;
}
interface LegacyDecision {
  disputeId: string;
  outcome: 'upheld' | 'rejected';
  note?: string;
  creditNoteNumber?: string;
}

const legacy = {
  openOne(state: LifecycleState, disputeId: string): Dispute {
    const dispute = state.disputes.find((d) => d.id === disputeId);
    if (!dispute) throw new Error(`no dispute ${disputeId}`);
    if (dispute.status !== 'open') throw new Error(`dispute ${disputeId} is already resolved`);
    return dispute;
  },
  async open(state: LifecycleState, stage: LifecycleStage, request: LegacyOpening): Promise<Dispute> {
    const dispute: Dispute = {
      id: request.disputeId,
      status: 'open',
      reason: request.reason,
      openedBy: request.openedBy,
      openedAt: new Date().toISOString(),
      messages: [],
    };
    state.disputes.push(dispute);
    await stage.advance('disputed', 'dispute opened', { disputeId: dispute.id, reason: dispute.reason });
    return dispute;
  },
  async respond(state: LifecycleState, stage: LifecycleStage, response: LegacyResponse): Promise<Dispute> {
    const dispute = legacy.openOne(state, response.disputeId);
    (dispute.messages ??= []).push({
      at: new Date().toISOString(),
      author: response.author,
      text: response.text,
    });
    await stage.note('dispute message', { disputeId: dispute.id, author: response.author });
    return dispute;
  },
  async resolve(state: LifecycleState, stage: LifecycleStage, decision: LegacyDecision): Promise<Dispute> {
    const dispute = legacy.openOne(state, decision.disputeId);
    dispute.status = 'resolved';
    const { outcome, note, creditNoteNumber } = decision;
    dispute.decision = { at: new Date().toISOString(), outcome, note, creditNoteNumber };
    await stage.advance(state.viewedAt ? 'viewed' : 'awaiting view', 'dispute resolved', {
      disputeId: dispute.id,
      outcome,
      creditNoteNumber,
    });
    return dispute;
  },
};

/**
 * Runs a loop beside the lifecycle's main path. When the workflow is cancelled the loop's wait throws; that is the
 * loop's end, not a failure (an unhandled rejection would fail every workflow task from then on).
 */
function inBackground(name: string, loop: () => Promise<void>): void {
  loop().catch((failure: unknown) => {
    if (!isCancellation(failure)) log.error(`${name} stopped`, { failure: String(failure) });
  });
}

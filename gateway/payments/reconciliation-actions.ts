import type { Client } from '@temporalio/client';
import type { Db } from '../../db';
import { getInvoice } from '../../db/invoices';
import { countImportEntries, entriesOfImport, getLedgerEntry, reviewQueue } from '../../db/payments/ledger';
import type { EntryState, InvoicePayment, LedgerEntry } from '../../db/payments/ledger';
import {
  creditsOfEntry,
  decisionHistory,
  ignoreEntry,
  invoiceFacts,
  latestDecisions,
  matchEntry,
  paymentsOfEntry,
  ReconciliationError,
  reverseLateWithdrawal,
  splitEntry,
  undoDecision,
  userEmails,
  type Clerk,
  type DecisionOutcome,
  type InvoiceFacts,
  type InvoiceQuery,
  type ManualDecision,
  type ReconciliationAction,
} from '../../db/payments/reconciliation';
import {
  getStatementImport,
  listStatementImports,
  type StatementImport,
} from '../../db/payments/statement-imports';
import { applyPayment } from '../../intake/payments';
import { receiveStatement } from '../../intake/statements';
import type { HubConfig } from '../../platform/config';
import { logger } from '../../platform/logger';
import { statusQuery } from '../../workflows/messages';
import { HttpError } from '../errors';
import type {
  CandidateSearch,
  CandidateView,
  DecisionDelivery,
  DecisionResult,
  DecisionView,
  EntryDetail,
  EntryView,
  MatchBody,
  NoteBody,
  ReviewQueue,
  SplitBody,
  StatementDetail,
  StatementList,
  StatementSummary,
} from './reconciliation-contract';

/**
 * The issuer's reconciliation view, behind the portal routes (reconciliation-routes.ts) once they know the issuer
 * and the clerk: statements and their entries, the review queue with its evidence and candidates, the clerk's
 * search for an invoice, and the decisions (db/payments/reconciliation.ts), whose payments are then sent to the
 * invoices' lifecycles with `applyPayment`, each once by its key.
 */
export interface ReconciliationDeps {
  db: Db;
  temporal: Client;
  config: HubConfig;
}

const REFUSAL_STATUS: Record<ReconciliationError['code'], number> = {
  ENTRY_NOT_FOUND: 404,
  ENTRY_CHANGED: 409,
  ENTRY_ALREADY_DECIDED: 409,
  NOTHING_TO_UNDO: 409,
  NOTE_REQUIRED: 422,
  NOT_A_CREDIT: 422,
  INVOICE_NOT_FOUND: 422,
  INVOICE_NOT_PAYABLE: 422,
  INVOICE_PAID: 422,
  CURRENCY_MISMATCH: 422,
  BAD_AMOUNT: 422,
  DUPLICATE_INVOICE: 422,
  AMOUNTS_DO_NOT_ADD_UP: 422,
  OVER_OUTSTANDING: 422,
  CREDIT_CUSTOMER_UNCLEAR: 422,
  CANNOT_REVERSE: 422,
};

const entryNotFound = () =>
  new HttpError(404, 'ENTRY_NOT_FOUND', 'there is no such statement entry among yours');

export function createReconciliationActions(deps: ReconciliationDeps) {
  const { db, temporal, config } = deps;

  async function statementSummary(record: StatementImport): Promise<StatementSummary> {
    return {
      id: record.id,
      fileName: record.fileName,
      source: record.source,
      status: record.status,
      format: record.format ?? null,
      account: record.account ?? null,
      statementIds: record.statementIds,
      receivedAt: record.receivedAt,
      importedAt: record.importedAt ?? null,
      refusal: record.refusal ?? null,
      counts: { inFile: record.entryCount, ...(await countImportEntries(db, record.id)) },
    };
  }

  async function entryViews(entries: LedgerEntry[]): Promise<EntryView[]> {
    const latest = await latestDecisions(
      db,
      entries.map((e) => e.id),
    );
    const emails = await userEmails(
      db,
      entries.flatMap((e) => (e.decidedBy ? [e.decidedBy] : [])),
    );
    return entries.map((e) => entryView(e, emails, latest.get(e.id)));
  }

  async function candidatesOf(
    issuerId: string,
    wanted: { invoiceId: string; evidence: string | null }[],
  ): Promise<Map<string, CandidateView>> {
    const facts = await invoiceFacts(db, issuerId, {
      ids: [...new Set(wanted.map((w) => w.invoiceId))],
      limit: 100,
    });
    const byId = new Map(facts.map((f) => [f.invoiceId, f]));
    const views = new Map<string, CandidateView>();
    for (const w of wanted) {
      const f = byId.get(w.invoiceId);
      if (f) views.set(w.invoiceId, candidateView(f, w.evidence));
    }
    return views;
  }

  const reviewCandidates = (entry: LedgerEntry) =>
    entry.decision.kind === 'review'
      ? entry.decision.candidates.map((c) => ({ invoiceId: c.invoiceId, evidence: c.evidence }))
      : [];

  async function entryDetail(issuerId: string, entryId: string): Promise<EntryDetail> {
    const entry = await ownEntry(issuerId, entryId);
    const [view] = await entryViews([entry]);
    const history = await decisionHistory(db, entry.id);
    const statement = await getStatementImport(db, entry.importId);
    const previousBy = await userEmails(
      db,
      history.flatMap((d) => (d.previous.decidedBy ? [d.previous.decidedBy] : [])),
    );
    const original = history[0]?.previous ?? {
      state: entry.state,
      decision: entry.decision,
      decidedAt: entry.decidedAt,
    };
    const wanted = reviewCandidates(entry);
    const candidates = await candidatesOf(issuerId, wanted);
    return {
      entry: view,
      statement: { id: entry.importId, fileName: statement?.fileName ?? '' },
      automatic: {
        state: original.state,
        kind: original.decision.kind,
        reason: original.decision.reason,
        decidedAt: original.decidedAt,
      },
      history: history.map((d) => decisionView(d, previousBy)),
      payments: (await paymentsOfEntry(db, entry.id)).map((p) => ({
        key: p.key,
        invoiceId: p.invoiceId,
        invoiceNumber: p.invoiceNumber,
        source: p.source,
        amount: p.amount,
        currency: p.currency,
        paidAt: p.paidAt,
        reason: p.reason,
        reversalOf: p.reversalOf ?? null,
        state: p.state,
        refusal: p.refusal ?? null,
        createdAt: p.createdAt,
      })),
      credits: (await creditsOfEntry(db, entry.id)).map((c) => ({
        amount: c.amount,
        currency: c.currency,
        reason: c.reason,
        createdAt: c.createdAt,
        withdrawnAt: c.withdrawnAt ?? null,
      })),
      candidates: wanted.flatMap((w) => candidates.get(w.invoiceId) ?? []),
    };
  }

  async function ownEntry(issuerId: string, entryId: string): Promise<LedgerEntry> {
    const entry = UUID.test(entryId) ? await getLedgerEntry(db, entryId) : undefined;
    if (!entry || entry.issuerId !== issuerId) throw entryNotFound();
    return entry;
  }

  /** Sends each payment to its lifecycle once by key; a server away leaves it pending for the recovery pass. */
  async function deliver(payments: InvoicePayment[], delivery: DecisionDelivery): Promise<void> {
    for (const payment of payments) {
      try {
        const result = await applyPayment(temporal, config, db, payment);
        if (result.outcome === 'refused') {
          delivery.refused.push({ key: payment.key, refusal: result.refusal ?? '' });
        } else {
          delivery.recorded.push(payment.key);
        }
      } catch (failure) {
        logger.warn(
          { err: failure, payment: payment.key },
          'a manual decision’s payment is not recorded yet',
        );
        delivery.pending.push(payment.key);
      }
    }
  }

  /**
   * A withdrawn payment may still have reached its lifecycle (the import was sending it as the clerk undid it): the
   * lifecycle says which it has, and one it has is reversed like any recorded payment.
   */
  async function confirmWithdrawals(
    undo: ManualDecision,
    withdrawn: InvoicePayment[],
  ): Promise<InvoicePayment[]> {
    const late: InvoicePayment[] = [];
    for (const payment of withdrawn) {
      try {
        const invoice = await getInvoice(db, payment.invoiceId);
        if (!invoice) continue;
        const state = await temporal.workflow.getHandle(invoice.workflowId).query(statusQuery);
        if (!state.payments.some((p) => p.paymentId === payment.key)) continue;
        const reversal = await reverseLateWithdrawal(db, undo, payment);
        if (reversal) late.push(reversal);
      } catch (failure) {
        logger.warn(
          { err: failure, payment: payment.key },
          'could not confirm that a withdrawn payment never arrived',
        );
      }
    }
    return late;
  }

  async function decide(
    issuerId: string,
    entryId: string,
    make: () => Promise<DecisionOutcome>,
  ): Promise<DecisionResult> {
    let outcome: DecisionOutcome;
    try {
      outcome = await make();
    } catch (failure) {
      if (failure instanceof ReconciliationError) {
        throw new HttpError(REFUSAL_STATUS[failure.code], failure.code, failure.message);
      }
      throw failure;
    }
    const delivery: DecisionDelivery = {
      recorded: [],
      pending: [],
      refused: [],
      withdrawn: outcome.withdrawn.map((p) => p.key),
    };
    await deliver(outcome.toSend, delivery);
    if (outcome.withdrawn.length)
      await deliver(await confirmWithdrawals(outcome.decision, outcome.withdrawn), delivery);
    logger.info(
      { issuerId, entryId, action: outcome.decision.action, decision: outcome.decision.id, delivery },
      'reconciliation decision',
    );
    const detail = await entryDetail(issuerId, entryId);
    const decision = detail.history.find((d) => d.id === outcome.decision.id) as DecisionView;
    return { ...detail, decision, delivery };
  }

  return {
    async statements(issuerId: string): Promise<StatementList> {
      const records = await listStatementImports(db, issuerId);
      return { statements: await Promise.all(records.map(statementSummary)) };
    },

    async statement(issuerId: string, statementId: string, state?: EntryState): Promise<StatementDetail> {
      const record = UUID.test(statementId) ? await getStatementImport(db, statementId) : undefined;
      if (!record || record.issuerId !== issuerId) {
        throw new HttpError(404, 'STATEMENT_NOT_FOUND', 'there is no such statement among yours');
      }
      const entries = await entriesOfImport(db, record.id, { state });
      return { ...(await statementSummary(record)), entries: await entryViews(entries) };
    },

    /** A statement file from the portal: the same door as every channel's, recorded once per issuer and content. */
    async upload(
      issuerId: string,
      fileName: string,
      content: Buffer,
    ): Promise<{ statement: StatementSummary; duplicate: boolean }> {
      const { record, created } = await receiveStatement(deps, {
        issuerId,
        source: 'api',
        fileName,
        content,
      });
      if (record.status === 'refused') {
        const refusal = record.refusal ?? { code: 'REFUSED', message: 'the statement was refused' };
        throw new HttpError(422, `STATEMENT_${refusal.code}`, refusal.message);
      }
      return { statement: await statementSummary(record), duplicate: !created };
    },

    async review(issuerId: string): Promise<ReviewQueue> {
      const entries = await reviewQueue(db, issuerId);
      const views = await entryViews(entries);
      const candidates = await candidatesOf(issuerId, entries.flatMap(reviewCandidates));
      return {
        entries: views.map((view, i) => ({
          ...view,
          candidates: reviewCandidates(entries[i]).flatMap((w) => {
            const c = candidates.get(w.invoiceId);
            return c ? [{ ...c, evidence: w.evidence }] : [];
          }),
        })),
      };
    },

    async candidates(issuerId: string, query: InvoiceQuery): Promise<CandidateSearch> {
      const facts = await invoiceFacts(db, issuerId, { ...query, payableOnly: true, limit: 20 });
      return { invoices: facts.map((f) => candidateView(f, null)) };
    },

    entry: entryDetail,

    match(clerk: Clerk, issuerId: string, entryId: string, body: MatchBody): Promise<DecisionResult> {
      return decide(issuerId, entryId, () => matchEntry(db, clerk, issuerId, entryId, body));
    },

    split(clerk: Clerk, issuerId: string, entryId: string, body: SplitBody): Promise<DecisionResult> {
      return decide(issuerId, entryId, () => splitEntry(db, clerk, issuerId, entryId, body));
    },

    ignore(clerk: Clerk, issuerId: string, entryId: string, body: NoteBody): Promise<DecisionResult> {
      return decide(issuerId, entryId, () => ignoreEntry(db, clerk, issuerId, entryId, body));
    },

    undo(clerk: Clerk, issuerId: string, entryId: string, body: NoteBody): Promise<DecisionResult> {
      return decide(issuerId, entryId, () => undoDecision(db, clerk, issuerId, entryId, body));
    },
  };
}

export type ReconciliationActions = ReturnType<typeof createReconciliationActions>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function entryView(
  entry: LedgerEntry,
  emails: Map<string, string>,
  latest: ManualDecision | undefined,
): EntryView {
  const { entry: e } = entry;
  // The clerk's row made the current state unless the entry changed after it (the lifecycle refused its payment).
  const manual = latest && latest.decidedAt === entry.decidedAt ? latest : undefined;
  return {
    id: entry.id,
    statementId: entry.importId,
    position: entry.position,
    bookingDate: e.bookingDate,
    valueDate: e.valueDate ?? null,
    amount: e.amount,
    currency: e.currency,
    direction: e.direction,
    reversal: e.reversal,
    counterparty: e.counterparty
      ? { name: e.counterparty.name ?? null, iban: e.counterparty.iban ?? e.counterparty.account ?? null }
      : null,
    remittance: e.remittance.join(' '),
    reference: e.structuredReference ?? null,
    bankReference: e.bankReference ?? null,
    state: entry.state,
    decision: entry.decision,
    decidedAt: entry.decidedAt,
    decidedBy: entry.decidedBy ? (emails.get(entry.decidedBy) ?? null) : null,
    manual: manual
      ? {
          id: manual.id,
          action: manual.action,
          by: manual.decidedBy.email,
          at: manual.decidedAt,
          note: manual.note,
        }
      : null,
    actions: actionsFor(entry),
  };
}

/** What a clerk may do: decide an open entry (only money in pays invoices), undo a decided one. */
function actionsFor(entry: LedgerEntry): ReconciliationAction[] {
  const payable = entry.entry.direction === 'credit' && !entry.entry.reversal;
  switch (entry.state) {
    case 'review':
      return payable ? ['match', 'split', 'ignore'] : ['ignore'];
    case 'not-a-payment':
      return payable ? ['match', 'split', 'ignore', 'undo'] : ['ignore', 'undo'];
    default:
      return ['undo'];
  }
}

function candidateView(f: InvoiceFacts, evidence: string | null): CandidateView {
  return {
    invoiceId: f.invoiceId,
    number: f.number,
    issueDate: f.issueDate,
    dueDate: f.dueDate ?? null,
    currency: f.currency,
    total: f.total,
    outstanding: f.outstanding,
    status: f.status,
    customer: f.customerName ?? f.customerEmail ?? null,
    evidence,
    notPayable: f.notPayable ?? null,
  };
}

function decisionView(d: ManualDecision, emails: Map<string, string>): DecisionView {
  return {
    id: d.id,
    action: d.action,
    note: d.note,
    by: d.decidedBy.email,
    at: d.decidedAt,
    undoes: d.undoes ?? null,
    shares: d.allocations,
    previous: {
      state: d.previous.state,
      kind: d.previous.decision.kind,
      reason: d.previous.decision.reason,
      decidedAt: d.previous.decidedAt,
      by: d.previous.decidedBy ? (emails.get(d.previous.decidedBy) ?? null) : null,
    },
  };
}

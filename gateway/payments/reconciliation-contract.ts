/**
 * What the portal's reconciliation pages (portal/src/app/reconciliation/) and the gateway
 * (gateway/payments/reconciliation-routes.ts) exchange. Types only, so the browser bundle can import them.
 */
import type { Allocation, EntryDecision } from '../../domain/payments/model';

// The ledger's words (db/payments/ledger.ts, reconciliation.ts), restated here because the browser cannot import the
// database modules; the gateway's mapping from those to these is checked by the compiler.
export type EntryState = 'matched' | 'review' | 'not-a-payment' | 'ignored';
export type PaymentState = 'pending' | 'recorded' | 'refused' | 'withdrawn';
export type ReconciliationAction = 'match' | 'split' | 'ignore' | 'undo';

/** One share of a decision: what a match or split paid, or (for an undo) what became of a payment undone. */
export interface DecisionShare extends Allocation {
  currency?: string;
  paymentKey?: string;
  outcome?: 'withdrawn' | 'reversed' | 'repaid';
  undoneBy?: string;
}

export interface StatementCounts {
  /** Entries the file holds (some may have come with an earlier, overlapping file). */
  inFile: number;
  entries: number;
  matched: number;
  review: number;
  notAPayment: number;
  ignored: number;
}

/** GET …/statements: one import as the list shows it. */
export interface StatementSummary {
  id: string;
  fileName: string;
  source: 'sftp' | 'api' | 'cli';
  status: 'received' | 'imported' | 'refused';
  format: string | null;
  account: string | null;
  statementIds: string[];
  receivedAt: string;
  importedAt: string | null;
  refusal: { code: string; message: string } | null;
  counts: StatementCounts;
}

export interface StatementList {
  statements: StatementSummary[];
}

/** The clerk's decision that made an entry's current state (absent when the matcher's decision stands). */
export interface ManualDecisionSummary {
  id: string;
  action: ReconciliationAction;
  by: string;
  at: string;
  note: string;
}

/** One statement entry with its decision, as every reconciliation page shows it. */
export interface EntryView {
  id: string;
  statementId: string;
  position: number;
  bookingDate: string;
  valueDate: string | null;
  amount: string;
  currency: string;
  direction: 'credit' | 'debit';
  reversal: boolean;
  counterparty: { name: string | null; iban: string | null } | null;
  remittance: string;
  reference: string | null;
  bankReference: string | null;
  state: EntryState;
  decision: EntryDecision;
  decidedAt: string;
  /** Who decided: a clerk's address, or null for the matcher. */
  decidedBy: string | null;
  manual: ManualDecisionSummary | null;
  /** What a clerk may do with it now. */
  actions: ReconciliationAction[];
}

/** GET …/statements/{statementId} */
export interface StatementDetail extends StatementSummary {
  entries: EntryView[];
}

/** An invoice a clerk may give the entry to, with what it owes now. */
export interface CandidateView {
  invoiceId: string;
  number: string;
  issueDate: string;
  dueDate: string | null;
  currency: string;
  total: string;
  outstanding: string;
  status: string;
  customer: string | null;
  /** Why the matcher (or an earlier decision) named it, in words; null for a search result. */
  evidence: string | null;
  /** Why it cannot be paid (cancelled, rejected, credit note, not delivered, paid), or null when it can. */
  notPayable: 'cancelled' | 'rejected' | 'credit note' | 'not delivered' | 'paid' | null;
}

export interface ReviewItem extends EntryView {
  candidates: CandidateView[];
}

/** GET …/reconciliation/review */
export interface ReviewQueue {
  entries: ReviewItem[];
}

/** GET …/reconciliation/candidates?number=&amount=&customer= */
export interface CandidateSearch {
  invoices: CandidateView[];
}

/** One row of the audit trail: a clerk's match, split, ignore or undo. */
export interface DecisionView {
  id: string;
  action: ReconciliationAction;
  note: string;
  by: string;
  at: string;
  /** The decision an undo undid (a clerk's); null for an undo of the matcher's decision. */
  undoes: string | null;
  shares: DecisionShare[];
  /** What the entry was before: its state and the decision's reason. */
  previous: {
    state: EntryState;
    kind: EntryDecision['kind'];
    reason: string;
    decidedAt: string;
    by: string | null;
  };
}

export interface EntryPaymentView {
  key: string;
  invoiceId: string;
  invoiceNumber: string;
  source: 'statement' | 'provider' | 'manual';
  amount: string;
  currency: string;
  paidAt: string;
  reason: string;
  reversalOf: string | null;
  state: PaymentState;
  refusal: string | null;
  createdAt: string;
}

/** GET …/reconciliation/entries/{entryId}: the entry, every decision on it with who and when, its money. */
export interface EntryDetail {
  entry: EntryView;
  statement: { id: string; fileName: string };
  /** The matcher's decision when the entry arrived. */
  automatic: { state: EntryState; kind: EntryDecision['kind']; reason: string; decidedAt: string };
  history: DecisionView[];
  payments: EntryPaymentView[];
  credits: {
    amount: string;
    currency: string;
    reason: string;
    createdAt: string;
    withdrawnAt: string | null;
  }[];
  candidates: CandidateView[];
}

/** What became of a decision's payments in the invoices' lifecycles. */
export interface DecisionDelivery {
  /** Taken by the lifecycle. */
  recorded: string[];
  /** Not reached yet (the lifecycle's server is away): the hub sends them again on its own. */
  pending: string[];
  /** The lifecycle said no, with why: the entry page shows them; undo the decision to put the entry back. */
  refused: { key: string; refusal: string }[];
  /** Pending payments an undo withdrew. */
  withdrawn: string[];
}

/** POST …/reconciliation/entries/{entryId}/match|split|ignore|undo */
export interface DecisionResult extends EntryDetail {
  decision: DecisionView;
  delivery: DecisionDelivery;
}

export interface NoteBody {
  note: string;
  /** The entry's decidedAt as shown: refused with ENTRY_CHANGED when someone decided since. */
  decidedAt?: string;
}

export interface MatchBody extends NoteBody {
  invoiceId: string;
}

export interface SplitBody extends NoteBody {
  /** In the invoices' currency; what the shares leave of the entry becomes the customer's credit. */
  allocations: { invoiceId: string; amount: string }[];
}

/** The error codes of these pages besides the portal's usual ones. */
export type ReconciliationErrorCode =
  | 'STATEMENT_NOT_FOUND'
  | 'ENTRY_NOT_FOUND'
  | 'ENTRY_CHANGED'
  | 'ENTRY_ALREADY_DECIDED'
  | 'NOTHING_TO_UNDO'
  | 'NOTE_REQUIRED'
  | 'NOT_A_CREDIT'
  | 'INVOICE_NOT_FOUND'
  | 'INVOICE_NOT_PAYABLE'
  | 'INVOICE_PAID'
  | 'CURRENCY_MISMATCH'
  | 'BAD_AMOUNT'
  | 'DUPLICATE_INVOICE'
  | 'AMOUNTS_DO_NOT_ADD_UP'
  | 'OVER_OUTSTANDING'
  | 'CREDIT_CUSTOMER_UNCLEAR'
  | 'CANNOT_REVERSE'
  | 'EMPTY_BODY';

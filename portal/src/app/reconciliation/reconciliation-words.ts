import type { MatchRule } from '../../../../domain/payments/model';
import type {
  CandidateView,
  DecisionDelivery,
  DecisionShare,
  EntryState,
  EntryView,
  PaymentState,
  ReconciliationAction,
} from '../../../../gateway/payments/reconciliation-contract';
import { PortalApiError } from '../api/portal-api';
import { problemText } from '../api/problem-text';
import type { PlainTranslationKey, Translator } from '../i18n';
import { formatCalendarDate, formatMoney } from '../shared/format';

/** The reconciliation codes (gateway/payments/reconciliation-contract.ts) and their words (reconciliation.en.ts). */
export const STATE_KEYS: Record<EntryState, PlainTranslationKey> = {
  matched: 'reconciliation.states.matched',
  review: 'reconciliation.states.review',
  'not-a-payment': 'reconciliation.states.notAPayment',
  ignored: 'reconciliation.states.ignored',
};

/** An entry state's badge tone (the portal's badge colours). */
export const STATE_TONES: Record<EntryState, string> = {
  matched: 'good',
  review: 'bad',
  'not-a-payment': 'neutral',
  ignored: 'neutral',
};

const RULE_KEYS: Record<MatchRule, PlainTranslationKey> = {
  'provider-order': 'reconciliation.rules.providerOrder',
  reference: 'reconciliation.rules.reference',
  'payer-and-amount': 'reconciliation.rules.payerAndAmount',
  reversal: 'reconciliation.rules.reversal',
  manual: 'reconciliation.rules.manual',
};

export const ACTION_KEYS: Record<ReconciliationAction, PlainTranslationKey> = {
  match: 'reconciliation.history.match',
  split: 'reconciliation.history.split',
  ignore: 'reconciliation.history.ignore',
  undo: 'reconciliation.history.undo',
};

export const OUTCOME_KEYS: Record<NonNullable<DecisionShare['outcome']>, PlainTranslationKey> = {
  withdrawn: 'reconciliation.history.withdrawn',
  reversed: 'reconciliation.history.reversed',
  repaid: 'reconciliation.history.repaid',
};

export const PAYMENT_STATE_KEYS: Record<PaymentState, PlainTranslationKey> = {
  pending: 'reconciliation.payments.pending',
  recorded: 'reconciliation.payments.recorded',
  refused: 'reconciliation.payments.refused',
  withdrawn: 'reconciliation.payments.withdrawn',
};

const NOT_PAYABLE_KEYS: Record<NonNullable<CandidateView['notPayable']>, PlainTranslationKey> = {
  cancelled: 'reconciliation.candidates.notPayable.cancelled',
  rejected: 'reconciliation.candidates.notPayable.rejected',
  'credit note': 'reconciliation.candidates.notPayable.creditNote',
  'not delivered': 'reconciliation.candidates.notPayable.notDelivered',
  paid: 'reconciliation.candidates.notPayable.paid',
};

/**
 * What the entry's decision is, in the language on screen: a clerk's decision with who and the note, or the
 * matcher's decision by its kind and rule (its reason stays the matcher's English sentence, shown beside it).
 */
export function decisionSummary(entry: EntryView, translator: Translator): string {
  const { t } = translator;
  const manual = entry.manual;
  if (manual) {
    const words = { who: manual.by, note: manual.note };
    switch (manual.action) {
      case 'match':
        return t('reconciliation.decision.matchedBy', words);
      case 'split':
        return t('reconciliation.decision.splitBy', words);
      case 'ignore':
        return t('reconciliation.decision.ignoredBy', words);
      case 'undo':
        return t('reconciliation.decision.undoneBy', words);
    }
  }
  const decision = entry.decision;
  switch (decision.kind) {
    case 'matched':
      return t('reconciliation.decision.matchedAuto', { rule: t(RULE_KEYS[decision.rule]) });
    case 'review':
      return t('reconciliation.decision.reviewAuto');
    default:
      return t('reconciliation.decision.notAPaymentAuto');
  }
}

/** The matcher's own sentence, when the decision is the matcher's (a clerk's is said by decisionSummary). */
export function matcherReason(entry: EntryView): string | null {
  return entry.manual ? null : entry.decision.reason;
}

/** What a matched entry pays: each invoice's share, and the customer's credit. */
export function decisionShares(entry: EntryView, translator: Translator): string[] {
  if (entry.decision.kind !== 'matched') return [];
  const { t, language } = translator;
  const currency = entry.decision.credit?.currency ?? (entry.decision.conversion ? 'EUR' : entry.currency);
  const lines = entry.decision.allocations.map((a) =>
    t('reconciliation.decision.share', {
      number: a.number,
      amount: formatMoney(a.amount, currency, language),
    }),
  );
  const credit = entry.decision.credit;
  if (credit) {
    lines.push(
      t('reconciliation.decision.credit', { amount: formatMoney(credit.amount, credit.currency, language) }),
    );
  }
  return lines;
}

/** A candidate invoice in one line: number, customer, what it owes, its due date and why it may not be paid. */
export function candidateLabel(candidate: CandidateView, translator: Translator): string {
  const { t, language } = translator;
  const parts = [
    t('reconciliation.candidates.label', {
      number: candidate.number,
      customer: candidate.customer ?? '—',
      outstanding: formatMoney(candidate.outstanding, candidate.currency, language),
      total: formatMoney(candidate.total, candidate.currency, language),
    }),
  ];
  if (candidate.dueDate) {
    parts.push(t('reconciliation.candidates.due', { date: formatCalendarDate(candidate.dueDate, language) }));
  }
  if (candidate.notPayable) parts.push(t(NOT_PAYABLE_KEYS[candidate.notPayable]));
  return parts.join(' · ');
}

const ERROR_KEYS: Record<string, PlainTranslationKey> = {
  STATEMENT_NOT_FOUND: 'reconciliation.errors.STATEMENT_NOT_FOUND',
  ENTRY_NOT_FOUND: 'reconciliation.errors.ENTRY_NOT_FOUND',
  ENTRY_CHANGED: 'reconciliation.errors.ENTRY_CHANGED',
  ENTRY_ALREADY_DECIDED: 'reconciliation.errors.ENTRY_ALREADY_DECIDED',
  NOTHING_TO_UNDO: 'reconciliation.errors.NOTHING_TO_UNDO',
  NOTE_REQUIRED: 'reconciliation.errors.NOTE_REQUIRED',
  NOT_A_CREDIT: 'reconciliation.errors.NOT_A_CREDIT',
  INVOICE_NOT_FOUND: 'reconciliation.errors.INVOICE_NOT_FOUND',
  INVOICE_NOT_PAYABLE: 'reconciliation.errors.INVOICE_NOT_PAYABLE',
  INVOICE_PAID: 'reconciliation.errors.INVOICE_PAID',
  CURRENCY_MISMATCH: 'reconciliation.errors.CURRENCY_MISMATCH',
  BAD_AMOUNT: 'reconciliation.errors.BAD_AMOUNT',
  DUPLICATE_INVOICE: 'reconciliation.errors.DUPLICATE_INVOICE',
  AMOUNTS_DO_NOT_ADD_UP: 'reconciliation.errors.AMOUNTS_DO_NOT_ADD_UP',
  OVER_OUTSTANDING: 'reconciliation.errors.OVER_OUTSTANDING',
  CREDIT_CUSTOMER_UNCLEAR: 'reconciliation.errors.CREDIT_CUSTOMER_UNCLEAR',
  CANNOT_REVERSE: 'reconciliation.errors.CANNOT_REVERSE',
  EMPTY_BODY: 'reconciliation.errors.EMPTY_BODY',
};

/** A failed reconciliation call in words: these pages' codes here, every other code as the portal words it. */
export function reconciliationProblem(
  failure: unknown,
  translator: Translator,
  fallback: PlainTranslationKey = 'reconciliation.errors.fallback',
): string {
  if (
    failure instanceof PortalApiError &&
    failure.code.startsWith('STATEMENT_') &&
    !ERROR_KEYS[failure.code]
  ) {
    // The reader's reason (line and field) is the hub's own sentence: better than a general "unreadable".
    return translator.t('reconciliation.upload.refused', { reason: failure.message });
  }
  const key = failure instanceof PortalApiError ? ERROR_KEYS[failure.code] : undefined;
  return key ? translator.t(key) : problemText(failure, translator, fallback);
}

/** What the lifecycles made of a decision's payments, when it is not simply "recorded". */
export function deliveryNotes(delivery: DecisionDelivery, translator: Translator): string[] {
  const notes = delivery.refused.map((r) =>
    translator.t('reconciliation.delivery.refused', { reason: r.refusal }),
  );
  if (delivery.pending.length) notes.push(translator.t('reconciliation.delivery.pending'));
  return notes;
}

import { isDisputeCategory } from './categories';
import { MAX_ATTACHMENTS_PER_ENTRY } from './attachments';

/**
 * A dispute's life, as both sides and the workflow's update validators read it:
 *
 *   open ──issuer upholds──▶ upheld ──credit note arrives──▶ closed
 *     │                                   (a credit note arriving while open closes it too)
 *     └──issuer rejects (with the reason)──▶ rejected ──recipient reopens, once, with a message──▶ open
 *
 * Both sides write in `open` and `upheld` (a credit note is awaited); `rejected` waits for a reopen, and
 * `closed` is final. One dispute at a time per invoice; a new one only once every earlier one is closed, so
 * "reopen once" cannot be side-stepped by opening another.
 */
export type DisputeStatus = 'open' | 'upheld' | 'rejected' | 'closed';
export type DisputeSide = 'recipient' | 'issuer';
export type DisputeAction = 'reply' | 'decide' | 'reopen';
export type DisputeOutcome = 'upheld' | 'rejected';

/** What a thread entry records; every entry after the first either is a message or changes the status. */
export type DisputeEntryKind = 'opened' | 'message' | 'upheld' | 'rejected' | 'reopened' | 'closed';

export const MAX_REOPENS = 1;
export const MAX_DISPUTE_TEXT = 4000;
/** Reminders to the issuer per unanswered turn of the recipient, DISPUTE_REMINDER_DELAY apart. */
export const ISSUER_REMINDERS_PER_TURN = 3;

export type DisputeRefusalCode =
  | 'DISPUTE_ACTIVE'
  | 'DISPUTE_REJECTED'
  | 'DISPUTE_NOT_OPEN'
  | 'DISPUTE_CLOSED'
  | 'NOT_REJECTED'
  | 'ALREADY_REOPENED'
  | 'ONLY_ISSUER_DECIDES'
  | 'ONLY_RECIPIENT_REOPENS'
  | 'UNKNOWN_CATEGORY'
  | 'UNKNOWN_OUTCOME'
  | 'TEXT_REQUIRED'
  | 'TEXT_TOO_LONG'
  | 'REASON_REQUIRED'
  | 'TOO_MANY_ATTACHMENTS';

export interface DisputeRefusal {
  code: DisputeRefusalCode;
  reason: string;
}

/** The facts the rules look at. */
export interface DisputeFacts {
  status: DisputeStatus;
  reopens: number;
}

const refusal = (code: DisputeRefusalCode, reason: string): DisputeRefusal => ({ code, reason });

/** The status an entry leaves the dispute in. */
export function statusAfter(kind: DisputeEntryKind, before: DisputeStatus): DisputeStatus {
  switch (kind) {
    case 'opened':
    case 'reopened':
      return 'open';
    case 'message':
      return before;
    default:
      return kind;
  }
}

/** Whether a dispute still holds the invoice in dispute (it has not been rejected or closed). */
export function isActive(status: DisputeStatus): boolean {
  return status === 'open' || status === 'upheld';
}

/** Why the recipient may not open a new dispute on an invoice with these disputes, if they may not. */
export function openRefusal(existing: DisputeFacts[]): DisputeRefusal | undefined {
  if (existing.some((d) => isActive(d.status))) {
    return refusal(
      'DISPUTE_ACTIVE',
      'a dispute about this invoice is already under way; write in it instead',
    );
  }
  if (existing.some((d) => d.status === 'rejected')) {
    return refusal(
      'DISPUTE_REJECTED',
      'the issuer rejected the dispute about this invoice; reopen that one instead (once) of opening another',
    );
  }
  return undefined;
}

/** Why `side` may not take `action` on a dispute in this state, if it may not. */
export function actionRefusal(
  side: DisputeSide,
  action: DisputeAction,
  facts: DisputeFacts,
): DisputeRefusal | undefined {
  switch (action) {
    case 'reply':
      if (facts.status === 'closed') return refusal('DISPUTE_CLOSED', 'the dispute is closed');
      if (facts.status === 'rejected') {
        return side === 'recipient' && facts.reopens < MAX_REOPENS
          ? refusal('DISPUTE_NOT_OPEN', 'the dispute was rejected; reopen it with your message')
          : refusal('DISPUTE_NOT_OPEN', 'the dispute was rejected and is not open for messages');
      }
      return undefined;
    case 'decide':
      if (side !== 'issuer') return refusal('ONLY_ISSUER_DECIDES', 'only the issuer decides a dispute');
      if (facts.status !== 'open') {
        return refusal('DISPUTE_NOT_OPEN', `the dispute is ${facts.status}; only an open dispute is decided`);
      }
      return undefined;
    case 'reopen':
      if (side !== 'recipient') {
        return refusal('ONLY_RECIPIENT_REOPENS', 'only the recipient reopens a rejected dispute');
      }
      if (facts.status !== 'rejected') {
        return refusal('NOT_REJECTED', `the dispute is ${facts.status}; only a rejected dispute is reopened`);
      }
      if (facts.reopens >= MAX_REOPENS) {
        return refusal('ALREADY_REOPENED', 'the dispute was reopened once already; the rejection stands');
      }
      return undefined;
  }
}

/** What `side` may do now, for pages and API answers. */
export function availableActions(side: DisputeSide, facts: DisputeFacts): DisputeAction[] {
  return (['reply', 'decide', 'reopen'] as const).filter((a) => !actionRefusal(side, a, facts));
}

/** A message's text: required (unless `optional`), at most MAX_DISPUTE_TEXT characters. */
export function textRefusal(text: unknown, optional = false): DisputeRefusal | undefined {
  if (text === undefined || text === null || (typeof text === 'string' && text.trim() === '')) {
    return optional ? undefined : refusal('TEXT_REQUIRED', 'write a message');
  }
  if (typeof text !== 'string') return refusal('TEXT_REQUIRED', 'the message must be text');
  if (text.length > MAX_DISPUTE_TEXT) {
    return refusal('TEXT_TOO_LONG', `a message may have at most ${MAX_DISPUTE_TEXT} characters`);
  }
  return undefined;
}

export function categoryRefusal(category: unknown): DisputeRefusal | undefined {
  return isDisputeCategory(category)
    ? undefined
    : refusal('UNKNOWN_CATEGORY', 'choose why you dispute the invoice (a reason category)');
}

/** A decision: upheld (a note is optional) or rejected (the reason is required). */
export function decisionRefusal(outcome: unknown, note: unknown): DisputeRefusal | undefined {
  if (outcome !== 'upheld' && outcome !== 'rejected') {
    return refusal('UNKNOWN_OUTCOME', 'the outcome must be "upheld" or "rejected"');
  }
  if (outcome === 'rejected' && (typeof note !== 'string' || note.trim() === '')) {
    return refusal('REASON_REQUIRED', 'a rejection needs its reason');
  }
  return textRefusal(note, true);
}

export function attachmentCountRefusal(count: number): DisputeRefusal | undefined {
  return count > MAX_ATTACHMENTS_PER_ENTRY
    ? refusal('TOO_MANY_ATTACHMENTS', `a message may carry at most ${MAX_ATTACHMENTS_PER_ENTRY} attachments`)
    : undefined;
}

/** Whose turn it is: after the recipient writes, the issuer owes an answer (and is reminded). */
export function awaitsIssuer(kind: DisputeEntryKind, side: DisputeSide): boolean {
  return side === 'recipient' && (kind === 'opened' || kind === 'message' || kind === 'reopened');
}

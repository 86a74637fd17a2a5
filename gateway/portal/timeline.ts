import type { TimelineEntry as StoredEvent } from '../../db/invoices';
import { CHANNEL_NAMES, type TimelineEntry } from './contract';

/**
 * The status timeline as the recipient sees it. Event details are internal records (digests, validation
 * indications, e-mail flags); only the parts written for a person are shown, chosen per event type.
 */
export function recipientTimeline(events: StoredEvent[]): TimelineEntry[] {
  return events.map((event) => ({ at: event.at, type: event.type, detail: recipientDetail(event) }));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : undefined;
}

function recipientDetail({ type, detail }: StoredEvent): string | null {
  switch (type) {
    case 'received': {
      const channel = text(detail.channel);
      return channel ? `Delivered by ${CHANNEL_NAMES[channel] ?? channel}` : null;
    }
    case 'archived': {
      const until = text(detail.retainUntil);
      return until
        ? `Kept in the archive until ${until.replace(/^(\d{4})-(\d{2})-(\d{2})$/, '$3.$2.$1')}`
        : null;
    }
    case 'recipient notified': {
      const to = text(detail.to);
      return to ? `E-mail sent to ${to}` : null;
    }
    case 'reminder sent': {
      const reminder = text(detail.reminder);
      return reminder ? `Reminder ${reminder}` : null;
    }
    case 'payment recorded':
    case 'payment reversed': {
      // "12.50 EUR from statement": the portal words the amount and where the money was seen.
      const amount = text(detail.amount);
      const source = text(detail.source);
      if (!amount) return null;
      return `${amount} ${text(detail.currency) ?? ''}`.trim() + (source ? ` from ${source}` : '');
    }
    case 'dispute opened':
      // The reason category's code (the portal words it); disputes opened before categories carry free text.
      return text(detail.category) ?? text(detail.reason) ?? null;
    case 'dispute resolved': {
      const outcome = text(detail.outcome);
      const creditNote = text(detail.creditNoteNumber);
      if (!outcome) return null;
      return creditNote ? `Dispute ${outcome}; credit note ${creditNote}` : `Dispute ${outcome}`;
    }
    case 'cancelled':
      return text(detail.reason) ?? null;
    default:
      return null;
  }
}

/**
 * The portal's words for the lifecycle's codes: invoice statuses, timeline events and their details, delivery
 * channels. The hub sends codes (and, for timeline details, English sentences); a code the portal does not know
 * yet still shows, humanized, so a newer hub never breaks an older portal.
 */
import type { TimelineEntry } from '../../../../gateway/portal/contract';
import { CATEGORY_KEYS } from '../disputes/dispute-words';
import type { PlainTranslationKey, Translator } from '../i18n';
import { formatCalendarDate, formatMoney, humanize } from '../shared/format';

/** workflows/messages.ts LifecycleStatus. */
const STATUSES: Record<string, PlainTranslationKey> = {
  received: 'statuses.received',
  verified: 'statuses.verified',
  archived: 'statuses.archived',
  notified: 'statuses.notified',
  'awaiting view': 'statuses.awaitingView',
  viewed: 'statuses.viewed',
  disputed: 'statuses.disputed',
  paid: 'statuses.paid',
  cancelled: 'statuses.cancelled',
  rejected: 'statuses.rejected',
  undeliverable: 'statuses.undeliverable',
};

/** The timeline's event types, as the lifecycle workflow writes them (both sides' pages word them alike). */
export const EVENTS: Readonly<Record<string, PlainTranslationKey>> = {
  received: 'timeline.received',
  rejected: 'timeline.rejected',
  verified: 'timeline.verified',
  archived: 'timeline.archived',
  'recipient notified': 'timeline.recipientNotified',
  'awaiting view': 'timeline.awaitingView',
  'viewed by recipient': 'timeline.viewedByRecipient',
  'reminder sent': 'timeline.reminderSent',
  'dispute opened': 'timeline.disputeOpened',
  'dispute message': 'timeline.disputeMessage',
  'dispute resolved': 'timeline.disputeResolved',
  'dispute reopened': 'timeline.disputeReopened',
  'dispute closed': 'timeline.disputeClosed',
  'dispute reminder sent': 'timeline.disputeReminderSent',
  'credit note received': 'timeline.creditNoteReceived',
  'corrects invoice': 'timeline.correctsInvoice',
  'payment recorded': 'timeline.paymentRecorded',
  'payment reversed': 'timeline.paymentReversed',
  'paid in full': 'timeline.paidInFull',
  cancelled: 'timeline.cancelled',
  undeliverable: 'timeline.undeliverable',
  'delivery retried': 'timeline.deliveryRetried',
};

/** Where a payment was seen, as the timeline says it. */
const PAYMENT_SOURCES = {
  statement: 'timeline.sourceStatement',
  provider: 'timeline.sourceProvider',
  manual: 'timeline.sourceManual',
} as const;

/** How an issuer delivered (InvoiceDetail.channel): the name alone, and as the timeline says it. */
const CHANNELS: Record<
  string,
  { name: PlainTranslationKey; deliveredBy: PlainTranslationKey; english: string }
> = {
  api: { name: 'channels.api', deliveredBy: 'deliveredBy.api', english: 'the hub API' },
  sftp: { name: 'channels.sftp', deliveredBy: 'deliveredBy.sftp', english: 'SFTP upload' },
  'sftp-pickup': {
    name: 'channels.sftpPickup',
    deliveredBy: 'deliveredBy.sftpPickup',
    english: "SFTP pickup from the issuer's server",
  },
  as2: { name: 'channels.as2', deliveredBy: 'deliveredBy.as2', english: 'AS2' },
  cli: { name: 'channels.cli', deliveredBy: 'deliveredBy.cli', english: 'the command line' },
};

export function statusText(status: string, translator: Translator): string {
  const key = STATUSES[status.toLowerCase()];
  return key ? translator.t(key) : humanize(status);
}

export function channelText(channel: string, translator: Translator): string {
  const known = CHANNELS[channel];
  return known ? translator.t(known.name) : channel;
}

export interface TimelineEntryView {
  at: string;
  label: string;
  detail: string | null;
}

export function timelineEntryView(entry: TimelineEntry, translator: Translator): TimelineEntryView {
  const key = EVENTS[entry.type];
  return {
    at: entry.at,
    label: key ? translator.t(key) : humanize(entry.type),
    detail: entry.detail === null ? null : timelineDetail(entry, entry.detail, translator),
  };
}

/**
 * The gateway writes timeline details as English sentences (gateway/portal/timeline.ts). Until it sends their facts
 * instead, the portal recognises the sentences it knows and says them in the language on screen; anything else
 * (a dispute reason, a cancellation reason: a person's own words) shows as written.
 */
function timelineDetail(entry: TimelineEntry, detail: string, translator: Translator): string {
  const { t, language } = translator;
  let match: RegExpExecArray | null;
  switch (entry.type) {
    case 'received': {
      match = /^Delivered by (.+)$/.exec(detail);
      if (!match) break;
      const spoken = match[1];
      const channel = Object.values(CHANNELS).find((known) => known.english === spoken);
      return channel ? t(channel.deliveredBy) : t('deliveredBy.other', { channel: spoken });
    }
    case 'archived':
      match = /^Kept in the archive until (\d{2})\.(\d{2})\.(\d{4})$/.exec(detail);
      if (!match) break;
      return t('timeline.keptUntil', {
        date: formatCalendarDate(`${match[3]}-${match[2]}-${match[1]}`, language),
      });
    case 'recipient notified':
      match = /^E-mail sent to (.+)$/.exec(detail);
      return match ? t('timeline.mailedTo', { email: match[1] }) : detail;
    case 'reminder sent':
      match = /^Reminder (\d+)$/.exec(detail);
      return match ? t('timeline.reminder', { count: match[1] }) : detail;
    case 'payment recorded':
    case 'payment reversed': {
      match = /^([+-]?\d+(?:\.\d+)?) ([A-Z]{3})(?: from (statement|provider|manual))?$/.exec(detail);
      if (!match) break;
      const amount = formatMoney(match[1], match[2], language);
      const source = match[3] as keyof typeof PAYMENT_SOURCES | undefined;
      return source ? t('timeline.paymentFrom', { amount, source: t(PAYMENT_SOURCES[source]) }) : amount;
    }
    case 'dispute opened': {
      const category = CATEGORY_KEYS[detail as keyof typeof CATEGORY_KEYS];
      return category ? t(category) : detail;
    }
    case 'dispute resolved': {
      match = /^Dispute (upheld|rejected)(?:; credit note (.+))?$/.exec(detail);
      if (!match) break;
      const outcome = t(match[1] === 'upheld' ? 'timeline.disputeUpheld' : 'timeline.disputeRejected');
      return match[2] ? t('timeline.withCreditNote', { outcome, number: match[2] }) : outcome;
    }
  }
  return detail;
}

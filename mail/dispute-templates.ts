import { DISPUTE_CATEGORY_NAMES, type DisputeCategory } from '../domain/disputes/categories';
import type { DisputeEntryKind } from '../domain/disputes/rules';
import { render, type RenderedMail } from './templates';

/**
 * Dispute e-mails, in Bulgarian and English like the hub's others. The message itself is quoted, so the reader
 * knows what was said before following the link; the thread in the portal stays the record.
 */
export interface DisputeMailFacts {
  invoiceNumber: string;
  category: DisputeCategory;
  /** Who wrote: a person's address or the issuer's name. */
  author: string;
  text: string | null;
  attachments: string[];
  creditNoteNumber?: string | null;
  link: string;
}

const WHAT: Record<DisputeEntryKind, { bg: string; en: string }> = {
  opened: { bg: 'Получателят оспори фактура', en: 'The recipient disputed invoice' },
  message: {
    bg: 'Ново съобщение по оспорването на фактура',
    en: 'A new message in the dispute about invoice',
  },
  reopened: {
    bg: 'Получателят поднови оспорването на фактура',
    en: 'The recipient reopened the dispute about invoice',
  },
  upheld: { bg: 'Издателят уважи оспорването на фактура', en: 'The issuer upheld the dispute about invoice' },
  rejected: {
    bg: 'Издателят отхвърли оспорването на фактура',
    en: 'The issuer rejected the dispute about invoice',
  },
  closed: { bg: 'Оспорването е приключено за фактура', en: 'The dispute is closed for invoice' },
};

const ENTRY_SUBJECT: Record<DisputeEntryKind, { bg: string; en: string }> = {
  opened: { bg: 'Оспорена фактура', en: 'Invoice disputed' },
  message: { bg: 'Ново съобщение по оспорване', en: 'New dispute message' },
  reopened: { bg: 'Подновено оспорване', en: 'Dispute reopened' },
  upheld: { bg: 'Оспорването е уважено', en: 'Dispute upheld' },
  rejected: { bg: 'Оспорването е отхвърлено', en: 'Dispute rejected' },
  closed: { bg: 'Оспорването е приключено', en: 'Dispute closed' },
};

function factLines(facts: DisputeMailFacts): string {
  const category = DISPUTE_CATEGORY_NAMES[facts.category];
  return [
    `Фактура / Invoice: ${facts.invoiceNumber}`,
    `Основание / Reason: ${category.bg} / ${category.en}`,
    `От / From: ${facts.author}`,
    ...(facts.attachments.length ? [`Прикачени файлове / Attachments: ${facts.attachments.join(', ')}`] : []),
  ].join('\n');
}

/** One entry of the thread, mailed to the other side. */
export function disputeEntryMail(kind: DisputeEntryKind, facts: DisputeMailFacts): RenderedMail {
  const what = WHAT[kind];
  const subject = ENTRY_SUBJECT[kind];
  const paragraphs = [
    `${what.bg} № ${facts.invoiceNumber}.\n${what.en} ${facts.invoiceNumber}.`,
    factLines(facts),
  ];
  if (kind === 'closed' && facts.creditNoteNumber) {
    paragraphs.push(
      `Пристигна кредитно известие № ${facts.creditNoteNumber}, което коригира фактурата.\n` +
        `Credit note ${facts.creditNoteNumber} arrived and corrects the invoice.`,
    );
  }
  if (facts.text) paragraphs.push(`„${facts.text}“`);
  if (kind === 'rejected') {
    paragraphs.push(
      'Ако не сте съгласни, можете да подновите оспорването веднъж, със съобщение.\n' +
        'If you disagree, you may reopen the dispute once, with a message.',
    );
  }
  return render(
    `${subject.bg}: фактура № ${facts.invoiceNumber} / ${subject.en}: invoice ${facts.invoiceNumber}`,
    paragraphs,
    { label: 'Към оспорването / Open the dispute', url: facts.link },
  );
}

/** An unanswered dispute, to the issuer. */
export function disputeReminderMail(
  facts: Omit<DisputeMailFacts, 'text' | 'attachments' | 'author'> & { since: string; reminder: number },
): RenderedMail {
  const category = DISPUTE_CATEGORY_NAMES[facts.category];
  return render(
    `Напомняне: неотговорено оспорване на фактура № ${facts.invoiceNumber} / Reminder: unanswered dispute about invoice ${facts.invoiceNumber}`,
    [
      `Получателят очаква отговор от ${facts.since} (напомняне ${facts.reminder}).\n` +
        `The recipient has been waiting for an answer since ${facts.since} (reminder ${facts.reminder}).`,
      `Фактура / Invoice: ${facts.invoiceNumber}\nОснование / Reason: ${category.bg} / ${category.en}`,
    ],
    { label: 'Отговор / Answer', url: facts.link },
  );
}

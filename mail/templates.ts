import type { InvoiceSummary } from '../domain/invoice/model';
import { escapeHtml } from '../platform/html';

/** The hub's e-mails, in Bulgarian and English, as plain text and matching HTML. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export function render(
  subject: string,
  paragraphs: string[],
  action?: { label: string; url: string },
): RenderedMail {
  const text = [...paragraphs, ...(action ? [`${action.label}: ${action.url}`] : [])].join('\n\n') + '\n';
  const html = [
    '<!doctype html><html><body style="font-family:Arial,sans-serif;color:#1f2933;max-width:640px">',
    ...paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`),
    action
      ? `<p><a href="${escapeHtml(action.url)}" style="background:#1d4ed8;color:#fff;padding:10px 16px;border-radius:4px;text-decoration:none">${escapeHtml(action.label)}</a></p>`
      : '',
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

const supplierName = (s: InvoiceSummary) => s.supplier.name ?? s.supplier.vatId ?? 'your supplier';
const amount = (s: InvoiceSummary) => `${s.total} ${s.currency}`;
const facts = (s: InvoiceSummary) =>
  [
    `Доставчик / Supplier: ${supplierName(s)}`,
    `Номер / Number: ${s.number}`,
    `Дата / Date: ${s.issueDate}`,
    `Сума за плащане / Amount due: ${amount(s)}`,
    ...(s.dueDate ? [`Падеж / Due date: ${s.dueDate}`] : []),
  ].join('\n');

export function newInvoiceMail(
  summary: InvoiceSummary,
  link: string,
  invitation: boolean,
  /** The invoice names an account earlier invoices from this issuer did not: the warning comes first. */
  newAccount?: { ibans: string[]; earlier: string[] },
): RenderedMail {
  const warning = newAccount
    ? [
        `ВНИМАНИЕ: тази фактура посочва нова банкова сметка (${newAccount.ibans.join(', ')}); досегашните фактури от ` +
          `${supplierName(summary)} посочваха ${newAccount.earlier.join(', ')}. Потвърдете я с доставчика по познат ви ` +
          'канал, преди да платите.\n' +
          `WARNING: this invoice names a new bank account (${newAccount.ibans.join(', ')}); earlier invoices from ` +
          `${supplierName(summary)} named ${newAccount.earlier.join(', ')}. Confirm it with the supplier by a channel you ` +
          'know before paying.',
      ]
    : [];
  const intro = invitation
    ? 'Получихте електронна фактура. За да я видите, изберете парола за портала (еднократно).\n' +
      'You have received an e-invoice. To view it, choose a password for the portal (once).'
    : 'Получихте нова електронна фактура.\nYou have received a new e-invoice.';
  return render(
    `Фактура № ${summary.number} от ${supplierName(summary)} / Invoice ${summary.number} from ${supplierName(summary)}`,
    [...warning, intro, facts(summary)],
    { label: invitation ? 'Регистрация и преглед / Register and view' : 'Преглед / View invoice', url: link },
  );
}

export function reminderMail(summary: InvoiceSummary, link: string, reminder: number): RenderedMail {
  return render(
    `Напомняне: фактура № ${summary.number} / Reminder: invoice ${summary.number}`,
    [
      `Фактурата все още не е прегледана (напомняне ${reminder}).\nThe invoice has not been viewed yet (reminder ${reminder}).`,
      facts(summary),
    ],
    { label: 'Преглед / View invoice', url: link },
  );
}

export function viewReceiptMail(summary: InvoiceSummary, recipient: string, viewedAt: string): RenderedMail {
  return render(
    `Обратна разписка: фактура № ${summary.number} е прегледана / Receipt: invoice ${summary.number} was viewed`,
    [
      `Получателят ${recipient} прегледа фактура № ${summary.number} на ${viewedAt} (удостоверен вход в портала).\n` +
        `The recipient ${recipient} viewed invoice ${summary.number} at ${viewedAt} (authenticated portal session).`,
      facts(summary),
    ],
  );
}

export function rejectionMail(number: string, reasons: string[], statusUrl: string): RenderedMail {
  return render(
    `Фактура № ${number} е отхвърлена / Invoice ${number} was rejected`,
    [
      'Хъбът не прие фактурата по следните причини:\nThe hub did not accept the invoice for these reasons:',
      reasons.map((r, i) => `${i + 1}. ${r}`).join('\n'),
      'Поправете и изпратете отново / Correct it and deliver it again.',
    ],
    { label: 'Status', url: statusUrl },
  );
}

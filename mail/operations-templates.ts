import type { InvoiceSummary } from '../domain/invoice/model';
import { render, type RenderedMail } from './templates';

/** Mails about invoices the hub could not deliver, Bulgarian then English, like every mail of the hub. */

export function undeliverableMail(summary: InvoiceSummary, reason: string, statusUrl: string): RenderedMail {
  return render(
    `Фактура № ${summary.number} не може да бъде доставена / Invoice ${summary.number} could not be delivered`,
    [
      `Хъбът не можа да уведоми получателя на фактура № ${summary.number}.\n` +
        `The hub could not notify the recipient of invoice ${summary.number}.`,
      `Причина / Reason: ${reason}`,
      'Фактурата е архивирана и чака. Поправете адреса при получателя и помолете оператора да опита отново, или ' +
        'анулирайте фактурата.\nThe invoice is archived and waits. Have the address fixed and ask the operator to ' +
        'retry, or cancel the invoice.',
    ],
    { label: 'Status', url: statusUrl },
  );
}

export function operatorInvitationMail(
  link: string,
  registered: boolean,
  expiresInDays: number,
): RenderedMail {
  return render(
    'Вие сте оператор на хъба / You are an operator of the hub',
    [
      'Вече виждате операторската конзола на хъба: заседнали фактури, неуспешни доставки и повторните им опити.\n' +
        "You now see the hub's operator console: stuck invoices, failed deliveries and their retries.",
      registered
        ? 'Влезте както обикновено / Log in as usual.'
        : `Изберете парола до ${expiresInDays} дни / Choose a password within ${expiresInDays} days.`,
    ],
    { label: registered ? 'Вход / Log in' : 'Изберете парола / Choose a password', url: link },
  );
}

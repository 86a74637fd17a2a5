import type { InvoiceSummary } from '../domain/invoice/model';
import { render, type RenderedMail } from './templates';

/** Payment e-mails, Bulgarian then English, like every mail of the hub. */

export interface PaidFacts {
  summary: InvoiceSummary;
  /** Each payment in words: amount, date and where it was seen (statement line, provider, manual match). */
  payments: string[];
  link: string;
}

export function paidInFullMail(facts: PaidFacts, side: 'recipient' | 'issuer'): RenderedMail {
  const { summary } = facts;
  const who =
    side === 'recipient'
      ? `Плащането ви по фактура № ${summary.number} е получено изцяло.\nYour payment of invoice ${summary.number} has been received in full.`
      : `Фактура № ${summary.number} към ${summary.customer.name ?? summary.customer.email ?? 'клиента'} е платена изцяло.\n` +
        `Invoice ${summary.number} to ${summary.customer.name ?? summary.customer.email ?? 'the customer'} is paid in full.`;
  return render(
    `Платена: фактура № ${summary.number} / Paid: invoice ${summary.number}`,
    [
      who,
      `Сума / Amount: ${summary.total} ${summary.currency}`,
      ['Плащания / Payments:', ...facts.payments.map((p) => `- ${p}`)].join('\n'),
    ],
    { label: 'Преглед / View invoice', url: facts.link },
  );
}

export interface BankDetailsFacts {
  summary: InvoiceSummary;
  /** The IBAN this invoice asks to be paid to. */
  iban: string;
  /** The IBANs earlier invoices of this issuer to this recipient named. */
  earlier: string[];
  link: string;
}

/**
 * An invoice names an IBAN no earlier invoice of the issuer to this recipient used. The recipient's invoice mail and
 * page carry the warning; the issuer is told too, since a genuine-looking invoice with another account is the classic
 * invoice fraud and may mean its invoicing system was tampered with.
 */
export function bankDetailsChangedMail(facts: BankDetailsFacts): RenderedMail {
  const { summary } = facts;
  const customer = summary.customer.name ?? summary.customer.email;
  return render(
    `Нова банкова сметка във фактура № ${summary.number} / New bank account on invoice ${summary.number}`,
    [
      `Фактура № ${summary.number} посочва сметка ${facts.iban}, която досегашните ви фактури към ` +
        `${customer ?? 'този получател'} не са посочвали (${facts.earlier.join(', ')}). Получателят е предупреден. ` +
        'Ако не сте сменяли сметката си, проверете системата, от която идват фактурите.',
      `Invoice ${summary.number} names the account ${facts.iban}, which your earlier invoices to ` +
        `${customer ?? 'this recipient'} did not (${facts.earlier.join(', ')}). The recipient has been warned. ` +
        'If you did not change your account, check the system your invoices come from.',
    ],
    { label: 'Преглед / View invoice', url: facts.link },
  );
}

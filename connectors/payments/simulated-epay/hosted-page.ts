/**
 * The simulated provider's pages, in Bulgarian and English: plain HTML forms that work without JavaScript, one
 * heading, labelled buttons. Every page says plainly that no money moves.
 */
import type { EpayPaymentRequest } from '../epay/protocol';

export interface PaymentPageView {
  paymentId: string;
  request: EpayPaymentRequest;
}

export type PayerChoice = 'approve' | 'decline' | 'expire';

export function paymentPage({ paymentId, request }: PaymentPageView): string {
  const rows: [string, string, string][] = [
    ['Търговец', 'Merchant', request.min],
    ['Номер на плащането', 'Payment number', request.invoice],
    ['Сума', 'Amount', `${request.amount} ${request.currency}`],
    ['Описание', 'Description', request.description ?? '—'],
    ['Срок за плащане', 'Pay by', request.expTime],
  ];
  return page(
    'Плащане',
    'Payment',
    `<dl>
${rows.map(([bg, en, value]) => `  <dt>${bg} <span lang="en">/ ${en}</span></dt><dd>${escapeHtml(value)}</dd>`).join('\n')}
</dl>
<form method="post" action="/pay/${encodeURIComponent(paymentId)}">
  <fieldset>
    <legend>Какво прави платецът? <span lang="en">/ What does the payer do?</span></legend>
    <button type="submit" name="choice" value="approve">Плащане <span lang="en">/ Pay</span></button>
    <button type="submit" name="choice" value="decline">Отказ <span lang="en">/ Decline</span></button>
    <button type="submit" name="choice" value="expire">Оставяне да изтече <span lang="en">/ Let it expire</span></button>
  </fieldset>
</form>`,
  );
}

/** A page that only tells the payer something: a refused request, or the outcome when there is no return URL. */
export function messagePage(bg: string, en: string): string {
  return page(
    'Симулиран ePay.bg',
    'Simulated ePay.bg',
    `<p>${escapeHtml(bg)}</p>\n<p lang="en">${escapeHtml(en)}</p>`,
  );
}

function page(titleBg: string, titleEn: string, content: string): string {
  return `<!doctype html>
<html lang="bg">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${titleBg} / ${titleEn} — Симулиран ePay.bg</title>
<style>
  body { font: 1rem/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 36rem; padding: 0 1rem; color: #1a1a1a; }
  .simulation { border: 2px dashed #8a5a00; background: #fff6e0; padding: .5rem 1rem; }
  dt { font-weight: 600; margin-top: .5rem; }
  dd { margin: 0; }
  fieldset { border: 1px solid #767676; margin-top: 1.5rem; }
  button { font: inherit; margin: .5rem .5rem .5rem 0; padding: .5rem 1rem; }
  button:focus-visible { outline: 3px solid #1a4fd6; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<p class="simulation" role="note">Симулация: това не е истинско плащане и не се движат пари.
<span lang="en">Simulation: this is not a real payment and no money moves.</span></p>
<h1>${titleBg} <span lang="en">/ ${titleEn}</span></h1>
${content}
</main>
</body>
</html>
`;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

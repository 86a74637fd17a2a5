import type { CardHandOff } from '../../../../gateway/payments/pay-contract';

/**
 * Sends the browser to the provider's hosted page the way the provider asks: a real form POST (the page's
 * Content-Security-Policy allows the provider in form-action), or a plain redirect. The browser leaves the portal.
 */
export function followHandOff(handOff: CardHandOff, document: Document): void {
  if (handOff.kind === 'redirect') {
    document.location.assign(handOff.url);
    return;
  }
  const form = document.createElement('form');
  form.method = 'post';
  form.action = handOff.action;
  form.hidden = true;
  for (const [name, value] of Object.entries(handOff.fields)) {
    const input = document.createElement('input');
    input.type = 'hidden';
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }
  document.body.appendChild(form);
  form.submit();
}

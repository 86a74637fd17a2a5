import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Issuer } from '../../db/issuers';
import { getInvoice } from '../../db/invoices';
import { paymentsOfInvoice } from '../../db/payments/ledger';
import { ordersOfInvoice } from '../../db/payments/orders';
import { expectNoSeriousA11yViolations, WCAG21_AA_TAGS } from '../support/axe';
import {
  browserUnavailableReason,
  launchBrowser,
  visibleText,
  type BrowserSession,
  ensurePortalBuilt,
} from '../support/browser';
import {
  PASSWORD,
  deliverInvoice,
  makeIssuerMember,
  registeredPerson,
  stateOf,
} from '../support/dispute-hub';
import { addTestIssuer, uniqueEmail } from '../support/hub';
import { startPaymentsHub, type PaymentsHub } from '../support/payments-hub';
import { readQrPng } from '../support/qr-reader';

/**
 * Paying from the portal in Debian's Chromium, on the whole hub with the simulated ePay.bg: the recipient reads the
 * EPC QR code off the screen (decoded as a banking app would: IBAN, amount, reference), pays by card on the
 * provider's hosted page, and the invoice becomes paid only once the provider's signed notification arrives (the
 * return page waits meanwhile). A tampered notification changes nothing; a duplicate records one payment; "I paid
 * elsewhere" reaches the issuer and leaves the invoice unpaid. The pay panel and the return page pass axe in both
 * languages at desktop and phone widths. Screenshots go to test-results/payments/.
 */
const unavailable = browserUnavailableReason();
if (unavailable) console.warn(`payment browser tests skipped: ${unavailable}`);
const describeBrowser = unavailable ? describe.skip : describe;

const ROOT = path.resolve(__dirname, '..', '..');
const SCREENSHOTS = path.join(ROOT, 'test-results', 'payments');
const TAGS = [...WCAG21_AA_TAGS, 'wcag22aa', 'best-practice'];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };
const IBAN = 'BG80BNBG96611020345678';

describeBrowser('paying from the portal in the browser', () => {
  let hub: PaymentsHub;
  let issuer: Issuer;
  let recipientEmail: string;
  let clerkEmail: string;
  let buyer: BrowserSession;

  beforeAll(async () => {
    ensurePortalBuilt('gateway/payments/pay-contract.ts');
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    hub = await startPaymentsHub();
    ({ issuer } = await addTestIssuer(hub.db));
    recipientEmail = (await registeredPerson(hub, uniqueEmail('browser-payer'))).email;
    const clerk = await registeredPerson(hub, uniqueEmail('browser-payments-clerk'));
    clerkEmail = clerk.email;
    await makeIssuerMember(hub, issuer.id, clerk.id, 'clerk');
    buyer = await launchBrowser();
    await buyer.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: hub.baseUrl });
    await logIn(buyer.page, recipientEmail, '/invoices');
  });

  afterAll(async () => {
    await buyer?.close();
    await hub?.stop();
  });

  async function logIn(page: Page, email: string, returnUrl: string): Promise<void> {
    await page.goto(`${hub.baseUrl}/login?returnUrl=${encodeURIComponent(returnUrl)}`);
    await page.locator('#login-email').fill(email);
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL(`${hub.baseUrl}${returnUrl}`);
  }

  const openBalance = async (workflowId: string) => (await stateOf(hub, workflowId)).outstanding as string;

  /** From the invoice page through the simulated ePay.bg's hosted page ("Pay") back to the return page. */
  async function payByCard(page: Page, invoiceId: string): Promise<string> {
    await page.goto(`${hub.baseUrl}/invoices/${invoiceId}`);
    await page.locator('.pay-by-card').click();
    await page.waitForURL(`${hub.epay.url}**`);
    await page.getByRole('heading', { name: /Плащане/ }).waitFor();
    await page.getByRole('button', { name: 'Плащане / Pay' }).click();
    await page.waitForURL(new RegExp(`/invoices/${invoiceId}/payment/return\\?order=\\d+$`));
    return new URL(page.url()).searchParams.get('order') as string;
  }

  it('shows the transfer details and an EPC QR code that a banking app reads as the open balance to the IBAN, with the reference', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipientEmail);
    const { page } = buyer;
    // The list offers "Pay" on the unpaid invoice, which opens the invoice at its pay panel.
    await page.goto(`${hub.baseUrl}/invoices`);
    await page.getByRole('link', { name: `Плащане на фактура № ${invoice.number}` }).click();
    await page.waitForURL(`${hub.baseUrl}/invoices/${invoice.id}#pay`);
    const qr = page.locator('img.epc-qr-code');
    await qr.waitFor();

    const balance = await openBalance(invoice.workflowId);
    expect(await qr.getAttribute('alt')).toContain(IBAN);
    const lines = readQrPng(await qr.screenshot()).split('\n');
    expect(lines[0]).toBe('BCD');
    expect(lines[3]).toBe('SCT');
    expect(lines[6]).toBe(IBAN);
    expect(lines[7]).toBe(`EUR${balance}`);
    expect(lines[9]).toBe(''); // the invoice's own reference is text (BT-83 = its number), not RF
    expect(lines[10]).toBe(invoice.number);

    expect(await visibleText(page, '.transfer-iban')).toBe(IBAN);
    expect(await visibleText(page, '.transfer-reference')).toContain(invoice.number);
    await page.getByRole('button', { name: 'Копиране: IBAN' }).click();
    await page.getByRole('status').filter({ hasText: 'IBAN – копирано.' }).waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(IBAN);
    await page.locator('.pay-panel').screenshot({ path: path.join(SCREENSHOTS, 'pay-panel-bg.png') });
    expect(buyer.pageErrors).toEqual([]);
  });

  it('pays by card through the provider: the return page waits, and the invoice is paid only after the signed notification', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipientEmail);
    const { page } = buyer;
    // The provider's notification is held back: in between, nothing may say "paid".
    hub.epay.setNextSwitches({ delayMs: 8000 });
    const order = await payByCard(page, invoice.id);
    await page.getByText('Очаква се потвърждение от доставчика…').waitFor();
    expect(await visibleText(page, '.payment-return')).toContain(
      'Връщането от страницата за плащане не доказва плащане',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'return-waiting-bg.png') });

    expect(hub.epay.notifications().filter((n) => n.invoice === order)).toEqual([]);
    expect((await getInvoice(hub.db, invoice.id))?.status).not.toBe('paid');
    expect((await stateOf(hub, invoice.workflowId)).status).not.toBe('paid');
    expect(await paymentsOfInvoice(hub.db, invoice.id)).toEqual([]);
    expect((await ordersOfInvoice(hub.db, invoice.id)).map((o) => [o.orderNumber, o.state])).toEqual([
      [order, 'started'],
    ]);

    // The signed notification arrives: the return page, still polling, says paid.
    await page.getByText('Потвърдено: фактурата е платена.').waitFor({ timeout: 30_000 });
    const sent = hub.epay.notifications().filter((n) => n.invoice === order);
    expect(sent.map((n) => [n.status, n.merchantStatus])).toEqual([['PAID', 'OK']]);
    expect((await getInvoice(hub.db, invoice.id))?.status).toBe('paid');
    const payments = await paymentsOfInvoice(hub.db, invoice.id);
    expect(payments.map((p) => [p.key, p.source, p.state])).toEqual([
      [`provider:epay:${order}`, 'provider', 'recorded'],
    ]);

    await page.getByRole('link', { name: 'Обратно към фактурата' }).first().click();
    await page.getByText('Фактурата е платена изцяло.').waitFor();
    expect(await visibleText(page, '.payments-table')).toContain('Карта');
    expect(await page.locator('.pay-by-card').count()).toBe(0);
    expect(buyer.pageErrors).toEqual([]);
  });

  it('a tampered notification changes nothing; a duplicate one records one payment', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipientEmail);
    const { page } = buyer;
    hub.epay.setNextSwitches({ tamperChecksum: true });
    const tampered = await payByCard(page, invoice.id);
    await hub.epay.idle(); // every retry was sent and refused
    const attempts = hub.epay.notifications().filter((n) => n.invoice === tampered);
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.every((n) => n.tampered && n.error === 'ERR=BAD CHECKSUM' && !n.accepted)).toBe(true);
    expect((await ordersOfInvoice(hub.db, invoice.id))[0]).toMatchObject({
      orderNumber: tampered,
      state: 'started',
    });
    expect(await paymentsOfInvoice(hub.db, invoice.id)).toEqual([]);
    expect((await getInvoice(hub.db, invoice.id))?.status).not.toBe('paid');
    expect(await visibleText(page, '.payment-return')).toContain('Очаква се потвърждение от доставчика…');

    hub.epay.setNextSwitches({ duplicate: true });
    const duplicated = await payByCard(page, invoice.id);
    await page.getByText('Потвърдено: фактурата е платена.').waitFor({ timeout: 30_000 });
    await hub.epay.idle();
    const sent = hub.epay.notifications().filter((n) => n.invoice === duplicated);
    expect(sent.map((n) => [n.duplicate, n.answer])).toEqual([
      [false, `INVOICE=${duplicated}:STATUS=OK\n`],
      [true, `INVOICE=${duplicated}:STATUS=OK\n`],
    ]);
    const payments = await paymentsOfInvoice(hub.db, invoice.id);
    expect(payments.map((p) => p.key)).toEqual([`provider:epay:${duplicated}`]);
    expect((await stateOf(hub, invoice.workflowId)).payments).toHaveLength(1);
  });

  it('"I paid elsewhere" reaches the issuer and the invoice stays unpaid', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, recipientEmail);
    const { page } = buyer;
    await page.goto(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.getByRole('heading', { name: 'Платих по друг начин' }).waitFor();
    expect(await visibleText(page, '.elsewhere')).toContain('Това не отбелязва фактурата като платена');
    // Sent empty: both errors, tied to their fields.
    await page.getByRole('button', { name: 'Съобщаване на издателя' }).click();
    await page.locator('#paid-elsewhere-note-error').waitFor();
    expect(await page.locator('#paid-elsewhere-date').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#paid-elsewhere-note').getAttribute('aria-describedby')).toContain(
      'paid-elsewhere-note-error',
    );
    await page.locator('#paid-elsewhere-date').fill('2026-11-28');
    await page.locator('#paid-elsewhere-note').fill('Платихме в брой в офиса ви, разписка № 17.');
    await page.getByRole('button', { name: 'Съобщаване на издателя' }).click();
    await page.getByRole('status').filter({ hasText: 'Издателят получи бележката ви.' }).waitFor();
    expect(await visibleText(page, '.claims')).toContain('Платихме в брой в офиса ви, разписка № 17.');

    const clerk = await launchBrowser();
    try {
      await logIn(clerk.page, clerkEmail, `/issuers/${issuer.id}/invoices/${invoice.id}`);
      await clerk.page.getByRole('heading', { name: 'Получателят казва, че е платил' }).waitFor();
      const seen = await visibleText(clerk.page, '.issuer-payments');
      expect(seen).toContain('Платихме в брой в офиса ви, разписка № 17.');
      expect(seen).toContain(recipientEmail);
      expect(seen).toContain('Все още няма отчетено плащане.');
      await clerk.page.screenshot({ path: path.join(SCREENSHOTS, 'issuer-claim-bg.png'), fullPage: true });
      expect(clerk.pageErrors).toEqual([]);
    } finally {
      await clerk.close();
    }
    expect((await getInvoice(hub.db, invoice.id))?.status).not.toBe('paid');
    expect(await paymentsOfInvoice(hub.db, invoice.id)).toEqual([]);
  });

  it('the pay panel and the return page pass axe in Bulgarian and English, at desktop and phone widths', async () => {
    const email = recipientEmail;
    // An earlier invoice named another account: this one carries the bank-detail change warning too.
    const { invoice } = await deliverInvoice(hub, issuer, email, { payeeIban: 'BG18RZBB91550123456789' });
    const { page } = buyer;
    await page.goto(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.locator('.bank-warning').waitFor();
    const pages = [
      { name: 'pay panel', url: `/invoices/${invoice.id}`, ready: 'img.epc-qr-code' },
      {
        name: 'return page',
        url: `/invoices/${invoice.id}/payment/return?order=1000001`,
        ready: '.payment-return',
      },
    ];
    const checked: string[] = [];
    for (const language of ['bg', 'en'] as const) {
      await hub.db.query('update users set locale = $2 where lower(email) = $1', [
        email.toLowerCase(),
        language,
      ]);
      for (const { name, url, ready } of pages) {
        for (const [width, viewport] of [
          ['desktop', DESKTOP],
          ['phone', PHONE],
        ] as const) {
          await page.setViewportSize(viewport);
          await page.goto(`${hub.baseUrl}${url}`);
          await page.locator(ready).first().waitFor();
          await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
          const context = `${name} (${language}, ${width})`;
          await expectNoSeriousA11yViolations(page, context, { tags: TAGS });
          if (width === 'phone') {
            const overflow = await page.evaluate(
              () => document.documentElement.scrollWidth - window.innerWidth,
            );
            expect({ context, overflow }).toEqual({ context, overflow: 0 });
          }
          await page.screenshot({
            path: path.join(SCREENSHOTS, `${name.replace(/\W+/g, '-')}-${language}-${width}.png`),
            fullPage: true,
          });
          checked.push(context);
        }
      }
    }
    expect(checked).toHaveLength(8);
    // English words on the English pages.
    await page.setViewportSize(DESKTOP);
    await page.goto(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.getByRole('heading', { name: 'Check before you pay: a new bank account' }).waitFor();
    await page.getByRole('button', { name: /^Pay .* by card$/ }).waitFor();
    expect(buyer.pageErrors).toEqual([]);
  });
});

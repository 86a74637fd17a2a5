/**
 * The portal's main pages, both sides, in Bulgarian and English, photographed in Debian's Chromium on the whole hub
 * (an invoice delivered through intake, viewed, disputed and answered). `npm run screenshots` writes them to
 * docs/screenshots/ for the README; in `npm test` they go to test-results/screenshots/ and the test checks each page
 * rendered its main content.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Issuer } from '../../db/issuers';
import { browserUnavailableReason, launchBrowser, type BrowserSession } from '../support/browser';
import {
  PASSWORD,
  deliverInvoice,
  makeIssuerMember,
  registeredPerson,
  startDisputeHub,
  type DisputeHub,
} from '../support/dispute-hub';
import { addTestIssuer, uniqueEmail } from '../support/hub';
import { PortalVisitor } from './harness';

const unavailable = browserUnavailableReason();
if (unavailable) console.warn(`screenshots skipped: ${unavailable}`);
const describeBrowser = unavailable ? describe.skip : describe;

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = process.env.SCREENSHOTS_DIR
  ? path.resolve(ROOT, process.env.SCREENSHOTS_DIR)
  : path.join(ROOT, 'test-results', 'screenshots');
const DESKTOP = { width: 1280, height: 860 };
const LANGUAGES = ['bg', 'en'] as const;

describeBrowser('screenshots of the main pages', () => {
  let hub: DisputeHub;
  let issuer: Issuer;
  let invoiceId: string;
  let disputeId: string;
  let recipient: { id: string; email: string };
  let admin: { id: string; email: string };
  let browser: BrowserSession;

  beforeAll(async () => {
    hub = await startDisputeHub();
    ({ issuer } = await addTestIssuer(hub.db));
    await hub.db.query('update issuers set name = $2 where id = $1', [issuer.id, 'Топлофикация София ЕАД']);
    recipient = await registeredPerson(hub, uniqueEmail('accounts'));
    admin = await registeredPerson(hub, uniqueEmail('billing'));
    await makeIssuerMember(hub, issuer.id, admin.id, 'admin');
    const numbers: string[] = [];
    for (const lines of [3, 1, 2]) {
      const { invoice } = await deliverInvoice(hub, issuer, recipient.email, {
        lines,
        sellerName: 'Топлофикация София ЕАД',
        buyerName: 'Стройинвест ООД',
      });
      numbers.push(invoice.id);
    }
    invoiceId = numbers[0];
    const asRecipient = new PortalVisitor(hub.baseUrl);
    await asRecipient.call('POST', '/api/v1/portal/login', { email: recipient.email, password: PASSWORD });
    await asRecipient.call('POST', `/api/v1/portal/invoices/${invoiceId}/views`, {});
    const opened = await asRecipient.call('POST', `/api/v1/portal/invoices/${invoiceId}/disputes`, {
      category: 'wrong-quantity',
      text: 'Ред 2: доставени са 2 броя, а не 3. / Line 2: 2 delivered, not 3.',
    });
    disputeId = (opened.body as { id: string }).id;
    const asAdmin = new PortalVisitor(hub.baseUrl);
    await asAdmin.call('POST', '/api/v1/portal/login', { email: admin.email, password: PASSWORD });
    await asAdmin.call(
      'POST',
      `/api/v1/portal/issuers/${issuer.id}/invoices/${invoiceId}/disputes/${disputeId}/messages`,
      { text: 'Проверяваме с куриера и ще отговорим до петък. / We are checking with the courier.' },
    );
    fs.mkdirSync(OUT, { recursive: true });
    browser = await launchBrowser({ viewport: DESKTOP });
  });
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
  });

  async function shoot(page: Page, name: string, ready: string): Promise<void> {
    await page.locator(ready).first().waitFor();
    await page.waitForLoadState('networkidle');
    await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: false });
  }

  async function logIn(email: string): Promise<Page> {
    const page = browser.page;
    await browser.context.clearCookies();
    const answer = await browser.context.request.post(`${hub.baseUrl}/api/v1/portal/login`, {
      data: { email, password: PASSWORD },
    });
    expect(answer.status()).toBe(200);
    return page;
  }

  test.each(LANGUAGES)(
    'in %s: log in, received invoices, an invoice, its dispute, sent invoices, the issuer’s invoice page, the account',
    async (language) => {
      await hub.db.query('update users set locale = $1 where id = any($2)', [
        language,
        [recipient.id, admin.id],
      ]);
      await browser.context.clearCookies();
      const page = browser.page;
      await page.goto(`${hub.baseUrl}/login`);
      await page.evaluate((lang) => localStorage.setItem('hub.language', lang), language);
      await page.reload();
      await shoot(page, `login-${language}`, 'form');

      await logIn(recipient.email);
      await page.goto(`${hub.baseUrl}/invoices`);
      await shoot(page, `received-invoices-${language}`, 'table.invoice-list');
      await page.goto(`${hub.baseUrl}/invoices/${invoiceId}`);
      await shoot(page, `invoice-${language}`, 'article.invoice-document');
      await page.goto(`${hub.baseUrl}/invoices/${invoiceId}/disputes/${disputeId}`);
      await shoot(page, `dispute-${language}`, 'main h1');

      await logIn(admin.email);
      await page.goto(`${hub.baseUrl}/issuers/${issuer.id}/invoices`);
      await shoot(page, `sent-invoices-${language}`, 'table.invoice-list');
      await page.goto(`${hub.baseUrl}/issuers/${issuer.id}/invoices/${invoiceId}`);
      await shoot(page, `issuer-invoice-${language}`, '.timeline');
      await page.goto(`${hub.baseUrl}/account`);
      await shoot(page, `account-${language}`, 'main h1');

      const html = await page.locator('html').getAttribute('lang');
      expect(html).toBe(language);
      for (const name of [
        'login',
        'received-invoices',
        'invoice',
        'dispute',
        'sent-invoices',
        'issuer-invoice',
        'account',
      ]) {
        expect(fs.statSync(path.join(OUT, `${name}-${language}.png`)).size).toBeGreaterThan(10_000);
      }
    },
  );
});

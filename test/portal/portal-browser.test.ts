import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { PORTAL_DIST } from '../../gateway/app';
import {
  browserUnavailableReason,
  launchBrowser,
  visibleText,
  type BrowserSession,
} from '../support/browser';
import {
  deliverInvoice,
  invite,
  newIssuer,
  recordViewSignals,
  startPortalHarness,
  startSilentLifecycle,
  uniqueEmail,
  type DeliveredInvoice,
  type PortalHarness,
} from './harness';

/**
 * The built portal in Debian's Chromium, served by the gateway: a recipient follows the e-mail links, registers,
 * reads the invoice, and the view becomes the receipt. The portal is in Bulgarian until the person switches to
 * English; the switch re-words the page in place and is remembered. Screenshots go to test-results/portal/ for a
 * person to judge.
 */
const unavailable = browserUnavailableReason();
if (unavailable) console.warn(`portal browser tests skipped: ${unavailable}`);
const describeBrowser = unavailable ? describe.skip : describe;

const PASSWORD = 'a sentence for my invoices';
const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'portal');

/** True when dist/portal is missing or older than a portal source file. */
function portalBuildIsStale(): boolean {
  const built = path.join(PORTAL_DIST, 'index.html');
  if (!fs.existsSync(built)) return true;
  const builtAt = fs.statSync(built).mtimeMs;
  const root = path.resolve(__dirname, '..', '..');
  const sources = [
    ...fs
      .readdirSync(path.join(root, 'portal', 'src'), { recursive: true, encoding: 'utf8' })
      .map((file) => path.join(root, 'portal', 'src', file)),
    path.join(root, 'gateway', 'portal', 'contract.ts'),
    path.join(root, 'domain', 'invoice', 'model.ts'),
  ];
  return sources.some((file) => fs.statSync(file).mtimeMs > builtAt);
}

async function localeOf(hub: PortalHarness, email: string): Promise<string> {
  const { rows } = await hub.db.query<{ locale: string }>('select locale from users where email = $1', [
    email,
  ]);
  return rows[0].locale;
}

/** Polls until `read` answers `expected` (the page saves the language to the account after showing it). */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (value !== expected && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

async function pageLanguage(page: Page): Promise<string> {
  return page.evaluate(() => document.documentElement.lang);
}

async function viewsOf(hub: PortalHarness, invoiceId: string): Promise<number> {
  const { rows } = await hub.db.query<{ n: string }>(
    'select count(*) as n from invoice_views where invoice_id = $1',
    [invoiceId],
  );
  return Number(rows[0].n);
}

describeBrowser('recipient portal in a browser', () => {
  let hub: PortalHarness;
  let browser: BrowserSession;
  let email: string;
  let invoice: DeliveredInvoice;
  let token: string;

  beforeAll(async () => {
    if (portalBuildIsStale()) {
      // `npm test` builds first; a targeted run after editing the portal builds here.
      execFileSync('npx', ['ng', 'build', 'portal', '--configuration', 'production'], {
        cwd: path.resolve(__dirname, '..', '..'),
        env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
        stdio: 'ignore',
      });
    }
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    hub = await startPortalHarness();
    email = uniqueEmail('browser');
    const issuer = await newIssuer(hub.db);
    invoice = await deliverInvoice(hub.db, issuer, email);
    await startSilentLifecycle(hub.temporal, invoice, issuer);
    token = await invite(hub.db, email, invoice.id);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('sends an anonymous visitor of an invoice link to the login, in Bulgarian by default, and records no view', async () => {
    const { page } = browser;

    await page.goto(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.getByRole('heading', { name: 'Вход' }).waitFor();

    const url = new URL(page.url());
    expect(url.pathname).toBe('/login');
    expect(url.searchParams.get('returnUrl')).toBe(`/invoices/${invoice.id}`);
    expect(await pageLanguage(page)).toBe('bg');
    expect(await page.title()).toBe('Вход · Хъб за е-фактури');
    expect(await page.getByRole('button', { name: 'English' }).getAttribute('lang')).toBe('en');
    expect(await viewsOf(hub, invoice.id)).toBe(0);
  });

  it('registers through the invitation and opens the announced invoice, which records the first view', async () => {
    const { page } = browser;

    await page.goto(`${hub.baseUrl}/invite/${token}?invoice=${invoice.id}`);
    await page.getByRole('heading', { name: 'Изберете парола' }).waitFor();
    expect(await visibleText(page, '.invited-email')).toBe(email);
    await page.getByLabel('Парола', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Паролата отново').fill(PASSWORD);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'invitation.png') });
    await page.getByRole('button', { name: /Запазване на паролата/ }).click();

    await page.waitForURL(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.locator('.receipt').waitFor(); // shown once the view has been recorded
    expect(await visibleText(page, '.account-email')).toBe(email);
    expect(await viewsOf(hub, invoice.id)).toBe(1);
    expect(await recordViewSignals(hub.temporal, invoice.workflowId)).toHaveLength(1);
  });

  it('shows the invoice in Bulgarian: Bulgarian accounting terms, amounts as 706,10 € and dates as 15.01.2026', async () => {
    const { page } = browser;
    const text = await visibleText(page, 'article.invoice-document');

    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(
      new RegExp(`^Фактура\\s+№ ${invoice.number}$`, 'iu'),
    );
    expect(text).toContain('Дата на издаване 15.01.2026');
    expect(text).toContain('Падеж 14.02.2026');
    expect(text).toContain('Сума за плащане 706,10 €');
    expect(text).toContain('Доставена чрез Качване по SFTP');
    expect(text).toMatch(
      /Доставчик Примерна Търговия ЕООД бул\. Витоша 15 1000 София България ИН по ДДС BG175074752 ЕИК \/ БУЛСТАТ 175074752/iu,
    );
    expect(text).toMatch(
      /Получател Клиент Консулт ООД ул\. Гладстон 4 4000 Пловдив България ИН по ДДС BG204578128 ЕИК \/ БУЛСТАТ 204578128/iu,
    );
    const firstLine = await visibleText(page, 'table.lines tbody tr:nth-child(1)');
    expect(firstLine).toMatch(
      /^1 Консултантски услуги Анализ на процесите по фактуриране, януари 2026 10 ч 60,00 € 20 % 600,00 €$/,
    );
    const vat = await visibleText(page, '.vat-breakdown tbody');
    expect(vat).toContain('Стандартна ставка 20 % 590,00 € 118,00 €');
    expect(vat).toContain('Стандартна ставка 9 % 90,00 € 8,10 €');
    expect(text).toContain('Отстъпка: Отстъпка за лоялен клиент 20 % -10,00 €');
    expect(await visibleText(page, '.totals tbody')).toBe(
      'Сума на позициите (без ДДС) 690,00 € Отстъпки -10,00 € Данъчна основа 680,00 € ДДС 126,10 € Обща сума с ДДС 806,10 € Платено авансово -100,00 € Сума за плащане 706,10 €',
    );
    const payment = await visibleText(page, '.payment');
    expect(payment).toContain('Начин на плащане SEPA кредитен превод');
    expect(payment).toContain(`Основание за плащане ${invoice.number}`);
    expect(await visibleText(page, 'hub-status-badge')).toBe('Очаква преглед');
    const timeline = await visibleText(page, '.timeline');
    expect(timeline).toContain('Получателят е уведомен');
    expect(timeline).toContain('Доставена чрез качване по SFTP');
    expect(timeline).toContain('Пази се в архива до 31.12.2036');
    expect(await page.getByRole('link', { name: 'Изтегляне на оригиналния XML' }).getAttribute('href')).toBe(
      `/api/v1/portal/invoices/${invoice.id}/original`,
    );
    // Party texts are not marked with a language of their own on a Bulgarian page.
    expect(await page.locator('table.lines .item-name').first().getAttribute('lang')).toBeNull();

    await page.screenshot({ path: path.join(SCREENSHOTS, 'invoice-desktop-bg.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });

  it('switches to English in place, without a reload, and remembers it in the account and after a reload', async () => {
    const { page } = browser;
    // A page load would lose this marker: it proves the switch re-words the same document.
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'Download original XML' }).waitFor();

    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(
      true,
    );
    expect(await pageLanguage(page)).toBe('en');
    expect(await page.title()).toBe('Invoice · e-invoice hub');
    expect(await page.getByRole('button', { name: 'Български' }).getAttribute('lang')).toBe('bg');
    expect(await eventually(() => localeOf(hub, email), 'en')).toBe('en');

    await page.reload();
    await page.locator('.receipt').waitFor();
    expect(await pageLanguage(page)).toBe('en');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toMatch(
      new RegExp(`^Invoice\\s+No ${invoice.number}$`, 'i'),
    );
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows the invoice in English as a person reads it: parties, lines, VAT breakdown, totals, payment details', async () => {
    const { page } = browser;
    const text = await visibleText(page, 'article.invoice-document');

    expect(text).toMatch(new RegExp(`^Invoice No ${invoice.number} `, 'i')); // the stylesheet sets the kind in capitals
    expect(text).toContain('Date of issue 15 Jan 2026');
    expect(text).toContain('Due date 14 Feb 2026');
    expect(text).toContain('Amount payable €706.10');
    // parties with address and identifiers
    expect(text).toMatch(
      /Supplier Примерна Търговия ЕООД бул\. Витоша 15 1000 София Bulgaria VAT number BG175074752 EIK \/ BULSTAT 175074752/i,
    );
    expect(text).toMatch(
      /Customer Клиент Консулт ООД ул\. Гладстон 4 4000 Пловдив Bulgaria VAT number BG204578128 EIK \/ BULSTAT 204578128/i,
    );
    // a line: item, quantity, unit, price, VAT rate, net
    const firstLine = await visibleText(page, 'table.lines tbody tr:nth-child(1)');
    expect(firstLine).toMatch(
      /^1 Консултантски услуги Анализ на процесите по фактуриране, януари 2026 10 h €60\.00 20% €600\.00$/,
    );
    // The issuer's Bulgarian wording is marked as Bulgarian on an English page, for screen readers.
    expect(await page.locator('table.lines .item-name').first().getAttribute('lang')).toBe('bg');
    // VAT breakdown per rate, the document allowance, and the totals down to the amount payable
    const vat = await visibleText(page, '.vat-breakdown tbody');
    expect(vat).toContain('Standard rate 20% €590.00 €118.00');
    expect(vat).toContain('Standard rate 9% €90.00 €8.10');
    expect(text).toContain('Allowance: Отстъпка за лоялен клиент 20% -€10.00');
    const totals = await visibleText(page, '.totals tbody');
    expect(totals).toBe(
      'Sum of lines (net) €690.00 Allowances -€10.00 Total without VAT €680.00 VAT €126.10 Total with VAT €806.10 Paid in advance -€100.00 Amount payable €706.10',
    );
    // how to pay
    const payment = await visibleText(page, '.payment');
    expect(payment).toContain('Pay by 14 Feb 2026');
    expect(payment).toContain('Payment means SEPA credit transfer');
    expect(payment).toContain('IBAN BG80BNBG96611020345678');
    expect(payment).toContain('BIC BNBGBGSD');
    expect(payment).toContain(`Payment reference ${invoice.number}`);
    expect(text).toContain('Благодарим Ви за доверието.');
    // the download, the timeline and the operators' link
    expect(await page.getByRole('link', { name: 'Download original XML' }).getAttribute('href')).toBe(
      `/api/v1/portal/invoices/${invoice.id}/original`,
    );
    expect(await page.getByRole('link', { name: 'Download the evidence package' }).getAttribute('href')).toBe(
      `/api/v1/portal/invoices/${invoice.id}/evidence`,
    );
    expect(await visibleText(page, 'hub-status-badge')).toBe('Awaiting view');
    const timeline = await visibleText(page, '.timeline');
    expect(timeline).toContain('Recipient notified');
    expect(timeline).toContain('Kept in the archive until 31 Dec 2036');
    // how the issuer delivered it, on the page and in its history
    expect(text).toContain('Delivered by SFTP upload');
    expect(timeline).toContain('Delivered by SFTP upload');
    expect(
      await page.getByRole('link', { name: 'Operators: workflow history' }).getAttribute('href'),
    ).toContain(encodeURIComponent(invoice.workflowId));

    await page.screenshot({ path: path.join(SCREENSHOTS, 'invoice-desktop.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });

  it("lists the invoice among the recipient's invoices as opened", async () => {
    const { page } = browser;

    await page.getByRole('link', { name: 'All invoices' }).click();
    await page.getByRole('heading', { name: 'Your invoices' }).waitFor();

    const row = await visibleText(page, 'table.invoice-list tbody tr');
    // Unpaid: the row offers "Pay" beside its status.
    expect(row).toMatch(
      new RegExp(
        `^${invoice.number} Примерна Търговия ЕООД 15 Jan 2026 14 Feb 2026 €706\\.10 Awaiting view ?Pay ?Opened$`,
      ),
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'invoice-list-desktop.png'), fullPage: true });
  });

  it('logs out, and logging in again returns to the page asked for; every view is logged, none is a second receipt', async () => {
    const { page } = browser;
    const viewsBefore = await viewsOf(hub, invoice.id);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor(); // still English: this browser remembers it
    await page.goto(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.waitForURL(/\/login\?returnUrl=/);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill('a wrong password entirely');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await visibleText(page, '[role=alert]')).toBe('The e-mail address or the password is not right.');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'login-refused.png') });
    // The refusal is the portal's own text, so it follows the language too.
    await page.getByRole('button', { name: 'Български' }).click();
    await page.getByRole('heading', { name: 'Вход' }).waitFor();
    expect(await visibleText(page, '[role=alert]')).toBe('Имейл адресът или паролата не са верни.');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();

    await page.waitForURL(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.locator('.receipt').waitFor();
    expect(await viewsOf(hub, invoice.id)).toBe(viewsBefore + 1);
    expect(await recordViewSignals(hub.temporal, invoice.workflowId)).toHaveLength(1);
  });

  it('goes only to pages inside the portal after logging in, never to another site named in returnUrl', async () => {
    const { page } = browser;
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();

    await page.goto(`${hub.baseUrl}/login?returnUrl=${encodeURIComponent('//evil.example/phish')}`);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();

    await page.waitForURL(`${hub.baseUrl}/invoices`);
    await page.getByRole('heading', { name: 'Your invoices' }).waitFor();
  });

  it("starts a browser that never chose in Bulgarian, takes the account's language on logging in, and lets a switch made before logging in win", async () => {
    const other = await launchBrowser();
    try {
      const { page } = other;
      await page.goto(`${hub.baseUrl}/login`);
      await page.getByRole('heading', { name: 'Вход' }).waitFor();
      await page.getByLabel('Имейл адрес').fill(email);
      await page.getByLabel('Парола').fill(PASSWORD);
      await page.getByRole('button', { name: 'Вход' }).click();
      // The account says English (chosen on the other browser).
      await page.getByRole('heading', { name: 'Your invoices' }).waitFor();
      expect(await pageLanguage(page)).toBe('en');

      await page.getByRole('button', { name: 'Log out' }).click();
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
      await page.getByRole('button', { name: 'Български' }).click();
      await page.getByRole('heading', { name: 'Вход' }).waitFor();
      await page.getByLabel('Имейл адрес').fill(email);
      await page.getByLabel('Парола').fill(PASSWORD);
      await page.getByRole('button', { name: 'Вход' }).click();
      await page.getByRole('heading', { name: 'Вашите фактури' }).waitFor();
      expect(await eventually(() => localeOf(hub, email), 'bg')).toBe('bg');
      expect(other.pageErrors).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('reads well on a phone in both languages: no sideways scrolling, lines stacked with their labels', async () => {
    const width = 360; // a small Android phone
    const phone = await launchBrowser({ viewport: { width, height: 800 }, isMobile: true });
    try {
      const cookies = await browser.context.cookies();
      await phone.context.addCookies(cookies);
      await phone.page.goto(`${hub.baseUrl}/invoices/${invoice.id}`);
      await phone.page.locator('.receipt').waitFor();
      expect(await pageLanguage(phone.page)).toBe('bg'); // the account's language since the last test

      const overflow = () =>
        phone.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      // Each cell of a line is a row of its own, labelled from data-label, so nothing needs a wide table.
      const priceCell = phone.page.locator('table.lines tbody tr:nth-child(2) td.unit-price');
      const layout = () =>
        priceCell.evaluate((cell) => ({
          display: getComputedStyle(cell).display,
          label: getComputedStyle(cell, '::before').content,
        }));
      expect(await overflow()).toBeLessThanOrEqual(0);
      expect(await layout()).toEqual({ display: 'flex', label: '"Ед. цена"' });
      expect(await visibleText(phone.page, 'table.lines tbody tr:nth-child(2)')).toContain('45,00 €');
      await phone.page.screenshot({ path: path.join(SCREENSHOTS, 'invoice-phone-bg.png'), fullPage: true });

      await phone.page.getByRole('button', { name: 'English' }).tap();
      await phone.page.getByRole('link', { name: 'Download original XML' }).waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      expect(await layout()).toEqual({ display: 'flex', label: '"Unit price"' });
      expect(await visibleText(phone.page, 'table.lines tbody tr:nth-child(2)')).toContain('€45.00');
      await phone.page.screenshot({ path: path.join(SCREENSHOTS, 'invoice-phone.png'), fullPage: true });
      expect(phone.pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
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
 * reads the invoice, and the view becomes the receipt. Screenshots go to test-results/portal/ for a person to judge.
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

  it('sends an anonymous visitor of an invoice link to the login, and records no view', async () => {
    const { page } = browser;

    await page.goto(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.getByRole('heading', { name: 'Log in' }).waitFor();

    const url = new URL(page.url());
    expect(url.pathname).toBe('/login');
    expect(url.searchParams.get('returnUrl')).toBe(`/invoices/${invoice.id}`);
    expect(await viewsOf(hub, invoice.id)).toBe(0);
  });

  it('registers through the invitation and opens the announced invoice, which records the first view', async () => {
    const { page } = browser;

    await page.goto(`${hub.baseUrl}/invite/${token}?invoice=${invoice.id}`);
    await page.getByRole('heading', { name: 'Choose a password' }).waitFor();
    expect(await visibleText(page, '.invited-email')).toBe(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByLabel('Password again').fill(PASSWORD);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'invitation.png') });
    await page.getByRole('button', { name: /Save password/ }).click();

    await page.waitForURL(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.locator('.receipt').waitFor(); // shown once the view has been recorded
    expect(await visibleText(page, '.account-email')).toBe(email);
    expect(await viewsOf(hub, invoice.id)).toBe(1);
    expect(await recordViewSignals(hub.temporal, invoice.workflowId)).toHaveLength(1);
  });

  it('shows the invoice as a person reads it: parties, lines, VAT breakdown, totals, payment details', async () => {
    const { page } = browser;
    const text = await visibleText(page, 'article.invoice-document');

    expect(text).toMatch(/^Invoice · Фактура /i); // the stylesheet sets it in capitals
    expect(text).toContain(`No ${invoice.number}`);
    expect(text).toContain('Date of issue 15.01.2026');
    expect(text).toContain('Due date 14.02.2026');
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
      /^1 Консултантски услуги Анализ на процесите по фактуриране, януари 2026 10 h 60,00 € 20 % 600,00 €$/,
    );
    // VAT breakdown per rate, the document allowance, and the totals down to the amount payable
    const vat = await visibleText(page, '.vat-breakdown tbody');
    expect(vat).toContain('Standard rate 20 % 590,00 € 118,00 €');
    expect(vat).toContain('Standard rate 9 % 90,00 € 8,10 €');
    expect(text).toContain('Allowance: Отстъпка за лоялен клиент 20 % -10,00 €');
    const totals = await visibleText(page, '.totals tbody');
    expect(totals).toBe(
      'Sum of lines (net) 690,00 € Allowances -10,00 € Total without VAT 680,00 € VAT 126,10 € Total with VAT 806,10 € Paid in advance -100,00 € Amount payable 706,10 €',
    );
    // how to pay
    const payment = await visibleText(page, '.payment');
    expect(payment).toContain('Payment means SEPA credit transfer');
    expect(payment).toContain('IBAN BG80BNBG96611020345678');
    expect(payment).toContain('BIC BNBGBGSD');
    expect(payment).toContain(`Payment reference ${invoice.number}`);
    expect(text).toContain('Благодарим Ви за доверието.');
    // the download, the timeline and the operators' link
    expect(await page.getByRole('link', { name: 'Download original XML' }).getAttribute('href')).toBe(
      `/api/v1/portal/invoices/${invoice.id}/original`,
    );
    expect(await visibleText(page, '.timeline')).toContain('Recipient notified');
    // how the issuer delivered it, on the page and in its history
    expect(text).toContain('Delivered by SFTP upload');
    expect(await visibleText(page, '.timeline')).toContain('Delivered by SFTP upload');
    expect(
      await page.getByRole('link', { name: 'Operators: workflow history' }).getAttribute('href'),
    ).toContain(encodeURIComponent(invoice.workflowId));

    await page.screenshot({ path: path.join(SCREENSHOTS, 'invoice-desktop.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });

  it("lists the invoice among the recipient's invoices as opened", async () => {
    const { page } = browser;

    await page.getByRole('link', { name: '← All invoices' }).click();
    await page.getByRole('heading', { name: 'Your invoices' }).waitFor();

    const row = await visibleText(page, 'table.invoice-list tbody tr');
    expect(row).toMatch(
      new RegExp(
        `^${invoice.number} Примерна Търговия ЕООД 15\\.01\\.2026 14\\.02\\.2026 706,10 € Awaiting view ?Opened$`,
      ),
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'invoice-list-desktop.png'), fullPage: true });
  });

  it('logs out, and logging in again returns to the page asked for; every view is logged, none is a second receipt', async () => {
    const { page } = browser;

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in' }).waitFor();
    await page.goto(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.waitForURL(/\/login\?returnUrl=/);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill('a wrong password entirely');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await visibleText(page, '[role=alert]')).toBe('The e-mail address or the password is not right.');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'login-refused.png') });
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();

    await page.waitForURL(`${hub.baseUrl}/invoices/${invoice.id}`);
    await page.locator('.receipt').waitFor();
    expect(await viewsOf(hub, invoice.id)).toBe(2);
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

  it('reads well on a phone: no sideways scrolling, lines stacked with their labels', async () => {
    const width = 360; // a small Android phone
    const phone = await launchBrowser({ viewport: { width, height: 800 }, isMobile: true });
    try {
      const cookies = await browser.context.cookies();
      await phone.context.addCookies(cookies);
      await phone.page.goto(`${hub.baseUrl}/invoices/${invoice.id}`);
      await phone.page.locator('.receipt').waitFor();

      const overflow = await phone.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      // Each cell of a line is a row of its own, labelled from data-label, so nothing needs a wide table.
      const priceCell = phone.page.locator('table.lines tbody tr:nth-child(2) td[data-label="Unit price"]');
      const layout = await priceCell.evaluate((cell) => ({
        display: getComputedStyle(cell).display,
        label: getComputedStyle(cell, '::before').content,
      }));
      expect(layout).toEqual({ display: 'flex', label: '"Unit price"' });
      expect(await visibleText(phone.page, 'table.lines tbody tr:nth-child(2)')).toContain('45,00 €');
      await phone.page.screenshot({ path: path.join(SCREENSHOTS, 'invoice-phone.png'), fullPage: true });
      expect(phone.pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Issuer } from '../../db/issuers';
import { verifyEvidencePackage } from '../../domain/archive/evidence/verify';
import { PORTAL_DIST } from '../../gateway/app';
import { expectNoSeriousA11yViolations } from '../support/axe';
import {
  browserUnavailableReason,
  launchBrowser,
  visibleText,
  type BrowserSession,
} from '../support/browser';
import { accountWithPassword, makeIssuerMember } from './archive-fixtures';
import {
  deliverInvoice,
  newIssuer,
  startPortalHarness,
  uniqueEmail,
  type DeliveredInvoice,
  type PortalHarness,
} from './harness';

/**
 * The issuer side of the archive in Debian's Chromium: an issuer user logs in on the one login page, finds an invoice
 * by its number, opens it and sees the recipient's return receipt; the PDF downloads as application/pdf with the
 * invoice's number as its name and holds the invoice's numbers.
 * The membership and password are written straight into the database here; with the accounts part's invitation
 * (bin/hub issuer user add) the person arrives at the same login page with the same membership.
 */
const unavailable = browserUnavailableReason();
if (unavailable) console.warn(`issuer archive browser tests skipped: ${unavailable}`);
const describeBrowser = unavailable ? describe.skip : describe;

const PASSWORD = 'a long passphrase for the clerk';
const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'test-results', 'portal');

describeBrowser('issuer user in a browser', () => {
  let hub: PortalHarness;
  let browser: BrowserSession;
  let issuer: Issuer;
  let invoice: DeliveredInvoice;
  let clerk: string;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(PORTAL_DIST, 'index.html'))) {
      execFileSync('npx', ['ng', 'build', 'portal', '--configuration', 'production'], {
        cwd: path.resolve(__dirname, '..', '..'),
        env: { ...process.env, NG_CLI_ANALYTICS: 'false' },
        stdio: 'ignore',
      });
    }
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    hub = await startPortalHarness();
    issuer = await newIssuer(hub.db, 'Примерна Търговия ЕООД');
    const recipient = uniqueEmail('browser-recipient');
    invoice = await deliverInvoice(hub.db, issuer, recipient);
    await deliverInvoice(hub.db, issuer, uniqueEmail('browser-other')); // a second invoice the search must leave out
    const { rows } = await hub.db.query<{ id: string }>(
      `insert into users (id, email) values (gen_random_uuid(), $1) returning id`,
      [recipient],
    );
    await hub.db.query(
      `insert into invoice_views (invoice_id, recipient_id, viewed_at) values ($1, $2, '2026-01-16T08:30:00Z')`,
      [invoice.id, rows[0].id],
    );
    await hub.db.query(`update invoices set viewed_at = '2026-01-16T08:30:00Z' where id = $1`, [invoice.id]);
    clerk = uniqueEmail('browser-clerk');
    await makeIssuerMember(hub.db, issuer.id, await accountWithPassword(hub.db, clerk, PASSWORD), 'clerk');
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('logs in, finds the invoice by its number and sees its return receipt', async () => {
    const { page } = browser;
    await page.goto(`${hub.baseUrl}/login`);
    await page.locator('input[type=email]').fill(clerk);
    await page.locator('input[type=password]').fill(PASSWORD);
    await page.locator('form button[type=submit]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));

    await page.goto(`${hub.baseUrl}/issuers/${issuer.id}/invoices`);
    await page.locator('table.invoice-list').waitFor();
    await page.locator('input[name=number]').fill(`${invoice.number.slice(0, 4)} ${invoice.number.slice(4)}`);
    await page.locator('form.search-form button[type=submit]').click();
    await page.waitForFunction(() => document.querySelectorAll('table.invoice-list tbody tr').length === 1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'issuer-search.png'), fullPage: true });

    await page.getByRole('link', { name: invoice.number }).click();
    await page.locator('.receipt').waitFor();
    expect(await visibleText(page, '.receipt')).toContain('16.01.2026, 10:30'); // Sofia time
    expect(await visibleText(page, 'ol.timeline')).toMatch(/sftp/i);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'issuer-invoice.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });

  it('downloads the evidence package, an ASiC-E container that verifies offline', async () => {
    const { page } = browser;
    const link = page.locator('a.button[download][href$="/evidence"]');
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(`evidence-${invoice.number}.asice`);
    const file = path.join(SCREENSHOTS, download.suggestedFilename());
    await download.saveAs(file);
    const result = await verifyEvidencePackage(fs.readFileSync(file));
    expect(result.checks.filter((c) => !c.passed)).toEqual([]);
    expect(result.facts.join('\n')).toContain(`invoice ${invoice.number}`);
  });

  it('downloads the PDF: application/pdf, named by the number, holding the invoice’s numbers', async () => {
    const { page } = browser;
    const link = page.locator('a.button[download][href*="/pdf"]');
    const href = (await link.getAttribute('href')) as string;
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const response = await page.request.get(`${hub.baseUrl}${href}`);
    const file = path.join(SCREENSHOTS, download.suggestedFilename());
    await download.saveAs(file);

    expect(download.suggestedFilename()).toBe(`${invoice.number}.pdf`);
    expect(response.headers()['content-type']).toBe('application/pdf');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
    expect(text).toContain(invoice.number);
    expect(text).toContain('Клиент Консулт ООД');
    expect(text).toMatch(/706,10 EUR/);
    expect(text).toMatch(/126,10/);
  });

  it.each([
    ['bg', 'desktop', { width: 1280, height: 900 }],
    ['en', 'desktop', { width: 1280, height: 900 }],
    ['bg', 'phone', { width: 390, height: 844 }],
    ['en', 'phone', { width: 390, height: 844 }],
  ] as const)(
    'the issuer pages pass axe (serious and critical) in %s at %s width',
    async (language, _width, size) => {
      const { page } = browser;
      await page.setViewportSize(size);
      await hub.db.query('update users set locale = $2 where lower(email) = $1', [clerk, language]);
      const pages = [
        [`/issuers/${issuer.id}/invoices`, 'table.invoice-list'],
        [`/issuers/${issuer.id}/invoices/${invoice.id}`, '.receipt'],
        [`/issuers/${issuer.id}/deliveries`, 'h1'],
      ];
      for (const [pathName, ready] of pages) {
        await page.goto(`${hub.baseUrl}${pathName}`);
        await page.locator(ready).first().waitFor();
        await expectNoSeriousA11yViolations(page, `${pathName} (${language}, ${size.width}px)`);
      }
    },
  );
});

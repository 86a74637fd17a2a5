import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  A11yViolationsError,
  WCAG21_AA_TAGS,
  expectNoSeriousA11yViolations,
  type A11yReport,
  type Impact,
} from '../support/axe';
import {
  browserUnavailableReason,
  launchBrowser,
  visibleText,
  type BrowserSession,
  ensurePortalBuilt,
} from '../support/browser';
import {
  PortalVisitor,
  deliverInvoice,
  invite,
  newIssuer,
  startPortalHarness,
  startSilentLifecycle,
  uniqueEmail,
  type DeliveredInvoice,
  type PortalHarness,
} from './harness';

/**
 * Every portal page passes axe (no serious or critical violation) in both languages at desktop and phone widths,
 * and works from the keyboard alone. The results (pages × languages × widths, violations by impact) are written to
 * test-results/accessibility/axe-results.json.
 */
const unavailable = browserUnavailableReason();
if (unavailable) console.warn(`portal accessibility tests skipped: ${unavailable}`);
const describeBrowser = unavailable ? describe.skip : describe;

const ROOT = path.resolve(__dirname, '..', '..');
const RESULTS = path.join(ROOT, 'test-results', 'accessibility');
const PASSWORD = 'a sentence for my invoices';

/** WCAG 2.1 A/AA, plus WCAG 2.2 AA (target size) and axe's best practices (landmarks, heading order). */
const TAGS = [...WCAG21_AA_TAGS, 'wcag22aa', 'best-practice'];

const LANGUAGES = ['bg', 'en'] as const;
type LanguageCode = (typeof LANGUAGES)[number];

const WIDTHS = [
  { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
] as const;

/** A word each page shows in each language, so a check never runs on a page in the wrong language. */
const HEADINGS: Record<string, Record<LanguageCode, string>> = {
  login: { bg: 'Вход', en: 'Log in' },
  invitation: { bg: 'Изберете парола', en: 'Choose a password' },
  invitationInvalid: { bg: 'Тази връзка за покана не е валидна', en: 'This invitation link is not valid' },
  invoices: { bg: 'Вашите фактури', en: 'Your invoices' },
  invoiceNotFound: { bg: 'Фактурата не е намерена', en: 'Invoice not found' },
};

interface Run {
  page: string;
  language: LanguageCode;
  width: string;
  report?: A11yReport;
  error?: string;
}

const runs: Run[] = [];

describeBrowser('portal accessibility', () => {
  let hub: PortalHarness;
  /** A registered recipient with one invoice, whose session the browsers borrow. */
  let reader: {
    email: string;
    visitor: PortalVisitor;
    cookie: { name: string; value: string };
    invoice: DeliveredInvoice;
  };
  /** An open invitation nobody has used yet. */
  let openInvitation: { token: string; invoiceId: string };

  beforeAll(async () => {
    ensurePortalBuilt();
    hub = await startPortalHarness();
    const issuer = await newIssuer(hub.db);

    const email = uniqueEmail('a11y');
    const invoice = await deliverInvoice(hub.db, issuer, email);
    await startSilentLifecycle(hub.temporal, invoice, issuer);
    const visitor = new PortalVisitor(hub.baseUrl);
    const registered = await visitor.call('POST', '/api/v1/portal/register', {
      token: await invite(hub.db, email, invoice.id),
      password: PASSWORD,
    });
    expect(registered.status).toBe(201);
    const [name, value] = (visitor.lastSetCookie ?? '').split(';')[0].split('=');
    reader = { email, visitor, cookie: { name, value }, invoice };

    const invitee = uniqueEmail('a11y-invitee');
    const invited = await deliverInvoice(hub.db, issuer, invitee);
    openInvitation = { token: await invite(hub.db, invitee, invited.id), invoiceId: invited.id };
  });

  afterAll(async () => {
    await hub?.close();
    if (runs.length === 0) return;
    fs.mkdirSync(RESULTS, { recursive: true });
    const totals: Record<Impact, number> = { critical: 0, serious: 0, moderate: 0, minor: 0 };
    for (const run of runs) {
      for (const impact of Object.keys(totals) as Impact[]) totals[impact] += run.report?.counts[impact] ?? 0;
    }
    const pages = new Set(runs.map((run) => run.page)).size;
    fs.writeFileSync(
      path.join(RESULTS, 'axe-results.json'),
      JSON.stringify(
        {
          generatedAt: new Date().toISOString(),
          tags: TAGS,
          failing: ['serious', 'critical'],
          totals,
          runs: runs.map(({ page, language, width, report, error }) => ({
            page,
            language,
            width,
            url: report?.url,
            counts: report?.counts,
            violations: report?.violations,
            error,
          })),
        },
        null,
        2,
      ),
    );
    const failed = runs.filter((run) => run.error).length;
    console.log(
      `axe: ${runs.length} runs (${pages} pages × ${LANGUAGES.length} languages × ${WIDTHS.length} widths), ` +
        `${failed} failed; violations: ${totals.critical} critical, ${totals.serious} serious, ` +
        `${totals.moderate} moderate, ${totals.minor} minor → test-results/accessibility/axe-results.json`,
    );
  });

  /** The pages of the portal, each brought into the state to check. */
  const PAGES: {
    name: string;
    signedIn: boolean;
    open(page: Page, language: LanguageCode): Promise<void>;
  }[] = [
    {
      name: 'login',
      signedIn: false,
      async open(page, language) {
        await page.goto(`${hub.baseUrl}/login`);
        await page.getByRole('heading', { name: HEADINGS.login[language] }).waitFor();
      },
    },
    {
      name: 'login: fields missing',
      signedIn: false,
      async open(page, language) {
        await page.goto(`${hub.baseUrl}/login`);
        await page.getByRole('heading', { name: HEADINGS.login[language] }).waitFor();
        await page.locator('button[type=submit]').click();
        await page.locator('#login-email-error').waitFor();
      },
    },
    {
      name: 'login: refused',
      signedIn: false,
      async open(page, language) {
        await page.goto(`${hub.baseUrl}/login`);
        await page.getByRole('heading', { name: HEADINGS.login[language] }).waitFor();
        await page.locator('#login-email').fill(reader.email);
        await page.locator('#login-password').fill('not the password at all');
        await page.locator('button[type=submit]').click();
        await page.getByRole('alert').waitFor();
      },
    },
    {
      name: 'invitation',
      signedIn: false,
      async open(page, language) {
        await page.goto(`${hub.baseUrl}/invite/${openInvitation.token}?invoice=${openInvitation.invoiceId}`);
        await page.getByRole('heading', { name: HEADINGS.invitation[language] }).waitFor();
      },
    },
    {
      name: 'invitation: passwords differ',
      signedIn: false,
      async open(page, language) {
        await page.goto(`${hub.baseUrl}/invite/${openInvitation.token}`);
        await page.getByRole('heading', { name: HEADINGS.invitation[language] }).waitFor();
        await page.locator('#invite-password').fill('short');
        await page.locator('#invite-repeated').fill('different');
        await page.locator('button[type=submit]').click();
        await page.locator('#invite-repeated-error').waitFor();
      },
    },
    {
      name: 'invitation: invalid link',
      signedIn: false,
      async open(page, language) {
        await page.goto(`${hub.baseUrl}/invite/${crypto.randomBytes(24).toString('base64url')}`);
        await page.getByRole('heading', { name: HEADINGS.invitationInvalid[language] }).waitFor();
      },
    },
    {
      name: 'invoice list',
      signedIn: true,
      async open(page, language) {
        await page.goto(`${hub.baseUrl}/invoices`);
        await page.getByRole('heading', { name: HEADINGS.invoices[language] }).waitFor();
        await page.locator('table.invoice-list tbody tr').first().waitFor();
      },
    },
    {
      name: 'invoice detail',
      signedIn: true,
      async open(page) {
        await page.goto(`${hub.baseUrl}/invoices/${reader.invoice.id}`);
        await page.locator('.receipt').waitFor(); // shown once the view has been recorded
      },
    },
    {
      name: 'invoice: not found',
      signedIn: true,
      async open(page, language) {
        await page.goto(`${hub.baseUrl}/invoices/${crypto.randomUUID()}`);
        await page.getByRole('heading', { name: HEADINGS.invoiceNotFound[language] }).waitFor();
      },
    },
  ];

  describe.each(LANGUAGES)('in %s', (language) => {
    describe.each(WIDTHS)('at $name width', (width) => {
      let browser: BrowserSession;

      beforeAll(async () => {
        // The account's language wins once signed in, so both the account and the browser are set to this one.
        const saved = await reader.visitor.call('PUT', '/api/v1/portal/me/locale', { locale: language });
        expect(saved.status).toBe(200);
        browser = await launchBrowser({ viewport: width.viewport, isMobile: width.isMobile });
        await browser.context.addInitScript(
          (code) => window.localStorage.setItem('hub.language', code),
          language,
        );
      });

      afterAll(async () => {
        await browser?.close();
      });

      it.each(PAGES.map((page) => [page.name, page] as const))('%s', async (_name, portalPage) => {
        const { page, context } = browser;
        if (portalPage.signedIn) {
          await context.addCookies([{ ...reader.cookie, url: hub.baseUrl }]);
        } else {
          await context.clearCookies();
        }
        await portalPage.open(page, language);
        expect(await page.evaluate(() => document.documentElement.lang)).toBe(language);

        const run: Run = { page: portalPage.name, language, width: width.name };
        runs.push(run);
        try {
          run.report = await expectNoSeriousA11yViolations(
            page,
            `${portalPage.name} (${language}, ${width.name})`,
            { tags: TAGS },
          );
        } catch (failure) {
          run.error = failure instanceof Error ? failure.message : String(failure);
          if (failure instanceof A11yViolationsError) run.report = failure.report;
          throw failure;
        }
        if (width.name === 'phone') {
          // Nothing may need sideways scrolling on a phone.
          expect(
            await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
          ).toBeLessThanOrEqual(0);
        }
        expect(browser.pageErrors).toEqual([]);
      });
    });
  });

  describe('from the keyboard alone', () => {
    let browser: BrowserSession;

    beforeAll(async () => {
      const saved = await reader.visitor.call('PUT', '/api/v1/portal/me/locale', { locale: 'bg' });
      expect(saved.status).toBe(200);
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
    });

    /** Presses Tab until the focused element is the one named (by its text, or `#id`). */
    async function tabTo(page: Page, target: RegExp | `#${string}`, limit = 40): Promise<void> {
      for (let presses = 0; presses < limit; presses += 1) {
        await page.keyboard.press('Tab');
        const focused = await focusedElement(page);
        if (typeof target === 'string' ? `#${focused.id}` === target : target.test(focused.name)) return;
      }
      throw new Error(`${String(target)} was not reached with ${limit} presses of Tab`);
    }

    async function focusedElement(page: Page) {
      return page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (!element || element === document.body) {
          return { name: '', tag: 'body', id: '', ring: false, visible: false };
        }
        const style = getComputedStyle(element);
        const box = element.getBoundingClientRect();
        return {
          name: (element.getAttribute('aria-label') ?? element.innerText ?? element.id ?? '').trim(),
          tag: element.tagName.toLowerCase(),
          id: element.id,
          // A visible focus indicator: an outline of at least 2px, or a box shadow.
          ring:
            (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2) ||
            style.boxShadow !== 'none',
          visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < window.innerHeight,
        };
      });
    }

    it('skips to the main content with the first Tab and Enter', async () => {
      const { page } = browser;
      await page.goto(`${hub.baseUrl}/login`);
      await page.getByRole('heading', { name: 'Вход' }).waitFor();

      await page.keyboard.press('Tab');
      const skip = await focusedElement(page);
      expect(skip).toMatchObject({ name: 'Към основното съдържание', tag: 'a', ring: true, visible: true });
      await page.keyboard.press('Enter');
      expect((await focusedElement(page)).id).toBe('main');
      expect(new URL(page.url()).pathname).toBe('/login'); // the skip link does not navigate
      // The next Tab goes on from the main content: the first field of the form.
      await page.keyboard.press('Tab');
      expect((await focusedElement(page)).id).toBe('login-email');
    });

    it('reaches the language switch with Tab and switches with Enter and with Space, keeping the focus', async () => {
      const { page } = browser;
      await page.goto(`${hub.baseUrl}/login`);
      await page.getByRole('heading', { name: 'Вход' }).waitFor();

      await tabTo(page, /^English$/);
      expect(await focusedElement(page)).toMatchObject({ tag: 'button', ring: true, visible: true });
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Log in' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
      expect(await focusedElement(page)).toMatchObject({ name: 'Български', tag: 'button', ring: true });

      await page.keyboard.press('Space');
      await page.getByRole('heading', { name: 'Вход' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.lang)).toBe('bg');
      expect((await focusedElement(page)).name).toBe('English');
    });

    it('logs in, opens an invoice and reaches its download with the keyboard, every stop with a focus ring', async () => {
      const { page } = browser;
      await page.goto(`${hub.baseUrl}/login`);
      await page.getByRole('heading', { name: 'Вход' }).waitFor();

      await tabTo(page, '#login-email');
      expect((await focusedElement(page)).ring).toBe(true);
      await page.keyboard.type(reader.email);
      await page.keyboard.press('Tab');
      expect((await focusedElement(page)).id).toBe('login-password');
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press('Enter');

      await page.getByRole('heading', { name: 'Вашите фактури' }).waitFor();
      expect((await focusedElement(page)).id).toBe('main'); // a new page starts at its content
      await tabTo(page, new RegExp(`^${reader.invoice.number}$`));
      expect(await focusedElement(page)).toMatchObject({ tag: 'a', ring: true, visible: true });
      await page.keyboard.press('Enter');

      await page.waitForURL(`${hub.baseUrl}/invoices/${reader.invoice.id}`);
      await page.locator('.receipt').waitFor();
      await tabTo(page, /^Изтегляне на оригиналния XML$/);
      expect(await focusedElement(page)).toMatchObject({ tag: 'a', ring: true, visible: true });

      // Back to the list and out, still by keyboard: Shift+Tab goes back up to the link above the document.
      for (let presses = 0; presses < 10; presses += 1) {
        await page.keyboard.press('Shift+Tab');
        if (/Всички фактури$/.test((await focusedElement(page)).name)) break;
      }
      expect((await focusedElement(page)).ring).toBe(true);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: 'Вашите фактури' }).waitFor();
      await tabTo(page, /^Изход$/);
      await page.keyboard.press('Space');
      await page.getByRole('heading', { name: 'Вход' }).waitFor();
      expect(await visibleText(page, 'main')).toContain('Влезте, за да видите фактурите');
      expect(browser.pageErrors).toEqual([]);
    });
  });
});

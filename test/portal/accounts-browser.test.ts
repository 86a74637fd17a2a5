import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { accountDeps } from '../../gateway/portal/account-mail';
import { addIssuerUser } from '../../gateway/portal/issuer-users';
import { expectNoSeriousA11yViolations } from '../support/axe';
import {
  browserUnavailableReason,
  launchBrowser,
  visibleText,
  type BrowserSession,
  ensurePortalBuilt,
} from '../support/browser';
import {
  API,
  appCode,
  enableSecondFactor,
  letThrottleTimePass,
  linkToken,
  logIn,
  mailsAbout,
  PASSWORD,
  registeredRecipient,
  uniqueNetwork,
} from './account-support';
import {
  deliverInvoice,
  invite,
  newIssuer,
  PortalVisitor,
  startPortalHarness,
  startSilentLifecycle,
  uniqueEmail,
  type PortalHarness,
} from './harness';

/**
 * Accounts in Debian's Chromium: an issuer user invited by e-mail who finds an invoice and its receipt, an admin
 * adding a clerk, the password reset, the throttled login, two-step login; and every account page through axe in
 * both languages at desktop and phone widths. Screenshots go to test-results/portal/.
 */
const unavailable = browserUnavailableReason();
if (unavailable) console.warn(`account browser tests skipped: ${unavailable}`);
const describeBrowser = unavailable ? describe.skip : describe;

const ROOT = path.resolve(__dirname, '..', '..');
const SCREENSHOTS = path.join(ROOT, 'test-results', 'portal');
const NEW_PASSWORD = 'the new sentence I chose';

async function cookieOf(visitor: PortalVisitor) {
  const [name, value] = (visitor.lastSetCookie ?? '').split(';')[0].split('=');
  return { name, value };
}

describeBrowser('accounts in a browser', () => {
  let hub: PortalHarness;

  beforeAll(async () => {
    ensurePortalBuilt();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    hub = await startPortalHarness();
  });

  afterAll(async () => {
    await hub?.close();
  });

  describe('an issuer user invited by e-mail', () => {
    let browser: BrowserSession;

    beforeAll(async () => {
      browser = await launchBrowser();
    });

    afterAll(async () => {
      await browser?.close();
    });

    it('registers, adds a clerk who logs in on the one login page, finds an invoice by number and sees its receipt', async () => {
      const issuer = await newIssuer(hub.db, 'Браузър Доставки ООД');
      // An invoice of this issuer that its recipient has opened: the issuer's receipt.
      const recipient = uniqueEmail('browser-buyer');
      const invoice = await deliverInvoice(hub.db, issuer, recipient);
      await deliverInvoice(hub.db, issuer, recipient); // another one, so the search has something to leave out
      await startSilentLifecycle(hub.temporal, invoice, issuer);
      const buyer = await registeredRecipientOf(hub, recipient, invoice.id);
      expect((await buyer.call('POST', `${API}/invoices/${invoice.id}/views`, {})).status).toBe(200);

      // The operator adds the first admin (bin/hub issuer user add does exactly this).
      const adminEmail = uniqueEmail('browser-admin');
      await addIssuerUser(accountDeps(hub), {
        issuerId: issuer.id,
        email: adminEmail,
        role: 'admin',
        addedBy: null,
      });
      const adminToken = linkToken((await mailsAbout(adminEmail, 'Access to'))[0], 'invite');
      const { page } = browser;

      await page.goto(`${hub.baseUrl}/invite/${adminToken}`);
      await page.getByRole('heading', { name: 'Изберете парола' }).waitFor();
      expect(await visibleText(page, 'main')).toContain(
        'Добавени сте като потребител на: Браузър Доставки ООД.',
      );
      await page.getByLabel('Парола', { exact: true }).fill(PASSWORD);
      await page.getByLabel('Паролата отново').fill(PASSWORD);
      await page.getByRole('button', { name: /Запазване на паролата/ }).click();
      await page.waitForURL(`${hub.baseUrl}/issuers/${issuer.id}/invoices`);
      const nav = page.getByRole('navigation', { name: 'Основно' });
      await nav.getByRole('link', { name: 'Потребители' }).click();
      await page.getByRole('heading', { name: 'Потребители на Браузър Доставки ООД' }).waitFor();

      const clerkEmail = uniqueEmail('browser-clerk');
      await page.getByLabel('Имейл адрес').fill(clerkEmail);
      await page.getByLabel('Роля', { exact: true }).selectOption('clerk');
      await page.getByRole('button', { name: 'Добавяне', exact: true }).click();
      await page.locator('.alert.success').getByText(`${clerkEmail} е добавен и е получил имейл.`).waitFor();
      // The list reloads after the alert: wait for the new row rather than reading the table at once.
      await page.locator('table').getByText(clerkEmail).waitFor();
      expect(await visibleText(page, 'table')).toContain(clerkEmail);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'issuer-users.png'), fullPage: true });

      // The clerk, on their own computer: the invitation, then a later login like anyone's.
      const clerkToken = linkToken((await mailsAbout(clerkEmail, 'Access to'))[0], 'invite');
      const clerkBrowser = await launchBrowser();
      try {
        const clerk = clerkBrowser.page;
        await clerk.goto(`${hub.baseUrl}/invite/${clerkToken}`);
        await clerk.getByLabel('Парола', { exact: true }).fill(PASSWORD);
        await clerk.getByLabel('Паролата отново').fill(PASSWORD);
        await clerk.getByRole('button', { name: /Запазване на паролата/ }).click();
        await clerk.waitForURL(`${hub.baseUrl}/issuers/${issuer.id}/invoices`);
        const clerkNav = clerk.getByRole('navigation', { name: 'Основно' });
        // A clerk works the invoices; only admins see the users.
        expect(await clerkNav.getByRole('link', { name: 'Потребители' }).count()).toBe(0);
        await clerk.getByRole('button', { name: 'Изход', exact: true }).click();
        await clerk.getByRole('heading', { name: 'Вход' }).waitFor();

        await clerk.getByLabel('Имейл адрес').fill(clerkEmail);
        await clerk.getByLabel('Парола', { exact: true }).fill(PASSWORD);
        await clerk.getByRole('button', { name: 'Вход', exact: true }).click();
        await clerk.waitForURL(`${hub.baseUrl}/issuers/${issuer.id}/invoices`);
        await clerk.locator('input[name=number]').fill(invoice.number);
        await clerk.locator('form[role=search] button[type=submit]').click();
        const found = clerk.getByRole('link', { name: invoice.number, exact: true });
        await found.waitFor();
        // The search answered: only the invoice with that number is listed.
        await clerk.waitForFunction(() => document.querySelectorAll('main table tbody tr').length === 1);
        await found.click();
        await clerk.waitForURL(`${hub.baseUrl}/issuers/${issuer.id}/invoices/${invoice.id}`);
        const receipt = clerk.locator('.receipt');
        await receipt.waitFor();
        expect(await visibleText(clerk, '.receipt')).toMatch(/\d{2}\.\d{2}\.\d{4}/);
        await clerk.screenshot({ path: path.join(SCREENSHOTS, 'issuer-clerk-receipt.png'), fullPage: true });
        expect(clerkBrowser.pageErrors).toEqual([]);
      } finally {
        await clerkBrowser.close();
      }
      expect(browser.pageErrors).toEqual([]);
    });
  });

  describe('password reset', () => {
    it('asks for a link on the login page, chooses a new password with it, and every other session ends', async () => {
      const { email, visitor: otherDevice } = await registeredRecipient(hub, 'browser-reset');
      const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, isMobile: true });
      try {
        const { page } = browser;
        await page.goto(`${hub.baseUrl}/login`);
        await page.getByLabel('Имейл адрес').fill(email);
        await page.getByRole('link', { name: 'Забравена парола?' }).click();
        await page.getByRole('heading', { name: 'Забравена парола' }).waitFor();
        expect(await page.getByLabel('Имейл адрес').inputValue()).toBe(email); // carried over from the login
        await page.getByRole('button', { name: 'Изпратете ми връзка' }).click();
        await page.getByRole('heading', { name: 'Проверете пощата си' }).waitFor();
        expect(await visibleText(page, 'main')).toContain('60 минути');

        const token = linkToken((await mailsAbout(email, 'A new password'))[0], 'reset-password');
        await page.goto(`${hub.baseUrl}/reset-password/${token}`);
        await page.getByRole('heading', { name: 'Изберете нова парола' }).waitFor();
        await page.getByLabel('Нова парола', { exact: true }).waitFor(); // shown once the link has been opened
        expect(await visibleText(page, 'main')).toContain(`Нова парола за ${email}.`);
        await page.getByLabel('Нова парола', { exact: true }).fill(NEW_PASSWORD);
        await page.getByLabel('Новата парола отново').fill(NEW_PASSWORD);
        await page.screenshot({ path: path.join(SCREENSHOTS, 'password-reset-phone.png'), fullPage: true });
        await page.getByRole('button', { name: 'Запазване на новата парола' }).click();
        await page.getByRole('heading', { name: 'Паролата ви е сменена' }).waitFor();
        expect((await otherDevice.call('GET', `${API}/session`)).status).toBe(401);

        await page.getByRole('link', { name: 'Вход' }).last().click();
        await page.getByRole('heading', { name: 'Вход' }).waitFor();
        expect(await page.getByLabel('Имейл адрес').inputValue()).toBe(email);
        await page.getByLabel('Парола', { exact: true }).fill(NEW_PASSWORD);
        await page.getByRole('button', { name: 'Вход', exact: true }).click();
        await page.waitForURL(`${hub.baseUrl}/invoices`);

        // The link is spent: opening it again says so and offers a new one.
        await page.goto(`${hub.baseUrl}/reset-password/${token}`);
        await page.getByText('Тази връзка вече е използвана').waitFor();
        expect(browser.pageErrors).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  });

  describe('throttled login', () => {
    it('after five wrong passwords says how long to wait, refuses even the right one meanwhile, then lets it in', async () => {
      const { email } = await registeredRecipient(hub, 'browser-throttle');
      const browser = await launchBrowser();
      try {
        const { page } = browser;
        await page.goto(`${hub.baseUrl}/login`);
        await page.getByLabel('Имейл адрес').fill(email);
        const alert = page.getByRole('alert');
        for (let attempt = 1; attempt <= 5; attempt++) {
          await page.getByLabel('Парола', { exact: true }).fill(`wrong password number ${attempt}`);
          await page.getByRole('button', { name: 'Вход', exact: true }).click();
          await alert.getByText('Имейл адресът или паролата не са верни.').waitFor();
          await page.getByRole('button', { name: 'Вход', exact: true }).isEnabled();
        }
        await page.getByLabel('Парола', { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: 'Вход', exact: true }).click();
        await alert.getByText(/Опитайте отново след \d+ сек\./).waitFor();
        await page.screenshot({ path: path.join(SCREENSHOTS, 'login-throttled.png') });
        expect(page.url()).toContain('/login');

        await letThrottleTimePass(hub.db, email, 60);
        await page.getByRole('button', { name: 'Вход', exact: true }).click();
        await page.waitForURL(`${hub.baseUrl}/invoices`);
        expect(browser.pageErrors).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  });

  describe('two-step login', () => {
    it('is set up on the account page with the app, shows the recovery codes once, and is asked for at the next login', async () => {
      const { email, visitor } = await registeredRecipient(hub, 'browser-totp');
      const browser = await launchBrowser();
      try {
        const { page, context } = browser;
        await context.addCookies([{ ...(await cookieOf(visitor)), url: hub.baseUrl }]);
        await page.goto(`${hub.baseUrl}/invoices`);
        await page.getByRole('navigation', { name: 'Основно' }).getByRole('link', { name: 'Профил' }).click();
        await page.getByRole('heading', { name: 'Вашият профил' }).waitFor();
        await page.getByRole('button', { name: 'Настройка на вход в две стъпки' }).click();
        const secret = (await page.locator('code.secret').innerText()).replace(/\s+/g, '');
        await page.getByLabel('Шестте цифри от приложението').fill(await appCode(secret));
        await page.getByRole('button', { name: 'Включване' }).click();
        await page.getByRole('heading', { name: 'Вашите резервни кодове' }).waitFor();
        expect(await page.locator('.recovery-codes li').count()).toBe(10);
        await page.screenshot({ path: path.join(SCREENSHOTS, 'recovery-codes.png'), fullPage: true });
        await page.getByRole('button', { name: 'Запазих ги' }).click();
        await page.getByText(/Включен от/).waitFor();

        await page.getByRole('button', { name: 'Изход', exact: true }).click();
        await page.getByLabel('Имейл адрес').fill(email);
        await page.getByLabel('Парола', { exact: true }).fill(PASSWORD);
        await page.getByRole('button', { name: 'Вход', exact: true }).click();
        await page.getByRole('heading', { name: 'Въведете кода от приложението' }).waitFor();
        await page.getByLabel('Код', { exact: true }).fill('000000');
        await page.getByRole('button', { name: 'Потвърждаване' }).click();
        await page.getByRole('alert').getByText('Кодът не е верен.', { exact: false }).waitFor();
        await page.getByLabel('Код', { exact: true }).fill(await appCode(secret, 1));
        await page.getByRole('button', { name: 'Потвърждаване' }).click();
        await page.waitForURL(`${hub.baseUrl}/invoices`);
        expect(browser.pageErrors).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  });

  describe('REQUIRE_2FA_ADMINS=true', () => {
    let strict: PortalHarness;

    beforeAll(async () => {
      strict = await startPortalHarness({ REQUIRE_2FA_ADMINS: 'true' });
    });

    afterAll(async () => {
      await strict?.close();
    });

    it('takes an invited admin from choosing a password to setting up the app, the recovery codes, and the issuer', async () => {
      const issuer = await newIssuer(strict.db, 'Строг Достъп ЕАД');
      const email = uniqueEmail('browser-strict');
      await addIssuerUser(accountDeps(strict), { issuerId: issuer.id, email, role: 'admin', addedBy: null });
      const token = linkToken((await mailsAbout(email, 'Access to'))[0], 'invite');
      const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, isMobile: true });
      try {
        const { page } = browser;
        await page.goto(`${strict.baseUrl}/invite/${token}`);
        await page.getByLabel('Парола', { exact: true }).fill(PASSWORD);
        await page.getByLabel('Паролата отново').fill(PASSWORD);
        await page.getByRole('button', { name: /Запазване на паролата/ }).click();
        await page.getByRole('heading', { name: 'Настройте вход в две стъпки' }).waitFor();
        await page.locator('img.qr').waitFor();
        const secret = (await page.locator('code.secret').innerText()).replace(/\s+/g, '');
        await page.getByLabel('Шестте цифри от приложението').fill(await appCode(secret));
        await page.screenshot({
          path: path.join(SCREENSHOTS, 'admin-second-factor-setup-phone.png'),
          fullPage: true,
        });
        await expectNoSeriousA11yViolations(page, 'login: an admin sets up the second factor (bg, phone)', {
          tags: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
        });
        await page.getByRole('button', { name: 'Включване' }).click();
        await page.getByRole('heading', { name: 'Вашите резервни кодове' }).waitFor();
        await page.getByRole('button', { name: 'Запазих ги' }).click();
        await page.waitForURL(`${strict.baseUrl}/issuers/${issuer.id}/invoices`);
        expect(browser.pageErrors).toEqual([]);
      } finally {
        await browser.close();
      }
    });
  });

  describe('every account page passes axe in both languages at desktop and phone widths', () => {
    const LANGUAGES = ['bg', 'en'] as const;
    const WIDTHS = [
      { name: 'desktop', viewport: { width: 1280, height: 900 }, isMobile: false },
      { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
    ] as const;
    const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
    type Language = (typeof LANGUAGES)[number];

    let admin: { email: string; visitor: PortalVisitor; issuerId: string };
    let twoStep: { email: string };
    let throttled: { email: string };
    let resetToken: string;

    beforeAll(async () => {
      const issuer = await newIssuer(hub.db, 'Достъпност АД');
      const person = await registeredRecipient(hub, 'a11y-admin');
      await addIssuerUser(accountDeps(hub), {
        issuerId: issuer.id,
        email: person.email,
        role: 'admin',
        addedBy: null,
      });
      await addIssuerUser(accountDeps(hub), {
        issuerId: issuer.id,
        email: uniqueEmail('a11y-clerk'),
        role: 'clerk',
        addedBy: null,
      });
      const { visitor } = await logIn(hub, person.email);
      await visitor.call('POST', `${API}/me/colleagues`, { email: uniqueEmail('a11y-colleague') });
      admin = { email: person.email, visitor, issuerId: issuer.id };

      const withCode = await registeredRecipient(hub, 'a11y-totp');
      await enableSecondFactor(withCode.visitor);
      twoStep = { email: withCode.email };
      throttled = { email: (await registeredRecipient(hub, 'a11y-throttled')).email };

      const resetting = await registeredRecipient(hub, 'a11y-reset');
      await new PortalVisitor(hub.baseUrl).call('POST', `${API}/password-resets`, { email: resetting.email });
      resetToken = linkToken((await mailsAbout(resetting.email, 'A new password'))[0], 'reset-password');
    });

    const HEADING: Record<string, Record<Language, string>> = {
      forgot: { bg: 'Забравена парола', en: 'Forgotten password' },
      sent: { bg: 'Проверете пощата си', en: 'Check your e-mail' },
      reset: { bg: 'Изберете нова парола', en: 'Choose a new password' },
      code: { bg: 'Въведете кода от приложението', en: 'Enter the code from your app' },
      login: { bg: 'Вход', en: 'Log in' },
      account: { bg: 'Вашият профил', en: 'Your account' },
      users: { bg: 'Потребители на Достъпност АД', en: 'Users of Достъпност АД' },
    };

    async function passwordStep(page: Page, email: string, password: string, language: Language) {
      await page.goto(`${hub.baseUrl}/login`);
      await page.getByRole('heading', { name: HEADING.login[language] }).waitFor();
      await page.locator('#login-email').fill(email);
      await page.locator('#login-password').fill(password);
      await page.locator('button[type=submit]').click();
    }

    const PAGES: { name: string; signedIn: boolean; open(page: Page, language: Language): Promise<void> }[] =
      [
        {
          name: 'forgotten password',
          signedIn: false,
          async open(page, language) {
            await page.goto(`${hub.baseUrl}/forgot-password`);
            await page.getByRole('heading', { name: HEADING.forgot[language] }).waitFor();
          },
        },
        {
          name: 'forgotten password: sent',
          signedIn: false,
          async open(page, language) {
            await page.goto(
              `${hub.baseUrl}/forgot-password?email=${encodeURIComponent(uniqueEmail('nobody'))}`,
            );
            await page.locator('button[type=submit]').click();
            await page.getByRole('heading', { name: HEADING.sent[language] }).waitFor();
          },
        },
        {
          name: 'reset password',
          signedIn: false,
          async open(page, language) {
            await page.goto(`${hub.baseUrl}/reset-password/${resetToken}`);
            await page.getByRole('heading', { name: HEADING.reset[language] }).waitFor();
            await page.locator('#reset-password').waitFor();
            await page.locator('button[type=submit]').click(); // the field errors, too
            await page.locator('#reset-password-error').waitFor();
          },
        },
        {
          name: 'reset password: unknown link',
          signedIn: false,
          async open(page) {
            await page.goto(`${hub.baseUrl}/reset-password/${'x'.repeat(43)}`);
            await page.getByRole('alert').waitFor();
          },
        },
        {
          name: 'login: second factor',
          signedIn: false,
          async open(page, language) {
            await hub.db.query(`delete from login_throttle where key = $1`, [twoStep.email]);
            await passwordStep(page, twoStep.email, PASSWORD, language);
            await page.getByRole('heading', { name: HEADING.code[language] }).waitFor();
          },
        },
        {
          name: 'login: throttled',
          signedIn: false,
          async open(page, language) {
            await hub.db.query(`delete from login_throttle where key = $1`, [throttled.email]);
            for (let i = 0; i < 5; i++)
              await logIn(hub, throttled.email, 'wrong password here', uniqueNetwork());
            await passwordStep(page, throttled.email, 'wrong password here', language);
            await page.getByRole('alert').waitFor();
          },
        },
        {
          name: 'account',
          signedIn: true,
          async open(page, language) {
            await page.goto(`${hub.baseUrl}/account`);
            await page.getByRole('heading', { name: HEADING.account[language] }).waitFor();
            await page.locator('hub-colleagues ul.people li').first().waitFor();
          },
        },
        {
          name: 'account: setting up two-step login',
          signedIn: true,
          async open(page, language) {
            await page.goto(`${hub.baseUrl}/account`);
            await page.getByRole('heading', { name: HEADING.account[language] }).waitFor();
            await page.locator('hub-second-factor-settings button.primary').click();
            await page.locator('img.qr').waitFor();
          },
        },
        {
          name: 'issuer users',
          signedIn: true,
          async open(page, language) {
            await page.goto(`${hub.baseUrl}/issuers/${admin.issuerId}/users`);
            await page.getByRole('heading', { name: HEADING.users[language] }).waitFor();
            await page.locator('table tbody tr').nth(1).waitFor();
          },
        },
      ];

    describe.each(LANGUAGES)('in %s', (language) => {
      describe.each(WIDTHS)('at $name width', (width) => {
        let browser: BrowserSession;

        beforeAll(async () => {
          expect((await admin.visitor.call('PUT', `${API}/me/locale`, { locale: language })).status).toBe(
            200,
          );
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
          await context.clearCookies();
          if (portalPage.signedIn)
            await context.addCookies([{ ...(await cookieOf(admin.visitor)), url: hub.baseUrl }]);
          await portalPage.open(page, language);
          expect(await page.evaluate(() => document.documentElement.lang)).toBe(language);
          await expectNoSeriousA11yViolations(page, `${portalPage.name} (${language}, ${width.name})`, {
            tags: TAGS,
          });
          if (width.name === 'phone') {
            expect(
              await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
            ).toBeLessThanOrEqual(0);
          }
          expect(browser.pageErrors).toEqual([]);
        });
      });
    });
  });
});

/** The recipient of `invoiceId` registered through its invitation; a visitor holding their session. */
async function registeredRecipientOf(
  hub: PortalHarness,
  email: string,
  invoiceId: string,
): Promise<PortalVisitor> {
  const visitor = new PortalVisitor(hub.baseUrl);
  const token = await invite(hub.db, email, invoiceId);
  const answer = await visitor.call('POST', `${API}/register`, { token, password: PASSWORD });
  if (answer.status !== 201) throw new Error(`registering ${email}: ${answer.text}`);
  return visitor;
}

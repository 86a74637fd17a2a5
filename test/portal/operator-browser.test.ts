import type { Issuer } from '../../db/issuers';
import { acceptInvoice } from '../../intake';
import { statusQuery } from '../../workflows/messages';
import { expectNoSeriousA11yViolations } from '../support/axe';
import {
  browserUnavailableReason,
  ensurePortalBuilt,
  launchBrowser,
  visibleText,
  type BrowserSession,
} from '../support/browser';
import { addTestIssuer, eventually, startTestHub, uniqueEmail, type TestHub } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { completedAttempts } from '../support/workflow-history';
import { startSmtpGate, type SmtpGate } from '../operator/smtp-gate';
import { accountWithPassword } from './archive-fixtures';
import { serveGateway } from './harness';

/**
 * The operator console in Debian's Chromium, on a real worker, PostgreSQL and an SMTP server that answers as told:
 * one invoice's recipient is refused for good (550) and the console shows it undeliverable with the reason; another's
 * mail server defers (451), so its notification keeps retrying; once the server accepts, the operator retries it from
 * the console and the invoice moves on at once.
 */
const unavailable = browserUnavailableReason();
if (unavailable) console.warn(`operator browser tests skipped: ${unavailable}`);
const describeBrowser = unavailable ? describe.skip : describe;

const PASSWORD = 'a long passphrase for the operator';

describeBrowser('the operator console', () => {
  let gate: SmtpGate;
  let hub: TestHub;
  let gateway: { baseUrl: string; close(): Promise<void> };
  let browser: BrowserSession;
  let issuer: Issuer;
  let operator: string;

  beforeAll(async () => {
    ensurePortalBuilt('gateway/operator/contract.ts', 'domain/operations/console.ts');
    gate = await startSmtpGate();
    hub = await startTestHub({ SMTP_URL: gate.url });
    gateway = await serveGateway(hub);
    ({ issuer } = await addTestIssuer(hub.db));
    operator = uniqueEmail('operator');
    const userId = await accountWithPassword(hub.db, operator, PASSWORD);
    await hub.db.query('insert into hub_operators (user_id) values ($1)', [userId]);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    await hub?.stop();
    await gate?.stop();
  });

  async function deliver(buyerEmail: string) {
    const xml = makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail });
    const { invoice } = await acceptInvoice(hub, { issuer, bytes: Buffer.from(xml), channel: 'api' });
    return { invoice, handle: hub.temporal.workflow.getHandle(invoice.workflowId) };
  }
  const statusOf = async (handle: { query: (q: typeof statusQuery) => Promise<{ status: string }> }) =>
    (await handle.query(statusQuery)).status;

  it('shows an undeliverable invoice with its reason, and retries a stuck one after its cause was fixed', async () => {
    const refused = uniqueEmail('nobody');
    gate.refuse(refused);
    const undeliverable = await deliver(refused);
    const busy = uniqueEmail('busy');
    gate.defer(busy);
    const stuck = await deliver(busy);
    await eventually(
      async () => (await statusOf(undeliverable.handle)) === 'undeliverable',
      60_000,
      'undeliverable',
    );
    // Stuck: the notification failed three times and is waiting for its next attempt.
    await eventually(
      async () =>
        ((await stuck.handle.describe()).raw.pendingActivities ?? []).some((p) => (p.attempt ?? 0) >= 3),
      90_000,
      'the third attempt',
    );

    const { page } = browser;
    await page.goto(`${gateway.baseUrl}/login`);
    await page.locator('input[type=email]').fill(operator);
    await page.locator('input[type=password]').fill(PASSWORD);
    await page.locator('form button[type=submit]').click();
    await page.waitForURL((url) => !url.pathname.startsWith('/login'));
    await page.getByRole('link', { name: 'Операции' }).click();
    await page.waitForURL('**/operator');

    const undeliverableRow = page.locator(
      `[data-testid=operator-undeliverable] tr[data-invoice="${undeliverable.invoice.id}"]`,
    );
    await undeliverableRow.waitFor();
    const shown = await visibleText(
      page,
      `[data-testid=operator-undeliverable] tr[data-invoice="${undeliverable.invoice.id}"]`,
    );
    expect(shown).toContain(undeliverable.invoice.number);
    expect(shown).toContain('Отказан от пощенския сървър');
    expect(shown).toMatch(/550 5\.1\.1 no such user/);
    expect(await undeliverableRow.getByRole('link', { name: /Temporal UI/ }).getAttribute('href')).toContain(
      encodeURIComponent(undeliverable.invoice.workflowId),
    );

    const stuckRow = page.locator(
      `[data-testid=operator-stuck] tr[data-workflow="${stuck.invoice.workflowId}"]`,
    );
    await stuckRow.waitFor();
    const stuckText = await visibleText(
      page,
      `[data-testid=operator-stuck] tr[data-workflow="${stuck.invoice.workflowId}"]`,
    );
    expect(stuckText).toContain('notifyRecipient');
    expect(stuckText).toMatch(/451/);
    await expectNoSeriousA11yViolations(page, 'the operator console');

    // The cause is fixed (the mailbox takes mail again); the operator does not wait for the backoff.
    gate.accept(busy);
    await stuckRow.getByRole('button', { name: /Опитай отново/ }).click();
    await page
      .getByText(/Готово: notifyRecipient/)
      .first()
      .waitFor();
    await eventually(async () => (await statusOf(stuck.handle)) === 'awaiting view', 30_000, 'awaiting view');
    // The console's retry, not the backoff, ran it: a reset activity counts its attempts from one again, where the
    // backoff's next try would have been attempt four or later.
    expect(await completedAttempts(stuck.handle, 'notifyRecipient')).toEqual([1]);
    expect(gate.received(busy)).toHaveLength(1);
    await stuckRow.waitFor({ state: 'detached' });
    expect(await statusOf(undeliverable.handle)).toBe('undeliverable');
  });
});

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { withTransaction } from '../../db';
import type { Issuer } from '../../db/issuers';
import { writeDecidedEntries } from '../../db/payments/ledger';
import { recordStatementImport } from '../../db/payments/statement-imports';
import type { EntryDecision, StatementEntry } from '../../domain/payments/model';
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
  startDisputeHub,
  stateOf,
  type DisputeHub,
} from '../support/dispute-hub';
import { addTestIssuer, eventually, uniqueEmail } from '../support/hub';

/**
 * The reconciliation view in Debian's Chromium, on the whole hub (real worker, PostgreSQL, Temporal): a clerk opens
 * the review queue from the navigation, matches an entry to the invoice the queue proposes with a note — partly by
 * keyboard —, sees it matched "by" them and the payment in the invoice's lifecycle, undoes it and sees the payment
 * reversed, reads the history with who and when, uploads a statement file and opens it. Every reconciliation page
 * passes axe (WCAG 2.2 AA and best practice) in Bulgarian and English at desktop and phone widths.
 */
const unavailable = browserUnavailableReason();
if (unavailable) console.warn(`reconciliation browser tests skipped: ${unavailable}`);
const describeBrowser = unavailable ? describe.skip : describe;

const ROOT = path.resolve(__dirname, '..', '..');
const SCREENSHOTS = path.join(ROOT, 'test-results', 'reconciliation');
const TAGS = [...WCAG21_AA_TAGS, 'wcag22aa', 'best-practice'];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 900 };

/** An MT940 of one credit, as a bank exports it. */
const MT940 = (reference: string) =>
  [
    `:20:${reference}`,
    ':25:BG80BNBG96611020345678',
    ':28C:1/1',
    ':60F:C261129EUR1000,00',
    `:61:2611301130CR12,50NTRFNONREF//${reference}`,
    ':86:Захранване на сметка',
    ':62F:C261130EUR1012,50',
    '',
  ].join('\r\n');

describeBrowser('reconciliation in the browser', () => {
  let hub: DisputeHub;
  let issuer: Issuer;
  let clerkEmail: string;
  let invoice: { id: string; number: string; workflowId: string };
  let reviewEntryId: string;
  let clerk: BrowserSession;
  let statementName: string;

  /** One entry written as a statement import would, with the matcher's decision. */
  async function entryOf(amount: string, decision: EntryDecision, remittance: string): Promise<string> {
    const { record } = await recordStatementImport(hub.db, {
      issuerId: issuer.id,
      source: 'sftp',
      fileName: `izvlechenie-${crypto.randomUUID().slice(0, 4)}.xml`,
      content: Buffer.from(crypto.randomUUID()),
    });
    const entry: StatementEntry = {
      index: 0,
      bankReference: crypto.randomUUID().slice(0, 16),
      bookingDate: '2026-11-30',
      amount,
      currency: 'EUR',
      direction: 'credit',
      reversal: false,
      status: 'BOOK',
      counterparty: { name: 'Купувач ООД', iban: 'BG18RZBB91550123456789' },
      remittance: [remittance],
    };
    const key = `BG80BNBG96611020345678|2026-11-30|${entry.bankReference}`;
    await withTransaction(hub.db, (client) =>
      writeDecidedEntries(client, issuer.id, record.id, [{ key, position: 0, entry, decision }]),
    );
    const { rows } = await hub.db.query<{ id: string }>(
      'select id from statement_entries where entry_key = $1',
      [key],
    );
    return rows[0].id;
  }

  beforeAll(async () => {
    ensurePortalBuilt();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    hub = await startDisputeHub();
    ({ issuer } = await addTestIssuer(hub.db));
    const person = await registeredPerson(hub, uniqueEmail('reconciling-clerk'));
    clerkEmail = person.email;
    await makeIssuerMember(hub, issuer.id, person.id, 'clerk');
    await hub.db.query(`update users set locale = 'en' where id = $1`, [person.id]);
    ({ invoice } = await deliverInvoice(hub, issuer, uniqueEmail('reconciled-buyer')));
    const total = (await stateOf(hub, invoice.workflowId)).summary?.total as string;
    reviewEntryId = await entryOf(
      '10.00',
      {
        kind: 'review',
        reason: 'no invoice number or reference in the remittance text; the payer paid this customer before',
        candidates: [
          {
            invoiceId: invoice.id,
            number: invoice.number,
            outstanding: total,
            evidence: 'the payer’s IBAN paid this customer’s invoices before',
          },
        ],
      },
      'плащане по договор 17/2026',
    );
    await entryOf('0.80', { kind: 'not-a-payment', reason: 'a bank fee (debit)' }, 'Такса обслужване');
    clerk = await launchBrowser();
  });

  afterAll(async () => {
    await clerk?.close();
    await hub?.stop();
  });

  async function logIn(page: Page, returnUrl: string): Promise<void> {
    await page.goto(`${hub.baseUrl}/login?returnUrl=${encodeURIComponent(returnUrl)}`);
    await page.locator('#login-email').fill(clerkEmail);
    await page.locator('#login-password').fill(PASSWORD);
    await page.locator('button[type=submit]').click();
    await page.waitForURL(`${hub.baseUrl}${returnUrl}`);
  }

  const card = (page: Page) =>
    page.locator('section.entry-card').filter({ hasText: 'плащане по договор 17/2026' });

  it('a clerk matches an entry from the review queue to the proposed invoice with a note, then undoes it', async () => {
    const { page } = clerk;
    await logIn(page, `/issuers/${issuer.id}/invoices`);
    await page.locator('nav.main-nav').getByRole('link', { name: 'Reconciliation' }).click();
    await page.getByRole('heading', { level: 1, name: 'Review queue' }).waitFor();
    const entry = card(page);
    await entry.waitFor();
    expect(await visibleText(page, 'section.entry-card')).toContain(
      'No rule could decide: waiting for a clerk',
    );
    expect(await entry.innerText()).toContain('the payer paid this customer before');

    // Sent without a note: the error is tied to the field.
    const candidate = entry.getByRole('radio', { name: new RegExp(`Invoice ${invoice.number}`) });
    await candidate.focus();
    await page.keyboard.press('Space');
    expect(await candidate.isChecked()).toBe(true);
    await entry.getByRole('button', { name: 'Save the decision' }).click();
    await entry.getByText('Say why in the note.').waitFor();
    const note = entry.getByLabel('Note: why');
    expect(await note.getAttribute('aria-invalid')).toBe('true');

    await note.focus();
    await page.keyboard.type('the payer wrote the contract number; confirmed by phone');
    await entry.getByRole('button', { name: 'Save the decision' }).focus();
    await page.keyboard.press('Enter');
    const done = entry.getByRole('status').filter({ hasText: 'Decided.' });
    await done.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain('Decided.');
    const matchedText = `Matched by ${clerkEmail}: the payer wrote the contract number; confirmed by phone`;
    await entry.getByText(matchedText).waitFor();
    expect(await entry.locator('.badge').first().innerText()).toBe('Matched');
    await eventually(
      async () => (await stateOf(hub, invoice.workflowId)).amountPaid === '10.00',
      20_000,
      'paid 10.00',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'matched-en-desktop.png'), fullPage: true });

    // Undo, right there.
    await entry.getByLabel('Note: why').fill('wrong invoice: the contract is with the sister company');
    await entry.getByRole('button', { name: 'Undo the decision' }).click();
    await entry
      .getByText(`Decision undone by ${clerkEmail}: wrong invoice: the contract is with the sister company`)
      .waitFor();
    expect(await entry.locator('.badge').first().innerText()).toBe('To review');
    const reopened = await eventually(
      async () => {
        const state = await stateOf(hub, invoice.workflowId);
        return state.payments.length === 2 && state;
      },
      20_000,
      'the reversal in the lifecycle',
    );
    expect(reopened.amountPaid).toBe('0.00');
    expect(reopened.payments.map((p) => p.amount)).toEqual(['10.00', '-10.00']);

    // The entry's page: the whole history with who and when, and both payments.
    await entry.getByRole('link', { name: /History and payments of the entry of €10.00/ }).click();
    await page.getByRole('heading', { level: 1, name: /Entry of €10.00, booked 30 Nov 2026/ }).waitFor();
    const history = await visibleText(page, 'ol.history');
    expect(history).toContain('When the entry arrived');
    expect(history).toMatch(
      new RegExp(`${clerkEmail.replace(/[.]/g, '\\.')} matched .*2026.* the payer wrote the contract number`),
    );
    expect(history).toMatch(
      new RegExp(`${clerkEmail.replace(/[.]/g, '\\.')} undid the decision .*2026.* wrong invoice`),
    );
    expect(history).toContain('reversed');
    const payments = await visibleText(page, 'ul.payments');
    expect(payments).toContain(invoice.number);
    expect(payments).toMatch(/€10\.00 recorded/);
    expect(payments).toMatch(/-€10\.00 recorded/);
    expect(page.url()).toBe(`${hub.baseUrl}/issuers/${issuer.id}/reconciliation/entries/${reviewEntryId}`);
  });

  it('uploads a statement file and opens it; a file that is not a statement is refused with why', async () => {
    const { page } = clerk;
    await page.goto(`${hub.baseUrl}/issuers/${issuer.id}/statements`);
    await page.getByRole('heading', { level: 1, name: 'Bank statements' }).waitFor();
    statementName = `mt940-${crypto.randomUUID().slice(0, 6)}.sta`;
    await page.getByLabel('Statement file').setInputFiles({
      name: statementName,
      mimeType: 'application/octet-stream',
      buffer: Buffer.from(MT940(`PORTAL-${crypto.randomUUID().slice(0, 8)}`)),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByText(`${statementName} is received; its entries are being matched.`).waitFor();
    await eventually(
      async () => {
        await page.reload();
        const row = page.getByRole('row').filter({ hasText: statementName });
        await row.waitFor();
        return (await row.innerText()).includes('Imported');
      },
      30_000,
      'the import to finish',
    );
    await page.getByRole('link', { name: statementName }).click();
    await page.getByRole('heading', { level: 1, name: `Statement ${statementName}` }).waitFor();
    expect(await visibleText(page, 'ul.entry-list')).toContain('Захранване на сметка');

    await page.goto(`${hub.baseUrl}/issuers/${issuer.id}/statements`);
    await page.getByLabel('Statement file').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('not a statement at all'),
    });
    await page.getByRole('button', { name: 'Upload' }).click();
    await page.getByRole('alert').filter({ hasText: 'The file could not be read' }).waitFor();
  });

  it('every reconciliation page passes axe in both languages at desktop and phone widths', async () => {
    const { page } = clerk;
    const { rows } = await hub.db.query<{ id: string }>(
      'select id from statement_imports where issuer_id = $1 and file_name = $2',
      [issuer.id, statementName],
    );
    const pages = [
      { name: 'review queue', url: `/issuers/${issuer.id}/reconciliation`, ready: 'section.entry-card' },
      { name: 'statements', url: `/issuers/${issuer.id}/statements`, ready: 'table.stack-table' },
      { name: 'statement', url: `/issuers/${issuer.id}/statements/${rows[0].id}`, ready: 'ul.entry-list li' },
      {
        name: 'entry',
        url: `/issuers/${issuer.id}/reconciliation/entries/${reviewEntryId}`,
        ready: 'ol.history li[data-action]',
      },
    ];
    const checked: string[] = [];
    for (const language of ['bg', 'en'] as const) {
      await hub.db.query('update users set locale = $2 where lower(email) = $1', [clerkEmail, language]);
      for (const { name, url, ready } of pages) {
        for (const [width, viewport] of [
          ['desktop', DESKTOP],
          ['phone', PHONE],
        ] as const) {
          await page.setViewportSize(viewport);
          await page.goto(`${hub.baseUrl}${url}`);
          await page.locator(ready).first().waitFor();
          await page.waitForFunction((lang) => document.documentElement.lang === lang, language);
          // The search panel open too, so its fields are checked.
          const search = page.locator('details.search').first();
          if (await search.count()) await search.evaluate((d) => ((d as HTMLDetailsElement).open = true));
          const context = `${name} (${language}, ${width})`;
          await expectNoSeriousA11yViolations(page, context, { tags: TAGS });
          if (width === 'phone') {
            const overflow = await page.evaluate(
              () => document.documentElement.scrollWidth - window.innerWidth,
            );
            expect({ context, overflow }).toEqual({ context, overflow: 0 });
            await page.screenshot({
              path: path.join(SCREENSHOTS, `${name.replace(/\W+/g, '-')}-${language}-phone.png`),
              fullPage: true,
            });
          }
          checked.push(context);
        }
      }
    }
    expect(checked).toHaveLength(pages.length * 4);
    // Bulgarian words on the Bulgarian pages.
    await hub.db.query('update users set locale = $2 where lower(email) = $1', [clerkEmail, 'bg']);
    await page.setViewportSize(DESKTOP);
    await page.goto(`${hub.baseUrl}/issuers/${issuer.id}/reconciliation/entries/${reviewEntryId}`);
    await page.getByRole('heading', { level: 1, name: /Операция за 10,00\s€ от 30\.11\.2026/ }).waitFor();
    expect(await visibleText(page, 'main')).toContain(`Решението е отменено от ${clerkEmail}`);
    expect(clerk.pageErrors).toEqual([]);
  });
});

import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordDelivery, recordDeliveryResult } from '../../db/deliveries';
import type { Issuer } from '../../db/issuers';
import { recordInvoiceEvent, saveVerification } from '../../db/invoices';
import type { IssuerInvoiceDetail, ProblemDeliveryPage } from '../../gateway/portal/search-contract';
import { getAs, makeIssuerMember, seedInvoices, sessionCookie } from './archive-fixtures';
import {
  deliverInvoice,
  newIssuer,
  startPortalHarness,
  uniqueEmail,
  type DeliveredInvoice,
  type PortalHarness,
} from './harness';

/**
 * What the archive hands out besides lists: the CSV of an issuer's search, the PDF of an invoice (read back as text),
 * the issuer's invoice page with its timeline and report, and the deliveries the hub refused.
 */
let hub: PortalHarness;
let issuer: Issuer;
let recipient: string;
let invoice: DeliveredInvoice;
let clerkCookie: string;
let recipientCookie: string;

beforeAll(async () => {
  hub = await startPortalHarness();
  issuer = await newIssuer(hub.db, 'Примерна Търговия ЕООД');
  recipient = uniqueEmail('exports');
  invoice = await deliverInvoice(hub.db, issuer, recipient);
  const clerk = await sessionCookie(hub.db, uniqueEmail('exports-clerk'));
  await makeIssuerMember(hub.db, issuer.id, clerk.userId, 'clerk');
  clerkCookie = clerk.cookie;
  recipientCookie = (await sessionCookie(hub.db, recipient)).cookie;
});

afterAll(async () => {
  await hub?.close();
});

/** The PDF's text as poppler's pdftotext reads it, spaces of every kind made plain. */
function pdfText(pdf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hub-pdf-')), 'invoice.pdf');
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' }).replace(
    /[\s\u00a0\u202f]+/g,
    ' ',
  );
}

describe('PDF of an invoice', () => {
  it('gives the recipient a PDF holding the number, parties in Cyrillic, a line amount, the VAT total and the amount payable', async () => {
    const answer = await getAs(hub.baseUrl, recipientCookie, `/api/v1/portal/invoices/${invoice.id}/pdf`);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="${invoice.number}.pdf"`);
    expect(answer.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(answer.bytes);
    expect(text).toContain(`№ ${invoice.number}`);
    expect(text).toContain('ФАКТУРА / INVOICE');
    expect(text).toContain('Примерна Търговия ЕООД');
    expect(text).toContain('Клиент Консулт ООД');
    expect(text).toContain('Нощувка, хотел „Родопи“');
    expect(text).toMatch(/Консултантски услуги.*600,00/); // a line and its net amount
    expect(text).toMatch(/ДДС \/ VAT 126,10/); // the VAT total
    expect(text).toMatch(/Сума за плащане \/ Amount payable 706,10 EUR/);
    expect(text).toMatch(/Стандартна ставка \(S\) 9 90,00 8,10/); // the 9 % VAT breakdown line
    expect(text).toContain('BG80BNBG96611020345678'); // IBAN
    expect(text).toContain('ЕИК / EIK (company ID): 175074752');
  });

  it('follows the language asked for: English labels first and English number format', async () => {
    const answer = await getAs(
      hub.baseUrl,
      recipientCookie,
      `/api/v1/portal/invoices/${invoice.id}/pdf?lang=en`,
    );
    const text = pdfText(answer.bytes);
    expect(text).toContain('INVOICE / ФАКТУРА');
    expect(text).toMatch(/Amount payable \/ Сума за .{0,40}706\.10 EUR/);
    expect(text).toMatch(/VAT \/ ДДС 126\.10/);
  });

  it('gives an issuer member the same PDF, and nobody else', async () => {
    const own = await getAs(
      hub.baseUrl,
      clerkCookie,
      `/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}/pdf`,
    );
    const stranger = (await sessionCookie(hub.db, uniqueEmail('pdf-stranger'))).cookie;
    const asRecipient = await getAs(hub.baseUrl, stranger, `/api/v1/portal/invoices/${invoice.id}/pdf`);
    const asIssuer = await getAs(
      hub.baseUrl,
      stranger,
      `/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}/pdf`,
    );
    expect(own.status).toBe(200);
    expect(pdfText(own.bytes)).toContain('706,10');
    expect([asRecipient.status, asIssuer.status]).toEqual([404, 404]);
  });
});

describe('CSV export of the issuer’s search', () => {
  let csvIssuer: Issuer;
  let cookie: string;

  beforeAll(async () => {
    csvIssuer = await newIssuer(hub.db, 'CSV Експорт ООД');
    const member = await sessionCookie(hub.db, uniqueEmail('csv'));
    await makeIssuerMember(hub.db, csvIssuer.id, member.userId, 'admin');
    cookie = member.cookie;
    await seedInvoices(hub.db, [
      {
        issuerId: csvIssuer.id,
        recipientEmail: uniqueEmail('csv-a'),
        number: 'CSV-0001',
        customerName: 'Клиент; "Кавички" ООД',
        total: '1234.50',
        issueDate: '2026-03-01',
      },
      {
        issuerId: csvIssuer.id,
        recipientEmail: uniqueEmail('csv-b'),
        number: 'CSV-0002',
        customerName: '=HYPERLINK("http://evil.example","click")',
        total: '-15.00',
        issueDate: '2026-03-02',
      },
      {
        issuerId: csvIssuer.id,
        recipientEmail: uniqueEmail('csv-c'),
        number: 'CSV-0003',
        customerName: '+359 Телефон\nс нов ред',
        total: '0.005',
        issueDate: '2026-03-03',
      },
    ]);
    // Enough invoices that the export takes several of its internal pages.
    await seedInvoices(
      hub.db,
      Array.from({ length: 1150 }, (_, i) => ({
        issuerId: csvIssuer.id,
        recipientEmail: uniqueEmail('csv-many'),
        number: `MANY-${String(i).padStart(5, '0')}`,
        issueDate: '2025-06-01',
      })),
    );
  });

  const csv = (query = '') =>
    getAs(hub.baseUrl, cookie, `/api/v1/portal/issuers/${csvIssuer.id}/invoices.csv${query}`);

  it('is UTF-8 with a byte order mark, ";"-separated, with a header in the account’s language', async () => {
    const answer = await csv('?number=CSV-&sort=number');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(answer.headers.get('content-disposition')).toMatch(/^attachment; filename="invoices-.*\.csv"$/);
    expect([...answer.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = answer.bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0].split(';')).toEqual([
      'Номер',
      'Вид документ',
      'Дата на издаване',
      'Падеж',
      'Получател',
      'Адрес на получателя',
      'Сума за плащане',
      'Валута',
      'Статус',
      'Канал',
      'Получена в хъба (UTC)',
      'Прегледана (UTC)',
    ]);
    expect(lines).toHaveLength(5); // header, three invoices, the empty string after the last CRLF
  });

  it('quotes fields with the separator, quotes or line breaks, and writes amounts with a decimal comma', async () => {
    const text = (await csv('?number=CSV-&sort=number')).bytes.toString('utf8');
    expect(text).toContain('CSV-0001;Invoice;2026-03-01;2026-02-14;"Клиент; ""Кавички"" ООД";');
    expect(text).toMatch(/;1234,50;EUR;awaiting view;api;/);
    expect(text).toMatch(/;-15,00;EUR;/); // an amount is a number, never "guarded"
    expect(text).toMatch(/;0,005;EUR;/);
  });

  it('guards against formula injection: a text field starting with = + - @ is written as text', async () => {
    const text = (await csv('?number=CSV-&sort=number')).bytes.toString('utf8');
    expect(text).toContain(`;"'=HYPERLINK(""http://evil.example"",""click"")";`);
    expect(text).toContain(`;"'+359 Телефон\nс нов ред";`);
    expect(text).not.toMatch(/;=HYPERLINK/);
  });

  it('holds every invoice of the search, across all pages, each once', async () => {
    const text = (await csv('?number=MANY-')).bytes.toString('utf8');
    const numbers = text
      .split('\r\n')
      .slice(1, -1)
      .map((line) => line.split(';')[0]);
    expect(numbers).toHaveLength(1150);
    expect(new Set(numbers).size).toBe(1150);
  });

  it('refuses someone who does not work for the issuer with 404', async () => {
    const answer = await getAs(
      hub.baseUrl,
      recipientCookie,
      `/api/v1/portal/issuers/${csvIssuer.id}/invoices.csv`,
    );
    expect(answer.status).toBe(404);
  });
});

describe('the issuer’s invoice page', () => {
  beforeAll(async () => {
    await saveVerification(hub.db, invoice.id, {
      indication: 'TOTAL-PASSED',
      validation: {
        valid: true,
        findings: [
          {
            ruleId: 'BG-NUM-02',
            severity: 'warning',
            path: '/Invoice/cbc:ID',
            message: 'The number leaves a gap in the series',
            messageBg: 'Номерът оставя празнина в поредицата',
          },
        ],
      },
      signature: {
        present: true,
        intact: true,
        level: 'advanced',
        signer: 'CN=Мария Иванова',
        indication: 'TOTAL-PASSED',
        checks: [{ name: 'signature-value', passed: true, detail: 'The signature value is correct.' }],
      },
      hub: {
        policy: 'optional',
        reasons: [],
        warnings: ['BG-NUM-02: The number leaves a gap in the series'],
      },
    });
    const { rows } = await hub.db.query<{ id: string }>('select id from users where email = $1', [recipient]);
    await hub.db.query(
      `insert into invoice_views (invoice_id, recipient_id, viewed_at) values ($1, $2, '2026-01-16T08:30:00Z'),
              ($1, $2, '2026-01-17T10:00:00Z')`,
      [invoice.id, rows[0].id],
    );
    await hub.db.query(`update invoices set viewed_at = '2026-01-16T08:30:00Z' where id = $1`, [invoice.id]);
    const later: [string, string, Record<string, unknown>][] = [
      ['viewed by recipient', 'viewed', { at: '2026-01-16T08:30:00.000Z' }],
      ['dispute opened', 'disputed', { disputeId: 'd-1', reason: 'Грешно количество' }],
      ['dispute resolved', 'viewed', { disputeId: 'd-1', outcome: 'rejected' }],
      ['payment recorded', 'viewed', { paymentId: 'p-1', amount: '706.10', currency: 'EUR' }],
    ];
    for (const [index, [type, status, detail]] of later.entries()) {
      await recordInvoiceEvent(hub.db, invoice.id, {
        key: `${10 + index}:${type}`,
        type,
        status,
        at: new Date(Date.UTC(2026, 0, 16 + index, 9)).toISOString(),
        detail,
      });
    }
  });

  it('shows the invoice, its channel, the receipt with its time, the whole timeline and the report in words', async () => {
    const answer = await getAs(
      hub.baseUrl,
      clerkCookie,
      `/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}`,
    );
    expect(answer.status).toBe(200);
    const detail = answer.body as IssuerInvoiceDetail;
    expect(detail).toMatchObject({
      id: invoice.id,
      number: invoice.number,
      issuer: { id: issuer.id, name: 'Примерна Търговия ЕООД' },
      status: 'viewed',
      channel: 'sftp',
      total: '706.10',
      recipient: { name: 'Клиент Консулт ООД', email: recipient },
      receipt: { viewedAt: '2026-01-16T08:30:00.000Z', views: 2 },
      archive: { retainUntil: '2036-12-31' },
    });
    expect(detail.invoice?.lines).toHaveLength(2);
    expect(detail.timeline.map((event) => event.type)).toEqual([
      'received',
      'verified',
      'archived',
      'recipient notified',
      'awaiting view',
      'viewed by recipient',
      'dispute opened',
      'dispute resolved',
      'payment recorded',
    ]);
    expect(detail.timeline[0].detail).toEqual({ channel: 'sftp' });
    expect(detail.verification).toMatchObject({
      indication: 'TOTAL-PASSED',
      policy: 'optional',
      findings: [
        {
          ruleId: 'BG-NUM-02',
          severity: 'warning',
          message: 'The number leaves a gap in the series',
          messageBg: 'Номерът оставя празнина в поредицата',
        },
      ],
      signature: { present: true, indication: 'TOTAL-PASSED', level: 'advanced', signer: 'CN=Мария Иванова' },
    });
    expect(detail.links.pdf).toBe(`/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}/pdf`);
  });

  it("answers 404 for another issuer's invoice and for someone outside the issuer", async () => {
    const other = await newIssuer(hub.db);
    const otherClerk = await sessionCookie(hub.db, uniqueEmail('other-clerk'));
    await makeIssuerMember(hub.db, other.id, otherClerk.userId);
    const crossed = await getAs(
      hub.baseUrl,
      otherClerk.cookie,
      `/api/v1/portal/issuers/${other.id}/invoices/${invoice.id}`,
    );
    const outsider = await getAs(
      hub.baseUrl,
      recipientCookie,
      `/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}`,
    );
    expect([crossed.status, outsider.status]).toEqual([404, 404]);
  });

  it('gives the issuer the original bytes it delivered', async () => {
    const answer = await getAs(
      hub.baseUrl,
      clerkCookie,
      `/api/v1/portal/issuers/${issuer.id}/invoices/${invoice.id}/original`,
    );
    expect(answer.status).toBe(200);
    expect(answer.bytes.equals(invoice.original)).toBe(true);
  });
});

describe('deliveries the hub refused', () => {
  it('lists quarantined deliveries and rejected invoices, newest first, each with every reason', async () => {
    const refusing = await newIssuer(hub.db, 'Отказана Доставка ЕООД');
    const member = await sessionCookie(hub.db, uniqueEmail('deliveries'));
    await makeIssuerMember(hub.db, refusing.id, member.userId);
    const { record } = await recordDelivery(hub.db, {
      id: crypto.randomUUID(),
      issuerId: refusing.id,
      channel: 'sftp',
      key: `sftp:test:${crypto.randomUUID()}`,
      mailbox: 'sftp',
      fileName: 'not-an-invoice.xml',
      sha256: 'x',
      content: Buffer.from('<Order/>'),
    });
    await recordDeliveryResult(hub.db, record.id, {
      status: 'quarantined',
      reason: { code: 'NOT_AN_INVOICE', message: 'the file is an Order, not an Invoice or CreditNote' },
    });
    const [rejected] = await seedInvoices(hub.db, [
      {
        issuerId: refusing.id,
        recipientEmail: uniqueEmail('rejected'),
        status: 'rejected',
        receivedAt: new Date(Date.now() + 1000).toISOString(),
      },
    ]);
    await saveVerification(hub.db, rejected.id, {
      hub: {
        reasons: [
          'BR-CO-15: the VAT total does not add up',
          'HUB-01: the invoice names no recipient e-mail address',
        ],
      },
    });
    const cookie = member.cookie;

    const all = await getAs(hub.baseUrl, cookie, `/api/v1/portal/issuers/${refusing.id}/deliveries`);
    const onlyQuarantined = await getAs(
      hub.baseUrl,
      cookie,
      `/api/v1/portal/issuers/${refusing.id}/deliveries?status=quarantined`,
    );
    const firstOfOne = await getAs(
      hub.baseUrl,
      cookie,
      `/api/v1/portal/issuers/${refusing.id}/deliveries?limit=1`,
    );
    const next = (firstOfOne.body as ProblemDeliveryPage).next;
    const second = await getAs(
      hub.baseUrl,
      cookie,
      `/api/v1/portal/issuers/${refusing.id}/deliveries?limit=1&cursor=${next}`,
    );

    expect(all.status).toBe(200);
    expect((all.body as ProblemDeliveryPage).deliveries).toEqual([
      {
        kind: 'rejected',
        id: rejected.id,
        channel: 'api',
        fileName: null,
        number: rejected.number,
        receivedAt: expect.any(String),
        reasons: [
          { code: 'BR-CO-15', message: 'the VAT total does not add up' },
          { code: 'HUB-01', message: 'the invoice names no recipient e-mail address' },
        ],
        invoiceId: rejected.id,
      },
      {
        kind: 'quarantined',
        id: record.id,
        channel: 'sftp',
        fileName: 'not-an-invoice.xml',
        number: null,
        receivedAt: record.receivedAt,
        reasons: [{ code: 'NOT_AN_INVOICE', message: 'the file is an Order, not an Invoice or CreditNote' }],
        invoiceId: null,
      },
    ]);
    expect((onlyQuarantined.body as ProblemDeliveryPage).deliveries.map((d) => d.kind)).toEqual([
      'quarantined',
    ]);
    expect((firstOfOne.body as ProblemDeliveryPage).deliveries.map((d) => d.id)).toEqual([rejected.id]);
    expect((second.body as ProblemDeliveryPage).deliveries.map((d) => d.id)).toEqual([record.id]);
    expect((second.body as ProblemDeliveryPage).next).toBeNull();

    const outsider = await getAs(
      hub.baseUrl,
      recipientCookie,
      `/api/v1/portal/issuers/${refusing.id}/deliveries`,
    );
    expect(outsider.status).toBe(404);
  });
});

import crypto from 'node:crypto';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Issuer } from '../../db/issuers';
import { acceptInvoice } from '../../intake';
import {
  cancelInvoiceUpdate,
  recordPaymentUpdate,
  recordViewSignal,
  statusQuery,
  type LifecycleState,
} from '../../workflows/messages';
import { makeUblInvoice, nextInvoiceNumber, payableOf } from '../support/invoice-factory';
import { addTestIssuer, eventually, mailsTo, startTestHub, uniqueEmail, type TestHub } from '../support/hub';

describe('invoice lifecycle on a real Temporal server, PostgreSQL and SMTP server', () => {
  let hub: TestHub;
  let issuer: Issuer;

  beforeAll(async () => {
    hub = await startTestHub({ REMINDER_DELAYS: '2s,3s' });
    issuer = (await addTestIssuer(hub.db)).issuer;
  });
  afterAll(() => hub?.stop());

  async function deliver(spec: Partial<Parameters<typeof makeUblInvoice>[0]> = {}) {
    const xml = makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail(), ...spec });
    const { invoice } = await acceptInvoice(hub, { issuer, bytes: Buffer.from(xml), channel: 'api' });
    const handle = hub.temporal.workflow.getHandle(invoice.workflowId);
    return { xml, invoice, handle };
  }

  const statusOf = (handle: { query: (q: typeof statusQuery) => Promise<LifecycleState> }) =>
    handle.query(statusQuery);
  const reaches = async (
    handle: { query: (q: typeof statusQuery) => Promise<LifecycleState> },
    status: LifecycleState['status'],
  ) =>
    eventually(
      async () => (await statusOf(handle)).status === status && (await statusOf(handle)),
      30_000,
      status,
    );

  test('an accepted invoice is verified, archived, and its first recipient gets an invitation link', async () => {
    const email = uniqueEmail();
    const { xml, invoice, handle } = await deliver({ buyerEmail: email });
    const state = await reaches(handle, 'awaiting view');

    expect(state.summary?.number).toBe(invoice.number);
    expect(state.timeline.map((e) => e.type)).toEqual([
      'received',
      'verified',
      'archived',
      'recipient notified',
      'awaiting view',
    ]);
    const archived = await hub.db.query(
      'select sha256, original from invoice_archive where invoice_id = $1',
      [invoice.id],
    );
    expect(archived.rows).toHaveLength(1);
    expect(archived.rows[0].sha256).toBe(crypto.createHash('sha256').update(xml).digest('hex'));
    expect(Buffer.from(archived.rows[0].original).toString()).toBe(xml);
    await expect(
      hub.db.query('update invoice_archive set sha256 = $2 where invoice_id = $1', [invoice.id, 'x']),
    ).rejects.toThrow(/append-only/);

    const [mail] = await eventually(async () => {
      const mails = await mailsTo(email);
      return mails.length > 0 && mails;
    });
    expect(mail.subject).toContain(invoice.number);
    expect(mail.text).toContain(payableOf(xml));
    expect(mail.text).toMatch(new RegExp(`http://portal\\.test/invite/[\\w-]+\\?invoice=${invoice.id}`));

    const events = await hub.db.query('select type from invoice_events where invoice_id = $1 order by id', [
      invoice.id,
    ]);
    expect(events.rows.map((r) => r.type)).toEqual(state.timeline.map((e) => e.type));
  });

  test('a later invoice to a registered recipient links straight to the invoice', async () => {
    const email = uniqueEmail();
    await hub.db.query(
      `insert into users (id, email, password_hash, registered_at) values ($1, $2, 'argon2id-hash', now())`,
      [crypto.randomUUID(), email],
    );
    const { invoice, handle } = await deliver({ buyerEmail: email });
    await reaches(handle, 'awaiting view');
    const [mail] = await eventually(async () => (await mailsTo(email)).length > 0 && mailsTo(email));
    expect(mail.text).toContain(`http://portal.test/invoices/${invoice.id}`);
    expect(mail.text).not.toContain('/invite/');
  });

  test('the first authenticated view sends the issuer one return receipt, however many views follow', async () => {
    const { invoice, handle } = await deliver();
    await reaches(handle, 'awaiting view');
    const viewedAt = new Date().toISOString();
    await handle.signal(recordViewSignal, { recipientId: 'r1', viewedAt });
    await handle.signal(recordViewSignal, { recipientId: 'r1', viewedAt: new Date().toISOString() });
    const state = await reaches(handle, 'viewed');
    expect(state.viewedAt).toBe(viewedAt);

    const receipts = await eventually(async () => {
      const mails = (await mailsTo(issuer.email)).filter((m) => m.subject.includes(invoice.number));
      return mails.length > 0 && mails;
    });
    await new Promise((r) => setTimeout(r, 1000));
    expect((await mailsTo(issuer.email)).filter((m) => m.subject.includes(invoice.number))).toHaveLength(1);
    expect(receipts[0].subject).toMatch(/viewed/);
    expect(receipts[0].text).toContain(viewedAt);
  });

  test('an unviewed invoice is reminded after each configured delay, then reminders stop', async () => {
    const email = uniqueEmail();
    const { handle } = await deliver({ buyerEmail: email });
    const state = await eventually(
      async () => {
        const s = await statusOf(handle);
        return s.remindersSent === 2 && s;
      },
      30_000,
      'two reminders',
    );
    expect(state.status).toBe('awaiting view');
    const mails = await eventually(async () => {
      const all = await mailsTo(email);
      return all.length === 3 && all;
    });
    expect(mails.filter((m) => /Reminder/.test(m.subject))).toHaveLength(2);
  });

  test('an invoice without a recipient address is rejected with a reason, and the issuer is told', async () => {
    const { invoice, handle } = await deliver({ buyerEmail: '' });
    const result = await handle.result();
    expect(result.status).toBe('rejected');
    expect(result.rejectionReasons?.join(' ')).toMatch(/HUB-01.*e-mail/);
    const mail = await eventually(async () =>
      (await mailsTo(issuer.email)).find(
        (m) => m.subject.includes(`${invoice.number}`) && /rejected/.test(m.subject),
      ),
    );
    expect(mail.text).toContain('HUB-01');
    const archived = await hub.db.query('select 1 from invoice_archive where invoice_id = $1', [invoice.id]);
    expect(archived.rowCount).toBe(0);
  });

  test('an invoice whose totals do not add up is rejected with the EN 16931 rule that failed', async () => {
    const number = nextInvoiceNumber();
    const xml = makeUblInvoice({ number, buyerEmail: uniqueEmail() }).replace(
      /<cbc:PayableAmount currencyID="EUR">[\d.]+<\/cbc:PayableAmount>/,
      '<cbc:PayableAmount currencyID="EUR">1.00</cbc:PayableAmount>',
    );
    const { invoice } = await acceptInvoice(hub, { issuer, bytes: Buffer.from(xml), channel: 'api' });
    const result = await hub.temporal.workflow.getHandle(invoice.workflowId).result();
    expect(result.status).toBe('rejected');
    expect(result.rejectionReasons?.join(' ')).toMatch(/BR-CO-16/);
  });

  // Disputes (open, thread, decision, reopen, credit note, reminders) are specified in disputes-lifecycle.test.ts.

  test('payments: a wrong currency is refused, a part payment keeps it open, paying in full closes it as paid', async () => {
    const { xml, handle } = await deliver();
    await reaches(handle, 'awaiting view');
    const total = payableOf(xml);
    await expect(
      handle.executeUpdate(recordPaymentUpdate, {
        args: [{ paymentId: 'p0', amount: '10.00', currency: 'BGN', paidAt: '2026-11-25' }],
      }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    const afterPart = await handle.executeUpdate(recordPaymentUpdate, {
      args: [{ paymentId: 'p1', amount: '10.00', currency: 'EUR', paidAt: '2026-11-25' }],
    });
    expect(afterPart.amountPaid).toBe('10.00');
    expect(Number(afterPart.outstanding)).toBeCloseTo(Number(total) - 10, 2);
    const rest = (Math.round(Number(total) * 100) - 1000) / 100;
    await handle.executeUpdate(recordPaymentUpdate, {
      args: [{ paymentId: 'p2', amount: rest.toFixed(2), currency: 'EUR', paidAt: '2026-11-26' }],
    });
    const result = await handle.result();
    expect(result.status).toBe('paid');
    expect(result.amountPaid).toBe(total);
  });

  test('a cancelled invoice closes and accepts no payment afterwards', async () => {
    const { handle } = await deliver();
    await reaches(handle, 'awaiting view');
    await handle.executeUpdate(cancelInvoiceUpdate, {
      args: [{ reason: 'issued in error', requestedBy: 'issuer' }],
    });
    const result = await handle.result();
    expect(result.status).toBe('cancelled');
    await expect(
      handle.executeUpdate(recordPaymentUpdate, {
        args: [{ paymentId: 'late', amount: '1.00', currency: 'EUR', paidAt: '2026-11-30' }],
      }),
    ).rejects.toThrow();
  });
});

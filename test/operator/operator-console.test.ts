import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Issuer } from '../../db/issuers';
import { acceptInvoice } from '../../intake';
import { addOperatorAccount } from '../../gateway/operator/operators';
import { accountDeps } from '../../gateway/portal/account-mail';
import { createMailer } from '../../mail/mailer';
import { retryDeliveryUpdate, statusQuery, type LifecycleState } from '../../workflows/messages';
import type { OperatorConsole } from '../../gateway/operator/contract';
import { loggedIn, registeredPerson, startDisputeHub, type DisputeHub } from '../support/dispute-hub';
import { addTestIssuer, eventually, uniqueEmail } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { completedAttempts } from '../support/workflow-history';
import type { PortalVisitor } from '../portal/harness';
import { startSmtpGate, type SmtpGate } from './smtp-gate';

describe('operator console: undeliverable invoices and stuck activities, on real Temporal, PostgreSQL and SMTP', () => {
  let gate: SmtpGate;
  let hub: DisputeHub;
  let issuer: Issuer;
  let issuerEmail: string;
  let operator: PortalVisitor;
  let someoneElse: PortalVisitor;

  beforeAll(async () => {
    gate = await startSmtpGate();
    hub = await startDisputeHub({ SMTP_URL: gate.url });
    issuerEmail = uniqueEmail('issuer');
    issuer = (await addTestIssuer(hub.db, issuerEmail)).issuer;
    const person = await registeredPerson(hub, uniqueEmail('operator'));
    const mailer = createMailer(hub.db, gate.url, hub.config.mailFrom);
    const added = await addOperatorAccount(
      accountDeps({ db: hub.db, config: hub.config, mailer }),
      person.email,
    );
    mailer.close();
    expect(added).toMatchObject({ added: true, registered: true, invitationMailed: true });
    expect(gate.received(person.email)[0].subject).toMatch(/operator/);
    operator = await loggedIn(hub, person.email);
    someoneElse = await loggedIn(hub, (await registeredPerson(hub, uniqueEmail('recipient'))).email);
  });
  afterAll(async () => {
    await hub?.stop();
    await gate?.stop();
  });

  async function deliver(buyerEmail: string) {
    const xml = makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail });
    const { invoice } = await acceptInvoice(hub, { issuer, bytes: Buffer.from(xml), channel: 'api' });
    return { invoice, handle: hub.temporal.workflow.getHandle(invoice.workflowId) };
  }
  const reaches = (handle: { query: (q: typeof statusQuery) => Promise<LifecycleState> }, status: string) =>
    eventually(
      async () => {
        const state = await handle.query(statusQuery);
        return state.status === status && state;
      },
      60_000,
      status,
    );
  const consoleOf = async () => {
    const answer = await operator.call('GET', '/api/v1/portal/operator/console');
    expect(answer.status).toBe(200);
    return answer.body as OperatorConsole;
  };

  test('a recipient address that is not an e-mail address is refused at verification (HUB-02), the issuer told', async () => {
    const { invoice, handle } = await deliver('../../etc/passwd');
    const state = await reaches(handle, 'rejected');
    expect(state.rejectionReasons?.join(' ')).toMatch(
      /HUB-02.*"\.\.\/\.\.\/etc\/passwd".*not an e-mail address/,
    );
    await eventually(async () => gate.received(issuerEmail).some((m) => m.text.includes('HUB-02')));
    // The mail reaches the SMTP server before its activity completes and the lifecycle ends: wait for the end.
    await handle.result();
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const rejections = (await consoleOf()).rejectionReasons;
    expect(rejections.find((r) => r.rule === 'HUB-02')?.count).toBeGreaterThanOrEqual(1);
    expect((await consoleOf()).volumes.some((v) => v.channel === 'api' && v.invoices >= 1)).toBe(true);
    expect(invoice.id).toBeDefined();
  });

  test('a mail server refusing the recipient for good makes the invoice undeliverable at once; a retry after the fix delivers it', async () => {
    const buyer = uniqueEmail('nobody');
    gate.refuse(buyer);
    const { invoice, handle } = await deliver(buyer);
    const state = await reaches(handle, 'undeliverable');
    expect(state.undeliverable).toMatchObject({ code: 'RECIPIENT_REJECTED', times: 1 });
    const event = state.timeline.find((e) => e.type === 'undeliverable');
    expect(event?.detail).toEqual({
      code: 'RECIPIENT_REJECTED',
      reason: expect.stringMatching(/550.*no such user/),
    });
    const { rows } = await hub.db.query('select status from invoices where id = $1', [invoice.id]);
    expect(rows[0].status).toBe('undeliverable');

    // Told once, and no retrying: one RCPT TO, nothing pending.
    const told = await eventually(async () => {
      const mails = gate.received(issuerEmail).filter((m) => m.subject.includes(invoice.number));
      return mails.length > 0 && mails;
    });
    expect(told[0].text).toMatch(/no such user/);
    expect(gate.attempts(buyer)).toBe(1);
    expect((await handle.describe()).raw.pendingActivities ?? []).toHaveLength(0);

    const shown = (await consoleOf()).undeliverable.find((u) => u.invoiceId === invoice.id);
    expect(shown).toMatchObject({ status: 'undeliverable', detail: { code: 'RECIPIENT_REJECTED' } });
    expect(shown?.temporalUi).toContain(encodeURIComponent(invoice.workflowId));

    // Only operators see or act on the console.
    expect((await someoneElse.call('GET', '/api/v1/portal/operator/console')).status).toBe(404);
    expect(
      (await someoneElse.call('POST', `/api/v1/portal/operator/invoices/${invoice.id}/retry-delivery`))
        .status,
    ).toBe(404);

    gate.accept(buyer);
    const retried = await operator.call(
      'POST',
      `/api/v1/portal/operator/invoices/${invoice.id}/retry-delivery`,
    );
    expect(retried.status).toBe(200);
    const again = await operator.call(
      'POST',
      `/api/v1/portal/operator/invoices/${invoice.id}/retry-delivery`,
    );
    expect(again.status).toBe(409);
    const delivered = await reaches(handle, 'awaiting view');
    expect(delivered.timeline.map((e) => e.type).slice(-4)).toEqual([
      'undeliverable',
      'delivery retried',
      'recipient notified',
      'awaiting view',
    ]);
    await eventually(async () => gate.received(buyer).length === 1);
    await expect(
      handle.executeUpdate(retryDeliveryUpdate, { args: [{ requestedBy: 'test' }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
  });

  test('a recipient whose mail server defers is a stuck activity; retried from the console once it accepts', async () => {
    const buyer = uniqueEmail('busy');
    gate.defer(buyer);
    const { invoice, handle } = await deliver(buyer);
    const stuck = await eventually(
      async () => (await consoleOf()).retryingActivities.find((a) => a.invoiceId === invoice.id),
      90_000,
      'the notification to retry for the third time',
    );
    expect(stuck).toMatchObject({ activityType: 'notifyRecipient', workflowType: 'invoiceLifecycle' });
    expect(stuck.attempt).toBeGreaterThanOrEqual(3);
    expect(stuck.lastFailure).toMatch(/451|try later/);
    expect((await consoleOf()).failedMails.find((m) => m.invoiceId === invoice.id)?.lastError).toMatch(/451/);

    gate.accept(buyer);
    const retried = await operator.call(
      'POST',
      `/api/v1/portal/operator/workflows/${encodeURIComponent(stuck.workflowId)}/activities/${stuck.activityId}/retry`,
    );
    expect(retried.status).toBe(200);
    await reaches(handle, 'awaiting view');
    // The retry ran it, not the backoff: a reset activity counts its attempts from one again.
    expect(await completedAttempts(handle, 'notifyRecipient')).toEqual([1]);
    expect((await consoleOf()).failedMails.find((m) => m.invoiceId === invoice.id)).toBeUndefined();
    const none = await operator.call(
      'POST',
      `/api/v1/portal/operator/workflows/${encodeURIComponent(stuck.workflowId)}/activities/${stuck.activityId}/retry`,
    );
    expect(none.status).toBe(409);
  });

  test('an operator cancels an undeliverable invoice; its lifecycle ends', async () => {
    const buyer = uniqueEmail('gone');
    gate.refuse(buyer);
    const { invoice, handle } = await deliver(buyer);
    await reaches(handle, 'undeliverable');
    const refused = await operator.call('POST', `/api/v1/portal/operator/invoices/${invoice.id}/cancel`, {});
    expect(refused.status).toBe(400);
    const cancelled = await operator.call('POST', `/api/v1/portal/operator/invoices/${invoice.id}/cancel`, {
      reason: 'the customer closed',
    });
    expect(cancelled.status).toBe(200);
    await eventually(async () => (await handle.describe()).status.name === 'COMPLETED', 30_000, 'completion');
    expect((await handle.query(statusQuery)).status).toBe('cancelled');
  });
});

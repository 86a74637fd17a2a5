/**
 * Permanent access (issue 10 item 7): both sides keep reading their archived invoices whoever owns an address later.
 * Access follows the account the invoice was delivered to, not the e-mail address: an address moved to a new owner
 * (an operator's release, the holder's own change) exposes none of the past invoices, and an issuer that stopped
 * using the hub is refused on every channel while its members and recipients keep reading.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createIssuer, getIssuer, type Issuer } from '../../db/issuers';
import { acceptInvoice, IntakeError } from '../../intake';
import type { RunningSftpServer } from '../../connectors/sftp/server';
import { errorCode, linkToken, mailsAbout } from '../portal/account-support';
import { PortalVisitor } from '../portal/harness';
import {
  deliverInvoice,
  loggedIn,
  makeIssuerMember,
  PASSWORD,
  registeredPerson,
  startDisputeHub,
  type DisputeHub,
} from '../support/dispute-hub';
import { eventually, mailsTo, randomEik, uniqueEmail } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { addSftpIssuer, startTestSftpServer, tryLogin } from '../support/sftp-hub';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');
const PORTAL = '/api/v1/portal';

/** `bin/hub …` against the test run's PostgreSQL; the last line of its output as JSON. */
async function hubCommand(args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [HUB, ...args], {
    env: { ...process.env, HUB_OPERATOR: 'permanent-access test' },
  });
  return JSON.parse(stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
}

async function invoiceIds(visitor: PortalVisitor): Promise<string[]> {
  const answer = await visitor.call('GET', `${PORTAL}/invoices`);
  expect(answer.status).toBe(200);
  return (answer.body as { invoices: { id: string }[] }).invoices.map((row) => row.id);
}

/** The person who registers with the invitation the latest invoice to `address` carried. */
async function registerFromInvitation(hub: DisputeHub, address: string, invoiceId: string) {
  const mail = await eventually(
    async () => (await mailsTo(address)).find((m) => m.text.includes(`invoice=${invoiceId}`)),
    15_000,
    `the invitation to ${address} for invoice ${invoiceId}`,
  );
  const token = linkToken(mail, 'invite');
  const visitor = new PortalVisitor(hub.baseUrl);
  const registered = await visitor.call('POST', `${PORTAL}/register`, { token, password: PASSWORD });
  expect(registered.status).toBe(201);
  return visitor;
}

describe('permanent access: invoices follow the account, not the address', () => {
  let hub: DisputeHub;
  let issuer: Issuer;

  beforeAll(async () => {
    hub = await startDisputeHub();
    ({ issuer } = await createIssuer(hub.db, {
      name: 'Доставчик Архив ООД',
      eik: randomEik(),
      email: uniqueEmail('issuer'),
    }));
  });
  afterAll(() => hub?.stop());

  test('an address released to a new owner: the new owner sees only the later invoice, the old account keeps its earlier ones with their originals and disputes', async () => {
    const mailbox = uniqueEmail('accounts');
    const before = await registeredPerson(hub, mailbox);
    const earlier = await deliverInvoice(hub, issuer, mailbox);
    const old = await loggedIn(hub, mailbox);
    const disputed = await old.call('POST', `${PORTAL}/invoices/${earlier.invoice.id}/disputes`, {
      category: 'wrong-amount',
      text: 'the amount is not what we agreed',
    });
    expect(disputed.status).toBe(201);

    const released = await hubCommand([
      'account',
      'release-address',
      mailbox,
      '--reason',
      'mailbox handed to a new employee',
    ]);
    expect(released).toMatchObject({ released: mailbox, userId: before.id });
    const placeholder = String(released.loginAddress);
    expect(placeholder).toMatch(/@released\.invalid$/);

    const later = await deliverInvoice(hub, issuer, mailbox);
    const newOwner = await registerFromInvitation(hub, mailbox, later.invoice.id);

    expect(await invoiceIds(newOwner)).toEqual([later.invoice.id]);
    for (const suffix of ['', '/original', '/pdf', '/disputes']) {
      const answer = await newOwner.call('GET', `${PORTAL}/invoices/${earlier.invoice.id}${suffix}`);
      expect(answer.status).toBe(404);
    }

    // The old account: its session goes on, and it logs in with the placeholder and its password.
    const oldAgain = await loggedIn(hub, placeholder);
    for (const visitor of [old, oldAgain]) {
      expect(await invoiceIds(visitor)).toEqual([earlier.invoice.id]);
      expect((await visitor.call('GET', `${PORTAL}/invoices/${later.invoice.id}`)).status).toBe(404);
    }
    const original = await oldAgain.call('GET', `${PORTAL}/invoices/${earlier.invoice.id}/original`);
    expect(original.status).toBe(200);
    expect(original.text).toBe(earlier.xml);
    const disputes = await oldAgain.call('GET', `${PORTAL}/invoices/${earlier.invoice.id}/disputes`);
    expect(disputes.status).toBe(200);
    expect(JSON.stringify(disputes.body)).toContain((disputed.body as { id: string }).id);

    const { rows } = await hub.db.query(
      `select from_email, to_email, kind, reason, changed_by from account_address_changes where user_id = $1`,
      [before.id],
    );
    expect(rows).toEqual([
      {
        from_email: mailbox,
        to_email: placeholder,
        kind: 'released',
        reason: 'mailbox handed to a new employee',
        changed_by: 'operator: permanent-access test',
      },
    ]);
    await expect(
      hub.db.query('update account_address_changes set reason = $1 where user_id = $2', [
        'edited',
        before.id,
      ]),
    ).rejects.toThrow(/append-only/);
  });

  test('a password reset sent to a released address does not open the old account', async () => {
    const mailbox = uniqueEmail('released');
    const before = await registeredPerson(hub, mailbox);
    const earlier = await deliverInvoice(hub, issuer, mailbox);
    // A link asked for before the release sits in the mailbox the new owner now reads.
    const visitor = new PortalVisitor(hub.baseUrl);
    await visitor.call('POST', `${PORTAL}/password-resets`, { email: mailbox });
    const pending = linkToken((await mailsAbout(mailbox, 'password'))[0], 'reset-password');

    await hubCommand(['account', 'release-address', mailbox, '--reason', 'employee left']);

    const stale = await visitor.call('POST', `${PORTAL}/password-resets/${pending}`, {
      password: 'the new owner tries the old link',
    });
    expect(stale.status).toBe(410);
    // Asked for now, the address has no account: no link goes out.
    await visitor.call('POST', `${PORTAL}/password-resets`, { email: mailbox });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await mailsTo(mailbox)).filter((m) => m.text.includes('/reset-password/'))).toHaveLength(1);

    // Once the address's next invoice made the new owner's account, a reset opens that account, not the old one.
    const later = await deliverInvoice(hub, issuer, mailbox);
    await visitor.call('POST', `${PORTAL}/password-resets`, { email: mailbox });
    const links = await mailsAbout(mailbox, 'password', 2);
    const fresh = linkToken(
      links.find((m) => !m.text.includes(pending)) as (typeof links)[0],
      'reset-password',
    );
    const reset = await visitor.call('POST', `${PORTAL}/password-resets/${fresh}`, {
      password: 'the new owner of this mailbox',
    });
    expect(reset.status).toBe(200);
    const login = await visitor.call('POST', `${PORTAL}/login`, {
      email: mailbox,
      password: 'the new owner of this mailbox',
    });
    expect(login.status).toBe(200);
    expect(await invoiceIds(visitor)).toEqual([later.invoice.id]);
    const { rows } = await hub.db.query<{ id: string }>('select id from users where lower(email) = $1', [
      mailbox,
    ]);
    expect(rows[0].id).not.toBe(before.id);
    expect((await visitor.call('GET', `${PORTAL}/invoices/${earlier.invoice.id}`)).status).toBe(404);
  });

  test('the holder changes their login address: confirmed by the link mailed to the new one; past invoices stay, later ones to the old address invite its next owner', async () => {
    const first = uniqueEmail('moving');
    const second = uniqueEmail('moved');
    const person = await registeredPerson(hub, first);
    const earlier = await deliverInvoice(hub, issuer, first);
    const visitor = await loggedIn(hub, first);

    const wrong = await visitor.call('POST', `${PORTAL}/me/login-address`, {
      newEmail: second,
      currentPassword: 'not the password at all',
    });
    expect(wrong.status).toBe(403);
    const asked = await visitor.call('POST', `${PORTAL}/me/login-address`, {
      newEmail: second,
      currentPassword: PASSWORD,
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ email: second, mailed: true });
    const token = linkToken((await mailsAbout(second, 'login address'))[0], 'confirm-address');
    // Nothing changes before the link is opened.
    expect((await visitor.call('GET', `${PORTAL}/session`)).body).toMatchObject({ email: first });

    const confirmed = await visitor.call('POST', `${PORTAL}/login-address-changes/${token}`);
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toEqual({ email: second, previous: first });
    expect((await visitor.call('POST', `${PORTAL}/login-address-changes/${token}`)).status).toBe(410);
    await mailsAbout(first, 'login address was changed');

    const oldLogin = await visitor.call('POST', `${PORTAL}/login`, { email: first, password: PASSWORD });
    expect(oldLogin.status).toBe(401);
    const moved = await loggedIn(hub, second);
    expect(await invoiceIds(moved)).toEqual([earlier.invoice.id]);

    const later = await deliverInvoice(hub, issuer, first);
    const nextOwner = await registerFromInvitation(hub, first, later.invoice.id);
    expect(await invoiceIds(nextOwner)).toEqual([later.invoice.id]);
    expect(await invoiceIds(moved)).toEqual([earlier.invoice.id]);
    const { rows } = await hub.db.query(
      'select from_email, to_email, kind, changed_by from account_address_changes where user_id = $1',
      [person.id],
    );
    expect(rows).toEqual([
      { from_email: first, to_email: second, kind: 'changed', changed_by: 'account holder' },
    ]);
  });

  test("a change to another account's address is refused when the link is opened", async () => {
    const mine = await registeredPerson(hub, uniqueEmail('mine'));
    const theirs = await registeredPerson(hub, uniqueEmail('theirs'));
    const visitor = await loggedIn(hub, mine.email);
    const asked = await visitor.call('POST', `${PORTAL}/me/login-address`, {
      newEmail: theirs.email,
      currentPassword: PASSWORD,
    });
    expect(asked.status).toBe(202);
    const token = linkToken((await mailsAbout(theirs.email, 'login address'))[0], 'confirm-address');
    const refused = await visitor.call('POST', `${PORTAL}/login-address-changes/${token}`);
    expect(refused.status).toBe(409);
    expect(errorCode(refused.body)).toBe('ADDRESS_TAKEN');
    expect((await visitor.call('GET', `${PORTAL}/session`)).body).toMatchObject({ email: mine.email });
  });

  describe('an issuer that stops using the hub', () => {
    let sftp: RunningSftpServer;
    beforeAll(async () => {
      sftp = await startTestSftpServer(hub);
    });
    afterAll(() => sftp?.close());

    test('is refused on REST (403 ISSUER_DEACTIVATED) and SFTP, while its member and its recipient still read its invoices', async () => {
      const channel = await addSftpIssuer(hub, sftp.port);
      const created = await createIssuer(hub.db, {
        name: 'Спрял Търговец ЕООД',
        eik: randomEik(),
        email: uniqueEmail('stopped'),
      });
      const recipient = await registeredPerson(hub, uniqueEmail('customer'));
      const member = await registeredPerson(hub, uniqueEmail('member'));
      await makeIssuerMember(hub, created.issuer.id, member.id, 'admin');
      const archived = await deliverInvoice(hub, created.issuer, recipient.email);
      expect(
        await tryLogin(sftp.port, { username: channel.issuer.id, privateKey: channel.privateKey }),
      ).toBeUndefined();

      const deactivated = await hubCommand([
        'issuer',
        'deactivate',
        created.issuer.id,
        '--reason',
        'the company closed its account with the hub',
      ]);
      expect(deactivated.deactivatedAt).toEqual(expect.any(String));
      await hubCommand(['issuer', 'deactivate', channel.issuer.id, '--reason', 'stopped too']);

      const api = (pathName: string, init: RequestInit = {}) =>
        fetch(`${hub.baseUrl}/api/v1${pathName}`, {
          ...init,
          headers: { authorization: `Bearer ${created.apiKey}`, ...(init.headers ?? {}) },
        });
      const xml = makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: recipient.email });
      const submitted = await api('/invoices', {
        method: 'POST',
        body: xml,
        headers: { 'content-type': 'application/xml' },
      });
      expect(submitted.status).toBe(403);
      expect(errorCode(await submitted.json())).toBe('ISSUER_DEACTIVATED');
      expect((await api(`/invoices/${archived.invoice.id}`)).status).toBe(200);
      expect((await api(`/invoices/${archived.invoice.id}/original`)).status).toBe(200);
      // Whatever reaches intake another way (a file received before the deactivation) is refused there too.
      const refreshed = (await getIssuer(hub.db, created.issuer.id)) as Issuer;
      await expect(
        acceptInvoice(hub, { issuer: refreshed, bytes: Buffer.from(xml), channel: 'sftp' }),
      ).rejects.toMatchObject({ code: 'ISSUER_DEACTIVATED', httpStatus: 403 } satisfies Partial<IntakeError>);

      const login = await tryLogin(sftp.port, {
        username: channel.issuer.id,
        privateKey: channel.privateKey,
      });
      expect(login?.message).toMatch(/authentication/i);

      const admin = await loggedIn(hub, member.email);
      const sent = await admin.call(
        'GET',
        `${PORTAL}/issuers/${created.issuer.id}/invoices/${archived.invoice.id}`,
      );
      expect(sent.status).toBe(200);
      const customer = await loggedIn(hub, recipient.email);
      expect((await customer.call('GET', `${PORTAL}/invoices/${archived.invoice.id}`)).status).toBe(200);
      const original = await customer.call('GET', `${PORTAL}/invoices/${archived.invoice.id}/original`);
      expect(original.text).toBe(archived.xml);

      const { rows } = await hub.db.query(
        'select action, reason, acted_by from issuer_activity_changes where issuer_id = $1',
        [created.issuer.id],
      );
      expect(rows).toEqual([
        {
          action: 'deactivate',
          reason: 'the company closed its account with the hub',
          acted_by: 'operator: permanent-access test',
        },
      ]);

      await hubCommand(['issuer', 'reactivate', created.issuer.id, '--reason', 'back again']);
      const again = await api('/invoices', {
        method: 'POST',
        body: makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: recipient.email }),
        headers: { 'content-type': 'application/xml' },
      });
      expect(again.status).toBe(202);
    });
  });
});

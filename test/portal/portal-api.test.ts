import { Client } from '@temporalio/client';
import { tokenDigest } from '../../db/users';
import type { InvoiceDetail, InvoiceList, PortalErrorBody, ViewReceipt } from '../../gateway/portal/contract';
import {
  deliverInvoice,
  invite,
  newIssuer,
  PortalVisitor,
  recordViewSignals,
  serveGateway,
  startPortalHarness,
  startSilentLifecycle,
  uniqueEmail,
  type PortalHarness,
} from './harness';

const PASSWORD = 'correct horse battery staple';

let hub: PortalHarness;

beforeAll(async () => {
  hub = await startPortalHarness();
});

afterAll(async () => {
  await hub?.close();
});

function errorCode(body: unknown): string {
  return (body as PortalErrorBody).error.code;
}

/** A recipient who received a first invoice and registered through its invitation. */
async function registeredRecipient(label: string) {
  const email = uniqueEmail(label);
  const issuer = await newIssuer(hub.db);
  const invoice = await deliverInvoice(hub.db, issuer, email);
  const token = await invite(hub.db, email, invoice.id);
  const visitor = new PortalVisitor(hub.baseUrl);
  const registered = await visitor.call('POST', '/api/v1/portal/register', { token, password: PASSWORD });
  expect(registered.status).toBe(201);
  return { email, issuer, invoice, token, visitor };
}

describe('invitation and registration', () => {
  it('shows the invited address and the announced invoice for an open invitation', async () => {
    const email = uniqueEmail('invited');
    const invoice = await deliverInvoice(hub.db, await newIssuer(hub.db), email);
    const token = await invite(hub.db, email, invoice.id);

    const answer = await new PortalVisitor(hub.baseUrl).call('GET', `/api/v1/portal/invitations/${token}`);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ email, invoiceId: invoice.id });
  });

  it('answers 404 INVITATION_NOT_FOUND for an unknown token', async () => {
    const answer = await new PortalVisitor(hub.baseUrl).call(
      'GET',
      '/api/v1/portal/invitations/not-a-real-token',
    );
    expect(answer.status).toBe(404);
    expect(errorCode(answer.body)).toBe('INVITATION_NOT_FOUND');
  });

  it('answers 410 INVITATION_EXPIRED once the invitation has expired, and refuses to register with it', async () => {
    const email = uniqueEmail('late');
    const invoice = await deliverInvoice(hub.db, await newIssuer(hub.db), email);
    const token = await invite(hub.db, email, invoice.id);
    await hub.db.query(
      `update invitations set expires_at = now() - interval '1 day' where token_sha256 = $1`,
      [tokenDigest(token)],
    );
    const visitor = new PortalVisitor(hub.baseUrl);

    const shown = await visitor.call('GET', `/api/v1/portal/invitations/${token}`);
    const registered = await visitor.call('POST', '/api/v1/portal/register', { token, password: PASSWORD });

    expect([shown.status, errorCode(shown.body)]).toEqual([410, 'INVITATION_EXPIRED']);
    expect([registered.status, errorCode(registered.body)]).toEqual([410, 'INVITATION_EXPIRED']);
    expect(visitor.hasSession).toBe(false);
  });

  it('registers the recipient with an argon2id hash, logs them in and spends the invitation', async () => {
    const { email, token, visitor } = await registeredRecipient('new');

    const session = await visitor.call('GET', '/api/v1/portal/session');
    const again = await new PortalVisitor(hub.baseUrl).call('GET', `/api/v1/portal/invitations/${token}`);
    const reuse = await new PortalVisitor(hub.baseUrl).call('POST', '/api/v1/portal/register', {
      token,
      password: 'another long password',
    });
    const { rows } = await hub.db.query<{ password_hash: string; registered_at: Date | null }>(
      'select password_hash, registered_at from users where email = $1',
      [email],
    );

    expect(session.body).toEqual({ email, locale: 'bg', addresses: [email], issuers: [], operator: false });
    expect([again.status, errorCode(again.body)]).toEqual([410, 'INVITATION_USED']);
    expect([reuse.status, errorCode(reuse.body)]).toEqual([410, 'INVITATION_USED']);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    expect(rows[0].password_hash).not.toContain(PASSWORD);
    expect(rows[0].registered_at).toBeInstanceOf(Date);
  });

  it('refuses a password shorter than 12 characters with WEAK_PASSWORD and an explanation', async () => {
    const email = uniqueEmail('short');
    const invoice = await deliverInvoice(hub.db, await newIssuer(hub.db), email);
    const token = await invite(hub.db, email, invoice.id);

    const answer = await new PortalVisitor(hub.baseUrl).call('POST', '/api/v1/portal/register', {
      token,
      password: 'elevenchars',
    });

    expect(answer.status).toBe(400);
    expect(errorCode(answer.body)).toBe('WEAK_PASSWORD');
    expect((answer.body as PortalErrorBody).error.message).toMatch(/at least 12 characters/);
    const open = await new PortalVisitor(hub.baseUrl).call('GET', `/api/v1/portal/invitations/${token}`);
    expect(open.status).toBe(200); // a refused password does not spend the invitation
  });

  it('refuses the e-mail address itself as the password', async () => {
    const email = uniqueEmail('lazy');
    const invoice = await deliverInvoice(hub.db, await newIssuer(hub.db), email);
    const token = await invite(hub.db, email, invoice.id);

    const answer = await new PortalVisitor(hub.baseUrl).call('POST', '/api/v1/portal/register', {
      token,
      password: email,
    });

    expect([answer.status, errorCode(answer.body)]).toEqual([400, 'WEAK_PASSWORD']);
  });
});

describe('login, session and logout', () => {
  it('logs in with the chosen password and sets an HttpOnly, SameSite=Lax session cookie for the whole site', async () => {
    const { email } = await registeredRecipient('login');
    const visitor = new PortalVisitor(hub.baseUrl);

    const answer = await visitor.call('POST', '/api/v1/portal/login', {
      email: email.toUpperCase(),
      password: PASSWORD,
    });

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ email, locale: 'bg', addresses: [email], issuers: [], operator: false });
    const cookie = visitor.lastSetCookie ?? '';
    expect(cookie).toMatch(/^hub_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; SameSite=Lax/i);
    expect(cookie).toMatch(/; Path=\//i);
    expect(cookie).not.toMatch(/; Secure/i); // plain HTTP here
  });

  it('marks the session cookie Secure when the request came over TLS (via the local TLS-terminating proxy)', async () => {
    const { email } = await registeredRecipient('tls');
    const visitor = new PortalVisitor(hub.baseUrl);

    await visitor.call(
      'POST',
      '/api/v1/portal/login',
      { email, password: PASSWORD },
      { 'x-forwarded-proto': 'https' },
    );

    expect(visitor.lastSetCookie).toMatch(/; Secure/i);
  });

  it('stores only a SHA-256 digest of the session token', async () => {
    const { email } = await registeredRecipient('digest');
    const visitor = new PortalVisitor(hub.baseUrl);
    await visitor.call('POST', '/api/v1/portal/login', { email, password: PASSWORD });
    const token = (visitor.lastSetCookie ?? '').split(';')[0].split('=')[1];

    const { rows } = await hub.db.query(
      'select token_sha256 from portal_sessions where token_sha256 = $1 or token_sha256 = $2',
      [token, tokenDigest(token)],
    );

    expect(rows).toEqual([{ token_sha256: tokenDigest(token) }]);
  });

  it('answers a wrong password and an unknown address alike: 401 INVALID_CREDENTIALS, no cookie', async () => {
    const { email } = await registeredRecipient('wrong');
    const wrongPassword = new PortalVisitor(hub.baseUrl);
    const unknownAddress = new PortalVisitor(hub.baseUrl);

    const wrong = await wrongPassword.call('POST', '/api/v1/portal/login', {
      email,
      password: 'not the right password',
    });
    const unknown = await unknownAddress.call('POST', '/api/v1/portal/login', {
      email: uniqueEmail('nobody'),
      password: PASSWORD,
    });

    expect([wrong.status, wrong.body]).toEqual([unknown.status, unknown.body]);
    expect([wrong.status, errorCode(wrong.body)]).toEqual([401, 'INVALID_CREDENTIALS']);
    expect(wrongPassword.hasSession || unknownAddress.hasSession).toBe(false);
  });

  it('takes about as long for an unknown address as for a wrong password (argon2 runs either way)', async () => {
    const { email } = await registeredRecipient('timing');
    const visitor = new PortalVisitor(hub.baseUrl);
    const timed = async (body: unknown) => {
      const started = process.hrtime.bigint();
      await visitor.call('POST', '/api/v1/portal/login', body);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    await timed({ email, password: 'warm up the decoy hash' });
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      wrong.push(await timed({ email, password: 'not the right password' }));
      unknown.push(await timed({ email: uniqueEmail('ghost'), password: 'not the right password' }));
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

    // Without the decoy an unknown address answers in ~1 ms against ~20+ ms for argon2.
    expect(median(unknown)).toBeGreaterThan(median(wrong) * 0.5);
  });

  it('ends the session on logout: the cookie is cleared and the old token no longer works', async () => {
    const { visitor } = await registeredRecipient('logout');
    const stolen = new PortalVisitor(hub.baseUrl);
    const token = (visitor.lastSetCookie ?? '').split(';')[0];

    const out = await visitor.call('POST', '/api/v1/portal/logout');
    const replayed = await stolen.call('GET', '/api/v1/portal/session', undefined, { cookie: token });

    expect(out.status).toBe(204);
    expect(visitor.hasSession).toBe(false);
    expect([replayed.status, errorCode(replayed.body)]).toEqual([401, 'NOT_AUTHENTICATED']);
  });

  it('refuses an expired session, and the next login clears it away', async () => {
    const { email, visitor } = await registeredRecipient('expired');
    const token = (visitor.lastSetCookie ?? '').split(';')[0].split('=')[1];
    await hub.db.query(
      `update portal_sessions set expires_at = now() - interval '1 minute' where token_sha256 = $1`,
      [tokenDigest(token)],
    );

    const refused = await visitor.call('GET', '/api/v1/portal/invoices');
    await new PortalVisitor(hub.baseUrl).call('POST', '/api/v1/portal/login', { email, password: PASSWORD });
    const { rows } = await hub.db.query('select 1 from portal_sessions where token_sha256 = $1', [
      tokenDigest(token),
    ]);

    expect([refused.status, errorCode(refused.body)]).toEqual([401, 'NOT_AUTHENTICATED']);
    expect(rows).toHaveLength(0);
  });

  it('answers 401 to every invoice endpoint without a session', async () => {
    const visitor = new PortalVisitor(hub.baseUrl);
    const id = '00000000-0000-4000-8000-000000000000';
    const answers = await Promise.all([
      visitor.call('GET', '/api/v1/portal/session'),
      visitor.call('GET', '/api/v1/portal/invoices'),
      visitor.call('GET', `/api/v1/portal/invoices/${id}`),
      visitor.call('POST', `/api/v1/portal/invoices/${id}/views`, {}),
      visitor.call('GET', `/api/v1/portal/invoices/${id}/original`),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401]);
  });
});

describe('requests from other sites', () => {
  it('refuses a state-changing request whose Origin is another site, and takes the portal’s own', async () => {
    const { visitor } = await registeredRecipient('origin');
    const forged = await visitor.call(
      'PUT',
      '/api/v1/portal/me/locale',
      { locale: 'en' },
      {
        origin: 'https://evil.example',
      },
    );
    expect([forged.status, errorCode(forged.body)]).toEqual([403, 'BAD_ORIGIN']);
    expect(((await visitor.call('GET', '/api/v1/portal/session')).body as { locale: string }).locale).toBe(
      'bg',
    );
    const own = await visitor.call(
      'PUT',
      '/api/v1/portal/me/locale',
      { locale: 'en' },
      { origin: hub.baseUrl },
    );
    expect(own.status).toBe(200);
    expect(((await visitor.call('GET', '/api/v1/portal/session')).body as { locale: string }).locale).toBe(
      'en',
    );
  });
});

describe('a recipient sees only their own invoices', () => {
  it("lists the recipient's invoices with number, supplier, dates, total, status and viewed state", async () => {
    const { email, issuer, invoice, visitor } = await registeredRecipient('list');
    const second = await deliverInvoice(hub.db, issuer, email);
    await deliverInvoice(hub.db, issuer, uniqueEmail('someone-else'));

    const answer = await visitor.call('GET', '/api/v1/portal/invoices');

    const list = answer.body as InvoiceList;
    expect(answer.status).toBe(200);
    expect(list.invoices.map((row) => row.id).sort()).toEqual([invoice.id, second.id].sort());
    expect(list.invoices.find((row) => row.id === invoice.id)).toEqual({
      id: invoice.id,
      number: invoice.number,
      issueDate: '2026-01-15',
      dueDate: '2026-02-14',
      currency: 'EUR',
      total: '706.10',
      supplierName: 'Примерна Търговия ЕООД',
      status: 'awaiting view',
      viewedAt: null,
    });
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('does not list an invoice the hub has not accepted into the archive (e.g. rejected)', async () => {
    const { email, issuer, visitor } = await registeredRecipient('rejected');
    const { rows } = await hub.db.query<{ id: string }>(
      `insert into invoices (id, issuer_id, number, workflow_id, channel, original, sha256, summary, recipient_email, status)
       values (gen_random_uuid(), $1, '0000000999', 'wf-rejected-' || gen_random_uuid(), 'api', '\\x00', 'x',
               '{"number":"0000000999"}', $2, 'rejected') returning id`,
      [issuer.id, email],
    );

    const list = (await visitor.call('GET', '/api/v1/portal/invoices')).body as InvoiceList;
    const detail = await visitor.call('GET', `/api/v1/portal/invoices/${rows[0].id}`);

    expect(list.invoices.map((row) => row.id)).not.toContain(rows[0].id);
    expect(detail.status).toBe(404);
  });

  it("answers 404 INVOICE_NOT_FOUND for another recipient's invoice, exactly as for one that does not exist", async () => {
    const alice = await registeredRecipient('alice');
    const bob = await registeredRecipient('bob');

    const foreign = await bob.visitor.call('GET', `/api/v1/portal/invoices/${alice.invoice.id}`);
    const missing = await bob.visitor.call(
      'GET',
      '/api/v1/portal/invoices/00000000-0000-4000-8000-000000000000',
    );
    const malformed = await bob.visitor.call('GET', '/api/v1/portal/invoices/not-a-uuid');
    const original = await bob.visitor.call('GET', `/api/v1/portal/invoices/${alice.invoice.id}/original`);
    const view = await bob.visitor.call('POST', `/api/v1/portal/invoices/${alice.invoice.id}/views`, {});

    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(missing.body);
    expect([400, 404]).toContain(malformed.status); // a malformed id is refused before any lookup
    expect(errorCode(foreign.body)).toBe('INVOICE_NOT_FOUND');
    expect([original.status, view.status]).toEqual([404, 404]);
    const { rows } = await hub.db.query('select 1 from invoice_views where invoice_id = $1', [
      alice.invoice.id,
    ]);
    expect(rows).toHaveLength(0);
  });

  it('gives the whole invoice model, a recipient-readable timeline and links', async () => {
    const { invoice, visitor } = await registeredRecipient('detail');

    const answer = await visitor.call('GET', `/api/v1/portal/invoices/${invoice.id}`);

    const detail = answer.body as InvoiceDetail;
    expect(answer.status).toBe(200);
    expect(detail).toMatchObject({
      id: invoice.id,
      number: invoice.number,
      kind: 'Invoice',
      status: 'awaiting view',
      issueDate: '2026-01-15',
      dueDate: '2026-02-14',
      currency: 'EUR',
      total: '706.10',
      viewedAt: null,
      links: { original: `/api/v1/portal/invoices/${invoice.id}/original` },
    });
    expect(detail.invoice.seller.vatId).toBe('BG175074752');
    expect(detail.invoice.vatBreakdown.map((row) => [row.rate, row.taxAmount])).toEqual([
      ['20', '118.00'],
      ['9', '8.10'],
    ]);
    expect(detail.links.workflow).toBe(
      `${hub.config.temporalUiUrl}/namespaces/default/workflows/${encodeURIComponent(invoice.workflowId)}`,
    );
    expect(detail.timeline.map((entry) => [entry.type, entry.detail])).toEqual([
      ['received', 'Delivered by SFTP upload'],
      ['verified', null],
      ['archived', 'Kept in the archive until 31.12.2036'],
      ['recipient notified', expect.stringMatching(/^E-mail sent to /)],
      ['awaiting view', null],
    ]);
    expect(JSON.stringify(detail.timeline)).not.toMatch(/sha256|TOTAL-PASSED/); // internal details stay internal
  });

  it('downloads the original XML bytes as an attachment', async () => {
    const { invoice, visitor } = await registeredRecipient('download');

    const answer = await visitor.call('GET', `/api/v1/portal/invoices/${invoice.id}/original`);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="${invoice.number}.xml"`);
    expect(Buffer.from(answer.text, 'utf8').equals(invoice.original)).toBe(true);
  });
});

describe('views and the return receipt', () => {
  it('logs every view with time, user agent and IP; only the first is the firstView and signals the lifecycle once', async () => {
    const { email, invoice, issuer, visitor } = await registeredRecipient('viewer');
    await startSilentLifecycle(hub.temporal, invoice, issuer);
    const phone = new PortalVisitor(hub.baseUrl, 'phone-browser/2.0');
    await phone.call('POST', '/api/v1/portal/login', { email, password: PASSWORD });

    const first = await visitor.call('POST', `/api/v1/portal/invoices/${invoice.id}/views`, {});
    const second = await visitor.call('POST', `/api/v1/portal/invoices/${invoice.id}/views`, {});
    const third = await phone.call('POST', `/api/v1/portal/invoices/${invoice.id}/views`, {});

    const receipts = [first, second, third].map((answer) => answer.body as ViewReceipt);
    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(receipts.map((receipt) => receipt.firstView)).toEqual([true, false, false]);
    expect(new Set(receipts.map((receipt) => receipt.viewedAt)).size).toBe(1); // the receipt time stays the first view's

    const views = await hub.db.query<{ user_agent: string; ip: string; viewed_at: Date }>(
      'select user_agent, ip, viewed_at from invoice_views where invoice_id = $1 order by id',
      [invoice.id],
    );
    expect(views.rows.map((row) => row.user_agent)).toEqual([
      'portal-test/1.0',
      'portal-test/1.0',
      'phone-browser/2.0',
    ]);
    expect(views.rows.every((row) => /127\.0\.0\.1/.test(row.ip) && row.viewed_at instanceof Date)).toBe(
      true,
    );

    const listed = (await visitor.call('GET', '/api/v1/portal/invoices')).body as InvoiceList;
    expect(listed.invoices.find((row) => row.id === invoice.id)?.viewedAt).toBe(receipts[0].viewedAt);

    const signals = await recordViewSignals(hub.temporal, invoice.workflowId);
    expect(signals).toHaveLength(1);
  });

  it('counts a view after the lifecycle has ended (paid, cancelled) without a receipt to send', async () => {
    const { invoice, issuer, visitor } = await registeredRecipient('late-viewer');
    await startSilentLifecycle(hub.temporal, invoice, issuer);
    await hub.temporal.workflow.getHandle(invoice.workflowId).terminate('settled before anyone looked');

    const answer = await visitor.call('POST', `/api/v1/portal/invoices/${invoice.id}/views`, {});

    expect(answer.status).toBe(200);
    expect((answer.body as ViewReceipt).firstView).toBe(true);
  });

  it('keeps the receipt pending when the lifecycle cannot be told: the view is logged, the next view becomes the receipt', async () => {
    const { invoice, issuer, visitor } = await registeredRecipient('pending');
    await startSilentLifecycle(hub.temporal, invoice, issuer);
    // The same database behind a gateway whose Temporal namespace does not exist: every signal fails.
    const misconfigured = await serveGateway({
      db: hub.db,
      config: hub.config,
      temporal: new Client({ connection: hub.temporal.connection, namespace: 'no-such-namespace' }),
    });
    try {
      const refused = await visitor
        .at(misconfigured.baseUrl)
        .call('POST', `/api/v1/portal/invoices/${invoice.id}/views`, {});
      const { rows } = await hub.db.query<{ viewed_at: Date | null; views: string }>(
        `select viewed_at, (select count(*) from invoice_views where invoice_id = $1) as views from invoices where id = $1`,
        [invoice.id],
      );
      expect([refused.status, errorCode(refused.body)]).toEqual([503, 'RECEIPT_PENDING']);
      expect(rows[0]).toEqual({ viewed_at: null, views: '1' });
    } finally {
      await misconfigured.close();
    }

    const next = await visitor.call('POST', `/api/v1/portal/invoices/${invoice.id}/views`, {});

    expect((next.body as ViewReceipt).firstView).toBe(true);
    expect(await recordViewSignals(hub.temporal, invoice.workflowId)).toHaveLength(1);
  });
});

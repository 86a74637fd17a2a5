import type {
  ColleagueAdded,
  ColleagueList,
  InvitationInfo,
  InvoiceDetail,
  SessionInfo,
} from '../../gateway/portal/contract';
import { API, errorCode, linkToken, mailsAbout, PASSWORD, registeredRecipient } from './account-support';
import {
  deliverInvoice,
  PortalVisitor,
  startPortalHarness,
  uniqueEmail,
  type PortalHarness,
} from './harness';

/** Organisations: a recipient shares their address with colleagues, who see the same invoices until removed. */
let hub: PortalHarness;

beforeAll(async () => {
  hub = await startPortalHarness();
});

afterAll(async () => {
  await hub?.close();
});

const SHARED_SUBJECT = 'shared their invoices with you';

describe('sharing a recipient address with a colleague', () => {
  it('invites a new colleague, who registers and sees the same invoices as the owner', async () => {
    const owner = await registeredRecipient(hub, 'owner');
    const colleagueEmail = uniqueEmail('colleague');

    const added = await owner.visitor.call('POST', `${API}/me/colleagues`, { email: colleagueEmail });
    const [mail] = await mailsAbout(colleagueEmail, SHARED_SUBJECT);
    const token = linkToken(mail, 'invite');
    const invitation = (await new PortalVisitor(hub.baseUrl).call('GET', `${API}/invitations/${token}`))
      .body as InvitationInfo;
    const colleague = new PortalVisitor(hub.baseUrl);
    const session = (await colleague.call('POST', `${API}/register`, { token, password: PASSWORD }))
      .body as SessionInfo;
    const invoice = await colleague.call('GET', `${API}/invoices/${owner.invoice.id}`);
    const list = (await owner.visitor.call('GET', `${API}/me/colleagues`)).body as ColleagueList;

    expect(added.status).toBe(201);
    expect((added.body as ColleagueAdded).invitationMailed).toBe(true);
    expect(mail.text).toContain(owner.email);
    expect(invitation).toEqual({ email: colleagueEmail, sharedAddresses: [owner.email] });
    expect(session.addresses).toEqual([colleagueEmail, owner.email]);
    expect([invoice.status, (invoice.body as InvoiceDetail).number]).toEqual([200, owner.invoice.number]);
    expect(list.address).toBe(owner.email);
    expect(list.colleagues.map((c) => [c.email, c.registered])).toEqual([[colleagueEmail, true]]);
  });

  it('lets the colleague see invoices that arrive later too, and none addressed elsewhere', async () => {
    const owner = await registeredRecipient(hub, 'later');
    const colleague = await registeredRecipient(hub, 'latercolleague');
    await owner.visitor.call('POST', `${API}/me/colleagues`, { email: colleague.email });

    const later = await deliverInvoice(hub.db, owner.issuer, owner.email);
    const elsewhere = await deliverInvoice(hub.db, owner.issuer, uniqueEmail('elsewhere'));

    expect((await colleague.visitor.call('GET', `${API}/invoices/${later.id}`)).status).toBe(200);
    expect((await colleague.visitor.call('GET', `${API}/invoices/${elsewhere.id}`)).status).toBe(404);
    // Sharing is one way: the owner does not see the colleague's own invoices.
    expect((await owner.visitor.call('GET', `${API}/invoices/${colleague.invoice.id}`)).status).toBe(404);
  });

  it('ends the colleague’s access at once when the owner removes them', async () => {
    const owner = await registeredRecipient(hub, 'remover');
    const colleague = await registeredRecipient(hub, 'removed');
    const added = (await owner.visitor.call('POST', `${API}/me/colleagues`, { email: colleague.email }))
      .body as ColleagueAdded;
    expect((await colleague.visitor.call('GET', `${API}/invoices/${owner.invoice.id}`)).status).toBe(200);

    const removed = await owner.visitor.call('DELETE', `${API}/me/colleagues/${added.colleague.userId}`);
    const again = await owner.visitor.call('DELETE', `${API}/me/colleagues/${added.colleague.userId}`);

    expect(removed.status).toBe(204);
    expect(again.status).toBe(404);
    expect((await colleague.visitor.call('GET', `${API}/invoices/${owner.invoice.id}`)).status).toBe(404);
    expect(((await colleague.visitor.call('GET', `${API}/session`)).body as SessionInfo).addresses).toEqual([
      colleague.email,
    ]);
    const { rows } = await hub.db.query<{ removed_at: Date | null }>(
      'select removed_at from address_shares where user_id = $1',
      [added.colleague.userId],
    );
    expect(rows[0].removed_at).not.toBeNull(); // kept for the record
  });

  it('lets a colleague leave an address shared with them', async () => {
    const owner = await registeredRecipient(hub, 'leaveowner');
    const colleague = await registeredRecipient(hub, 'leaver');
    await owner.visitor.call('POST', `${API}/me/colleagues`, { email: colleague.email });
    const shared = (await colleague.visitor.call('GET', `${API}/me/colleagues`)).body as ColleagueList;

    const left = await colleague.visitor.call(
      'DELETE',
      `${API}/me/shared-addresses/${encodeURIComponent(owner.email)}`,
    );

    expect(shared.sharedWithMe.map((s) => [s.address, s.sharedBy])).toEqual([[owner.email, owner.email]]);
    expect(left.status).toBe(204);
    expect((await colleague.visitor.call('GET', `${API}/invoices/${owner.invoice.id}`)).status).toBe(404);
  });

  it('lets only the owner share: a colleague cannot pass the address on, nor remove others', async () => {
    const owner = await registeredRecipient(hub, 'onlyowner');
    const colleague = await registeredRecipient(hub, 'nopass');
    const third = await registeredRecipient(hub, 'third');
    const added = (await owner.visitor.call('POST', `${API}/me/colleagues`, { email: colleague.email }))
      .body as ColleagueAdded;

    // The colleague shares *their own* address, never the owner's.
    await colleague.visitor.call('POST', `${API}/me/colleagues`, { email: third.email });
    const removeOthers = await third.visitor.call('DELETE', `${API}/me/colleagues/${added.colleague.userId}`);

    expect((await third.visitor.call('GET', `${API}/invoices/${owner.invoice.id}`)).status).toBe(404);
    expect((await third.visitor.call('GET', `${API}/invoices/${colleague.invoice.id}`)).status).toBe(200);
    expect(removeOthers.status).toBe(404);
    expect((await colleague.visitor.call('GET', `${API}/invoices/${owner.invoice.id}`)).status).toBe(200);
  });

  it('adds at most 20 colleagues a day, removed ones counted, so the hub cannot be made to mail strangers', async () => {
    const owner = await registeredRecipient(hub, 'cannon');
    for (let i = 0; i < 20; i++) {
      const added = (
        await owner.visitor.call('POST', `${API}/me/colleagues`, { email: uniqueEmail('target') })
      ).body as ColleagueAdded;
      await owner.visitor.call('DELETE', `${API}/me/colleagues/${added.colleague.userId}`);
    }
    const refused = await owner.visitor.call('POST', `${API}/me/colleagues`, {
      email: uniqueEmail('target'),
    });
    expect([refused.status, errorCode(refused.body)]).toEqual([409, 'TOO_MANY_COLLEAGUES']);
  });

  it('refuses sharing with oneself, a non-address, and without a session', async () => {
    const owner = await registeredRecipient(hub, 'selfshare');
    const self = await owner.visitor.call('POST', `${API}/me/colleagues`, {
      email: owner.email.toUpperCase(),
    });
    const garbage = await owner.visitor.call('POST', `${API}/me/colleagues`, { email: 'nobody at all' });
    const anonymous = await new PortalVisitor(hub.baseUrl).call('POST', `${API}/me/colleagues`, {
      email: uniqueEmail('x'),
    });

    expect([self.status, errorCode(self.body)]).toEqual([400, 'SHARE_WITH_YOURSELF']);
    expect(garbage.status).toBe(400);
    expect(anonymous.status).toBe(401);
  });
});

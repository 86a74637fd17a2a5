import type {
  InvitationInfo,
  IssuerUser,
  IssuerUserAdded,
  IssuerUserList,
  SessionInfo,
} from '../../gateway/portal/contract';
import { accountDeps } from '../../gateway/portal/account-mail';
import { addIssuerUser } from '../../gateway/portal/issuer-users';
import {
  API,
  errorCode,
  linkToken,
  logIn,
  mailsAbout,
  PASSWORD,
  registeredRecipient,
} from './account-support';
import { newIssuer, PortalVisitor, startPortalHarness, uniqueEmail, type PortalHarness } from './harness';

/** Issuer accounts: the operator adds the first admin, admins add and manage the others, one login for all. */
let hub: PortalHarness;

beforeAll(async () => {
  hub = await startPortalHarness();
});

afterAll(async () => {
  await hub?.close();
});

const INVITATION_SUBJECT = 'Access to';

/** An issuer whose first admin was added by the operator (as `bin/hub issuer user add` does) and registered. */
async function issuerWithAdmin(label: string) {
  const issuer = await newIssuer(hub.db, `Издател ${label} ООД`);
  const email = uniqueEmail(`${label}-admin`);
  const added = await addIssuerUser(accountDeps(hub), {
    issuerId: issuer.id,
    email,
    role: 'admin',
    addedBy: null,
  });
  const [mail] = await mailsAbout(email, INVITATION_SUBJECT);
  const visitor = new PortalVisitor(hub.baseUrl);
  const registered = await visitor.call('POST', `${API}/register`, {
    token: linkToken(mail, 'invite'),
    password: PASSWORD,
  });
  return { issuer, email, admin: added.member, visitor, mail, registered };
}

async function addUser(visitor: PortalVisitor, issuerId: string, email: string, role: 'admin' | 'clerk') {
  return visitor.call('POST', `${API}/issuers/${issuerId}/users`, { email, role });
}

describe('the first admin, added by the operator', () => {
  it('is e-mailed an invitation naming the issuer, registers with it and sees the issuer in the session', async () => {
    const { issuer, email, mail, registered, admin } = await issuerWithAdmin('first');
    const token = linkToken(mail, 'invite');
    const reopened = await new PortalVisitor(hub.baseUrl).call('GET', `${API}/invitations/${token}`);

    expect(mail.subject).toContain(issuer.name);
    expect(mail.text).toContain('administrator');
    expect(registered.status).toBe(201);
    expect((registered.body as SessionInfo).issuers).toEqual([
      { issuerId: issuer.id, name: issuer.name, role: 'admin' },
    ]);
    expect(admin).toMatchObject({ email, role: 'admin', addedBy: null, registered: false });
    expect(reopened.status).toBe(410); // used
  });

  it('shows the issuer on the invitation page before a password is chosen', async () => {
    const issuer = await newIssuer(hub.db, 'Показано ЕООД');
    const email = uniqueEmail('preview');
    await addIssuerUser(accountDeps(hub), { issuerId: issuer.id, email, role: 'clerk', addedBy: null });
    const token = linkToken((await mailsAbout(email, INVITATION_SUBJECT))[0], 'invite');

    const info = (await new PortalVisitor(hub.baseUrl).call('GET', `${API}/invitations/${token}`)).body;

    expect(info as InvitationInfo).toEqual({ email, issuers: ['Показано ЕООД'] });
  });
});

describe('an issuer admin manages the users in the portal', () => {
  it('adds a clerk, who is invited by e-mail, registers, and works for the issuer', async () => {
    const { issuer, email: adminEmail, visitor } = await issuerWithAdmin('adds');
    const clerkEmail = uniqueEmail('clerk');

    const added = await addUser(visitor, issuer.id, clerkEmail, 'clerk');
    const [mail] = await mailsAbout(clerkEmail, INVITATION_SUBJECT);
    const clerk = new PortalVisitor(hub.baseUrl);
    const session = await clerk.call('POST', `${API}/register`, {
      token: linkToken(mail, 'invite'),
      password: PASSWORD,
    });
    const list = (await visitor.call('GET', `${API}/issuers/${issuer.id}/users`)).body as IssuerUserList;

    expect(added.status).toBe(201);
    expect((added.body as IssuerUserAdded).invitationMailed).toBe(true);
    expect(mail.text).toContain(`invited by ${adminEmail}`);
    expect((session.body as SessionInfo).issuers).toEqual([
      { issuerId: issuer.id, name: issuer.name, role: 'clerk' },
    ]);
    expect(list.issuer).toEqual({ issuerId: issuer.id, name: issuer.name });
    expect(list.users.map((u) => [u.email, u.role, u.registered])).toEqual(
      [
        [adminEmail, 'admin', true],
        [clerkEmail, 'clerk', true],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
  });

  it('adds someone who already has an account (a recipient) with a note instead of an invitation', async () => {
    const { issuer, visitor } = await issuerWithAdmin('existing');
    const recipient = await registeredRecipient(hub, 'alsoclerk');

    await addUser(visitor, issuer.id, recipient.email, 'clerk');
    const [mail] = await mailsAbout(recipient.email, INVITATION_SUBJECT);
    const session = (await recipient.visitor.call('GET', `${API}/session`)).body as SessionInfo;

    expect(mail.text).toContain('Log in with your e-mail address and password as before');
    expect(mail.text).not.toContain('/invite/');
    // One person, both sides: their own address's invoices and the issuer's.
    expect(session.addresses).toEqual([recipient.email]);
    expect(session.issuers).toEqual([{ issuerId: issuer.id, name: issuer.name, role: 'clerk' }]);
  });

  it('adding someone twice mails once and only sets the role', async () => {
    const { issuer, visitor } = await issuerWithAdmin('twice');
    const email = uniqueEmail('twice');

    const first = await addUser(visitor, issuer.id, email, 'clerk');
    const second = await addUser(visitor, issuer.id, email, 'admin');
    await mailsAbout(email, INVITATION_SUBJECT);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect([first.status, second.status]).toEqual([201, 200]);
    expect((second.body as IssuerUserAdded).user.role).toBe('admin');
    expect(await mailsAbout(email, INVITATION_SUBJECT)).toHaveLength(1);
  });

  it('changes roles and removes users, but never the last admin', async () => {
    const { issuer, admin, visitor } = await issuerWithAdmin('roles');
    const other = (await addUser(visitor, issuer.id, uniqueEmail('second'), 'clerk')).body as IssuerUserAdded;

    const demoteLast = await visitor.call('PUT', `${API}/issuers/${issuer.id}/users/${admin.userId}`, {
      role: 'clerk',
    });
    const removeLast = await visitor.call('DELETE', `${API}/issuers/${issuer.id}/users/${admin.userId}`);
    const promoted = await visitor.call('PUT', `${API}/issuers/${issuer.id}/users/${other.user.userId}`, {
      role: 'admin',
    });
    const leave = await visitor.call('DELETE', `${API}/issuers/${issuer.id}/users/${admin.userId}`);
    const gone = await visitor.call('GET', `${API}/issuers/${issuer.id}/users`);

    expect([demoteLast.status, errorCode(demoteLast.body)]).toEqual([409, 'LAST_ADMIN']);
    expect([removeLast.status, errorCode(removeLast.body)]).toEqual([409, 'LAST_ADMIN']);
    expect([promoted.status, (promoted.body as IssuerUser).role]).toEqual([200, 'admin']);
    expect(leave.status).toBe(204);
    // The removed admin lost the issuer at once: the next request sees no such issuer.
    expect(gone.status).toBe(404);
    expect(((await visitor.call('GET', `${API}/session`)).body as SessionInfo).issuers).toEqual([]);
  });

  it('refuses a clerk (403), another issuer’s admin and a recipient (404, as if there were no issuer)', async () => {
    const { issuer, visitor } = await issuerWithAdmin('guard');
    const clerkEmail = uniqueEmail('guardclerk');
    await addUser(visitor, issuer.id, clerkEmail, 'clerk');
    const clerk = new PortalVisitor(hub.baseUrl);
    await clerk.call('POST', `${API}/register`, {
      token: linkToken((await mailsAbout(clerkEmail, INVITATION_SUBJECT))[0], 'invite'),
      password: PASSWORD,
    });
    const { visitor: otherAdmin } = await issuerWithAdmin('guardother');
    const { visitor: recipient } = await registeredRecipient(hub, 'guardrecipient');
    const missing = '00000000-0000-4000-8000-000000000000';

    const byClerk = await clerk.call('GET', `${API}/issuers/${issuer.id}/users`);
    const clerkAdds = await addUser(clerk, issuer.id, uniqueEmail('sneaky'), 'admin');
    const byOther = await otherAdmin.call('GET', `${API}/issuers/${issuer.id}/users`);
    const byRecipient = await addUser(recipient, issuer.id, uniqueEmail('sneaky'), 'admin');
    const noIssuer = await otherAdmin.call('GET', `${API}/issuers/${missing}/users`);
    const anonymous = await new PortalVisitor(hub.baseUrl).call('GET', `${API}/issuers/${issuer.id}/users`);

    expect([byClerk.status, errorCode(byClerk.body)]).toEqual([403, 'FORBIDDEN']);
    expect(clerkAdds.status).toBe(403);
    expect([byOther.status, byOther.body]).toEqual([noIssuer.status, noIssuer.body]);
    expect(byOther.status).toBe(404);
    expect(byRecipient.status).toBe(404);
    expect(anonymous.status).toBe(401);
  });

  it('refuses what is not an e-mail address or a role', async () => {
    const { issuer, visitor } = await issuerWithAdmin('invalid');
    const notEmail = await addUser(visitor, issuer.id, 'not an address', 'clerk');
    const notRole = await visitor.call('POST', `${API}/issuers/${issuer.id}/users`, {
      email: uniqueEmail('x'),
      role: 'owner',
    });
    expect(notEmail.status).toBe(400);
    expect(notRole.status).toBe(400);
  });
});

describe('one login page for everyone', () => {
  it('logs an issuer user in exactly as a recipient', async () => {
    const { email, issuer } = await issuerWithAdmin('onelogin');
    const { answer } = await logIn(hub, email);
    expect(answer.status).toBe(200);
    expect((answer.body as SessionInfo).issuers.map((m) => m.issuerId)).toEqual([issuer.id]);
  });
});

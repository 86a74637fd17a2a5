import type { AccountInfo, PasswordChanged } from '../../gateway/portal/contract';
import { mailsTo } from '../support/hub';
import {
  API,
  errorCode,
  linkToken,
  logIn,
  mailsAbout,
  PASSWORD,
  registeredRecipient,
  uniqueNetwork,
} from './account-support';
import { PortalVisitor, startPortalHarness, uniqueEmail, type PortalHarness } from './harness';

/** Password reset by e-mailed link, password change, and log out everywhere. */
let hub: PortalHarness;

beforeAll(async () => {
  hub = await startPortalHarness();
});

afterAll(async () => {
  await hub?.close();
});

const NEW_PASSWORD = 'another sentence, longer';
const RESET_SUBJECT = 'A new password for the e-invoice hub';

async function askForReset(email: string) {
  return new PortalVisitor(hub.baseUrl).call('POST', `${API}/password-resets`, { email });
}

describe('password reset by an e-mailed one-time link', () => {
  it('mails a link that sets a new password once and ends every session of the account', async () => {
    const { email, visitor: laptop } = await registeredRecipient(hub, 'reset');
    const { visitor: phone } = await logIn(hub, email);

    const asked = await askForReset(email);
    const [mail] = await mailsAbout(email, RESET_SUBJECT);
    const token = linkToken(mail, 'reset-password');
    const shown = await new PortalVisitor(hub.baseUrl).call('GET', `${API}/password-resets/${token}`);
    const done = await new PortalVisitor(hub.baseUrl).call('POST', `${API}/password-resets/${token}`, {
      password: NEW_PASSWORD,
    });
    const again = await new PortalVisitor(hub.baseUrl).call('POST', `${API}/password-resets/${token}`, {
      password: 'yet another sentence here',
    });

    expect(asked.status).toBe(202);
    expect(mail.text).toContain('works once');
    expect(shown.body).toEqual({ email });
    expect([done.status, done.body]).toEqual([200, { email }]);
    expect([again.status, errorCode(again.body)]).toEqual([410, 'RESET_USED']);
    // Both devices were logged out by the reset; it logged nobody in.
    expect((await laptop.call('GET', `${API}/session`)).status).toBe(401);
    expect((await phone.call('GET', `${API}/session`)).status).toBe(401);
    expect(done.headers.get('set-cookie')).toBeNull();
    expect((await logIn(hub, email, PASSWORD)).answer.status).toBe(401);
    expect((await logIn(hub, email, NEW_PASSWORD)).answer.status).toBe(200);
    expect((await mailsAbout(email, 'Your password was changed'))[0].text).toContain('password reset link');
  });

  it('answers the same for an unknown address and sends nothing', async () => {
    const nobody = uniqueEmail('nobody');
    const { email } = await registeredRecipient(hub, 'known');

    const [unknown, known] = await Promise.all([askForReset(nobody), askForReset(email)]);
    await mailsAbout(email, RESET_SUBJECT);

    expect([unknown.status, unknown.body]).toEqual([known.status, known.body]);
    expect(await mailsTo(nobody)).toEqual([]);
  });

  it('refuses an expired link, and any link but the newest', async () => {
    const { email } = await registeredRecipient(hub, 'expiry');
    await askForReset(email);
    const [first] = await mailsAbout(email, RESET_SUBJECT);
    await askForReset(email);
    const mails = await mailsAbout(email, RESET_SUBJECT, 2);
    const older = linkToken(first, 'reset-password');
    const newer = linkToken(mails.find((m) => m.id !== first.id) ?? first, 'reset-password');

    const superseded = await new PortalVisitor(hub.baseUrl).call('GET', `${API}/password-resets/${older}`);
    await hub.db.query(
      `update password_resets set expires_at = now() - interval '1 second'
        where user_id = (select id from users where email = $1)`,
      [email],
    );
    const expired = await new PortalVisitor(hub.baseUrl).call('POST', `${API}/password-resets/${newer}`, {
      password: NEW_PASSWORD,
    });
    const unknown = await new PortalVisitor(hub.baseUrl).call(
      'GET',
      `${API}/password-resets/${'x'.repeat(43)}`,
    );

    expect([superseded.status, errorCode(superseded.body)]).toEqual([410, 'RESET_SUPERSEDED']);
    expect([expired.status, errorCode(expired.body)]).toEqual([410, 'RESET_EXPIRED']);
    expect([unknown.status, errorCode(unknown.body)]).toEqual([404, 'RESET_NOT_FOUND']);
    expect((await logIn(hub, email, PASSWORD)).answer.status).toBe(200);
  });

  it('refuses a weak new password and keeps the link open', async () => {
    const { email } = await registeredRecipient(hub, 'weakreset');
    await askForReset(email);
    const token = linkToken((await mailsAbout(email, RESET_SUBJECT))[0], 'reset-password');

    const weak = await new PortalVisitor(hub.baseUrl).call('POST', `${API}/password-resets/${token}`, {
      password: 'short',
    });
    const shown = await new PortalVisitor(hub.baseUrl).call('GET', `${API}/password-resets/${token}`);

    expect([weak.status, errorCode(weak.body)]).toEqual([400, 'WEAK_PASSWORD']);
    expect(shown.status).toBe(200);
  });

  it('sends at most three links in a quarter of an hour', async () => {
    const { email } = await registeredRecipient(hub, 'flood');
    for (let i = 0; i < 5; i++) expect((await askForReset(email)).status).toBe(202);
    await mailsAbout(email, RESET_SUBJECT, 3);
    await new Promise((resolve) => setTimeout(resolve, 500));

    expect((await mailsTo(email)).filter((m) => m.subject.includes(RESET_SUBJECT))).toHaveLength(3);
  });

  it('lets an invited person who never chose a password choose one (it registers them)', async () => {
    const email = uniqueEmail('neverregistered');
    await hub.db.query(`insert into users (id, email) values (gen_random_uuid(), $1)`, [email]);
    await askForReset(email);
    const token = linkToken((await mailsAbout(email, RESET_SUBJECT))[0], 'reset-password');

    await new PortalVisitor(hub.baseUrl).call('POST', `${API}/password-resets/${token}`, {
      password: NEW_PASSWORD,
    });

    expect((await logIn(hub, email, NEW_PASSWORD)).answer.status).toBe(200);
  });
});

describe('changing the password', () => {
  it('needs the current password, then ends every other session and keeps this one', async () => {
    const { email, visitor } = await registeredRecipient(hub, 'change');
    const { visitor: other } = await logIn(hub, email);

    const wrong = await visitor.call('PUT', `${API}/me/password`, {
      currentPassword: 'not the password at all',
      newPassword: NEW_PASSWORD,
    });
    const same = await visitor.call('PUT', `${API}/me/password`, {
      currentPassword: PASSWORD,
      newPassword: PASSWORD,
    });
    const changed = await visitor.call('PUT', `${API}/me/password`, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    const account = (await visitor.call('GET', `${API}/me/account`)).body as AccountInfo;

    expect([wrong.status, errorCode(wrong.body)]).toEqual([403, 'WRONG_PASSWORD']);
    expect([same.status, errorCode(same.body)]).toEqual([400, 'SAME_PASSWORD']);
    expect([changed.status, (changed.body as PasswordChanged).endedSessions]).toEqual([200, 1]);
    expect((await visitor.call('GET', `${API}/session`)).status).toBe(200);
    expect((await other.call('GET', `${API}/session`)).status).toBe(401);
    expect(account.passwordChangedAt).not.toBeNull();
    expect(account.liveSessions).toBe(1);
    expect((await logIn(hub, email, NEW_PASSWORD)).answer.status).toBe(200);
    expect((await mailsAbout(email, 'Your password was changed'))[0].text).toContain('from the account page');
  });

  it('refuses without a session', async () => {
    const answer = await new PortalVisitor(hub.baseUrl).call('PUT', `${API}/me/password`, {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(answer.status).toBe(401);
  });
});

describe('log out everywhere', () => {
  it('ends every session of the person on every device, and only theirs', async () => {
    const { email, visitor: laptop } = await registeredRecipient(hub, 'everywhere');
    const { visitor: phone } = await logIn(hub, email, PASSWORD, uniqueNetwork());
    const { visitor: stranger } = await registeredRecipient(hub, 'bystander');

    const answer = await phone.call('DELETE', `${API}/me/sessions`);

    expect(answer.status).toBe(204);
    expect(phone.hasSession).toBe(false);
    expect((await laptop.call('GET', `${API}/session`)).status).toBe(401);
    expect((await phone.call('GET', `${API}/session`)).status).toBe(401);
    expect((await stranger.call('GET', `${API}/session`)).status).toBe(200);
    expect((await logIn(hub, email)).answer.status).toBe(200);
  });
});

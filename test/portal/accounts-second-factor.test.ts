import type {
  AccountInfo,
  EnrolledLogin,
  LoginChallenge,
  SecondFactorSetup,
  SessionInfo,
} from '../../gateway/portal/contract';
import { addIssuerUser } from '../../gateway/portal/issuer-users';
import { accountDeps } from '../../gateway/portal/account-mail';
import {
  API,
  appCode,
  enableSecondFactor,
  errorCode,
  letThrottleTimePass,
  linkToken,
  logIn,
  mailsAbout,
  PASSWORD,
  registeredRecipient,
} from './account-support';
import { newIssuer, PortalVisitor, startPortalHarness, uniqueEmail, type PortalHarness } from './harness';

/** The optional second factor (TOTP app, recovery codes), and REQUIRE_2FA_ADMINS for issuer admins. */
let hub: PortalHarness;
let strict: PortalHarness;

beforeAll(async () => {
  hub = await startPortalHarness();
  strict = await startPortalHarness({ REQUIRE_2FA_ADMINS: 'true' });
});

afterAll(async () => {
  await hub?.close();
  await strict?.close();
});

async function secondStep(visitor: PortalVisitor, ticket: string, code: string) {
  return visitor.call('POST', `${API}/login/second-factor`, { ticket, code });
}

describe('turning the second factor on', () => {
  it('gives a QR code and secret, turns on with the first right code, and shows ten recovery codes once', async () => {
    const { email, visitor } = await registeredRecipient(hub, 'totp');
    const setup = (await visitor.call('POST', `${API}/me/second-factor/setup`)).body as SecondFactorSetup;
    const wrong = await visitor.call('POST', `${API}/me/second-factor/confirm`, { code: '000000' });
    const before = (await visitor.call('GET', `${API}/me/account`)).body as AccountInfo;
    const confirmed = await visitor.call('POST', `${API}/me/second-factor/confirm`, {
      code: await appCode(setup.secret),
    });
    const after = (await visitor.call('GET', `${API}/me/account`)).body as AccountInfo;
    const { rows } = await hub.db.query<{ totp_secret_sealed: string }>(
      'select totp_secret_sealed from users where email = $1',
      [email],
    );

    expect(setup.otpauthUri).toMatch(/^otpauth:\/\/totp\/E-Invoice%20Hub:/);
    expect(setup.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect([wrong.status, errorCode(wrong.body)]).toEqual([400, 'WRONG_CODE']);
    expect(before.secondFactor.enabled).toBe(false);
    expect(confirmed.status).toBe(200);
    const codes = (confirmed.body as { recoveryCodes: string[] }).recoveryCodes;
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(codes[0]).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
    expect(after.secondFactor).toMatchObject({ enabled: true, recoveryCodesLeft: 10, thisSession: true });
    // The secret is kept sealed, never in clear.
    expect(rows[0].totp_secret_sealed).toMatch(/^v1\./);
    expect(rows[0].totp_secret_sealed).not.toContain(setup.secret);
    await mailsAbout(email, 'Two-step login is on');
  });
});

describe('logging in with the second factor', () => {
  it('asks for the code after the right password, and opens the session only with a right one', async () => {
    const { email, visitor } = await registeredRecipient(hub, 'login2fa');
    const { secret } = await enableSecondFactor(visitor);

    const { visitor: browser, answer } = await logIn(hub, email);
    const challenge = answer.body as LoginChallenge;
    const noSessionYet = await browser.call('GET', `${API}/session`);
    const wrong = await secondStep(browser, challenge.ticket, '123456');
    const right = await secondStep(browser, challenge.ticket, await appCode(secret, 1));
    const account = (await browser.call('GET', `${API}/me/account`)).body as AccountInfo;

    expect([answer.status, challenge.next]).toEqual([202, 'second-factor']);
    expect(answer.headers.get('set-cookie')).toBeNull();
    expect(noSessionYet.status).toBe(401);
    expect([wrong.status, errorCode(wrong.body)]).toEqual([401, 'WRONG_CODE']);
    expect(right.status).toBe(200);
    expect((right.body as SessionInfo).email).toBe(email);
    expect(account.secondFactor.thisSession).toBe(true);
  });

  it('takes each code once, even within its 30 seconds', async () => {
    const { email, visitor } = await registeredRecipient(hub, 'replay');
    const { secret } = await enableSecondFactor(visitor);
    const code = await appCode(secret, 1);

    const first = await logIn(hub, email);
    const used = await secondStep(first.visitor, (first.answer.body as LoginChallenge).ticket, code);
    const second = await logIn(hub, email);
    const replayed = await secondStep(second.visitor, (second.answer.body as LoginChallenge).ticket, code);

    expect(used.status).toBe(200);
    expect([replayed.status, errorCode(replayed.body)]).toEqual([401, 'WRONG_CODE']);
  });

  it('takes a recovery code once instead of the app code', async () => {
    const { email, visitor } = await registeredRecipient(hub, 'recovery');
    const { recoveryCodes } = await enableSecondFactor(visitor);

    const first = await logIn(hub, email);
    const recovered = await secondStep(
      first.visitor,
      (first.answer.body as LoginChallenge).ticket,
      recoveryCodes[3].toUpperCase(), // as typed off paper
    );
    const second = await logIn(hub, email);
    const again = await secondStep(
      second.visitor,
      (second.answer.body as LoginChallenge).ticket,
      recoveryCodes[3],
    );
    const account = (await first.visitor.call('GET', `${API}/me/account`)).body as AccountInfo;

    expect(recovered.status).toBe(200);
    expect(again.status).toBe(401);
    expect(account.secondFactor.recoveryCodesLeft).toBe(9);
  });

  it('ends the login step after five tries, and counts wrong codes against the account', async () => {
    const { email, visitor } = await registeredRecipient(hub, 'tries');
    const { secret } = await enableSecondFactor(visitor);
    const { visitor: browser, answer } = await logIn(hub, email);
    const { ticket } = answer.body as LoginChallenge;

    const statuses: string[] = [];
    for (let i = 0; i < 5; i++) {
      await letThrottleTimePass(hub.db, email, 600);
      statuses.push(errorCode((await secondStep(browser, ticket, '000000')).body));
    }
    await letThrottleTimePass(hub.db, email, 600);
    const sixth = await secondStep(browser, ticket, await appCode(secret, 1));

    expect(statuses).toEqual(Array(5).fill('WRONG_CODE'));
    expect([sixth.status, errorCode(sixth.body)]).toEqual([401, 'LOGIN_EXPIRED']);
    const { rows } = await hub.db.query<{ failures: number }>(
      `select failures from login_throttle where scope = 'account' and key = $1`,
      [email],
    );
    expect(rows[0].failures).toBe(6); // the password step plus five wrong codes
  });

  it('turns off only with a right code, and then the password alone logs in', async () => {
    const { email, visitor } = await registeredRecipient(hub, 'off');
    const { recoveryCodes } = await enableSecondFactor(visitor);

    const refused = await visitor.call('POST', `${API}/me/second-factor/off`, { code: '000000' });
    const off = await visitor.call('POST', `${API}/me/second-factor/off`, { code: recoveryCodes[0] });
    const { answer } = await logIn(hub, email);

    expect([refused.status, errorCode(refused.body)]).toEqual([403, 'WRONG_CODE']);
    expect(off.status).toBe(204);
    expect(answer.status).toBe(200);
    await mailsAbout(email, 'Two-step login is off');
  });
});

describe('REQUIRE_2FA_ADMINS=true', () => {
  async function issuerAdmin(label: string) {
    const recipient = await registeredRecipient(strict, label);
    const issuer = await newIssuer(strict.db);
    await addIssuerUser(accountDeps(strict), {
      issuerId: issuer.id,
      email: recipient.email,
      role: 'admin',
      addedBy: null,
    });
    return { ...recipient, issuer };
  }

  it('ends a new admin’s sessions and has them set up the second factor at the next login', async () => {
    const { email, visitor, issuer } = await issuerAdmin('strictadmin');
    const loggedOut = await visitor.call('GET', `${API}/session`);

    const { visitor: browser, answer } = await logIn(strict, email);
    const challenge = answer.body as LoginChallenge;
    const setup = await browser.call('POST', `${API}/login/second-factor-setup`, {
      ticket: challenge.ticket,
    });
    const { secret } = setup.body as SecondFactorSetup;
    const confirmed = await browser.call('POST', `${API}/login/second-factor-setup/confirm`, {
      ticket: challenge.ticket,
      code: await appCode(secret),
    });
    const enrolled = confirmed.body as EnrolledLogin;
    const users = await browser.call('GET', `${API}/issuers/${issuer.id}/users`);
    const turnOff = await browser.call('POST', `${API}/me/second-factor/off`, {
      code: enrolled.recoveryCodes[0],
    });
    const account = (await browser.call('GET', `${API}/me/account`)).body as AccountInfo;

    expect(loggedOut.status).toBe(401);
    expect([answer.status, challenge.next]).toEqual([202, 'second-factor-setup']);
    expect(confirmed.status).toBe(200);
    expect(enrolled.session.issuers).toEqual([{ issuerId: issuer.id, name: issuer.name, role: 'admin' }]);
    expect(enrolled.recoveryCodes).toHaveLength(10);
    expect(users.status).toBe(200);
    expect([turnOff.status, errorCode(turnOff.body)]).toEqual([409, 'SECOND_FACTOR_REQUIRED']);
    expect(account.secondFactor).toMatchObject({ enabled: true, required: true });
    // From now on the admin logs in with the code, like anyone who turned it on.
    expect(((await logIn(strict, email)).answer.body as LoginChallenge).next).toBe('second-factor');
  });

  it('has an admin invited by e-mail set up the second factor before the first session starts', async () => {
    const issuer = await newIssuer(strict.db);
    const email = uniqueEmail('strictinvited');
    await addIssuerUser(accountDeps(strict), { issuerId: issuer.id, email, role: 'admin', addedBy: null });
    const token = linkToken((await mailsAbout(email, 'Access to'))[0], 'invite');
    const browser = new PortalVisitor(strict.baseUrl);

    const registered = await browser.call('POST', `${API}/register`, { token, password: PASSWORD });
    const challenge = registered.body as LoginChallenge;
    const noSession = await browser.call('GET', `${API}/session`);
    const { secret } = (
      await browser.call('POST', `${API}/login/second-factor-setup`, { ticket: challenge.ticket })
    ).body as SecondFactorSetup;
    const confirmed = await browser.call('POST', `${API}/login/second-factor-setup/confirm`, {
      ticket: challenge.ticket,
      code: await appCode(secret),
    });

    expect([registered.status, challenge.next]).toEqual([202, 'second-factor-setup']);
    expect(noSession.status).toBe(401);
    expect(confirmed.status).toBe(200);
    expect((await browser.call('GET', `${API}/issuers/${issuer.id}/users`)).status).toBe(200);
  });

  it('asks nothing more of clerks and recipients', async () => {
    const recipient = await registeredRecipient(strict, 'strictclerk');
    const issuer = await newIssuer(strict.db);
    await addIssuerUser(accountDeps(strict), {
      issuerId: issuer.id,
      email: recipient.email,
      role: 'clerk',
      addedBy: null,
    });

    expect((await recipient.visitor.call('GET', `${API}/session`)).status).toBe(200);
    expect((await logIn(strict, recipient.email)).answer.status).toBe(200);
  });

  it('refuses admin work to a session opened without the second factor (one older than the setting)', async () => {
    const { email, issuer } = await issuerAdmin('oldsession');
    // The same admin on the lenient gateway (as before the setting): a password-only session.
    const { visitor } = await logIn(hub, email, PASSWORD);
    const refused = await visitor.at(strict.baseUrl).call('GET', `${API}/issuers/${issuer.id}/users`);

    expect([refused.status, errorCode(refused.body)]).toEqual([403, 'SECOND_FACTOR_REQUIRED']);
  });
});

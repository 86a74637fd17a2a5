import { mailsTo } from '../support/hub';
import {
  API,
  errorCode,
  letThrottleTimePass,
  linkToken,
  logIn,
  mailsAbout,
  PASSWORD,
  registeredRecipient,
  uniqueNetwork,
} from './account-support';
import { PortalVisitor, startPortalHarness, uniqueEmail, type PortalHarness } from './harness';

/** Login throttling: per account (delay, then a lock with an e-mail) and per network address. */
let hub: PortalHarness;

beforeAll(async () => {
  hub = await startPortalHarness();
});

afterAll(async () => {
  await hub?.close();
});

const WRONG = 'a wrong password, guessed';

async function attempt(email: string, password: string, network: Record<string, string>) {
  return (await logIn(hub, email, password, network)).answer;
}

describe('per account', () => {
  it('lets five failures pass, then makes each next attempt wait twice as long, the right password too', async () => {
    const { email } = await registeredRecipient(hub, 'delay');
    const network = uniqueNetwork();

    const free = [];
    for (let i = 0; i < 5; i++) free.push((await attempt(email, WRONG, network)).status);
    const sixth = await attempt(email, WRONG, network);
    const rightButEarly = await attempt(email, PASSWORD, network);
    await letThrottleTimePass(hub.db, email, 2);
    const sixthLater = await attempt(email, WRONG, network);
    const seventhEarly = await attempt(email, WRONG, network);
    await letThrottleTimePass(hub.db, email, 4);
    const right = await attempt(email, PASSWORD, network);

    expect(free).toEqual([401, 401, 401, 401, 401]);
    expect([sixth.status, errorCode(sixth.body)]).toEqual([429, 'LOGIN_THROTTLED']);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(sixth.headers.get('retry-after'))).toBeLessThanOrEqual(2);
    expect([rightButEarly.status, errorCode(rightButEarly.body)]).toEqual([429, 'LOGIN_THROTTLED']);
    expect(sixthLater.status).toBe(401);
    expect(Number(seventhEarly.headers.get('retry-after'))).toBeGreaterThan(2); // 4 s now
    expect(right.status).toBe(200);
    // The success started the count again.
    expect((await attempt(email, WRONG, network)).status).toBe(401);
  });

  it('locks the account at the tenth failure and e-mails the owner a link that lifts the lock', async () => {
    const { email } = await registeredRecipient(hub, 'lock');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      await letThrottleTimePass(hub.db, email, 600);
      statuses.push((await attempt(email, WRONG, uniqueNetwork())).status);
    }
    const locked = await attempt(email, PASSWORD, uniqueNetwork());
    const [mail] = await mailsAbout(email, 'Logins to your account are paused');
    const token = linkToken(mail, 'reset-password');
    const reset = await new PortalVisitor(hub.baseUrl).call('POST', `${API}/password-resets/${token}`, {
      password: 'the owner chose a new one',
    });
    const afterReset = await attempt(email, 'the owner chose a new one', uniqueNetwork());

    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 401, 401, 401, 429]);
    expect([locked.status, errorCode(locked.body)]).toEqual([429, 'ACCOUNT_LOCKED']);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60); // LOGIN_LOCK_MINUTES, 15
    expect(mail.text).toContain('10 failed logins');
    expect(mail.text).toContain('2001:db8:'); // where the last attempt came from
    expect(reset.status).toBe(200);
    expect(afterReset.status).toBe(200);
  });

  it('doubles the lock each time it comes back', async () => {
    const { email } = await registeredRecipient(hub, 'relock');
    for (let i = 0; i < 10; i++) {
      await letThrottleTimePass(hub.db, email, 600);
      await attempt(email, WRONG, uniqueNetwork());
    }
    await letThrottleTimePass(hub.db, email, 16 * 60); // the first lock is over
    const again = await attempt(email, WRONG, uniqueNetwork());

    expect([again.status, errorCode(again.body)]).toEqual([429, 'ACCOUNT_LOCKED']);
    expect(Number(again.headers.get('retry-after'))).toBeGreaterThan(29 * 60);
    await mailsAbout(email, 'Logins to your account are paused', 2);
  });

  it('treats an address without an account exactly alike, and mails nobody', async () => {
    const nobody = uniqueEmail('ghost');
    const statuses: string[] = [];
    for (let i = 0; i < 10; i++) {
      await letThrottleTimePass(hub.db, nobody, 600);
      const answer = await attempt(nobody, WRONG, uniqueNetwork());
      statuses.push(`${answer.status} ${errorCode(answer.body)}`);
    }
    const early = await attempt(nobody, WRONG, uniqueNetwork());

    expect(statuses.slice(0, 9)).toEqual(Array(9).fill('401 INVALID_CREDENTIALS'));
    expect(statuses[9]).toBe('429 ACCOUNT_LOCKED');
    expect(errorCode(early.body)).toBe('ACCOUNT_LOCKED');
    expect(await mailsTo(nobody)).toEqual([]);
  });

  it('counts parallel guesses one by one: a burst does not slip past the delay', async () => {
    const { email } = await registeredRecipient(hub, 'burst');
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => attempt(email, WRONG, uniqueNetwork())),
    );
    const statuses = answers.map((a) => a.status).sort();

    expect(statuses.filter((s) => s === 401)).toHaveLength(5); // the five free ones
    expect(statuses.filter((s) => s === 429)).toHaveLength(7); // the rest met the wait the fifth began
  });
});

describe('per network address', () => {
  it('slows an address guessing many accounts after 30 failures, and no other address', async () => {
    const network = uniqueNetwork();
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await attempt(uniqueEmail('spray'), WRONG, network)).status);
    const { email } = await registeredRecipient(hub, 'office');
    const sameOffice = await attempt(email, PASSWORD, network);
    const elsewhere = await attempt(email, PASSWORD, uniqueNetwork());

    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses[30]).toBe(429);
    expect([sameOffice.status, errorCode(sameOffice.body)]).toEqual([429, 'LOGIN_THROTTLED']);
    expect(elsewhere.status).toBe(200);
  });

  it('does not let one good login wash away the failures collected on other accounts', async () => {
    const network = uniqueNetwork();
    const { email } = await registeredRecipient(hub, 'launder');
    for (let i = 0; i < 29; i++) await attempt(uniqueEmail('spray'), WRONG, network);
    expect((await attempt(email, PASSWORD, network)).status).toBe(200);
    expect((await attempt(uniqueEmail('spray'), WRONG, network)).status).toBe(401);
    expect((await attempt(uniqueEmail('spray'), WRONG, network)).status).toBe(429);
  });
});

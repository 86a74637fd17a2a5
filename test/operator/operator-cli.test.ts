import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually, mailsTo, uniqueEmail } from '../support/hub';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');

/** `bin/hub operator add` against the test run's PostgreSQL and SMTP server. */
describe('bin/hub operator add', () => {
  const dataDir = path.join(
    process.env.HUB_TEST_ROOT as string,
    `cli-operators-${crypto.randomUUID().slice(0, 8)}`,
  );
  const env = { ...process.env, DATA_DIR: dataDir, PUBLIC_URL: 'https://hub.example' };
  const hub = (args: string[]) => run(process.execPath, [HUB, ...args], { env });
  const json = (out: string) => JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>;

  test('makes a new person an operator and mails the invitation once, however often it runs', async () => {
    const email = uniqueEmail('cli-operator');
    const first = json((await hub(['operator', 'add', '--email', email])).stdout);
    const again = json((await hub(['operator', 'add', '--email', email])).stdout);
    expect(first).toMatchObject({ email, added: true, registered: false, invitationMailed: true });
    expect(again).toMatchObject({ email, added: false, invitationMailed: true });
    const [mail] = await eventually(async () => {
      const mails = await mailsTo(email);
      return mails.length ? mails : undefined;
    });
    expect(mail.subject).toMatch(/operator/);
    expect(mail.text).toMatch(/https:\/\/hub\.example\/invite\/[\w-]+/);
    expect(await mailsTo(email)).toHaveLength(1);
  });

  test('refuses what is not an e-mail address, and stores nothing', async () => {
    await expect(hub(['operator', 'add', '--email', '../../etc/passwd'])).rejects.toMatchObject({
      stderr: expect.stringContaining('is not an e-mail address'),
    });
  });
});

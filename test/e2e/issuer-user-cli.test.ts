import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { eventually, mailsTo, randomEik, uniqueEmail } from '../support/hub';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');

/** `bin/hub issuer user add|list|remove` against the test run's PostgreSQL and SMTP server. */
describe('bin/hub issuer user', () => {
  const dataDir = path.join(
    process.env.HUB_TEST_ROOT as string,
    `cli-users-${crypto.randomUUID().slice(0, 8)}`,
  );
  const env = { ...process.env, DATA_DIR: dataDir, PUBLIC_URL: 'https://hub.example' };
  const hub = async (args: string[], extraEnv: Record<string, string> = {}) =>
    run(process.execPath, [HUB, ...args], { env: { ...env, ...extraEnv } });
  const json = (out: string) => JSON.parse(out.trim().split('\n').pop() as string) as Record<string, unknown>;
  let issuerId: string;

  beforeAll(async () => {
    const added = await hub([
      'issuer',
      'add',
      '--name',
      'Потребители АД',
      '--eik',
      randomEik(),
      '--email',
      'u@users.example',
    ]);
    issuerId = String(json(added.stdout).id);
  });

  test('adds an admin and e-mails the invitation; once, however often the command runs', async () => {
    const email = uniqueEmail('cli-admin');

    const first = json(
      (await hub(['issuer', 'user', 'add', issuerId, '--email', email, '--role', 'admin'])).stdout,
    );
    const again = json(
      (await hub(['issuer', 'user', 'add', issuerId, '--email', email, '--role', 'admin'])).stdout,
    );
    const [mail] = await eventually(async () => {
      const mails = await mailsTo(email);
      return mails.length ? mails : undefined;
    });
    const listed = (await hub(['issuer', 'user', 'list', issuerId])).stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));

    expect(first).toMatchObject({
      issuerId,
      email,
      role: 'admin',
      added: true,
      registered: false,
      invitationMailed: true,
    });
    expect(again).toMatchObject({ added: false, invitationMailed: true });
    expect(await mailsTo(email)).toHaveLength(1);
    expect(mail.subject).toContain('Потребители АД');
    expect(mail.text).toMatch(/https:\/\/hub\.example\/invite\/[A-Za-z0-9_-]{43}/);
    expect(listed).toEqual([expect.objectContaining({ email, role: 'admin', addedBy: null })]);
  });

  test('keeps the last admin, and removes a clerk', async () => {
    const admin = uniqueEmail('cli-last');
    const clerk = uniqueEmail('cli-clerk');
    await hub(['issuer', 'user', 'add', issuerId, '--email', admin, '--role', 'admin']);
    await hub(['issuer', 'user', 'add', issuerId, '--email', clerk]); // clerk by default

    const removed = json((await hub(['issuer', 'user', 'remove', issuerId, '--email', clerk])).stdout);
    // Two admins now (this one and the first test's): removing one is fine, the other stays.
    const list = (await hub(['issuer', 'user', 'list', issuerId])).stdout;

    expect(removed).toEqual({ issuerId, removed: clerk });
    expect(list).not.toContain(clerk);
    const admins = list
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { email: string; role: string })
      .filter((u) => u.role === 'admin');
    for (const extra of admins.slice(1))
      await hub(['issuer', 'user', 'remove', issuerId, '--email', extra.email]);
    const last = admins[0].email;
    await expect(hub(['issuer', 'user', 'remove', issuerId, '--email', last])).rejects.toMatchObject({
      stderr: expect.stringContaining('at least one admin'),
    });
  });

  test('says so, prints the link and exits 2 when the e-mail cannot be sent; the user is added', async () => {
    const email = uniqueEmail('cli-nomail');
    // A mail server that turns every connection away. (A port merely free when chosen may be taken meanwhile by
    // another suite's SMTP server, which would then accept the mail.)
    const refusing = net.createServer((socket) => socket.end('421 4.3.2 service not available\r\n'));
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const { port } = refusing.address() as net.AddressInfo;

    const failed = await hub(['issuer', 'user', 'add', issuerId, '--email', email], {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
    })
      .catch((error: { code: number; stdout: string; stderr: string }) => error)
      .finally(() => refusing.close());

    expect('code' in failed ? failed.code : 0).toBe(2);
    expect(json(failed.stdout)).toMatchObject({ email, added: true, invitationMailed: false });
    expect(failed.stderr).toMatch(/give them this link: https:\/\/hub\.example\/invite\//);
    // Run again once mail works: the invitation goes out.
    const retried = json((await hub(['issuer', 'user', 'add', issuerId, '--email', email])).stdout);
    expect(retried).toMatchObject({ added: false, invitationMailed: true });
  });

  test('refuses a wrong role, an unknown issuer and a non-address', async () => {
    await expect(
      hub(['issuer', 'user', 'add', issuerId, '--email', uniqueEmail(), '--role', 'owner']),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('--role must be admin or clerk'),
    });
    await expect(
      hub(['issuer', 'user', 'add', crypto.randomUUID(), '--email', uniqueEmail(), '--role', 'admin']),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('no issuer') });
    await expect(hub(['issuer', 'user', 'add', issuerId, '--email', 'nobody'])).rejects.toMatchObject({
      stderr: expect.stringContaining('not an e-mail address'),
    });
  });
});

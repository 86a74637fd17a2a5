import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { makeAs2Keys } from '../support/as2-peers';
import { randomEik } from '../support/hub';
import { makeSshKey } from '../support/openssh';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');

describe('bin/hub channel commands', () => {
  const dataDir = path.join(
    process.env.HUB_TEST_ROOT as string,
    `cli-channels-${crypto.randomUUID().slice(0, 8)}`,
  );
  const env = { ...process.env, DATA_DIR: dataDir };
  const hub = async (...args: string[]) => (await run(process.execPath, [HUB, ...args], { env })).stdout;
  const jsonLines = (out: string) =>
    out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line));
  let issuerId: string;

  beforeAll(async () => {
    ({ id: issuerId } = JSON.parse(
      await hub(
        'issuer',
        'add',
        '--name',
        'Канали АД',
        '--eik',
        randomEik(),
        '--email',
        'c@channels.example',
      ),
    ));
  });

  test('sftp-key add, list and remove: several keys per issuer, by id or fingerprint', async () => {
    const first = await makeSshKey();
    const second = await makeSshKey(undefined, 'rsa');
    const a = JSON.parse(await hub('issuer', 'sftp-key', 'add', issuerId, '--key', first.publicKeyFile));
    const b = JSON.parse(await hub('issuer', 'sftp-key', 'add', issuerId, '--key', second.publicKeyFile));
    expect(a.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(b.algorithm).toBe('ssh-rsa');
    // The fingerprint is OpenSSH's own.
    const keygen = (await run('ssh-keygen', ['-lf', first.publicKeyFile])).stdout;
    expect(keygen).toContain(a.fingerprint);
    expect(jsonLines(await hub('issuer', 'sftp-key', 'list', issuerId)).map((k) => k.fingerprint)).toEqual([
      a.fingerprint,
      b.fingerprint,
    ]);
    await expect(
      hub('issuer', 'sftp-key', 'add', issuerId, '--key', first.publicKeyFile),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('already registered'),
    });
    await expect(
      hub('issuer', 'sftp-key', 'add', issuerId, '--key', first.privateKeyFile),
    ).rejects.toMatchObject({
      stderr: expect.stringContaining('private key'),
    });
    await hub('issuer', 'sftp-key', 'remove', issuerId, a.fingerprint);
    await hub('issuer', 'sftp-key', 'remove', issuerId, b.id);
    expect(jsonLines(await hub('issuer', 'sftp-key', 'list', issuerId))).toEqual([]);
  });

  test('as2 set, show and certificate: a partner with two signing certificates during a rollover', async () => {
    const old = makeAs2Keys('PARTNER-CLI');
    const renewed = makeAs2Keys('PARTNER-CLI');
    await hub('issuer', 'as2', 'set', issuerId, '--as2-id', 'PARTNER-CLI', '--cert', old.certPath);
    const shown = JSON.parse(
      await hub('issuer', 'as2', 'set', issuerId, '--as2-id', 'PARTNER-CLI', '--cert', renewed.certPath),
    );
    expect(shown).toMatchObject({ as2Id: 'PARTNER-CLI', requireSignature: true, requireEncryption: false });
    expect(shown.certificates).toHaveLength(2);
    const [first] = shown.certificates;
    await hub('issuer', 'as2', 'remove-cert', issuerId, first.fingerprint);
    expect(JSON.parse(await hub('issuer', 'as2', 'show', issuerId)).certificates).toHaveLength(1);

    // The hub's own certificate: made once into the data folder, the same every time it is asked for.
    const certificate = await hub('as2', 'certificate');
    expect(certificate).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(await hub('as2', 'certificate')).toBe(certificate);
    expect(fs.readFileSync(path.join(dataDir, 'as2', 'hub-cert.pem'), 'utf8').trim()).toBe(
      certificate.trim(),
    );
  });

  test('commands name an unknown issuer', async () => {
    await expect(hub('issuer', 'sftp-key', 'list', crypto.randomUUID())).rejects.toMatchObject({
      stderr: expect.stringContaining('no issuer'),
    });
  });
});

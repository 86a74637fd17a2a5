import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../embedded/ports';
import { randomEik } from '../support/hub';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');

describe('bin/hub issuer add while no hub is running', () => {
  test('starts the data folder’s own PostgreSQL, registers the issuer, stops it again, and keeps the issuer', async () => {
    const dataDir = path.join(process.env.HUB_TEST_ROOT as string, `cli-${crypto.randomUUID().slice(0, 8)}`);
    // The data folder does not exist yet, as on a fresh clone: the command makes it (passable by PostgreSQL's user).
    const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PG_PORT: String(await freePort()) };
    const add = (eik: string) =>
      run(
        process.execPath,
        [HUB, 'issuer', 'add', '--name', 'Водоснабдяване АД', '--eik', eik, '--email', 'b@w.example'],
        {
          env,
        },
      );

    const eik = randomEik();
    const first = JSON.parse((await add(eik)).stdout) as { id: string; apiKey: string };
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.apiKey).toMatch(/^hub_/);
    // The server it started is gone again, and the cluster keeps the issuer: the same EIK is refused next time.
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
    await expect(add(eik)).rejects.toMatchObject({ stderr: expect.stringContaining('already registered') });
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { parsePublicKey } from '../../connectors/sftp/keys';
import { createPool, type Db } from '../../db';
import { addSftpKey } from '../../db/sftp-keys';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { addTestIssuer, eventually, uniqueEmail } from '../support/hub';
import { makeSshKey, opensshAvailable, sftpBatch, type SftpTarget } from '../support/openssh';
import { launchHub, type HubUnderTest } from '../support/running-hub';
import { workFolder } from '../support/sftp-hub';

const FILES = 200;
const describeWithOpenssh = opensshAvailable ? describe : describe.skip;

describeWithOpenssh('the hub killed with SIGKILL during an SFTP batch of 200 files', () => {
  let hub: HubUnderTest;
  let db: Db;

  beforeAll(async () => {
    hub = await launchHub({
      embedded: false,
      env: { DELIVERY_RECOVERY_SECONDS: '2', REMINDER_DELAYS: '1h' },
    });
    db = createPool(process.env.DATABASE_URL as string, 4);
  });
  afterAll(async () => {
    await hub?.stop();
    await db?.end();
  });

  test('restarts and ends with every file ingested exactly once and acknowledged exactly once', async () => {
    const { issuer } = await addTestIssuer(db);
    const key = await makeSshKey();
    await addSftpKey(db, { issuerId: issuer.id, ...parsePublicKey(key.publicKey) });
    const target: SftpTarget = { port: hub.sftpPort, user: issuer.id, key: key.privateKeyFile };
    const dir = workFolder();
    const files = Array.from({ length: FILES }, (_, i) => {
      const name = `inv-${String(i).padStart(3, '0')}.xml`;
      const number = nextInvoiceNumber();
      fs.writeFileSync(
        path.join(dir, name),
        makeUblInvoice({ number, buyerEmail: uniqueEmail('sftp-crash') }),
      );
      return { name, number };
    });
    const recorded = async () =>
      Number(
        (await db.query('select count(*) from deliveries where issuer_id = $1', [issuer.id])).rows[0].count,
      );

    // One connection, sequential puts, as a billing system's batch does; the hub dies part-way through.
    const upload = sftpBatch(target, ['cd inbox', ...files.map((f) => `put ${f.name}`)], { cwd: dir });
    await eventually(async () => (await recorded()) >= 40, 120_000, 'the first 40 files to arrive');
    const killedAt = await recorded();
    await hub.killAndRestart();
    const interrupted = await upload;
    progress(`hub killed after ${killedAt} files arrived; restarted`);
    expect(interrupted.code).not.toBe(0); // the client saw the connection die
    expect(await recorded()).toBeLessThan(FILES);

    // What a careful client does after a lost connection: a file it sees in /inbox (received, being processed) or
    // with an acknowledgement in /outbox has arrived; it sends only the others, and waits for the acknowledgements.
    const acknowledged = await eventually(
      async () => {
        const inbox = await sftpBatch(target, ['cd /inbox', 'ls -1']);
        const outbox = await sftpBatch(target, ['cd /outbox', 'ls -1']);
        if (inbox.code !== 0 || outbox.code !== 0) return undefined; // the hub is still starting
        const present = new Set([...lines(inbox.stdout), ...lines(outbox.stdout)]);
        const missing = files.filter((f) => !present.has(f.name) && !present.has(`${f.name}.ack.json`));
        if (missing.length) {
          progress(`client sees ${present.size} names; sends ${missing.length} files again`);
          await sftpBatch(target, ['cd inbox', ...missing.map((f) => `put ${f.name}`)], { cwd: dir });
          return undefined;
        }
        const acks = files.filter((f) => present.has(`${f.name}.ack.json`));
        return acks.length === FILES && acks;
      },
      240_000,
      'every file to be acknowledged',
    );
    expect(acknowledged).toHaveLength(FILES);

    const invoices = await db.query<{ number: string; n: string }>(
      `select number, count(*) as n from invoices where issuer_id = $1 and channel = 'sftp' group by number`,
      [issuer.id],
    );
    expect(invoices.rows).toHaveLength(FILES);
    expect(invoices.rows.filter((r) => r.n !== '1')).toEqual([]);
    expect(new Set(invoices.rows.map((r) => r.number))).toEqual(new Set(files.map((f) => f.number)));

    // Every delivery became its invoice: none is a duplicate (no file was taken twice) and none was lost.
    const deliveries = await db.query<{ status: string; n: string }>(
      'select status, count(*) as n from deliveries where issuer_id = $1 group by status',
      [issuer.id],
    );
    expect(deliveries.rows).toEqual([{ status: 'accepted', n: String(FILES) }]);
    const acks = await db.query<{ name: string; n: string }>(
      `select name, count(*) as n from channel_answers where issuer_id = $1 and answer_key like 'ack:%' group by name`,
      [issuer.id],
    );
    expect(acks.rows).toHaveLength(FILES);
    expect(acks.rows.filter((r) => r.n !== '1')).toEqual([]);

    // And each invoice goes on through its lifecycle: mailed once.
    await eventually(
      async () => {
        const { rows } = await db.query(
          `select count(*) from invoices where issuer_id = $1 and status = 'awaiting view'`,
          [issuer.id],
        );
        return Number(rows[0].count) === FILES;
      },
      240_000,
      'every invoice to be mailed',
    );
    const mails = await db.query(
      `select m.invoice_id, count(*) as n from sent_mail m join invoices i on i.id = m.invoice_id
        where i.issuer_id = $1 and m.kind in ('invitation', 'new-invoice') group by 1 having count(*) <> 1`,
      [issuer.id],
    );
    expect(mails.rows).toEqual([]);
  }, 600_000);
});

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('sftp>'));
}

/** Where the long test is, for whoever watches it run. */
function progress(message: string): void {
  process.stderr.write(`sftp-crash: ${message}\n`);
}

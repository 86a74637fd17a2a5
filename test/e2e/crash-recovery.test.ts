import { createPool, type Db } from '../../db';
import { readMailbox } from '../../embedded/mail-server';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { addTestIssuer, eventually, uniqueEmail } from '../support/hub';
import { launchHub, type HubUnderTest } from '../support/running-hub';

const IN_FLIGHT = 50;

describe('a worker killed with SIGKILL while invoices are in flight', () => {
  let hub: HubUnderTest;
  let db: Db;

  beforeAll(async () => {
    hub = await launchHub({ embedded: false });
    db = createPool(process.env.DATABASE_URL as string, 4);
  });
  afterAll(async () => {
    await hub?.stop();
    await db?.end();
  });

  test('loses nothing and duplicates nothing: every invoice archived once and mailed once', async () => {
    const { apiKey } = await addTestIssuer(db);
    const recipients = Array.from({ length: IN_FLIGHT }, () => uniqueEmail('crash'));
    const responses = await Promise.all(
      recipients.map((email) =>
        fetch(`${hub.url}/api/v1/invoices`, {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
          body: makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: email }),
        }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(recipients.map(() => 202));
    const ids: string[] = await Promise.all(responses.map(async (r) => (await r.json()).id));

    // Kill the worker once some invoices are through and others are not.
    const progress = async () =>
      Number(
        (
          await db.query(
            `select count(*) from invoice_events where invoice_id = any($1) and type = 'archived'`,
            [ids],
          )
        ).rows[0].count,
      );
    await eventually(async () => (await progress()) >= 5, 60_000, 'the first invoices to be archived');
    const workerPid = hub.workerPid();
    const killedAt = await progress();
    process.kill(workerPid, 'SIGKILL');
    expect(killedAt).toBeLessThan(IN_FLIGHT);

    // The supervisor starts a new worker; Temporal hands it what the dead one had.
    await eventually(
      async () => {
        const { rows } = await db.query(
          `select count(*) from invoices where id = any($1) and status = 'awaiting view'`,
          [ids],
        );
        return Number(rows[0].count) === IN_FLIGHT;
      },
      120_000,
      'all invoices to await their view',
    );
    expect(hub.workerPid()).not.toBe(workerPid);

    const archived = await db.query(
      'select invoice_id, count(*) from invoice_archive where invoice_id = any($1) group by 1',
      [ids],
    );
    expect(archived.rows).toHaveLength(IN_FLIGHT);
    const events = await db.query(
      `select invoice_id, type, count(*) as n from invoice_events where invoice_id = any($1) group by 1, 2 having count(*) > 1`,
      [ids],
    );
    expect(events.rows).toEqual([]);
    const sent = await db.query(
      `select state, count(*) from sent_mail where invoice_id = any($1) group by 1`,
      [ids],
    );
    expect(sent.rows).toEqual([{ state: 'sent', count: String(IN_FLIGHT) }]);

    const mailbox = await readMailbox(process.env.DEV_MAIL_DIR as string);
    for (const email of recipients) {
      expect(mailbox.filter((m) => m.to.includes(email)).map((m) => m.to)).toEqual([[email]]);
    }
  });
});

import { ApplicationFailure } from '@temporalio/common';
import type { Db } from '../../db';
import { verificationActivities } from '../../activities/verification';
import { acceptInvoice } from '../../intake';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { addTestIssuer, startTestHub, uniqueEmail, type TestHub } from '../support/hub';

/**
 * Found by the cluster test: a database connection lost while verification read the issuer's numbering was taken
 * for an unreadable invoice, failed the activity as non-retryable and so the whole lifecycle. A database that is away
 * is the hub's trouble, retried like any other; only the invoice's own content may end its lifecycle.
 */
describe('verification when the database goes away', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
  });
  afterAll(async () => {
    await hub?.stop();
  });

  /** The real pool, except that the numbering query fails the way a PostgreSQL killed mid-query fails it. */
  function losingNumbering(db: Db): Db {
    return new Proxy(db, {
      get(target, property, receiver) {
        if (property !== 'query') return Reflect.get(target, property, receiver);
        return (text: unknown, ...rest: unknown[]) =>
          typeof text === 'string' && text.includes("summary ->> 'issueDate' as issue_date")
            ? Promise.reject(new Error('Connection terminated unexpectedly'))
            : (target.query as (...args: unknown[]) => unknown)(text, ...rest);
      },
    });
  }

  test('a connection lost while reading the numbering is an ordinary, retryable failure', async () => {
    const { issuer } = await addTestIssuer(hub.db);
    const { invoice } = await acceptInvoice(hub, {
      issuer,
      bytes: Buffer.from(makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail() })),
      channel: 'api',
    });
    const activities = verificationActivities({ db: losingNumbering(hub.db), config: hub.config });

    const failure = await activities.verifyInvoice(invoice.id).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toBe('Connection terminated unexpectedly');
    expect(failure instanceof ApplicationFailure && failure.nonRetryable).toBe(false);

    // The same invoice with the database back is verified.
    const outcome = await verificationActivities({ db: hub.db, config: hub.config }).verifyInvoice(
      invoice.id,
    );
    expect(outcome).toMatchObject({ accepted: true, reasons: [] });
  });
});

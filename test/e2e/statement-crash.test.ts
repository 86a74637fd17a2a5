import { createPool, type Db } from '../../db';
import { fromCents, toCents } from '../../domain/money';
import type { BankStatement, StatementEntry } from '../../domain/payments/model';
import { statusQuery, type LifecycleState } from '../../workflows/messages';
import { toCamt053 } from '../domain/payments/generate-statement';
import { addTestIssuer, eventually, uniqueEmail } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { launchHub, type HubUnderTest } from '../support/running-hub';
import { Client, Connection } from '@temporalio/client';

const INVOICES = 50;
const PAYMENTS_PER_INVOICE = 10;
const UNKNOWN = 250;
const FEES = 250;
const ENTRIES = INVOICES * PAYMENTS_PER_INVOICE + UNKNOWN + FEES; // 1,000

/**
 * The worker SIGKILLed while a 1,000-entry statement is being imported: 500 partial payments naming 50 invoices,
 * 250 transfers nobody can place, 250 bank fees. Afterwards every entry is in the ledger once, every payment is in
 * its invoice's lifecycle once, and the same file sent again changes nothing.
 */
describe('the worker killed with SIGKILL during a statement import', () => {
  let hub: HubUnderTest;
  let db: Db;
  let temporal: Client;

  beforeAll(async () => {
    hub = await launchHub({
      embedded: false,
      env: { DELIVERY_RECOVERY_SECONDS: '2', REMINDER_DELAYS: '1h' },
    });
    db = createPool(process.env.DATABASE_URL as string, 4);
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
    temporal = new Client({ connection, namespace: hub.env.TEMPORAL_NAMESPACE ?? 'default' });
  });
  afterAll(async () => {
    await hub?.stop();
    await temporal?.connection.close();
    await db?.end();
  });

  test('ends with every entry recorded exactly once, and each payment once in its lifecycle', async () => {
    const { issuer, apiKey } = await addTestIssuer(db);
    const numbers = Array.from({ length: INVOICES }, () => nextInvoiceNumber());
    for (let i = 0; i < INVOICES; i += 20) {
      const answers = await Promise.all(
        numbers.slice(i, i + 20).map((number) =>
          fetch(`${hub.url}/api/v1/invoices`, {
            method: 'POST',
            headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
            body: makeUblInvoice({ number, buyerEmail: uniqueEmail('statement-crash') }),
          }),
        ),
      );
      expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    }
    const waiting = async () =>
      Number(
        (
          await db.query(`select count(*) from invoices where issuer_id = $1 and status = 'awaiting view'`, [
            issuer.id,
          ])
        ).rows[0].count,
      );
    await eventually(async () => (await waiting()) === INVOICES, 180_000, 'every invoice to await its view');

    const file = Buffer.from(toCamt053(statementFor(numbers)));
    const posted = await postStatement(hub.url, apiKey, file);
    expect(posted.status).toBe(202);
    const importId = (posted.body as { id: string }).id;

    // Kill the worker once some payments are in their lifecycles and most are not.
    const recorded = async () =>
      Number(
        (
          await db.query(
            `select count(*) from invoice_payments p join statement_entries e on e.id = p.entry_id
              where e.import_id = $1 and p.state = 'recorded'`,
            [importId],
          )
        ).rows[0].count,
      );
    await eventually(async () => (await recorded()) >= 20, 120_000, 'the first payments to be recorded');
    const workerPid = hub.workerPid();
    const recordedWhenKilled = await recorded();
    process.kill(workerPid, 'SIGKILL');
    progress(
      `worker killed with ${recordedWhenKilled} of ${INVOICES * PAYMENTS_PER_INVOICE} payments recorded`,
    );
    expect(recordedWhenKilled).toBeLessThan(INVOICES * PAYMENTS_PER_INVOICE);

    const status = async () =>
      (await db.query<{ status: string }>('select status from statement_imports where id = $1', [importId]))
        .rows[0].status;
    await eventually(async () => (await status()) === 'imported', 180_000, 'the import to finish');
    expect(hub.workerPid()).not.toBe(workerPid);

    // The ledger: each entry once, decided as its story says.
    const states = await db.query<{ state: string; n: string }>(
      'select state, count(*) as n from statement_entries where import_id = $1 group by state order by state',
      [importId],
    );
    expect(Object.fromEntries(states.rows.map((r) => [r.state, Number(r.n)]))).toEqual({
      matched: INVOICES * PAYMENTS_PER_INVOICE,
      'not-a-payment': FEES,
      review: UNKNOWN,
    });
    const payments = await db.query<{ invoice_id: string; payment_key: string; state: string }>(
      `select p.invoice_id, p.payment_key, p.state from invoice_payments p join statement_entries e on e.id = p.entry_id
        where e.import_id = $1`,
      [importId],
    );
    expect(payments.rows).toHaveLength(INVOICES * PAYMENTS_PER_INVOICE);
    expect(payments.rows.every((p) => p.state === 'recorded')).toBe(true);

    // The lifecycles: each payment exactly once, the balance what the entries add up to.
    const invoices = await db.query<{ id: string; number: string; workflow_id: string }>(
      'select id, number, workflow_id from invoices where issuer_id = $1',
      [issuer.id],
    );
    const seen = new Map<string, number>();
    for (const invoice of invoices.rows) {
      const state = await temporal.workflow.getHandle(invoice.workflow_id).query<LifecycleState>(statusQuery);
      expect(state.payments).toHaveLength(PAYMENTS_PER_INVOICE);
      for (const payment of state.payments)
        seen.set(payment.paymentId, (seen.get(payment.paymentId) ?? 0) + 1);
      expect(state.amountPaid).toBe(fromCents(toCents(PART) * BigInt(PAYMENTS_PER_INVOICE)));
    }
    expect(seen.size).toBe(INVOICES * PAYMENTS_PER_INVOICE);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(payments.rows.map((p) => p.payment_key))).toEqual(new Set(seen.keys()));

    // The same file again: the first import's answer, nothing new.
    const again = await postStatement(hub.url, apiKey, file);
    expect(again.status).toBe(200);
    expect((again.body as { id: string; duplicate: boolean }).duplicate).toBe(true);
    const total = await db.query('select count(*) from statement_entries where issuer_id = $1', [issuer.id]);
    expect(Number(total.rows[0].count)).toBe(ENTRIES);
  });
});

const PART = '1.25';
const ACCOUNT = 'BG80BNBG96611020345678';

/** One day's statement of the issuer's account: partial payments by invoice number, unknown transfers, fees. */
function statementFor(numbers: string[]): BankStatement {
  const entries: StatementEntry[] = [];
  const add = (
    entry: Omit<StatementEntry, 'index' | 'bankReference' | 'bookingDate' | 'currency' | 'status'>,
  ) =>
    entries.push({
      index: entries.length,
      bankReference: `CRASH-${String(entries.length).padStart(5, '0')}`,
      bookingDate: '2026-11-30',
      valueDate: '2026-11-30',
      currency: 'EUR',
      status: 'BOOK',
      ...entry,
    });
  numbers.forEach((number, i) => {
    for (let part = 1; part <= PAYMENTS_PER_INVOICE; part++) {
      add({
        amount: PART,
        direction: 'credit',
        reversal: false,
        counterparty: {
          name: `Клиент ${i} ЕООД`,
          iban: `BG${String(10 + (i % 89)).padStart(2, '0')}UNCR7000${String(i).padStart(10, '0')}`,
        },
        remittance: [`Вноска ${part} по ф-ра № ${number}`],
      });
    }
  });
  for (let i = 0; i < UNKNOWN; i++) {
    add({
      amount: `${7 + (i % 50)}.77`,
      direction: 'credit',
      reversal: false,
      counterparty: {
        name: `Непознат ${i}`,
        iban: `BG${String(10 + (i % 89)).padStart(2, '0')}FINV9150${String(i).padStart(10, '0')}`,
      },
      remittance: ['Захранване на сметка'],
    });
  }
  for (let i = 0; i < FEES; i++) {
    add({ amount: '0.50', direction: 'debit', reversal: false, remittance: ['Такса за превод'] });
  }
  const credits = entries.filter((e) => e.direction === 'credit').reduce((s, e) => s + toCents(e.amount), 0n);
  const debits = entries.filter((e) => e.direction === 'debit').reduce((s, e) => s + toCents(e.amount), 0n);
  const opening = 100_000_00n;
  return {
    format: 'camt.053',
    version: '02',
    id: `CRASH-${numbers[0]}`,
    createdAt: '2026-11-30T18:00:00',
    account: { iban: ACCOUNT, currency: 'EUR' },
    openingBalance: { amount: fromCents(opening), currency: 'EUR', date: '2026-11-29' },
    closingBalance: { amount: fromCents(opening + credits - debits), currency: 'EUR', date: '2026-11-30' },
    entries,
  };
}

async function postStatement(url: string, apiKey: string, file: Buffer) {
  const response = await fetch(`${url}/api/v1/statements?name=crash.xml`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
    body: new Uint8Array(file),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

function progress(line: string): void {
  process.stdout.write(`statement-crash: ${line}\n`);
}

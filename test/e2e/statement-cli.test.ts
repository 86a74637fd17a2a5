import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Issuer } from '../../db/issuers';
import { fromCents, toCents } from '../../domain/money';
import type { BankStatement, StatementEntry } from '../../domain/payments/model';
import { toCamt053 } from '../domain/payments/generate-statement';
import { deliverInvoice, stateOf } from '../support/dispute-hub';
import { addTestIssuer, startTestHub, uniqueEmail, type TestHub } from '../support/hub';

const run = promisify(execFile);
const HUB = path.resolve(__dirname, '..', '..', 'bin', 'hub');

/**
 * `bin/hub statement import FILE --issuer ID` against the test run's PostgreSQL and Temporal, with a worker on its
 * task queue: the file goes through the statements' one door, the command follows the import (progress on stderr)
 * and prints what became of the entries; the same file again is the first import; an unreadable file exits 1 with why.
 */
describe('bin/hub statement import', () => {
  let hub: TestHub;
  let issuer: Issuer;
  const dir = path.join(
    process.env.HUB_TEST_ROOT as string,
    `cli-statements-${crypto.randomUUID().slice(0, 8)}`,
  );

  beforeAll(async () => {
    hub = await startTestHub({ REMINDER_DELAYS: '1h' });
    ({ issuer } = await addTestIssuer(hub.db));
    fs.mkdirSync(dir, { recursive: true });
  });
  afterAll(() => hub?.stop());

  const cli = (...args: string[]) =>
    run(process.execPath, [HUB, 'statement', 'import', ...args, '--issuer', issuer.id], {
      env: { ...process.env, DATA_DIR: dir, TEMPORAL_TASK_QUEUE: hub.config.taskQueue },
    });

  test('imports, follows the matching, and prints the counts; the same file again changes nothing', async () => {
    const { invoice } = await deliverInvoice(hub, issuer, uniqueEmail('cli-statement'));
    const total = (await stateOf(hub, invoice.workflowId)).summary?.total as string;
    const file = path.join(dir, 'day.xml');
    fs.writeFileSync(file, toCamt053(statement(invoice.number, total)));

    const first = await cli(file);
    const printed = JSON.parse(first.stdout);
    expect(printed).toMatchObject({
      status: 'imported',
      duplicate: false,
      format: 'camt.053',
      counts: { inFile: 2, entries: 2, matched: 1, notAPayment: 1, review: 0 },
    });
    expect(first.stderr).toMatch(/entries .* 2\/2/);
    expect((await stateOf(hub, invoice.workflowId)).status).toBe('paid');

    const again = JSON.parse((await cli(file)).stdout);
    expect(again).toMatchObject({ id: printed.id, duplicate: true, status: 'imported' });
  });

  test('a file that is not a statement exits 1 with the reason, and is kept', async () => {
    const file = path.join(dir, 'notes.txt');
    fs.writeFileSync(file, 'Dear accounts, please find the statement attached.\n');
    const failed = await cli(file).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    const printed = JSON.parse(failed?.stdout ?? '{}');
    expect(printed.status).toBe('refused');
    expect(printed.refusal.code).toBe('UNKNOWN_FORMAT');
    const kept = await hub.db.query('select status from statement_imports where id = $1', [printed.id]);
    expect(kept.rows[0].status).toBe('refused');
  });
});

/** The invoice paid in full by number, and a bank fee. */
function statement(number: string, total: string): BankStatement {
  const entry = (index: number, fields: Partial<StatementEntry>): StatementEntry => ({
    index,
    bankReference: `CLI-${number}-${index}`,
    bookingDate: '2026-11-30',
    amount: '0.00',
    currency: 'EUR',
    direction: 'credit',
    reversal: false,
    status: 'BOOK',
    remittance: [],
    ...fields,
  });
  const entries = [
    entry(0, {
      amount: total,
      remittance: [`Плащане по фактура ${number}`],
      counterparty: { name: 'Купувач ООД' },
    }),
    entry(1, { amount: '1.20', direction: 'debit', remittance: ['Такса превод'] }),
  ];
  const opening = 1_000_00n;
  return {
    format: 'camt.053',
    version: '02',
    id: `CLI-${number}`,
    account: { iban: 'BG80BNBG96611020345678', currency: 'EUR' },
    openingBalance: { amount: fromCents(opening), currency: 'EUR', date: '2026-11-29' },
    closingBalance: {
      amount: fromCents(opening + toCents(total) - 120n),
      currency: 'EUR',
      date: '2026-11-30',
    },
    entries,
  };
}

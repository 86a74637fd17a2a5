import { PurgeLedger } from '../../../domain/archive/purges';
import { recordSpec, type ArchiveRecordSpec } from '../../../domain/archive/records';
import { parseInvoiceReference, purgeDateProblem } from '../../../domain/archive/retention';
import type { RecordPair } from '../../../domain/archive/verify';

const ID = '7d18c518-0000-4000-8000-000000000001';

describe('retention in plain data', () => {
  it('names an invoice by its id or by ISSUER-EIK/NUMBER, and nothing else', () => {
    expect(parseInvoiceReference(ID.toUpperCase())).toEqual({ id: ID });
    expect(parseInvoiceReference('123456789/0000000123')).toEqual({
      issuerEik: '123456789',
      number: '0000000123',
    });
    expect(parseInvoiceReference('0000000123')).toBeUndefined();
    expect(parseInvoiceReference('/0000000123')).toBeUndefined();
  });

  it('takes a purge date up to today, and says why it refuses one', () => {
    expect(purgeDateProblem('2026-12-02', '2026-12-02')).toBeUndefined();
    expect(purgeDateProblem('2026-12-03', '2026-12-02')).toMatch(/is in the future \(today is 2026-12-02\)/);
    expect(purgeDateProblem('2026-02-30', '2026-12-02')).toMatch(/must be a date YYYY-MM-DD/);
    expect(purgeDateProblem('1.1.2025', '2026-12-02')).toMatch(/must be a date YYYY-MM-DD/);
  });
});

describe('PurgeLedger', () => {
  const invoice = recordSpec('invoice') as ArchiveRecordSpec;
  const purgeRecord: RecordPair = {
    key: '1',
    record: {
      key: '1',
      values: {
        before: '2025-06-01',
        purged_at: '2026-12-02T10:00:00.000000Z',
        purged_by: 'archivist',
        invoices: JSON.stringify({
          [ID]: {
            number: '1',
            issuer: '1',
            retain_until: '2024-12-31',
            records: [{ seq: 7, type: 'invoice', key: ID }],
          },
        }),
      },
    },
    chained: { seq: 9, fields: [] },
  };
  const gone: RecordPair = { key: ID, chained: { seq: 7, fields: [] } };
  const missing = [{ kind: 'record-missing' as const, message: 'gone', seq: 7 }];
  const ledgerOf = (intact: boolean) =>
    PurgeLedger.read(
      (async function* () {
        yield [purgeRecord];
      })(),
      () => (intact ? [] : [{ kind: 'record-changed', message: 'edited' }]),
    );

  it('counts a record an intact purge lists at its link as purged, not missing', async () => {
    const ledger = await ledgerOf(true);
    expect(ledger.account(invoice, gone, missing)).toEqual([]);
    expect(ledger.purges).toEqual([
      {
        purge: 1,
        purgedAt: '2026-12-02T10:00:00.000000Z',
        before: '2025-06-01',
        invoices: 1,
        records: { invoice: 1 },
      },
    ]);
  });

  it('leaves the break when the purge record does not match its chain entry, or names another link', async () => {
    expect((await ledgerOf(false)).account(invoice, gone, missing)).toEqual(missing);
    const elsewhere = { ...gone, chained: { seq: 8, fields: [] } };
    expect((await ledgerOf(true)).account(invoice, elsewhere, missing)).toEqual(missing);
  });

  it('reports a record a purge lists as removed that is still there', async () => {
    const present: RecordPair = { ...gone, record: { key: ID, values: {} } };
    expect((await ledgerOf(true)).account(invoice, present, [])).toEqual([
      expect.objectContaining({
        kind: 'purge-unfinished',
        message: expect.stringMatching(/purge 1 lists it/),
      }),
    ]);
  });
});

import { archiveSealingActivities } from '../../../activities/archive-sealing';
import { populate, startArchiveHub, type ArchiveHub, type Archived } from './archive-hub';

/**
 * Write-once storage: the database itself refuses UPDATE, DELETE and TRUNCATE on every table that holds archived
 * records, whatever client asks (here the hub's own role, which owns the tables). The two pieces of workflow
 * bookkeeping the application updates (a mail's delivery state, a payment's handover to its lifecycle) still change;
 * the record around them does not.
 */
let hub: ArchiveHub;
let archived: Archived;

beforeAll(async () => {
  hub = await startArchiveHub();
  archived = await populate(hub);
  await archiveSealingActivities(hub).sealArchive();
});
afterAll(() => hub?.stop());

const REFUSED = /append-only/;

/** Each protected table, the row the test tries to change, and a column to change. */
function targets(): { table: string; where: string; key: unknown; column: string; value: unknown }[] {
  const [first] = archived.invoices;
  return [
    { table: 'invoice_archive', where: 'invoice_id = $1', key: first.id, column: 'report', value: {} },
    { table: 'invoice_views', where: 'id = $1', key: archived.viewId, column: 'ip', value: '10.0.0.1' },
    {
      table: 'sent_mail',
      where: 'idempotency_key = $1',
      key: `receipt:${first.id}`,
      column: 'recipient',
      value: 'x@y',
    },
    { table: 'disputes', where: 'id = $1', key: archived.disputeId, column: 'category', value: 'other' },
    {
      table: 'dispute_entries',
      where: 'dispute_id = $1',
      key: archived.disputeId,
      column: 'text',
      value: 'edited',
    },
    {
      table: 'dispute_attachments',
      where: 'dispute_id = $1',
      key: archived.disputeId,
      column: 'file_name',
      value: 'x.png',
    },
    {
      table: 'invoice_payments',
      where: 'payment_key = $1',
      key: archived.paymentKey,
      column: 'amount',
      value: '0.01',
    },
    {
      table: 'reconciliation_decisions',
      where: 'id = $1',
      key: archived.decisionId,
      column: 'note',
      value: 'rewritten',
    },
    { table: 'invoice_events', where: 'invoice_id = $1', key: first.id, column: 'type', value: 'paid' },
    { table: 'view_receipts', where: 'invoice_id = $1', key: first.id, column: 'sha256', value: '0' },
    { table: 'archive_chain', where: 'seq = $1', key: 1, column: 'record_key', value: 'x' },
    { table: 'archive_seals', where: 'seal = $1', key: 1, column: 'head_seq', value: 0 },
  ];
}

describe('every archived record is written once', () => {
  it.each([
    'invoice_archive',
    'invoice_views',
    'sent_mail',
    'disputes',
    'dispute_entries',
    'dispute_attachments',
    'invoice_payments',
    'reconciliation_decisions',
    'invoice_events',
    'view_receipts',
    'archive_chain',
    'archive_seals',
  ])('%s refuses UPDATE, DELETE and TRUNCATE', async (table) => {
    const target = targets().find((t) => t.table === table)!;
    const count = async () =>
      Number(
        (await hub.db.query(`select count(*) from ${table} where ${target.where}`, [target.key])).rows[0]
          .count,
      );
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await expect(
      hub.db.query(`update ${table} set ${target.column} = $2 where ${target.where}`, [
        target.key,
        target.value,
      ]),
    ).rejects.toThrow(table === 'reconciliation_decisions' ? /kept as made/ : REFUSED);
    await expect(hub.db.query(`delete from ${table} where ${target.where}`, [target.key])).rejects.toThrow(
      table === 'reconciliation_decisions' ? /kept as made/ : REFUSED,
    );
    await expect(hub.db.query(`truncate ${table} cascade`)).rejects.toThrow(REFUSED);
    expect(await count()).toBe(before);
  });

  it("lets a mail's delivery state and a payment's handover change, and nothing else of those rows", async () => {
    const key = `receipt:${archived.invoices[0].id}`;
    await hub.db.query(`update sent_mail set state = 'sent', sent_at = now() where idempotency_key = $1`, [
      key,
    ]);
    await expect(
      hub.db.query(
        `update sent_mail set state = 'sent', message_id = '<other@x>' where idempotency_key = $1`,
        [key],
      ),
    ).rejects.toThrow(/only state and sent_at may change/);

    const payment = archived.paymentKey;
    await hub.db.query(
      `update invoice_payments set state = 'recorded', recorded_at = now() where payment_key = $1`,
      [payment],
    );
    await expect(
      hub.db.query(
        `update invoice_payments set state = 'recorded', paid_at = '2020-01-01' where payment_key = $1`,
        [payment],
      ),
    ).rejects.toThrow(/only state, refusal and recorded_at may change/);
  });
});

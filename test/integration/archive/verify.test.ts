import type { PoolClient } from 'pg';
import { archiveSealingActivities } from '../../../activities/archive-sealing';
import { LOCAL_TIMESTAMP_UNIT_NAME } from '../../../platform/archive-keys';
import {
  archiveVerify,
  breaksOf,
  editByHand,
  populate,
  startArchiveHub,
  type ArchiveHub,
  type Archived,
  verifyHere,
} from './archive-hub';

/**
 * `bin/hub archive verify` on a hub whose archive holds a record of every type and one seal: it passes untouched, and
 * finds each hand edit made as the database's owner with every trigger off (session_replication_role = replica), the
 * way someone who bypasses the write-once triggers would make it, saying which record and what differs. Each test
 * puts back what it changed, so the next one starts from an intact archive.
 */
let hub: ArchiveHub;
let archived: Archived;

beforeAll(async () => {
  hub = await startArchiveHub();
  archived = await populate(hub);
  await archiveSealingActivities(hub).sealArchive();
});
afterAll(() => hub?.stop());

const hex = /[0-9a-f]{64}/.source;

async function linkOf(type: string, key: string): Promise<number> {
  const { rows } = await hub.db.query<{ seq: string }>(
    'select seq from archive_chain where record_type = $1 and record_key = $2',
    [type, key],
  );
  return Number(rows[0].seq);
}

/** Makes the edit, verifies, puts the row back, and checks that the archive verifies again. */
async function breaksAfter(edit: (c: PoolClient) => Promise<unknown>, undo: typeof edit, check = verifyHere) {
  await editByHand(hub, edit);
  const report = await check(hub);
  await editByHand(hub, undo);
  expect(breaksOf((await verifyHere(hub)).lines)).toEqual([]);
  return { code: report.code, breaks: breaksOf(report.lines) };
}

describe('bin/hub archive verify', () => {
  it('passes on an untouched archive, naming what it checked and who time-stamped the seals', async () => {
    const report = await archiveVerify(hub);
    expect(report.code).toBe(0);
    expect(report.lines[0]).toMatch(new RegExp(`^chain: \\d+ links, head \\d+ ${hex}$`));
    expect(report.lines[1]).toMatch(
      /^records: 2 invoice, 1 view, \d+ mail, 1 dispute, 1 dispute-entry, 1 dispute-attachment, 1 payment, 1 reconciliation-decision, \d+ event, 1 view-receipt$/,
    );
    expect(report.lines[2]).toMatch(
      new RegExp(
        `^seals: 1, the last \\(1\\) over link \\d+ at .*; timestamps by ${LOCAL_TIMESTAMP_UNIT_NAME.replace(/[()]/g, '\\$&')}$`,
      ),
    );
    expect(report.lines.at(-1)).toBe(
      'OK: every archived record matches the chain, and the chain matches its seals',
    );
    expect(breaksOf(report.lines)).toEqual([]);
  });

  it('finds a changed byte of an original: against its content address and against the chain', async () => {
    const [invoice] = archived.invoices;
    const { rows } = await hub.db.query<{ original: Buffer }>(
      'select original from invoice_archive where invoice_id = $1',
      [invoice.id],
    );
    const original = rows[0].original;
    const edited = Buffer.from(original);
    edited[100] ^= 0x01;
    const seq = await linkOf('invoice', invoice.id);
    const { code, breaks } = await breaksAfter(
      (c) => c.query('update invoice_archive set original = $2 where invoice_id = $1', [invoice.id, edited]),
      (c) =>
        c.query('update invoice_archive set original = $2 where invoice_id = $1', [invoice.id, original]),
    );
    expect(code).toBe(1);
    const name = `invoice ${invoice.number} \\(${invoice.id}\\)`;
    expect(breaks).toEqual([
      expect.stringMatching(
        new RegExp(`^BREAK original of ${name}: SHA-256 now ${hex}, its content address says ${hex}$`),
      ),
      expect.stringMatching(
        new RegExp(`^BREAK original of ${name}: SHA-256 now ${hex}, chained ${hex} \\(link ${seq}\\)$`),
      ),
    ]);
  });

  it('finds a changed amount in an archived summary and in a model', async () => {
    const [, invoice] = archived.invoices;
    const seq = await linkOf('invoice', invoice.id);
    const { rows } = await hub.db.query<{ summary: string; model: string }>(
      'select summary::text, model::text from invoice_archive where invoice_id = $1',
      [invoice.id],
    );
    const { code, breaks } = await breaksAfter(
      (c) =>
        c.query(
          `update invoice_archive set summary = jsonb_set(summary, '{total}', '"1.00"'),
                                      model = jsonb_set(model, '{totals,payable}', '"1.00"')
            where invoice_id = $1`,
          [invoice.id],
        ),
      (c) =>
        c.query('update invoice_archive set summary = $2::jsonb, model = $3::jsonb where invoice_id = $1', [
          invoice.id,
          rows[0].summary,
          rows[0].model,
        ]),
    );
    expect(code).toBe(1);
    const name = `invoice ${invoice.number} \\(${invoice.id}\\)`;
    expect(breaks).toEqual([
      expect.stringMatching(
        new RegExp(`^BREAK model of ${name}: SHA-256 now ${hex}, chained ${hex} \\(link ${seq}\\)$`),
      ),
      expect.stringMatching(
        new RegExp(`^BREAK summary of ${name}: SHA-256 now ${hex}, chained ${hex} \\(link ${seq}\\)$`),
      ),
    ]);
  });

  it('finds a deleted view log row', async () => {
    const { rows } = await hub.db.query<{ row: unknown }>(
      'select to_jsonb(v) as row from invoice_views v where id = $1',
      [archived.viewId],
    );
    const seq = await linkOf('view', archived.viewId);
    const { code, breaks } = await breaksAfter(
      (c) => c.query('delete from invoice_views where id = $1', [archived.viewId]),
      (c) =>
        c.query('insert into invoice_views select * from jsonb_populate_record(null::invoice_views, $1)', [
          rows[0].row,
        ]),
    );
    expect(code).toBe(1);
    expect(breaks).toEqual([
      `BREAK view ${archived.viewId} (link ${seq}): gone from invoice_views, the chain still has it`,
    ]);
  });

  it('finds two records whose order in the chain was swapped', async () => {
    const a = await linkOf('dispute', archived.disputeId);
    const b = a + 1;
    const swap = async (c: PoolClient) => {
      await c.query('update archive_chain set seq = 999999999 where seq = $1', [a]);
      await c.query('update archive_chain set seq = $1 where seq = $2', [a, b]);
      await c.query('update archive_chain set seq = $1 where seq = 999999999', [b]);
    };
    const { rows } = await hub.db.query<{ record_type: string; record_key: string }>(
      'select record_type, record_key from archive_chain where seq = $1',
      [b],
    );
    const second = `${rows[0].record_type.replace('-', ' ')} ${rows[0].record_key}`;
    const { code, breaks } = await breaksAfter(swap, swap);
    expect(code).toBe(1);
    expect(breaks).toEqual([
      `BREAK record reordered: link ${a} (${second}) was chained after link ${b} (dispute ${archived.disputeId}), not after link ${a - 1}`,
      expect.stringMatching(
        new RegExp(
          `^BREAK record reordered: link ${b} \\(dispute ${archived.disputeId}\\) was chained after link ${a - 1} \\(.+\\), not after link ${a}$`,
        ),
      ),
      expect.stringMatching(
        new RegExp(
          `^BREAK record reordered: link ${b + 1} \\(.+\\) was chained after link ${a} \\(${second}\\), not after link ${b}$`,
        ),
      ),
    ]);
  });

  it('finds a tampered seal', async () => {
    const { rows } = await hub.db.query<{ signature: Buffer }>(
      'select signature from archive_seals where seal = 1',
    );
    const signature = rows[0].signature;
    const tampered = Buffer.from(signature);
    tampered[20] ^= 0xff;
    const { code, breaks } = await breaksAfter(
      (c) => c.query('update archive_seals set signature = $1 where seal = 1', [tampered]),
      (c) => c.query('update archive_seals set signature = $1 where seal = 1', [signature]),
    );
    expect(code).toBe(1);
    expect(breaks).toEqual([
      'BREAK seal 1 signature invalid: it does not verify over the seal document',
      "BREAK seal 1 timestamp invalid: the message imprint does not match the seal's signature",
    ]);
  });

  it('finds a record written with the chain switched off', async () => {
    const { rows } = await hub.db.query('select * from invoice_views where id = $1', [archived.viewId]);
    const view = rows[0];
    const { breaks } = await breaksAfter(
      (c) =>
        c.query('insert into invoice_views (id, invoice_id, recipient_id, ip) values (999999, $1, $2, $3)', [
          view.invoice_id,
          view.recipient_id,
          '203.0.113.9',
        ]),
      (c) => c.query('delete from invoice_views where id = 999999'),
    );
    expect(breaks).toEqual([
      `BREAK view 999999 of invoice ${archived.invoices[0].number}: in invoice_views but not in the chain (its link was removed, or it was written with the chain's trigger off)`,
    ]);
  });

  it('reports every edit at once as JSON, and exits 1', async () => {
    const [invoice] = archived.invoices;
    await editByHand(hub, async (c) => {
      await c.query(
        `update invoice_archive set original = original || '\\x20'::bytea where invoice_id = $1`,
        [invoice.id],
      );
      await c.query(
        `update invoice_archive set summary = jsonb_set(summary, '{total}', '"0.01"') where invoice_id = $1`,
        [invoice.id],
      );
      await c.query('delete from invoice_views where id = $1', [archived.viewId]);
      await c.query(`update archive_seals set head_link = repeat('0', 64) where seal = 1`);
    });
    const report = await archiveVerify(hub, ['--json']);
    expect(report.code).toBe(1);
    const json = JSON.parse(report.stdout) as {
      breaks: { kind: string; recordType?: string; seal?: number }[];
    };
    expect(json.breaks.map((b) => [b.kind, b.recordType ?? `seal ${b.seal}`])).toEqual([
      ['content-address', 'invoice'],
      ['record-changed', 'invoice'],
      ['record-changed', 'invoice'],
      ['record-missing', 'view'],
      ['seal-invalid', 'seal 1'],
      ['seal-invalid', 'seal 1'],
      ['seal-head', 'seal 1'],
    ]);
  });
});

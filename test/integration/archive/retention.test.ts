import crypto from 'node:crypto';
import { archiveSealingActivities } from '../../../activities/archive-sealing';
import { withTransaction } from '../../../db';
import { PURGED_TABLES, purgeOf } from '../../../db/archive/retention';
import { archiveSealing } from '../../../workflows/archive-sealing';
import {
  breaksOf,
  editByHand,
  hubCommand,
  populate,
  startArchiveHub,
  verifyHere,
  archiveVerify,
  type ArchiveHub,
  type Archived,
} from './archive-hub';

/**
 * Retention, legal hold and purge: archived records leave only through `bin/hub archive purge`, only past their
 * retention date and not on hold, checked by the database row by row; the purge is chained and sealed, and
 * `archive verify` counts what it removed instead of reporting it missing.
 *
 * Invoices past retention cannot come through intake today: retention counts from the issue year, and an invoice
 * issued before 2026 must be in leva, which the currency code list no longer has. So `populate` archives two invoices
 * the hub's way (retained until 2036-12-31), and the old ones are copies of them written with every trigger on (the
 * chain appends each record as it would have then), each with its past retention date.
 */
let hub: ArchiveHub;
let archived: Archived;
type Copy = { id: string; number: string; workflowId: string };
let old: Copy; // retained until 2024-12-31, with a record of every type an invoice has; its lifecycle still open
let plain: Copy; // retained until 2024-12-31, with a payment
let held: Copy; // retained until 2024-12-31, put on hold; its lifecycle still open
let later: Copy; // retained until 2025-12-31

beforeAll(async () => {
  hub = await startArchiveHub();
  archived = await populate(hub);
  const [first, second] = archived.invoices;
  old = await archivedCopy(first.id, '2024-12-31', { lifecycle: true });
  plain = await archivedCopy(second.id, '2024-12-31');
  held = await archivedCopy(second.id, '2024-12-31', { lifecycle: true });
  later = await archivedCopy(second.id, '2025-12-31');
  await archiveSealingActivities(hub).sealArchive();
});
afterAll(() => hub?.stop());

/**
 * A copy of an archived invoice with all its records (timeline, mails, views and signed receipt, disputes with their
 * threads and attachments, payments) under a new id and number, retained until `retainUntil`; with `lifecycle`, a
 * long-running workflow stands for its open lifecycle.
 */
async function archivedCopy(
  source: string,
  retainUntil: string,
  options: { lifecycle?: boolean } = {},
): Promise<Copy> {
  const id = crypto.randomUUID();
  const workflowId = `retention-test-lifecycle-${id}`;
  const number = `R${id.slice(0, 8)}`;
  if (options.lifecycle)
    await hub.temporal.workflow.start(archiveSealing, {
      workflowId,
      taskQueue: hub.config.taskQueue,
      args: [{ interval: '1h' }],
    });
  await withTransaction(hub.db, async (client) => {
    const copy = (sql: string, params: unknown[] = []) => client.query(sql, [source, id, ...params]);
    await copy(
      `insert into invoices (id, issuer_id, number, workflow_id, channel, original, sha256, summary, recipient_email,
                             status, verification)
       select $2::uuid, issuer_id, $3, $4, channel, original, sha256, summary, recipient_email, status, verification
         from invoices where id = $1`,
      [number, workflowId],
    );
    await copy(
      `insert into invoice_archive (invoice_id, sha256, original, model, summary, report, retain_until)
       select $2::uuid, sha256, original, model, summary, report, $3 from invoice_archive where invoice_id = $1`,
      [retainUntil],
    );
    await copy(
      `insert into invoice_events (invoice_id, event_key, type, at, detail)
       select $2::uuid, event_key, type, at, detail from invoice_events where invoice_id = $1`,
    );
    await copy(
      `insert into sent_mail (idempotency_key, invoice_id, recipient, kind, message_id, state, created_at, sent_at)
       select idempotency_key || ':' || $2::uuid, $2::uuid, recipient, kind, message_id, state, created_at, sent_at
         from sent_mail where invoice_id = $1`,
    );
    await copy(
      `with view as (
         insert into invoice_views (invoice_id, recipient_id, viewed_at, user_agent, ip)
         select $2::uuid, recipient_id, viewed_at, user_agent, ip from invoice_views where invoice_id = $1
         returning id)
       insert into view_receipts (invoice_id, view_id, document, sha256, signed_at)
       select $2::uuid, view.id, r.document, r.sha256, r.signed_at from view_receipts r, view where r.invoice_id = $1`,
    );
    // Disputes, their entries and attachments under new ids (old id → new id).
    await client.query(
      'create temporary table copied (old uuid primary key, new uuid not null) on commit drop',
    );
    await client.query(
      `insert into copied
       select d.id, gen_random_uuid() from disputes d where d.invoice_id = $1
       union all select e.id, gen_random_uuid() from dispute_entries e join disputes d on d.id = e.dispute_id
        where d.invoice_id = $1
       union all select a.id, gen_random_uuid() from dispute_attachments a join disputes d on d.id = a.dispute_id
        where d.invoice_id = $1`,
      [source],
    );
    await copy(
      `insert into disputes (id, invoice_id, category, opened_by, opened_at)
       select m.new, $2::uuid, d.category, d.opened_by, d.opened_at
         from disputes d join copied m on m.old = d.id where d.invoice_id = $1`,
    );
    await client.query(
      `insert into dispute_entries (id, dispute_id, seq, kind, status, author_side, author_user_id, author_name, text,
                                    credit_note_id, credit_note_number, at)
       select me.new, md.new, e.seq, e.kind, e.status, e.author_side, e.author_user_id, e.author_name, e.text,
              e.credit_note_id, e.credit_note_number, e.at
         from dispute_entries e join copied me on me.old = e.id join copied md on md.old = e.dispute_id`,
    );
    await client.query(
      `insert into dispute_attachments (id, entry_id, dispute_id, file_name, content_type, size, sha256, content)
       select ma.new, me.new, md.new, a.file_name, a.content_type, a.size, a.sha256, a.content
         from dispute_attachments a join copied ma on ma.old = a.id join copied me on me.old = a.entry_id
         join copied md on md.old = a.dispute_id`,
    );
    await copy(
      `insert into invoice_payments (id, payment_key, invoice_id, issuer_id, source, entry_id, order_id, decision_id,
                                     amount, currency, paid_at, reason, state, created_at)
       select gen_random_uuid(), payment_key || ':' || $2::uuid, $2::uuid, issuer_id, source, entry_id, order_id, decision_id,
              amount, currency, paid_at, reason, state, created_at
         from invoice_payments where invoice_id = $1`,
    );
  });
  return { id, number, workflowId };
}

const reference = (invoice: Copy) => `${archived.issuer.eik}/${invoice.number}`;

/** Rows of every table of the hub, in total and (where a row belongs to an invoice) of these invoices. */
async function rowCounts(
  invoiceIds: string[],
): Promise<{ total: Record<string, number>; of: Record<string, number> }> {
  const { rows: tables } = await hub.db.query<{ table_name: string; has_invoice: boolean }>(
    `select t.table_name, exists (select 1 from information_schema.columns c
                                   where c.table_schema = t.table_schema and c.table_name = t.table_name
                                     and c.column_name = 'invoice_id') as has_invoice
       from information_schema.tables t where t.table_schema = 'public' and t.table_type = 'BASE TABLE'`,
  );
  const total: Record<string, number> = {};
  const of: Record<string, number> = {};
  const count = async (sql: string, params = [invoiceIds]) =>
    Number((await hub.db.query(sql, params)).rows[0].count);
  for (const { table_name: table, has_invoice } of tables) {
    total[table] = await count(`select count(*) from ${table}`, []);
    if (table === 'invoices') of[table] = await count('select count(*) from invoices where id = any($1)');
    else if (table === 'dispute_entries' || table === 'dispute_attachments')
      of[table] = await count(
        `select count(*) from ${table} t join disputes d on d.id = t.dispute_id where d.invoice_id = any($1)`,
      );
    else if (has_invoice && table !== 'archive_holds')
      of[table] = await count(`select count(*) from ${table} where invoice_id = any($1)`);
  }
  return { total, of };
}

async function statusOf(invoice: Copy): Promise<string> {
  return (await hub.temporal.workflow.getHandle(invoice.workflowId).describe()).status.name;
}

describe('retention, legal hold and purge', () => {
  it('the application cannot delete an archived record outside a purge, even past its retention date', async () => {
    await expect(hub.db.query('delete from invoice_archive where invoice_id = $1', [old.id])).rejects.toThrow(
      /invoice_archive is append-only: DELETE refused/,
    );
    await expect(hub.db.query('delete from invoice_events where invoice_id = $1', [old.id])).rejects.toThrow(
      /append-only: DELETE refused/,
    );
    // Naming a purge is not enough: it must be a purge row this transaction inserted, listing the record.
    await expect(
      withTransaction(hub.db, async (client) => {
        await client.query(`set local hub.archive_purge = '1'`);
        await client.query('delete from invoice_archive where invoice_id = $1', [old.id]);
      }),
    ).rejects.toThrow(/append-only: DELETE refused/);
    await expect(
      withTransaction(hub.db, async (client) => {
        const { rows } = await client.query<{ purge: string }>(
          `insert into archive_purges (before, purged_by, invoices) values ('2025-01-01', 'test', $1) returning purge`,
          [{ [old.id]: { number: old.number, issuer: '', retain_until: '2024-12-31', records: [] } }],
        );
        await client.query(`select set_config('hub.archive_purge', $1, true)`, [rows[0].purge]);
        await client.query('delete from invoice_events where invoice_id = $1', [old.id]);
      }),
    ).rejects.toThrow(/append-only: DELETE refused/);
    const { rows } = await hub.db.query('select 1 from invoice_archive where invoice_id = $1', [old.id]);
    expect(rows).toHaveLength(1);
    expect((await hub.db.query('select count(*) from archive_purges')).rows[0].count).toBe('0');
  });

  it('refuses a purge date in the future, in the command and in the database', async () => {
    const refused = await hubCommand(hub, ['archive', 'purge', '--before', '2099-01-01']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--before 2099-01-01 is in the future \(today is \d{4}-\d{2}-\d{2}\)/);
    await expect(
      hub.db.query(
        `insert into archive_purges (before, purged_by, invoices) values ('2099-01-01', 'x', '{}')`,
      ),
    ).rejects.toThrow(/is in the future/);
    const unknown = await hubCommand(hub, [
      'archive',
      'hold',
      `${archived.issuer.eik}/NO-SUCH`,
      '--reason',
      'x',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no archived invoice ${archived.issuer.eik}/NO-SUCH`);
  });

  it('keeps an invoice on legal hold, and says who placed it and why', async () => {
    const placed = await hubCommand(hub, [
      'archive',
      'hold',
      reference(held),
      '--reason',
      'tax audit 2026/17',
      '--by',
      'auditor liaison',
    ]);
    expect(placed.code).toBe(0);
    expect(placed.stdout).toContain(`on hold: ${reference(held)}`);
    const again = await hubCommand(hub, ['archive', 'hold', held.id, '--reason', 'twice']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already on hold: .*tax audit 2026\/17/);
    await expect(
      hub.db.query(
        `insert into archive_holds (invoice_id, invoice_number, issuer_eik, action, reason, acted_by)
         values ($1, '', '', 'hold', 'x', 'y')`,
        [held.id],
      ),
    ).rejects.toThrow(/already on hold/);
    const holds = await hubCommand(hub, ['archive', 'holds']);
    expect(holds.lines).toEqual([expect.stringMatching(/by auditor liaison: tax audit 2026\/17$/)]);
  });

  it('purge --dry-run lists what would go and what is kept, and removes nothing', async () => {
    const dry = await hubCommand(hub, ['archive', 'purge', '--before', '2025-06-01', '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout) as {
      purgeable: { id: string }[];
      kept: { id: string; why: string }[];
    };
    expect(plan.purgeable.map((i) => i.id).sort()).toEqual([old.id, plain.id].sort());
    expect(plan.kept).toEqual([
      expect.objectContaining({ id: held.id, why: expect.stringMatching(/tax audit/) }),
    ]);
    expect((await hub.db.query('select count(*) from archive_purges')).rows[0].count).toBe('0');
  });

  it('purge --before removes exactly the invoices past retention and not on hold, whole, and nothing else', async () => {
    const gone = [old.id, plain.id];
    const before = await rowCounts(gone);
    expect(before.of.invoice_archive).toBe(2);
    expect(before.of.dispute_attachments).toBe(1);
    expect(before.of.view_receipts).toBe(1);

    const purged = await hubCommand(hub, ['archive', 'purge', '--before', '2025-06-01', '--by', 'archivist']);
    expect(purged.code).toBe(0);
    expect(purged.lines[0]).toMatch(
      /^purge 1 at \S+ by archivist: removed 2 invoices retained until before 2025-06-01$/,
    );
    expect(purged.stdout).toContain(`  ${reference(old)} (retained until 2024-12-31)`);
    expect(purged.stdout).toContain(`  ${reference(plain)} (retained until 2024-12-31)`);
    expect(purged.stdout).toMatch(/archived records removed: 2 invoice, 1 view, \d+ mail, 1 dispute, /);
    expect(purged.stdout).toMatch(/^sealed: seal 2 over link \d+$/m);
    expect(purged.stdout).toMatch(new RegExp(`  ${reference(held)}: on hold since .* by auditor liaison`));

    const after = await rowCounts(gone);
    for (const [table, total] of Object.entries(before.total)) {
      const added = ['archive_purges', 'archive_chain', 'archive_seals'].includes(table) ? 1 : 0;
      expect({ table, rows: after.total[table] }).toEqual({
        table,
        rows: total - (before.of[table] ?? 0) + added,
      });
      if (table in after.of) expect({ table, left: after.of[table] }).toEqual({ table, left: 0 });
    }
    expect(await statusOf(old)).toBe('TERMINATED');
    expect(await statusOf(held)).toBe('RUNNING');
  });

  it('chains the purge record, listing every removed record at its link, and seals it at once', async () => {
    const { rows } = await hub.db.query<{
      seq: string;
      invoices: Record<string, { records: { seq: number }[] }>;
    }>(
      `select c.seq, p.invoices from archive_chain c join archive_purges p on p.purge::text = c.record_key
        where c.record_type = 'purge'`,
    );
    expect(rows).toHaveLength(1);
    const records = Object.values(rows[0].invoices).flatMap((i) => i.records);
    expect(records.every((r) => typeof r.seq === 'number')).toBe(true);
    const links = await hub.db.query('select count(*) from archive_chain where seq = any($1)', [
      records.map((r) => r.seq),
    ]);
    expect(Number(links.rows[0].count)).toBe(records.length); // the chain keeps every removed record's link
    const seal = await hub.db.query<{ head_seq: string }>(
      'select head_seq from archive_seals order by seal desc limit 1',
    );
    expect(Number(seal.rows[0].head_seq)).toBeGreaterThanOrEqual(Number(rows[0].seq));
    expect(await purgeOf(hub.db, old.id)).toEqual({
      purge: 1,
      purgedAt: expect.any(Date),
      before: '2025-06-01',
    });
    expect(await purgeOf(hub.db, held.id)).toBeUndefined();
  });

  it('bin/hub archive verify passes after a purge and counts what it removed', async () => {
    const report = await archiveVerify(hub);
    expect(breaksOf(report.lines)).toEqual([]);
    expect(report.code).toBe(0);
    expect(report.lines).toContainEqual(
      expect.stringMatching(
        /^purged by purge 1 on \d{4}-\d{2}-\d{2} \(retained until before 2025-06-01\): 2 invoices, \d+ records \(2 invoice, 1 view, /,
      ),
    );
    expect(report.lines[1]).toMatch(/ 1 hold, 1 purge$/);
  });

  it('reports a hand-edited purge or hold record as a break, and what the purge no longer accounts for', async () => {
    const edit = (sql: string) => editByHand(hub, (client) => client.query(sql));
    await edit(`update archive_purges set purged_by = 'nobody' where purge = 1`);
    const breaks = breaksOf((await verifyHere(hub)).lines);
    expect(breaks).toContainEqual(expect.stringMatching(/^BREAK operator of purge 1: SHA-256 now /));
    expect(breaks).toContainEqual(
      expect.stringMatching(new RegExp(`^BREAK invoice ${old.id} \\(link \\d+\\): gone`)),
    );
    await edit(`update archive_purges set purged_by = 'archivist' where purge = 1`);

    await edit(`update archive_holds set reason = 'no reason' where invoice_id = '${held.id}'`);
    expect(breaksOf((await verifyHere(hub)).lines)).toEqual([
      expect.stringMatching(/^BREAK reason of legal hold action \d+ of invoice \S+: SHA-256 now /),
    ]);
    await edit(`update archive_holds set reason = 'tax audit 2026/17' where invoice_id = '${held.id}'`);
    expect(breaksOf((await verifyHere(hub)).lines)).toEqual([]);
  });

  it('purges the held invoice once released, and verify accounts for both purges', async () => {
    const released = await hubCommand(hub, [
      'archive',
      'release',
      reference(held),
      '--reason',
      'audit closed',
    ]);
    expect(released.code).toBe(0);
    expect((await hubCommand(hub, ['archive', 'holds'])).lines).toEqual(['no invoice is on hold']);
    const today = (await hub.db.query<{ d: string }>(`select to_char(current_date, 'YYYY-MM-DD') as d`))
      .rows[0].d;
    const purged = await hubCommand(hub, ['archive', 'purge', '--before', today, '--json']);
    expect(purged.code).toBe(0);
    const outcome = JSON.parse(purged.stdout) as {
      purge: number;
      invoices: { id: string }[];
      kept: unknown[];
    };
    expect(outcome.purge).toBe(2);
    expect(outcome.invoices.map((i) => i.id).sort()).toEqual([held.id, later.id].sort());
    expect(outcome.kept).toEqual([]);
    const remaining = await hub.db.query('select count(*) from invoice_archive where invoice_id = any($1)', [
      archived.invoices.map((i) => i.id),
    ]);
    expect(remaining.rows[0].count).toBe('2'); // retained until 2036-12-31

    const report = await archiveVerify(hub);
    expect(report.code).toBe(0);
    expect(report.lines.filter((line) => line.startsWith('purged by purge '))).toEqual([
      expect.stringMatching(/^purged by purge 1 on .*: 2 invoices, /),
      expect.stringMatching(/^purged by purge 2 on .*: 2 invoices, /),
    ]);
    const again = await hubCommand(hub, ['archive', 'hold', held.id, '--reason', 'too late']);
    expect(again.stderr).toMatch(new RegExp(`invoice ${held.id} was removed by purge 2 on `));
  });

  it('deletes from every table that refers to an invoice or to the rows it removes', async () => {
    const { rows } = await hub.db.query<{ child: string; parent: string }>(
      `select conrelid::regclass::text as child, confrelid::regclass::text as parent from pg_constraint
        where contype = 'f' and confrelid::regclass::text = any($1) and conrelid <> confrelid`,
      [PURGED_TABLES],
    );
    expect(rows.length).toBeGreaterThan(10);
    for (const { child, parent } of rows)
      expect({ child, parent, purged: PURGED_TABLES.includes(child) }).toEqual({
        child,
        parent,
        purged: true,
      });
  });
});

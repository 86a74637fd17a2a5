import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { promisify } from 'node:util';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../db';
import { getInvoice } from '../../db/invoices';
import { startLifecycle } from '../../intake';
import type { HubConfig } from '../config';

const run = promisify(execFile);

/**
 * The Temporal dev server's state (every workflow's history: each invoice's lifecycle with its reminders, disputes and
 * payments) is one SQLite file that the server writes all the time. `VACUUM INTO` copies it inside one SQLite read
 * transaction, so the copy is a consistent snapshot while the server goes on writing (in WAL mode a reader holds no
 * writer up). It runs in Debian's `sqlite3` shell: Node 20 has no SQLite of its own.
 */
export async function snapshotTemporalState(source: string, destination: string): Promise<void> {
  const sqlite = process.env.SQLITE3 ?? 'sqlite3';
  const quoted = destination.replace(/'/g, "''");
  try {
    await run(sqlite, ['-bail', '-cmd', '.timeout 30000', source, `vacuum into '${quoted}'`]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        `the sqlite3 shell is needed to copy the Temporal dev server's state consistently (apt-get install sqlite3, ` +
          `or SQLITE3=/path/to/sqlite3); without it use --without-temporal`,
      );
    }
    throw new Error(
      `could not snapshot ${source}: ${(error as { stderr?: string }).stderr ?? String(error)}`,
    );
  }
  const check = await run(sqlite, [destination, 'pragma quick_check']);
  if (check.stdout.trim() !== 'ok')
    throw new Error(`the Temporal snapshot does not check: ${check.stdout.trim()}`);
  fs.chmodSync(destination, 0o600);
}

/** Lifecycles end here only; every other invoice has a lifecycle running. */
const FINAL_STATUSES = ['paid', 'cancelled', 'rejected'];

/**
 * After a restore with Temporal's state: Temporal was copied a moment before the database, so an invoice accepted in
 * between is in the database with no lifecycle. Each open invoice without a workflow gets its lifecycle started, by
 * the one door intake uses (idempotent by workflow id; its activities find their work done where it was). Returns the
 * invoices started.
 */
export async function startMissingLifecycles(db: Db, temporal: Client, config: HubConfig): Promise<string[]> {
  const { rows } = await db.query<{ id: string; workflow_id: string }>(
    'select id, workflow_id from invoices where status <> all($1::text[]) order by received_at',
    [FINAL_STATUSES],
  );
  const running = new Set<string>();
  const query = `WorkflowType = 'invoiceLifecycle' AND ExecutionStatus = 'Running'`;
  for await (const workflow of temporal.workflow.list({ query })) running.add(workflow.workflowId);
  const started: string[] = [];
  for (const row of rows.filter((r) => !running.has(r.workflow_id))) {
    try {
      await temporal.workflow.getHandle(row.workflow_id).describe();
      continue; // closed, or not yet in the list: it has its workflow
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
    const record = await getInvoice(db, row.id);
    if (!record) continue;
    await startLifecycle(temporal, config, record);
    started.push(row.id);
  }
  return started;
}

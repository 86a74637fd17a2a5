/**
 * The orchestration floor of the lifecycle benchmark: the same Temporal work as the hub's, with nothing else. A second
 * worker on the same server with the hub's worker options and workflow bundle, on its own task queue, where every
 * activity and local activity is registered under its own name as a no-op answering as for a good invoice
 * (verified, archived, notified, then waiting for the view). Its lifecycles are started as intake starts them.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, type InvoiceActivities } from '../activities';
import type { Db } from '../db';
import type { InvoiceRecord } from '../db/invoices';
import { startLifecycle } from '../intake';
import { createMailer } from '../mail/mailer';
import type { HubConfig } from '../platform/config';
import { lifecycleWorkerOptions } from '../worker/options';
import { lifecycleWorkflowId } from '../workflows/messages';

const FLOOR_QUEUE = 'lifecycle-floor';

export interface Floor {
  /** Starts one lifecycle of a copy of the template invoice; resolves when the start is accepted. */
  submit(i: number): Promise<string>;
  /** When each submitted lifecycle recorded 'recipient notified', the point the hub's figure is timed to. */
  notifiedAt: Map<string, number>;
  close(): Promise<void>;
}

/** `template` is an invoice the hub accepted: the no-ops answer with its summary, archive and recipient. */
export async function startFloor(
  config: HubConfig,
  db: Db,
  template: InvoiceRecord,
  runTag: string,
): Promise<Floor> {
  const notifiedAt = new Map<string, number>();
  const verification = {
    accepted: true,
    indication: 'TOTAL_PASSED',
    summary: template.summary,
    reasons: [],
    warnings: [],
  };
  const archived = () => {
    const archivedAt = new Date().toISOString();
    return { sha256: template.sha256, archivedAt, retainUntil: archivedAt };
  };
  const answers: Partial<InvoiceActivities> = {
    async verifyAndArchiveInvoice() {
      return { verification, archived: archived() };
    },
    async verifyInvoice() {
      return verification;
    },
    async archiveInvoice() {
      return archived();
    },
    async notifyRecipient() {
      return { recipient: template.recipientEmail ?? '', invitation: true };
    },
    async findCorrectedInvoices() {
      return [];
    },
    async recordEvent(invoiceId, event) {
      if (event.type === 'recipient notified') notifiedAt.set(invoiceId, Date.now());
    },
  };
  // Only the names are taken from the hub's activities; nothing of theirs runs (the mailer never connects).
  const mailer = createMailer(db, 'smtp://127.0.0.1:9', config.mailFrom);
  const names = Object.keys(createActivities({ db, mailer, config, secret: 'floor' }));
  mailer.close();
  const activities = Object.fromEntries(
    names.map((name) => [name, answers[name as keyof InvoiceActivities] ?? (async () => undefined)]),
  );

  const address = config.temporalAddress as string;
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: workerConnection,
    namespace: config.temporalNamespace,
    taskQueue: FLOOR_QUEUE,
    activities,
    ...(await lifecycleWorkerOptions(config)),
  });
  const running = worker.run();
  const connection = await Connection.connect({ address });
  const temporal = new Client({ connection, namespace: config.temporalNamespace });
  const floorConfig = { ...config, taskQueue: FLOOR_QUEUE };
  return {
    notifiedAt,
    async submit(i) {
      const number = `FLOOR-${runTag}-${i}`;
      const record = {
        ...template,
        id: `floor-${runTag}-${i}`,
        number,
        workflowId: lifecycleWorkflowId(template.issuerId, number),
      };
      await startLifecycle(temporal, floorConfig, record);
      return record.id;
    },
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await workerConnection.close();
    },
  };
}

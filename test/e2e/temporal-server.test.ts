/**
 * `TEMPORAL_MODE=server npm start`: the hub on the Temporal server itself, with its state in the embedded PostgreSQL,
 * not on the dev server. Needs `npm run temporal:server` (`.ci/run` builds it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { freePortWithNeighbours } from '../../embedded/ports';
import { TEMPORAL_HISTORY_SHARDS, TEMPORAL_SERVER_PORT_OFFSETS } from '../../embedded/temporal-server';
import { lifecycleWorkflowId } from '../../workflows/messages';
import { eventually } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';
import { launchHub, type HubUnderTest } from '../support/running-hub';

describe('TEMPORAL_MODE=server: npm start on the Temporal server with PostgreSQL persistence', () => {
  let hub: HubUnderTest;
  let temporalPort: number;
  let pgPort: string;
  let apiKey: string;
  let issuerId: string;

  beforeAll(async () => {
    temporalPort = await freePortWithNeighbours(TEMPORAL_SERVER_PORT_OFFSETS);
    hub = await launchHub({
      embedded: true,
      env: { TEMPORAL_MODE: 'server', TEMPORAL_PORT: String(temporalPort), REMINDER_DELAYS: '30d' },
    });
    pgPort = hub.env.PG_PORT as string;
    const demo = JSON.parse(fs.readFileSync(path.join(hub.dataDir, 'demo-issuer.json'), 'utf8')) as {
      id: string;
      apiKey: string;
    };
    ({ apiKey, id: issuerId } = demo);
  });
  afterAll(async () => {
    await hub?.stop();
  });

  const submit = async () => {
    const number = nextInvoiceNumber();
    const response = await fetch(`${hub.url}/api/v1/invoices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
      body: makeUblInvoice({ number, buyerEmail: `server-mode-${number}@buyer.example` }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await eventually(async () => {
      const invoice = await fetch(`${hub.url}/api/v1/invoices/${id}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      return ((await invoice.json()) as { status: string }).status === 'awaiting view';
    }, 60_000);
    return { id, number };
  };

  const describeOnServer = async (number: string) => {
    const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
    try {
      const client = new Client({ connection });
      return await client.workflow.getHandle(lifecycleWorkflowId(issuerId, number)).describe();
    } finally {
      await connection.close();
    }
  };

  test("an invoice's lifecycle runs on the server, its history is in PostgreSQL, and both outlive a SIGKILLed hub", async () => {
    const first = await submit();
    const before = await describeOnServer(first.number);
    expect(before.status.name).toBe('RUNNING');

    // Temporal's own databases in the hub's PostgreSQL, with the shard count it was created with.
    const pg = new PgClient({
      connectionString: `postgres://hub:hub@127.0.0.1:${pgPort}/temporal`,
    });
    await pg.connect();
    try {
      const shards = await pg.query('select count(*)::int as n from shards');
      expect(shards.rows[0].n).toBe(TEMPORAL_HISTORY_SHARDS);
      const executions = await pg.query('select count(*)::int as n from executions');
      expect(executions.rows[0].n).toBeGreaterThanOrEqual(1);
    } finally {
      await pg.end();
    }

    // The supervisor, worker and gateway SIGKILLed: the orphaned Temporal server is stopped by the next start, which
    // finds the schema current and the workflows where they were.
    const leftServer = Number(fs.readFileSync(path.join(hub.dataDir, 'run', 'temporal-server.pid'), 'utf8'));
    await hub.killAndRestart();
    expect(() => process.kill(leftServer, 0)).toThrow();
    const after = await describeOnServer(first.number);
    expect(after.runId).toBe(before.runId);
    expect(after.status.name).toBe('RUNNING');
    const second = await submit();
    expect((await describeOnServer(second.number)).status.name).toBe('RUNNING');
  });
});

/**
 * Every log line written during one invoice's work carries its invoice id and workflow id: the worker's activity
 * interceptor sets them, the one logger writes them.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Context } from '@temporalio/activity';
import { activityLogContext } from '../../activities/log-context';
import { currentLogContext } from '../../platform/log-context';

const INVOICE = '0b9d3c52-8a41-4b7e-9c2f-3f1e5d6a7b80';

function fakeActivityContext(activityType: string): Context {
  return {
    info: { workflowExecution: { workflowId: 'invoice-123456786-0000000001', runId: 'r' }, activityType },
  } as unknown as Context;
}

describe('log lines of an invoice name the invoice and its workflow', () => {
  test('inside an activity that takes the invoice id first, the context names the invoice, the workflow and the activity', async () => {
    const { inbound } = activityLogContext(fakeActivityContext('verifyInvoice'));
    const seen = await inbound!.execute!({ args: [INVOICE, 'more'], headers: {} }, async () =>
      currentLogContext(),
    );
    expect(seen).toEqual({
      invoiceId: INVOICE,
      workflowId: 'invoice-123456786-0000000001',
      activity: 'verifyInvoice',
    });
    expect(currentLogContext()).toEqual({}); // nothing leaks out of the activity
  });

  test('an activity whose first argument is no invoice id still names its workflow, and no invoice', async () => {
    const { inbound } = activityLogContext(fakeActivityContext('sealArchive'));
    const seen = await inbound!.execute!({ args: [{ hour: 3 }], headers: {} }, async () =>
      currentLogContext(),
    );
    expect(seen).toEqual({ workflowId: 'invoice-123456786-0000000001', activity: 'sealArchive' });
  });

  test('the hub’s logger writes the context into the JSON line', () => {
    const script = `
      const { logger } = require('./platform/logger');
      const { withLogContext } = require('./platform/log-context');
      logger.info('outside');
      withLogContext({ invoiceId: '${INVOICE}', workflowId: 'wf-1' }, () => logger.warn({ detail: 1 }, 'inside'));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.not.objectContaining({ invoiceId: expect.anything() }),
      expect.objectContaining({ msg: 'inside', invoiceId: INVOICE, workflowId: 'wf-1', detail: 1 }),
    ]);
    expect(lines[0]).toMatchObject({ msg: 'outside' });
  });
});

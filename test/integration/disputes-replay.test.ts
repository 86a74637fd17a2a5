import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

/**
 * Invoices already running when disputes got threads keep working: their histories replay through today's
 * lifecycle without a determinism error. The histories were recorded with the lifecycle as it was before
 * (commit 7a10b57…e36d364, `openDispute` with a free-text reason): an invoice viewed, disputed, answered, resolved,
 * disputed again and paid in full (the earlier code let it close with a dispute open); and a credit note's lifecycle
 * mid-way (recorded before credit notes told the invoices they correct). The threaded handlers and the credit-note
 * step are behind patched(), reminders need the new `disputeReminderDelay` input: none of it may add a command. Both
 * histories also ran verification and archiving as two activities, which are one since (patched: verify-and-archive).
 */
const HISTORIES = path.join(__dirname, 'fixtures', 'lifecycle-histories');

beforeAll(() => {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // another suite in this process installed it
  }
});

describe('lifecycle histories recorded before threaded disputes', () => {
  it.each(['invoice-with-legacy-disputes.binpb', 'credit-note-running.binpb'])(
    '%s replays unchanged',
    async (file) => {
      // Binary protobuf, as the Temporal server sends it (fetchHistory, History.encode).
      const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORIES, file)));
      await expect(
        Worker.runReplayHistory(
          { workflowBundle: { codePath: process.env.HUB_TEST_WORKFLOW_BUNDLE as string } },
          history,
          `replay-${file}`,
        ),
      ).resolves.toBeUndefined();
    },
  );
});

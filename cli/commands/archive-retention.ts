import os from 'node:os';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Command } from 'commander';
import { archiveSealingActivities, type SealOutcome } from '../../activities/archive-sealing';
import {
  databaseToday,
  findArchivedInvoice,
  liveHolds,
  planPurge,
  purgeArchive,
  purgeOf,
  recordHoldAction,
  type ArchivedInvoice,
  type HoldAction,
} from '../../db/archive/retention';
import type { Db } from '../../db';
import {
  describeCounts,
  describeReference,
  parseInvoiceReference,
  purgeDateProblem,
} from '../../domain/archive/retention';
import type { HubConfig } from '../../platform/config';
import { printJson, withDatabase } from '../database';
import { withTemporal } from '../temporal';

/**
 * `hub archive purge | hold | release | holds`: the only way archived invoices leave (past their retention date,
 * not on hold), and the legal holds that keep them. The database checks every row a purge deletes
 * (db/migrations/013_retention.sql); these commands choose what to ask for and say what happened.
 */
export function registerRetentionCommands(archive: Command): void {
  archive
    .command('purge')
    .description(
      'remove the invoices whose retention date is before DATE (and today), except those on hold; the purge is chained and sealed',
    )
    .requiredOption(
      '--before <date>',
      'YYYY-MM-DD: invoices retained until before this date go (at most today)',
    )
    .option('--dry-run', 'say what would be removed and kept, remove nothing')
    .option('--by <name>', 'who runs the purge, for its record', os.userInfo().username)
    .option('--json', 'the outcome as one JSON object')
    .action(async (options: { before: string; dryRun?: boolean; by: string; json?: boolean }) => {
      await withDatabase(async (db, config) => {
        const problem = purgeDateProblem(options.before, await databaseToday(db));
        if (problem) throw new Error(problem);
        const plan = await planPurge(db, options.before);
        const kept = plan.kept.map((i) => ({ ...describeInvoice(i), why: i.why }));
        if (options.dryRun || plan.purgeable.length === 0) {
          const wouldGo = plan.purgeable.map(describeInvoice);
          if (options.json) return printJson({ dryRun: Boolean(options.dryRun), purgeable: wouldGo, kept });
          say(
            `${options.dryRun ? 'would remove' : 'nothing to remove:'} ${count(wouldGo.length, 'invoice')} retained until before ${options.before}`,
          );
          for (const invoice of wouldGo)
            say(`  ${invoice.reference} (retained until ${invoice.retainUntil})`);
          return sayKept(kept);
        }
        const reason = `archive purge before ${options.before} by ${options.by}: retention ended`;
        const ended = await withTemporal(config, (temporal) =>
          endLifecycles(temporal, plan.purgeable, reason),
        );
        if (ended === undefined)
          throw new Error(
            'Temporal is not reachable (start the hub, or set TEMPORAL_ADDRESS): a purge ends the lifecycles of the ' +
              'invoices it removes, so it does not run without it; --dry-run works without',
          );
        const outcome = await purgeArchive(db, {
          before: options.before,
          by: options.by,
          candidates: plan.purgeable.map((i) => i.id),
        });
        if (!outcome) throw new Error('nothing removed: every invoice of the plan was put on hold meanwhile');
        const seal = await sealNow(db, config);
        const result = {
          purge: outcome.purge,
          purgedAt: outcome.purgedAt.toISOString(),
          before: outcome.before,
          by: outcome.by,
          invoices: outcome.invoices.map(describeInvoice),
          records: outcome.records,
          rows: outcome.rows,
          lifecyclesEnded: ended,
          kept: [...kept, ...outcome.kept.map((i) => ({ ...describeInvoice(i), why: i.why }))],
          seal,
        };
        if (options.json) return printJson(result);
        say(
          `purge ${result.purge} at ${result.purgedAt} by ${result.by}: removed ${count(result.invoices.length, 'invoice')} retained until before ${result.before}`,
        );
        for (const invoice of result.invoices)
          say(`  ${invoice.reference} (retained until ${invoice.retainUntil})`);
        say(`archived records removed: ${describeCounts(result.records)} (their links stay in the chain)`);
        say(`rows removed: ${describeCounts(result.rows)}`);
        if (ended.length > 0) say(`lifecycles ended (terminated): ${ended.length}`);
        say(describeSeal(seal));
        sayKept(result.kept);
      });
    });

  const holdCommands = [
    {
      action: 'hold',
      description: 'put an archived invoice on legal hold: no purge removes it until it is released',
      reason: 'why (a case, an audit, a request), kept in the record',
    },
    {
      action: 'release',
      description: 'release a legal hold: the invoice may be purged again once past its retention date',
      reason: 'why the hold ends, kept in the record',
    },
  ] as const;
  for (const { action, description, reason } of holdCommands)
    archive
      .command(action)
      .description(description)
      .argument('<invoice>', 'the invoice id, or ISSUER-EIK/NUMBER')
      .requiredOption('--reason <text>', reason)
      .option('--by <name>', 'who acts, for the record', os.userInfo().username)
      .action((invoice: string, options: { reason: string; by: string }) =>
        holdAction(invoice, action, options),
      );

  archive
    .command('holds')
    .description('the legal holds in force')
    .option('--json', 'as one JSON array')
    .action(async (options: { json?: boolean }) => {
      await withDatabase(async (db) => {
        const holds = await liveHolds(db);
        if (options.json) return printJson(holds);
        if (holds.length === 0) return say('no invoice is on hold');
        for (const hold of holds) say(describeHold(hold));
      });
    });
}

async function holdAction(
  text: string,
  action: 'hold' | 'release',
  options: { reason: string; by: string },
): Promise<void> {
  const reference = parseInvoiceReference(text);
  if (!reference) throw new Error(`"${text}" names no invoice: give its id (a UUID) or ISSUER-EIK/NUMBER`);
  await withDatabase(async (db) => {
    const invoice = await findArchivedInvoice(db, reference);
    if (!invoice) {
      const purged = 'id' in reference ? await purgeOf(db, reference.id) : undefined;
      throw new Error(
        purged
          ? `invoice ${describeReference(reference)} was removed by purge ${purged.purge} on ${purged.purgedAt.toISOString().slice(0, 10)}`
          : `no archived invoice ${describeReference(reference)}`,
      );
    }
    const held = (await liveHolds(db)).find((h) => h.invoiceId === invoice.id);
    if (action === 'release' && !held)
      throw new Error(`invoice ${invoice.issuerEik}/${invoice.number} is not on hold`);
    if (action === 'hold' && held) throw new Error(`already on hold: ${describeHold(held)}`);
    const recorded = await recordHoldAction(db, {
      invoiceId: invoice.id,
      action,
      reason: options.reason,
      by: options.by,
    });
    say(`${action === 'hold' ? 'on hold' : 'released'}: ${describeHold(recorded)}`);
  });
}

/**
 * An invoice purged after its retention ended has no process left: a lifecycle still open (unpaid, never viewed) is
 * terminated with the reason, before the purge, so it never runs against rows that are gone. The ids ended.
 */
async function endLifecycles(
  temporal: Client,
  invoices: ArchivedInvoice[],
  reason: string,
): Promise<string[]> {
  const ended: string[] = [];
  for (const invoice of invoices) {
    try {
      await temporal.workflow.getHandle(invoice.workflowId).terminate(reason);
      ended.push(invoice.workflowId);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error; // closed already
    }
  }
  return ended;
}

/** Seals at once, so the purge record is vouched for now and not at the sealer's next interval. */
async function sealNow(db: Db, config: HubConfig): Promise<SealOutcome> {
  const sealer = archiveSealingActivities({ db, config });
  try {
    return await sealer.sealArchive();
  } catch {
    return sealer.sealArchive(); // the hub's sealer appended a seal at the same moment: seal over it
  }
}

function describeSeal(seal: SealOutcome): string {
  if (seal.status === 'refused')
    return `NOT SEALED: the chain is broken since the last seal (run bin/hub archive verify): ${seal.breaks?.join('; ')}`;
  return `sealed: seal ${seal.seal} over link ${seal.headSeq}`;
}

function describeInvoice(invoice: ArchivedInvoice) {
  return {
    id: invoice.id,
    reference: `${invoice.issuerEik}/${invoice.number}`,
    retainUntil: invoice.retainUntil,
  };
}

function describeHold(hold: HoldAction): string {
  return `${hold.issuerEik}/${hold.invoiceNumber} (${hold.invoiceId}) ${hold.action === 'hold' ? 'held' : 'released'} at ${hold.at.toISOString()} by ${hold.by}: ${hold.reason}`;
}

function sayKept(kept: { reference: string; why: string }[]): void {
  if (kept.length === 0) return;
  say(`kept although past retention: ${count(kept.length, 'invoice')}`);
  for (const invoice of kept) say(`  ${invoice.reference}: ${invoice.why}`);
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function say(line: string): void {
  process.stdout.write(line + '\n');
}

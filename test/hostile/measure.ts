import type { Db } from '../../db';

/**
 * The hostile suite's one way to run a case: count what the door's issuer has stored, send the bytes, time the
 * answer and the memory it took, count again. Every door's table of cases runs through `runCase`, and the summary
 * printed at the end (door, cases, slowest answer, most memory) is the one the README quotes.
 */
export type Door =
  'REST API' | 'SFTP' | 'AS2' | 'statement import' | 'dispute attachments' | 'portal forms' | 'CLI files';

/** What the door answered: its own code (an API error code, a quarantine reason, an MDN disposition…) in words. */
export interface Answer {
  code: string;
  detail?: string;
  /** Peak resident memory of the process that read the input, when that is not this one (the CLI). */
  peakRssBytes?: number;
  /** The time that process took for this input, when it read several in one run (the CLI). */
  elapsedMs?: number;
}

export interface HostileCase<Context> {
  name: string;
  /** The kind of hostility, as the README groups them. */
  kind: string;
  /** The code the door must answer with. */
  expect: string;
  /** A pattern the answer's words must match too, where the code alone is shared by several refusals. */
  detail?: RegExp;
  send(context: Context): Promise<Answer>;
  /** What the door legitimately keeps of a refused input (a quarantined delivery and its acknowledgement). */
  keeps?: Partial<Footprint>;
}

/** Rows of one issuer, in every table a door could write to. */
export interface Footprint {
  invoices: number;
  invoiceEvents: number;
  deliveries: number;
  quarantined: number;
  channelAnswers: number;
  as2Messages: number;
  statementImports: number;
  refusedStatements: number;
  statementEntries: number;
  payments: number;
  stagedFiles: number;
  disputes: number;
  disputeEntries: number;
  disputeUploads: number;
  disputeAttachments: number;
}

export async function footprintOf(db: Db, issuerId: string): Promise<Footprint> {
  const { rows } = await db.query<Record<keyof Footprint, number>>(
    `select
       (select count(*) from invoices where issuer_id = $1)::int as "invoices",
       (select count(*) from invoice_events e join invoices i on i.id = e.invoice_id
         where i.issuer_id = $1)::int as "invoiceEvents",
       (select count(*) from deliveries where issuer_id = $1 and status <> 'quarantined')::int as "deliveries",
       (select count(*) from deliveries where issuer_id = $1 and status = 'quarantined')::int as "quarantined",
       (select count(*) from channel_answers where issuer_id = $1)::int as "channelAnswers",
       (select count(*) from as2_messages where issuer_id = $1)::int as "as2Messages",
       (select count(*) from statement_imports where issuer_id = $1 and status <> 'refused')::int
         as "statementImports",
       (select count(*) from statement_imports where issuer_id = $1 and status = 'refused')::int
         as "refusedStatements",
       (select count(*) from statement_entries where issuer_id = $1)::int as "statementEntries",
       (select count(*) from invoice_payments where issuer_id = $1)::int as "payments",
       (select count(*) from sftp_staged_files where issuer_id = $1)::int as "stagedFiles",
       (select count(*) from disputes d join invoices i on i.id = d.invoice_id where i.issuer_id = $1)::int
         as "disputes",
       (select count(*) from dispute_entries x join disputes d on d.id = x.dispute_id
          join invoices i on i.id = d.invoice_id where i.issuer_id = $1)::int as "disputeEntries",
       (select count(*) from dispute_uploads u join invoices i on i.id = u.invoice_id
         where i.issuer_id = $1)::int as "disputeUploads",
       (select count(*) from dispute_attachments a join disputes d on d.id = a.dispute_id
          join invoices i on i.id = d.invoice_id where i.issuer_id = $1)::int as "disputeAttachments"`,
    [issuerId],
  );
  return rows[0];
}

export interface Measured {
  door: Door;
  name: string;
  kind: string;
  expect: string;
  answer: Answer;
  ms: number;
  /** Growth of the peak resident memory while the case ran (the CLI: the child's whole peak). */
  peakRssGrowthBytes: number;
  heapGrowthBytes: number;
  stored: Partial<Footprint>;
}

export const results: Measured[] = [];

export async function runCase<Context>(
  door: Door,
  hostile: HostileCase<Context>,
  context: Context,
  footprint: () => Promise<Footprint>,
): Promise<Measured> {
  const before = await footprint();
  const heapBefore = process.memoryUsage().heapUsed;
  const peakBefore = process.resourceUsage().maxRSS * 1024;
  const started = performance.now();
  const answer = await hostile.send(context);
  const ms = answer.elapsedMs ?? Math.round(performance.now() - started);
  const peakRssGrowthBytes = answer.peakRssBytes ?? process.resourceUsage().maxRSS * 1024 - peakBefore;
  const heapGrowthBytes = Math.max(0, process.memoryUsage().heapUsed - heapBefore);
  const after = await footprint();
  const stored: Partial<Footprint> = {};
  for (const key of Object.keys(after) as (keyof Footprint)[]) {
    if (after[key] !== before[key]) stored[key] = after[key] - before[key];
  }
  const measured: Measured = {
    door,
    name: hostile.name,
    kind: hostile.kind,
    expect: hostile.expect,
    answer,
    ms,
    peakRssGrowthBytes,
    heapGrowthBytes,
    stored,
  };
  results.push(measured);
  return measured;
}

const MIB = 1024 * 1024;

/** The summary the suite prints: per door, the cases, the slowest answer and the most memory any case took. */
export function summaryTable(all: Measured[] = results): string {
  const doors = [...new Set(all.map((m) => m.door))];
  const rows = doors.map((door) => {
    const cases = all.filter((m) => m.door === door);
    const codes = [...new Set(cases.map((m) => m.answer.code))];
    return [
      door,
      String(cases.length),
      String(Math.max(...cases.map((m) => m.ms))),
      (Math.max(...cases.map((m) => m.peakRssGrowthBytes)) / MIB).toFixed(1),
      (Math.max(...cases.map((m) => m.heapGrowthBytes)) / MIB).toFixed(1),
      codes.join(', '),
    ];
  });
  const header = ['door', 'cases', 'max ms', 'max peak RSS growth MiB', 'max heap growth MiB', 'codes'];
  const lines = [header, ...rows].map((r) => `| ${r.join(' | ')} |`);
  lines.splice(1, 0, `|${header.map(() => '---').join('|')}|`);
  lines.push(`| all | ${all.length} | | | | |`);
  return lines.join('\n');
}

/** Every case with its answer and measures, for the log. */
export function caseList(all: Measured[] = results): string {
  return all
    .map(
      (m) =>
        `${m.door} | ${m.name} | ${m.answer.code} | ${m.ms} ms | peak +${(m.peakRssGrowthBytes / MIB).toFixed(1)} MiB | kept ${JSON.stringify(m.stored)}`,
    )
    .join('\n');
}

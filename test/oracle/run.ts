/**
 * Runs the differential comparison over the corpus and seeded mutations of its valid invoices, and tallies where
 * the hub and the official artefacts differ. Used by differential.test.ts and, for a larger run with every
 * difference listed, by `npx tsx test/oracle/run.ts [MUTATIONS] [--json FILE] [--only RULE-REGEX]`
 * (with --only, each rule's first mutations are shown; ORACLE_DUMP_SEED=N writes mutation N to /tmp/oracle-seed-N.xml).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusDir } from '../domain/corpus-support';
import { type Comparison, agrees, compare } from './differential';
import { MUTATION_KINDS, type Mutation, mutate } from './mutations';
import { type Artefact, OfficialValidators } from './official-validators';

export interface Difference {
  source: string;
  mutation?: Omit<Mutation, 'xml'> & { seed: number };
  artefact: Artefact;
  missed: string[];
  extra: string[];
}

export interface Tally {
  /** Comparisons made and agreed, per artefact. */
  compared: Partial<Record<Artefact, number>>;
  agreed: Partial<Record<Artefact, number>>;
  /** Comparisons where the official artefact refused the file (a fatal rule, or it stopped on it). */
  refused: Partial<Record<Artefact, number>>;
  differences: Difference[];
}

const emptyTally = (): Tally => ({ compared: {}, agreed: {}, refused: {}, differences: [] });

function count(
  tally: Tally,
  comparison: Comparison,
  source: string,
  mutation?: Difference['mutation'],
): void {
  tally.compared[comparison.artefact] = (tally.compared[comparison.artefact] ?? 0) + 1;
  if (comparison.official.length > 0)
    tally.refused[comparison.artefact] = (tally.refused[comparison.artefact] ?? 0) + 1;
  if (agrees(comparison)) tally.agreed[comparison.artefact] = (tally.agreed[comparison.artefact] ?? 0) + 1;
  else
    tally.differences.push({
      source,
      mutation,
      artefact: comparison.artefact,
      missed: comparison.missed,
      extra: comparison.extra,
    });
}

/** Every XML file of the interop corpus (../shared/corpus/en16931), sorted. */
export function corpusInvoices(): string[] {
  const root = path.join(corpusDir, 'en16931');
  return ['ubl-examples', 'ubl-testfiles', 'cii-examples', 'creditnote-unit-ubl']
    .flatMap((folder) =>
      fs.existsSync(path.join(root, folder))
        ? fs
            .readdirSync(path.join(root, folder))
            .filter((name) => /\.xml$/i.test(name))
            .map((name) => path.join(root, folder, name))
        : [],
    )
    .sort();
}

/** The interop corpus's complete invoices (the unit-test sets are fragments, compared in corpus.test.ts). */
const completeInvoices = (): string[] => [
  ...corpusInvoices().filter((file) => !file.includes('creditnote-unit-ubl')),
  path.resolve(__dirname, '../../examples/invoice.xml'),
];

export interface Run {
  corpus: Tally;
  mutations: Tally;
  /** The valid invoices the mutations were made from. */
  bases: string[];
}

/** Compares the corpus, then `mutations` seeded mutations spread over the corpus's valid invoices. */
export async function runDifferential(mutations: number, validators: OfficialValidators): Promise<Run> {
  const run: Run = { corpus: emptyTally(), mutations: emptyTally(), bases: [] };
  const sources = completeInvoices();
  const texts = new Map(sources.map((file) => [file, fs.readFileSync(file, 'utf8')]));
  await Promise.all(
    sources.map(async (file) => {
      const verdicts = await compare(validators, texts.get(file)!);
      for (const comparison of verdicts.comparisons) count(run.corpus, comparison, relative(file));
      // Mutations start from invoices the official artefacts find valid: a change's effect is then its own.
      if (verdicts.parsed && verdicts.comparisons.every((comparison) => comparison.official.length === 0))
        run.bases.push(file);
    }),
  );
  run.bases.sort();
  const jobs: Promise<void>[] = [];
  const dump = Number(process.env.ORACLE_DUMP_SEED ?? 0);
  for (let seed = 1; seed <= mutations; seed++) {
    const base = run.bases[seed % run.bases.length]!;
    const kind = MUTATION_KINDS[Math.floor(seed / run.bases.length) % MUTATION_KINDS.length]!;
    const mutation = mutate(texts.get(base)!, kind, seed);
    if (!mutation) continue;
    const { xml, ...described } = mutation;
    if (seed === dump) fs.writeFileSync(`/tmp/oracle-seed-${seed}.xml`, xml);
    jobs.push(
      compare(validators, xml).then((verdicts) => {
        for (const comparison of verdicts.comparisons)
          count(run.mutations, comparison, relative(base), { ...described, seed });
      }),
    );
    // Keep a bounded number of files in flight.
    if (jobs.length >= 16) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
  return run;
}

const relative = (file: string): string => path.relative(corpusDir, file);

/** Agreement as "agreed/compared (percent)". */
export function agreement(tally: Tally, artefact: Artefact): string {
  const compared = tally.compared[artefact] ?? 0;
  const agreed = tally.agreed[artefact] ?? 0;
  const refused = tally.refused[artefact] ?? 0;
  return `${agreed}/${compared} (${compared ? ((100 * agreed) / compared).toFixed(2) : '—'} %; the official artefact refused ${refused})`;
}

/** How often each rule id is missed or extra, most frequent first. */
export function byRule(differences: Difference[]): { id: string; missed: number; extra: number }[] {
  const counts = new Map<string, { id: string; missed: number; extra: number }>();
  for (const difference of differences) {
    for (const id of difference.missed)
      (counts.get(id) ?? counts.set(id, { id, missed: 0, extra: 0 }).get(id)!).missed++;
    for (const id of difference.extra)
      (counts.get(id) ?? counts.set(id, { id, missed: 0, extra: 0 }).get(id)!).extra++;
  }
  return [...counts.values()].sort((a, b) => b.missed + b.extra - (a.missed + a.extra));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const mutations = Number(args.find((arg) => /^\d+$/.test(arg)) ?? 2000);
  const jsonAt = args.indexOf('--json');
  const validators = await OfficialValidators.start(2);
  const started = Date.now();
  try {
    const run = await runDifferential(mutations, validators);
    for (const [name, tally] of Object.entries({ corpus: run.corpus, mutations: run.mutations }))
      for (const artefact of ['cen-ubl', 'cen-cii', 'peppol'] as Artefact[])
        console.log(`${name.padEnd(9)} ${artefact.padEnd(7)} ${agreement(tally, artefact)}`);
    console.log(`bases: ${run.bases.length}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log('corpus differences:');
    for (const difference of run.corpus.differences)
      console.log(
        `  ${difference.source} ${difference.artefact} missed ${difference.missed} extra ${difference.extra}`,
      );
    // --only REGEX: the rules of one family, each with a few of the mutations it differs on.
    const onlyAt = args.indexOf('--only');
    const only = onlyAt >= 0 ? new RegExp(args[onlyAt + 1]!) : undefined;
    console.log('mutation differences by rule (missed / extra):');
    for (const rule of byRule(run.mutations.differences)
      .filter((candidate) => !only || only.test(candidate.id))
      .slice(0, only ? 1000 : 80)) {
      console.log(
        `  ${rule.id.padEnd(28)} ${String(rule.missed).padStart(5)} ${String(rule.extra).padStart(5)}`,
      );
      if (!only) continue;
      for (const difference of run.mutations.differences
        .filter((candidate) => candidate.missed.includes(rule.id) || candidate.extra.includes(rule.id))
        .slice(0, 4))
        console.log(
          `      ${difference.missed.includes(rule.id) ? 'missed' : 'extra '} ${difference.source} seed ${difference.mutation!.seed} ${difference.mutation!.kind} ${difference.mutation!.path}: ${difference.mutation!.change}`,
        );
    }
    if (jsonAt >= 0) fs.writeFileSync(args[jsonAt + 1]!, JSON.stringify(run, null, 1));
  } finally {
    await validators.stop();
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });

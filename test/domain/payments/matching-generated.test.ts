/**
 * The matcher against generated statements whose truth is known (see generate-statement.ts): every entry is either
 * matched exactly as the truth says, with its reason, or in review; none is matched wrongly. The auto-match rate
 * (matched / all entries) is printed, and held above a floor so a change that sends much more to review is noticed.
 */
import { parseXml } from '../../../domain/xml';
import { decideStatement } from '../../../domain/payments/matching';
import type { EntryDecision } from '../../../domain/payments/model';
import { generateStatement, toCamt053, type EntryTruth, type GeneratedStatement } from './generate-statement';

interface Verdict {
  outcome: 'right match' | 'right review' | 'right not-a-payment' | 'review (a match was possible)' | 'WRONG';
  why?: string;
}

function judge(truth: EntryTruth, decision: EntryDecision): Verdict {
  if (truth.expect === 'not-a-payment') {
    return decision.kind === 'not-a-payment'
      ? { outcome: 'right not-a-payment' }
      : { outcome: 'WRONG', why: `${decision.kind} instead of not-a-payment: ${decision.reason}` };
  }
  if (truth.expect === 'review') {
    return decision.kind === 'review'
      ? { outcome: 'right review' }
      : { outcome: 'WRONG', why: `${decision.kind} instead of review: ${decision.reason}` };
  }
  if (decision.kind === 'review') return { outcome: 'review (a match was possible)' };
  if (decision.kind === 'not-a-payment')
    return { outcome: 'WRONG', why: `not-a-payment: ${decision.reason}` };
  const got = new Map(decision.allocations.map((a) => [a.invoiceId, a.amount]));
  const want = new Map(truth.allocations.map((a) => [a.invoiceId, a.amount]));
  const sameShares = got.size === want.size && [...want].every(([id, amount]) => got.get(id) === amount);
  const credit = decision.credit ? `${decision.credit.customerKey} ${decision.credit.amount}` : '';
  const wantCredit = truth.credit ? `${truth.credit.customerKey} ${truth.credit.amount}` : '';
  if (!sameShares || credit !== wantCredit) {
    return {
      outcome: 'WRONG',
      why: `matched ${JSON.stringify([...got])} credit "${credit}", truth ${JSON.stringify([...want])} credit "${wantCredit}": ${decision.reason}`,
    };
  }
  if (!decision.reason.trim() || decision.allocations.some((a) => !a.reason.trim())) {
    return { outcome: 'WRONG', why: 'a match without its reason' };
  }
  return { outcome: 'right match' };
}

function run(generated: GeneratedStatement) {
  const decisions = decideStatement(generated.statement, generated.context);
  const verdicts = decisions.map((decision, i) => ({
    decision,
    truth: generated.truth[i],
    ...judge(generated.truth[i], decision),
  }));
  const byStory = new Map<string, Record<string, number>>();
  for (const { truth, outcome } of verdicts) {
    const counts = byStory.get(truth.story) ?? {};
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    byStory.set(truth.story, counts);
  }
  const matched = decisions.filter((d) => d.kind === 'matched').length;
  const wrong = verdicts.filter((v) => v.outcome === 'WRONG');
  return { decisions, verdicts, byStory, matched, wrong, rate: matched / decisions.length };
}

describe('matching a generated statement whose truth is known', () => {
  it.each([
    { seed: 20260115, invoices: 4000, entries: 800 },
    { seed: 7, invoices: 2500, entries: 400 },
  ])('seed $seed: $entries entries against $invoices invoices — none matched wrongly', (options) => {
    const generated = generateStatement(options);
    expect(generated.statement.entries).toHaveLength(options.entries);
    const { byStory, matched, wrong, rate } = run(generated);

    const table = [...byStory]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([story, counts]) =>
          `  ${story.padEnd(28)} ${Object.entries(counts)
            .map(([k, n]) => `${k}: ${n}`)
            .join(', ')}`,
      );
    console.log(
      `seed ${options.seed}: ${matched}/${options.entries} entries matched automatically ` +
        `(auto-match rate ${(rate * 100).toFixed(1)}%), ${wrong.length} wrong\n${table.join('\n')}`,
    );

    expect(wrong.map((w) => `${w.truth.story}: ${w.why}`)).toEqual([]);
    // Every story that can be matched is matched somewhere; review stays the exception for them.
    for (const story of [
      'rf-structured',
      'rf-in-text',
      'number-alone',
      'number-in-text',
      'partial',
      'overpaid',
      'split',
      'payer-and-amount',
      'bgn',
    ]) {
      const counts = byStory.get(story);
      if (counts) expect(counts['right match'] ?? 0).toBeGreaterThan(0);
    }
    expect(rate).toBeGreaterThan(0.7);
  });

  it('every review carries its reason, and the candidates of two same-amount invoices are both listed', () => {
    const generated = generateStatement({ seed: 99, invoices: 3000, entries: 500 });
    const { verdicts } = run(generated);
    for (const { decision } of verdicts) expect(decision.reason.trim()).not.toBe('');
    const twice = verdicts.filter((v) => v.truth.story === 'same-amount-twice');
    expect(twice.length).toBeGreaterThan(0);
    for (const { decision } of twice) {
      expect(decision.kind === 'review' && decision.candidates.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('the same seed gives the same statement and truth; another seed another', () => {
    const a = generateStatement({ seed: 5, invoices: 500, entries: 120 });
    const b = generateStatement({ seed: 5, invoices: 500, entries: 120 });
    const c = generateStatement({ seed: 6, invoices: 500, entries: 120 });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(JSON.stringify(c.statement)).not.toBe(JSON.stringify(a.statement));
  });

  it('writes the statement as camt.053.001.02 with every entry and balances that add up', () => {
    const generated = generateStatement({ seed: 11, invoices: 600, entries: 150, foreignCurrencies: false });
    const { statement } = generated;
    const document = parseXml(Buffer.from(toCamt053(statement), 'utf8'));
    const root = document.documentElement;
    expect(root?.namespaceURI).toBe('urn:iso:std:iso:20022:tech:xsd:camt.053.001.02');
    const entries = root ? Array.from(root.getElementsByTagName('Ntry')) : [];
    expect(entries).toHaveLength(statement.entries.length);
    const first = entries[0];
    expect(first.getElementsByTagName('Amt')[0].textContent).toBe(statement.entries[0].amount);
    expect(first.getElementsByTagName('AcctSvcrRef')[0].textContent).toBe(statement.entries[0].bankReference);
    expect(statement.openingBalance && statement.closingBalance).toBeTruthy();
    const cents = (amount: string) => BigInt(amount.replace('.', ''));
    const movement = statement.entries
      .filter((e) => e.status === 'BOOK')
      .reduce((sum, e) => sum + (e.direction === 'credit' ? cents(e.amount) : -cents(e.amount)), 0n);
    expect(cents(statement.closingBalance!.amount) - cents(statement.openingBalance!.amount)).toBe(movement);
  });
});

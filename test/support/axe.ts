import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';

/**
 * Accessibility checks with axe-core for portal pages. Call `expectNoSeriousA11yViolations(page, 'what this is')`
 * once a page shows what it is meant to show (wait for its heading or data first): it fails with a readable list
 * of every serious or critical violation, and returns the whole report (minor and moderate ones too) for records.
 */

/** WCAG 2.0 and 2.1, levels A and AA: the rules every page must pass. */
export const WCAG21_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** What fails a page. Moderate and minor findings are reported, not failed. */
export const FAILING_IMPACTS = ['serious', 'critical'] as const;

export type Impact = 'minor' | 'moderate' | 'serious' | 'critical';

export interface A11yOptions {
  /** axe rule tags to run; WCAG 2.1 A/AA by default. Add 'wcag22aa' or 'best-practice' for stricter pages. */
  tags?: string[];
  /** Only check inside these selectors (default: the whole page). */
  include?: string[];
  /** Leave these selectors out (third-party widgets, say). Prefer fixing to excluding. */
  exclude?: string[];
  /** Rules to skip, each with a reason in the caller's comment. */
  disableRules?: string[];
}

export interface A11yViolation {
  rule: string;
  impact: Impact | null;
  help: string;
  helpUrl: string;
  /** The CSS selectors of the offending elements, and axe's advice for the first of each. */
  nodes: { target: string; summary: string }[];
}

export interface A11yReport {
  context: string;
  url: string;
  /** Violated rules by impact. */
  counts: Record<Impact, number>;
  violations: A11yViolation[];
}

/** Runs axe on the page as it is now. */
export async function checkA11y(page: Page, context: string, options: A11yOptions = {}): Promise<A11yReport> {
  let builder = new AxeBuilder({ page }).withTags(options.tags ?? WCAG21_AA_TAGS);
  for (const selector of options.include ?? []) builder = builder.include(selector);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  if (options.disableRules?.length) builder = builder.disableRules(options.disableRules);
  const results = await builder.analyze();
  const counts: Record<Impact, number> = { minor: 0, moderate: 0, serious: 0, critical: 0 };
  const violations = results.violations.map((violation): A11yViolation => {
    const impact = (violation.impact ?? null) as Impact | null;
    if (impact) counts[impact] += 1;
    return {
      rule: violation.id,
      impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({
        target: node.target
          .map((part) => (Array.isArray(part) ? part.join(' >>> ') : String(part)))
          .join(' '),
        summary: (node.failureSummary ?? '').replace(/\s+/g, ' ').trim(),
      })),
    };
  });
  return { context, url: page.url(), counts, violations };
}

/** The serious and critical violations of a report, one paragraph each, for a failure message. */
export function describeViolations(report: A11yReport, impacts: readonly Impact[] = FAILING_IMPACTS): string {
  return report.violations
    .filter((violation) => violation.impact !== null && impacts.includes(violation.impact))
    .map((violation) =>
      [
        `  [${violation.impact}] ${violation.rule}: ${violation.help}`,
        `    ${violation.helpUrl}`,
        ...violation.nodes.map(
          (node) => `    - ${node.target}${node.summary ? `\n      ${node.summary}` : ''}`,
        ),
      ].join('\n'),
    )
    .join('\n');
}

/** A page failed its check; the whole report rides along for records. */
export class A11yViolationsError extends Error {
  constructor(readonly report: A11yReport) {
    const failing = report.counts.serious + report.counts.critical;
    super(
      `${failing} serious or critical accessibility violation(s) on ${report.context} (${report.url}):\n` +
        describeViolations(report),
    );
    this.name = 'A11yViolationsError';
  }
}

/** Fails (A11yViolationsError) when axe finds a serious or critical violation; returns the report otherwise. */
export async function expectNoSeriousA11yViolations(
  page: Page,
  context: string,
  options: A11yOptions = {},
): Promise<A11yReport> {
  const report = await checkA11y(page, context, options);
  if (report.counts.serious + report.counts.critical > 0) throw new A11yViolationsError(report);
  return report;
}

/** What every rule family receives: the invoice, paths into its document, and a way to report. */
import type { Finding, Invoice } from '../invoice/model';
import { InvoicePaths } from './paths';

export class RuleContext {
  readonly findings: Finding[] = [];
  readonly paths: InvoicePaths;

  constructor(readonly invoice: Invoice) {
    this.paths = new InvoicePaths(invoice);
  }

  fatal(ruleId: string, path: string, message: string, messageBg: string): void {
    this.findings.push({ ruleId, severity: 'fatal', path, message, messageBg });
  }

  warning(ruleId: string, path: string, message: string, messageBg: string): void {
    this.findings.push({ ruleId, severity: 'warning', path, message, messageBg });
  }

  /** A required element is absent or empty: one phrasing for all such rules. */
  missing(ruleId: string, path: string, term: string, termBg: string, why = '', whyBg = ''): void {
    this.fatal(
      ruleId,
      path,
      `${term} is missing${why ? ` ${why}` : ''}: add ${path}.`,
      `Липсва ${termBg}${whyBg ? ` ${whyBg}` : ''}: добавете ${path}.`,
    );
  }
}

export const present = (value: string | undefined): value is string =>
  value !== undefined && value.trim() !== '';

export const quote = (value: string | undefined): string => (value === undefined ? 'nothing' : `"${value}"`);
export const quoteBg = (value: string | undefined): string => (value === undefined ? 'нищо' : `"${value}"`);

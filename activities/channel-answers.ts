import { writeAnswer } from '../db/channel-answers';
import { getDelivery } from '../db/deliveries';
import type { InvoiceRecord } from '../db/invoices';
import { parseInvoice } from '../domain/invoice';
import {
  answerKeys,
  answerNames,
  invoiceResponse,
  jsonFile,
  responseCodeFor,
  splitRule,
  type VerificationResultFile,
} from '../intake/answers';
import type { ChannelAnswerStage } from '../workflows/messages';
import type { ActivityDeps } from './index';
import { loadInvoice, loadOriginal } from './load';

export function channelAnswerActivities({ db, config }: ActivityDeps) {
  return {
    /**
     * Writes what became of an invoice to the outbox of the channel that delivered it (SFTP, pickup): after
     * verification NAME.result.json and the Invoice Response (AB / RE); later the AP (viewed) and PD (paid) responses.
     * Each answer has its own key, so a retried activity writes nothing twice.
     */
    async answerChannel(invoiceId: string, stage: ChannelAnswerStage): Promise<void> {
      const invoice = await loadInvoice(db, invoiceId);
      const delivery = invoice.deliveryId ? await getDelivery(db, invoice.deliveryId) : undefined;
      if (!delivery?.mailbox) return;
      const write = (key: string, name: string, content: Buffer) =>
        writeAnswer(db, {
          key,
          issuerId: invoice.issuerId,
          mailbox: delivery.mailbox as NonNullable<typeof delivery.mailbox>,
          name,
          content,
          deliveryId: delivery.id,
        });
      if (stage === 'verified' || stage === 'rejected') {
        await write(
          answerKeys.result(invoice.id),
          answerNames.result(delivery.fileName),
          jsonFile(resultFile(invoice, delivery.fileName, config.publicUrl, stage === 'rejected')),
        );
      }
      const code = responseCodeFor(stage);
      const model = parseInvoice(await loadOriginal(db, invoiceId));
      const response = invoiceResponse(
        { id: invoice.id, model, reasons: verdict(invoice).reasons },
        code,
        new Date(),
      );
      await write(
        answerKeys.response(invoice.id, code),
        answerNames.response(delivery.fileName, code),
        Buffer.from(response),
      );
    },
  };
}

function resultFile(
  invoice: InvoiceRecord,
  fileName: string,
  publicUrl: string,
  rejected: boolean,
): VerificationResultFile {
  const { reasons, warnings } = verdict(invoice);
  return {
    file: fileName,
    invoice: { id: invoice.id, number: invoice.number, link: `${publicUrl}/api/v1/invoices/${invoice.id}` },
    status: rejected ? 'rejected' : 'accepted',
    reasons: reasons.map(splitRule),
    warnings: warnings.map(splitRule),
    at: new Date().toISOString(),
  };
}

/** The verification activity's verdict, kept with the invoice. */
function verdict(invoice: InvoiceRecord): { reasons: string[]; warnings: string[] } {
  const hub = (invoice.verification as { hub?: { reasons?: string[]; warnings?: string[] } } | undefined)
    ?.hub;
  return { reasons: hub?.reasons ?? [], warnings: hub?.warnings ?? [] };
}

import { proxyActivities } from '@temporalio/workflow';
import type { InvoiceActivities } from '../activities';

export interface As2MdnDeliveryInput {
  as2From: string;
  messageId: string;
  /** First retry after this many seconds; then backing off to an hour, for three days. */
  retrySeconds: number;
}

/**
 * Delivers one asynchronous AS2 MDN to the partner's Receipt-Delivery-Option URL. The invoice is already recorded;
 * what is left is telling the partner, which may be down for hours: retried with backoff, each attempt in history.
 */
export async function deliverAs2Mdn(input: As2MdnDeliveryInput): Promise<void> {
  const { sendAs2Mdn } = proxyActivities<Pick<InvoiceActivities, 'sendAs2Mdn'>>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: '3 days',
    retry: {
      initialInterval: `${input.retrySeconds}s`,
      backoffCoefficient: 2,
      maximumInterval: '1 hour',
      nonRetryableErrorTypes: ['MdnMissing'],
    },
  });
  await sendAs2Mdn(input.as2From, input.messageId);
}

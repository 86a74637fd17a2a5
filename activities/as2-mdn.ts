import { ApplicationFailure } from '@temporalio/common';
import { findAs2Message, markAs2MdnDelivered } from '../db/as2';
import type { ActivityDeps } from './index';

export function as2MdnActivities({ db }: ActivityDeps) {
  return {
    /** POSTs the stored MDN of a processed message to the partner's URL; any answer but 2xx is retried. */
    async sendAs2Mdn(as2From: string, messageId: string): Promise<void> {
      const message = await findAs2Message(db, as2From, messageId);
      if (!message?.mdnUrl) {
        throw ApplicationFailure.nonRetryable(
          `no asynchronous MDN for ${messageId} from ${as2From}`,
          'MdnMissing',
        );
      }
      const response = await fetch(message.mdnUrl, {
        method: 'POST',
        headers: message.mdnHeaders,
        body: new Uint8Array(message.mdnBody),
        signal: AbortSignal.timeout(30_000),
      });
      if (!response.ok) {
        throw new Error(`${message.mdnUrl} answered the MDN with HTTP ${response.status}`);
      }
      await markAs2MdnDelivered(db, as2From, messageId);
    },
  };
}

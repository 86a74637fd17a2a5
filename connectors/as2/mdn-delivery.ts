import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ProcessedAs2Message } from '../../db/as2';
import type { IntakeDeps } from '../../intake';
import type { As2MdnDeliveryInput } from '../../workflows/as2-mdn';

/**
 * Hands an asynchronous MDN to its delivery workflow, which POSTs it to the partner's Receipt-Delivery-Option URL
 * and retries with backoff until the partner takes it. A resent message starts a new delivery of the same MDN.
 */
export async function startMdnDelivery(
  { temporal, config }: Pick<IntakeDeps, 'temporal' | 'config'>,
  message: ProcessedAs2Message,
): Promise<void> {
  const input: As2MdnDeliveryInput = {
    as2From: message.as2From,
    messageId: message.messageId,
    retrySeconds: config.as2.mdnRetrySeconds,
  };
  const first = `as2-mdn-${message.as2From}-${message.messageId}`;
  try {
    await temporal.workflow.start('deliverAs2Mdn', {
      workflowId: message.mdnDeliveredAt ? `${first}-again-${Date.now()}` : first,
      taskQueue: config.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

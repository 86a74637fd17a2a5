import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type { InvoiceActivities } from '../../activities';
import { UNDELIVERABLE_FAILURE, type Undeliverable } from '../../domain/operations/undeliverable';
import { retryDeliveryUpdate } from '../messages';
import type { LifecycleStage } from './disputes';

const work = proxyActivities<Pick<InvoiceActivities, 'notifyRecipient' | 'notifyIssuerOfUndeliverable'>>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['InvoiceRejected'],
  },
});

export interface RecipientDelivery {
  /**
   * Mails the recipient. A failure retrying cannot fix (not an e-mail address, the mail server refusing the recipient
   * for good) holds the invoice as `undeliverable`, tells the issuer, and waits — open, so it stays queryable — for
   * `retryDelivery` (after someone fixed the cause) or a cancellation. Undefined when it was cancelled meanwhile.
   */
  notifyRecipient(): Promise<{ recipient: string; invitation: boolean } | undefined>;
}

export function registerUndeliverableHandlers(stage: LifecycleStage): RecipientDelivery {
  const { state, input } = stage;

  setHandler(
    retryDeliveryUpdate,
    async (request) => {
      state.undeliverable = undefined;
      await stage.advance('archived', 'delivery retried', { by: request.requestedBy });
      return state;
    },
    {
      validator: (request) => {
        if (!request.requestedBy?.trim()) throw new Error('a retry names who asked for it');
        if (state.status !== 'undeliverable')
          throw ApplicationFailure.create({
            type: 'NOT_UNDELIVERABLE',
            message: `the invoice is ${state.status}, not undeliverable`,
            nonRetryable: true,
          });
      },
    },
  );

  return {
    async notifyRecipient() {
      for (;;) {
        try {
          return await work.notifyRecipient(input.invoiceId);
        } catch (error) {
          const found = undeliverableCause(error);
          if (!found) throw error;
          const times = (state.undeliverable?.times ?? 0) + 1;
          state.undeliverable = { ...found, since: new Date().toISOString(), times };
          await stage.advance('undeliverable', 'undeliverable', { reason: found.reason, code: found.code });
          await work.notifyIssuerOfUndeliverable(input.invoiceId, found.reason, times);
          await condition(() => state.status !== 'undeliverable');
          if (state.status === 'cancelled') return undefined;
        }
      }
    },
  };
}

function undeliverableCause(error: unknown): Undeliverable | undefined {
  if (!(error instanceof ActivityFailure)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== UNDELIVERABLE_FAILURE) return undefined;
  const detail = cause.details?.[0] as Partial<Undeliverable> | undefined;
  return {
    code: detail?.code ?? 'RECIPIENT_REJECTED',
    reason: detail?.reason ?? cause.message,
  };
}

/**
 * The worker's activity interceptor that gives every log line of an activity its invoice and workflow: the
 * workflow id from Temporal, the invoice id from the activity's first argument when it is one (the lifecycle's
 * activities take the invoice id first).
 */
import type { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityInterceptors } from '@temporalio/worker';
import { withLogContext } from '../platform/log-context';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function activityLogContext(context: Context): ActivityInterceptors {
  const inbound: ActivityInboundCallsInterceptor = {
    execute: (input, next) => {
      const [first] = input.args;
      return withLogContext(
        {
          workflowId: context.info.workflowExecution.workflowId,
          activity: context.info.activityType,
          ...(typeof first === 'string' && UUID.test(first) ? { invoiceId: first } : {}),
        },
        () => next(input),
      );
    },
  };
  return { inbound };
}

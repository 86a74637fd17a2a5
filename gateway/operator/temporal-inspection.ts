import type { Client } from '@temporalio/client';
import type { RetryingActivity } from '../../domain/operations/console';
import { workflowUiUrl, type HubConfig } from '../../platform/config';

/**
 * Temporal's side of the operator console: activities of open lifecycles (and asynchronous MDN deliveries) that keep
 * failing, with their last failure, and retrying one now. Pending activities are not searchable, so the open workflows
 * of those types are listed and described one by one (bounded by `limit`).
 */
export const INSPECTED_WORKFLOW_TYPES = ['invoiceLifecycle', 'deliverAs2Mdn'] as const;

export async function retryingActivities(
  temporal: Client,
  config: HubConfig,
  minAttempt: number,
  limit = 200,
): Promise<RetryingActivity[]> {
  const open = `ExecutionStatus = 'Running' AND TaskQueue = '${config.taskQueue}'`;
  // Invoices on their way through (verify, archive, notify) and MDN deliveries first: that is where failures hold
  // something up; then the lifecycles waiting for a view or a payment, whose reminders and receipts may retry too.
  const workingStates = `('received', 'verified', 'archived')`;
  const queries = [
    `WorkflowType = 'deliverAs2Mdn' AND ${open}`,
    `WorkflowType = 'invoiceLifecycle' AND InvoiceStatus IN ${workingStates} AND ${open}`,
    `WorkflowType = 'invoiceLifecycle' AND InvoiceStatus NOT IN ${workingStates} AND ${open}`,
  ];
  const found: RetryingActivity[] = [];
  let seen = 0;
  for (const query of queries) {
    for await (const execution of temporal.workflow.list({ query })) {
      if (++seen > limit) break;
      const described = await temporal.workflow.getHandle(execution.workflowId, execution.runId).describe();
      for (const pending of described.raw.pendingActivities ?? []) {
        const attempt = pending.attempt ?? 0;
        if (attempt < minAttempt) continue;
        const seconds = pending.nextAttemptScheduleTime?.seconds;
        found.push({
          workflowId: execution.workflowId,
          workflowType: execution.type,
          activityId: pending.activityId ?? '',
          activityType: pending.activityType?.name ?? '',
          attempt,
          lastFailure: pending.lastFailure?.message ?? null,
          nextAttemptAt: seconds ? new Date(Number(seconds) * 1000).toISOString() : null,
          temporalUi: workflowUiUrl(config, execution.workflowId),
        });
      }
    }
  }
  return found.sort((a, b) => b.attempt - a.attempt);
}

/**
 * Runs a retrying activity again now instead of at its next backoff, with its attempts counted from one
 * (Temporal's ResetActivity). False when the workflow has no such pending activity (it went through meanwhile).
 */
export async function retryActivityNow(
  temporal: Client,
  config: HubConfig,
  workflowId: string,
  activityId: string,
  identity: string,
): Promise<boolean> {
  const described = await temporal.workflow.getHandle(workflowId).describe();
  if (!INSPECTED_WORKFLOW_TYPES.some((t) => t === described.type)) return false;
  if (!(described.raw.pendingActivities ?? []).some((p) => p.activityId === activityId)) return false;
  await temporal.workflowService.resetActivity({
    namespace: config.temporalNamespace,
    execution: { workflowId },
    id: activityId,
    identity,
  });
  return true;
}

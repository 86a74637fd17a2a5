import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

const { EventType } = temporal.api.enums.v1;

/** The attempt each completed activity of this type ran as, from the workflow's history. */
export async function completedAttempts(handle: WorkflowHandle, activityType: string): Promise<number[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const scheduled = new Map<string, string>();
  const started = new Map<string, number>();
  const attempts: number[] = [];
  for (const event of events) {
    const id = String(event.eventId);
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
      scheduled.set(id, event.activityTaskScheduledEventAttributes?.activityType?.name ?? '');
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
      const attributes = event.activityTaskStartedEventAttributes;
      started.set(String(attributes?.scheduledEventId), attributes?.attempt ?? 0);
    }
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const scheduledId = String(event.activityTaskCompletedEventAttributes?.scheduledEventId);
      if (scheduled.get(scheduledId) === activityType) attempts.push(started.get(scheduledId) ?? 0);
    }
  }
  return attempts;
}

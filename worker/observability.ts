/**
 * The worker options that make an invoice's work observable, shared by `bin/hub worker` and the tests' workers:
 * log lines carry the invoice and workflow (always), and, when tracing is on, the workflow and its activities
 * join the trace of the request that started them.
 */
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import { activityLogContext } from '../activities/log-context';
import { type Tracing, tracingWorkerOptions } from '../platform/tracing';

export function observabilityOptions(tracing: Tracing | undefined): {
  interceptors: WorkerInterceptors;
  sinks?: InjectedSinks<Record<string, never>>;
} {
  if (!tracing) return { interceptors: { activity: [activityLogContext] } };
  const traced = tracingWorkerOptions(tracing);
  return {
    interceptors: {
      ...traced.interceptors,
      activity: [activityLogContext, ...(traced.interceptors.activity ?? [])],
    },
    sinks: traced.sinks,
  };
}

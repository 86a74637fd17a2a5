/**
 * How the lifecycle worker polls, caches and runs: one set of options for `bin/hub worker` and for the lifecycle
 * benchmark's no-op floor, so the floor measures exactly what the hub's worker is tuned to.
 */
import type { WorkerOptions } from '@temporalio/worker';
import type { HubConfig } from '../platform/config';
import { startTracing } from '../platform/tracing';
import { observabilityOptions } from './observability';
import { workflowBundle } from './workflow-bundle';

export type LifecycleWorkerOptions = Pick<
  WorkerOptions,
  'workflowBundle' | 'interceptors' | 'sinks' | 'maxCachedWorkflows' | 'maxConcurrentActivityTaskExecutions'
>;

export async function lifecycleWorkerOptions(config: HubConfig): Promise<LifecycleWorkerOptions> {
  const { interceptors, sinks } = observabilityOptions(startTracing('einvoice-hub-worker'));
  // The workflow interceptors are part of the bundle; the worker gets the rest.
  const { workflowModules, ...workerInterceptors } = interceptors;
  return {
    workflowBundle: await workflowBundle(workflowModules),
    interceptors: workerInterceptors,
    sinks,
    // Invoices wait days for a view: past this many, the least recently used leave memory and replay on their
    // next signal, so the worker's memory does not grow with the invoices waiting.
    maxCachedWorkflows: config.worker.cachedWorkflows,
    maxConcurrentActivityTaskExecutions: 50,
  };
}

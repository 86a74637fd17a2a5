/**
 * What every log line written while one invoice's work runs carries: the invoice id and the workflow id (and the
 * activity). Kept in an AsyncLocalStorage, so the code that logs needs no logger passed down; the one logger adds
 * the current context to each line (platform/logger.ts).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface LogContext {
  invoiceId?: string;
  workflowId?: string;
  activity?: string;
}

const storage = new AsyncLocalStorage<LogContext>();

/** Runs `work` with `context` added to every log line it writes (inner contexts add to outer ones). */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return storage.run({ ...storage.getStore(), ...context }, work);
}

export const currentLogContext = (): LogContext => storage.getStore() ?? {};

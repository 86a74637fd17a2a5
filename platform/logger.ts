import pino from 'pino';
import { currentLogContext } from './log-context';

/**
 * The one logger. JSON lines (for log shippers) unless a person is watching a terminal, where lines are made
 * readable by pino-pretty; LOG_FORMAT=json|pretty forces one. LOG_LEVEL tunes verbosity. A line written during
 * one invoice's work carries its invoiceId and workflowId (platform/log-context.ts).
 */
const pretty = process.env.LOG_FORMAT ? process.env.LOG_FORMAT === 'pretty' : Boolean(process.stdout.isTTY);

export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'einvoice-hub' },
  // The invoice and workflow a line belongs to, when it is written during one invoice's work.
  mixin: () => ({ ...currentLogContext() }),
  ...(pretty
    ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname,service' } } }
    : {}),
});

export type Logger = typeof logger;

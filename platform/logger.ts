import pino from 'pino';

/**
 * The one logger. JSON lines (for log shippers) unless a person is watching a terminal, where lines are made
 * readable by pino-pretty; LOG_FORMAT=json|pretty forces one. LOG_LEVEL tunes verbosity.
 */
const pretty = process.env.LOG_FORMAT ? process.env.LOG_FORMAT === 'pretty' : Boolean(process.stdout.isTTY);

export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'einvoice-hub' },
  ...(pretty
    ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname,service' } } }
    : {}),
});

export type Logger = typeof logger;

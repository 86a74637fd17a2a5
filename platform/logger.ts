import pino from 'pino';

/** The one logger. JSON lines by default; LOG_LEVEL tunes verbosity. */
export const logger = pino({
  level: process.env.LOG_LEVEL ?? 'info',
  base: { service: 'einvoice-hub' },
});

export type Logger = typeof logger;

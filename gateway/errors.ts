import type { ErrorRequestHandler } from 'express';
import { IntakeError } from '../intake';
import { logger } from '../platform/logger';

/** The gateway's one error type: an HTTP status, a stable code and a sentence a person can act on. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

interface ValidatorError {
  status?: number;
  errors?: { path?: string; message?: string }[];
  type?: string;
  message?: string;
}

/** Every failure leaves the gateway as `{"error": {"code", "message"}}`. */
export const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
  const body = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
    res.status(status).json({ error: { code, message, ...extra } });
  if (error instanceof HttpError) return body(error.status, error.code, error.message, error.extra);
  if (error instanceof IntakeError) {
    return body(
      error.httpStatus,
      error.code,
      error.message,
      error.invoiceId ? { invoiceId: error.invoiceId } : {},
    );
  }
  const e = error as ValidatorError;
  if (e.type === 'entity.too.large')
    return body(413, 'PAYLOAD_TOO_LARGE', 'the request body is over the size limit');
  if (e.type === 'entity.parse.failed')
    return body(400, 'MALFORMED_JSON', 'the request body is not valid JSON');
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    const details = (e.errors ?? []).map((d) => `${d.path ?? ''} ${d.message ?? ''}`.trim()).join('; ');
    const code =
      e.status === 415
        ? 'UNSUPPORTED_MEDIA_TYPE'
        : e.status === 404
          ? 'NOT_FOUND'
          : e.status === 405
            ? 'METHOD_NOT_ALLOWED'
            : 'INVALID_REQUEST';
    return body(e.status, code, details || e.message || 'invalid request');
  }
  logger.error({ err: error }, 'request failed');
  return body(500, 'INTERNAL', 'the hub could not complete the request; it has been logged');
};

import express, { type RequestHandler } from 'express';
import { MAX_ATTACHMENT_BYTES } from '../domain/disputes';
import { HttpError } from './errors';

/**
 * The body of an attachment upload: the file's bytes, whatever type the sender declares (the content decides,
 * domain/disputes/attachments.ts), at most 5 MiB. A larger file is refused before it is read when it says its
 * length, and as soon as it passes the limit when it does not.
 */
const tooLarge = () =>
  new HttpError(
    413,
    'ATTACHMENT_TOO_LARGE',
    `an attachment may have at most 5 MiB (${MAX_ATTACHMENT_BYTES} bytes); make the file smaller or split it`,
    { refusal: 'TOO_LARGE' },
  );

const readRaw = express.raw({ type: () => true, limit: MAX_ATTACHMENT_BYTES });

export const attachmentBody: RequestHandler = (req, res, next) => {
  const length = Number(req.get('content-length'));
  if (Number.isFinite(length) && length > MAX_ATTACHMENT_BYTES) return next(tooLarge());
  readRaw(req, res, (error?: unknown) => {
    next((error as { type?: string } | undefined)?.type === 'entity.too.large' ? tooLarge() : error);
  });
};

/** The file name the uploader gave (?name=…); only a hint, cleaned before it is kept. */
export function declaredFileName(query: unknown): string | undefined {
  const name = (query as Record<string, unknown> | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

export function uploadedBytes(body: unknown): Buffer {
  return Buffer.isBuffer(body) ? body : Buffer.alloc(0);
}

import type { RequestHandler } from 'express';
import { HttpError } from './errors';

/**
 * PostgreSQL's text cannot hold U+0000: a NUL in any field of a JSON body or in the query would fail deep inside a
 * query as an internal error. It is refused at the door instead, naming the field. (Bodies here are at most 16 KiB
 * of JSON, so the walk is cheap; raw uploads are bytes and not looked at.)
 */
export const refuseNulCharacters: RequestHandler = (req, _res, next) => {
  const field =
    nulField(req.query, 'query') ?? (isParsedJson(req.body) ? nulField(req.body, 'body') : undefined);
  if (field === undefined) return next();
  next(
    new HttpError(
      400,
      'NUL_CHARACTER',
      `${field} holds a NUL character (U+0000), which no text the hub keeps may contain`,
    ),
  );
};

function isParsedJson(body: unknown): boolean {
  return body !== null && typeof body === 'object' && !Buffer.isBuffer(body);
}

/** The path of the first string (or key) holding a NUL, walking objects and arrays without recursion. */
function nulField(value: unknown, root: string): string | undefined {
  const pending: [unknown, string][] = [[value, root]];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [current, where] = item;
    if (typeof current === 'string') {
      if (current.includes('\0')) return where;
    } else if (current !== null && typeof current === 'object') {
      for (const [key, child] of Object.entries(current)) {
        if (key.includes('\0')) return `${where} (a key)`;
        pending.push([child, `${where}.${key}`]);
      }
    }
  }
  return undefined;
}

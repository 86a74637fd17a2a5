import crypto from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';
import type { PoolClient } from 'pg';
import type { Db } from '../../db';
import { loadPrincipal, tokenDigest, type Principal } from '../../db/users';
import { HttpError } from '../errors';

/**
 * Portal sessions: a random 32-byte token in an HttpOnly cookie; the database keeps only its SHA-256 digest,
 * so a leaked table cannot be replayed as sessions.
 */
export const SESSION_COOKIE = 'hub_session';
const SESSION_HOURS = 12;

function cookieOptions(req: Request): CookieOptions {
  // Secure only over TLS, so the plain-HTTP development server still works; SameSite=Lax keeps other sites'
  // POSTs from carrying the cookie (the CSRF defence) while links from e-mails still arrive logged in.
  return { httpOnly: true, sameSite: 'lax', path: '/', secure: req.secure };
}

/** `secondFactor`: the login passed the person's second factor (TOTP or a recovery code). */
export async function startSession(
  db: Db,
  req: Request,
  res: Response,
  userId: string,
  { secondFactor = false }: { secondFactor?: boolean } = {},
): Promise<void> {
  await endSession(db, req, res);
  // Expired sessions are useless; each login sweeps the person's own, so the table stays small.
  await db.query('delete from portal_sessions where user_id = $1 and expires_at <= now()', [userId]);
  const token = crypto.randomBytes(32).toString('base64url');
  await db.query(
    `insert into portal_sessions (token_sha256, user_id, expires_at, second_factor)
     values ($1, $2, now() + make_interval(hours => $3), $4)`,
    [tokenDigest(token), userId, SESSION_HOURS, secondFactor],
  );
  res.cookie(SESSION_COOKIE, token, { ...cookieOptions(req), maxAge: SESSION_HOURS * 3600 * 1000 });
}

/** Log out everywhere (and after a password reset): every session of the person ends, on every device. */
export async function endAllSessions(db: Db | PoolClient, userId: string): Promise<number> {
  const { rowCount } = await db.query('delete from portal_sessions where user_id = $1', [userId]);
  return rowCount ?? 0;
}

/** After a password change: the person's other sessions end; the one that made the change goes on. */
export async function endOtherSessions(db: Db, req: Request, userId: string): Promise<number> {
  const token = sessionToken(req);
  const { rowCount } = await db.query(
    'delete from portal_sessions where user_id = $1 and token_sha256 is distinct from $2',
    [userId, token ? tokenDigest(token) : null],
  );
  return rowCount ?? 0;
}

/** The second factor was set up in this session: it counts as passed (as if the login had asked for it). */
export async function markSessionSecondFactor(db: Db, req: Request): Promise<void> {
  const token = sessionToken(req);
  if (!token) return;
  await db.query('update portal_sessions set second_factor = true where token_sha256 = $1', [
    tokenDigest(token),
  ]);
}

/** The live sessions of a person, and whether the current one passed the second factor. */
export async function sessionFacts(
  db: Db,
  req: Request,
  userId: string,
): Promise<{ liveSessions: number; secondFactor: boolean }> {
  const token = sessionToken(req);
  const { rows } = await db.query<{ live: string; second_factor: boolean | null }>(
    `select count(*) as live,
            bool_or(second_factor) filter (where token_sha256 = $2) as second_factor
       from portal_sessions where user_id = $1 and expires_at > now()`,
    [userId, token ? tokenDigest(token) : null],
  );
  return { liveSessions: Number(rows[0].live), secondFactor: rows[0].second_factor ?? false };
}

export async function endSession(db: Db, req: Request, res: Response): Promise<void> {
  const token = sessionToken(req);
  if (!token) return;
  await db.query('delete from portal_sessions where token_sha256 = $1', [tokenDigest(token)]);
  res.clearCookie(SESSION_COOKIE, cookieOptions(req));
}

/** The person whose live session the request carries, with what they may see, if any. */
export async function signedInPrincipal(db: Db, req: Request): Promise<Principal | undefined> {
  const token = sessionToken(req);
  if (!token) return undefined;
  const { rows } = await db.query<{ user_id: string }>(
    `update portal_sessions set last_seen_at = now()
      where token_sha256 = $1 and expires_at > now()
      returning user_id`,
    [tokenDigest(token)],
  );
  return rows[0] && loadPrincipal(db, rows[0].user_id);
}

export async function requirePrincipal(db: Db, req: Request): Promise<Principal> {
  const principal = await signedInPrincipal(db, req);
  if (!principal) throw new HttpError(401, 'NOT_AUTHENTICATED', 'log in to the portal first');
  return principal;
}

function sessionToken(req: Request): string | undefined {
  const cookies: unknown = req.cookies;
  if (typeof cookies !== 'object' || cookies === null) return undefined;
  const token: unknown = (cookies as Record<string, unknown>)[SESSION_COOKIE];
  return typeof token === 'string' && token.length > 0 ? token : undefined;
}

import type { NextFunction, Request, Response } from 'express';
import type { Principal, RecipientReach } from '../../db/users';
import type { HubConfig } from '../../platform/config';
import { HttpError } from '../errors';

/**
 * Who may do what in the portal. Every portal endpoint starts from `requirePrincipal` (sessions.ts) and then asks
 * one of these; anything not granted answers exactly as a missing object would (404), so the portal never reveals
 * what exists outside a person's reach.
 */
export type IssuerRole = 'admin' | 'clerk';

/** The person's role at an issuer, if they work for it. */
export function issuerRole(principal: Principal, issuerId: string): IssuerRole | undefined {
  return principal.issuers.find((m) => m.issuerId === issuerId)?.role;
}

/** Works for the issuer in one of `roles` (any role by default), or the request is refused as not found. */
export function requireIssuerMember(
  principal: Principal,
  issuerId: string,
  roles: IssuerRole[] = ['admin', 'clerk'],
  notFound = new HttpError(404, 'NOT_FOUND', 'there is no such thing among yours'),
): IssuerRole {
  const role = issuerRole(principal, issuerId);
  if (!role) throw notFound;
  if (!roles.includes(role)) {
    throw new HttpError(403, 'FORBIDDEN', `this needs the ${roles.join(' or ')} role at this issuer`);
  }
  return role;
}

/**
 * The invoices the person sees as their recipient: those bound to their account when they were delivered, and those
 * bound to a colleague's account at an address the colleague shared with them. Access follows the account, never the
 * address: whoever owns an address later (a new login, a released mailbox) sees only invoices delivered to them.
 * Every recipient read (list, search, one invoice, original, PDF, views, disputes, payments) asks this.
 */
export function receivedInvoicesOf(principal: Principal): RecipientReach {
  return principal.reach;
}

/**
 * State-changing portal requests must come from the portal's own pages: a browser always sends Origin on them, and
 * one that names another site is refused (cross-site request forgery, beyond what SameSite=Lax already stops).
 * Requests without Origin come from programs, not browsers, and carry no ambient cookie of a victim's.
 */
export function checkOrigin(config: HubConfig) {
  const allowed = new Set([new URL(config.publicUrl).origin]);
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    const origin = req.get('origin');
    if (!origin) return next();
    const own = `${req.protocol}://${req.get('host')}`;
    if (allowed.has(origin) || origin === own) return next();
    next(new HttpError(403, 'BAD_ORIGIN', `requests from ${origin} are not accepted by this portal`));
  };
}

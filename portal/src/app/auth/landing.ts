import type { SessionInfo } from '../../../../gateway/portal/contract';
import { safeReturnUrl } from './return-url';

/**
 * Where a person lands after logging in or registering: the page they asked for; else, for someone who works for an
 * issuer, that issuer's sent invoices; else the invoices they received. The navigation reaches the rest.
 */
export function landingPage(session: SessionInfo, returnUrl?: string | null): string {
  if (returnUrl) return safeReturnUrl(returnUrl);
  const issuer = session.issuers[0];
  return issuer ? `/issuers/${issuer.issuerId}/invoices` : '/invoices';
}

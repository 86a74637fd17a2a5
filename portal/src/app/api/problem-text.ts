import { PASSWORD_MIN_LENGTH } from '../../../../gateway/portal/contract';
import type { PlainTranslationKey, Translator } from '../i18n';
import { PortalApiError } from './portal-api';

/**
 * The API's error codes (gateway/portal/contract.ts PortalErrorCode, and the gateway's own) that the portal has its
 * own words for: the gateway's messages are English sentences for developers, not for the person at the screen.
 * A new code gets a text in errors.* of both dictionaries and a line here.
 */
const ERROR_TEXTS: Record<string, PlainTranslationKey> = {
  BAD_REQUEST: 'errors.BAD_REQUEST',
  INVITATION_NOT_FOUND: 'errors.INVITATION_NOT_FOUND',
  INVITATION_USED: 'errors.INVITATION_USED',
  INVITATION_EXPIRED: 'errors.INVITATION_EXPIRED',
  ALREADY_REGISTERED: 'errors.ALREADY_REGISTERED',
  INVALID_CREDENTIALS: 'errors.INVALID_CREDENTIALS',
  NOT_AUTHENTICATED: 'errors.NOT_AUTHENTICATED',
  INVOICE_NOT_FOUND: 'errors.INVOICE_NOT_FOUND',
  ORIGINAL_NOT_AVAILABLE: 'errors.ORIGINAL_NOT_AVAILABLE',
  RECEIPT_PENDING: 'errors.RECEIPT_PENDING',
  BAD_ORIGIN: 'errors.BAD_ORIGIN',
  LOGIN_THROTTLED: 'errors.LOGIN_THROTTLED',
  ACCOUNT_LOCKED: 'errors.ACCOUNT_LOCKED',
  LOGIN_EXPIRED: 'errors.LOGIN_EXPIRED',
  WRONG_CODE: 'errors.WRONG_CODE',
  WRONG_PASSWORD: 'errors.WRONG_PASSWORD',
  SAME_PASSWORD: 'errors.SAME_PASSWORD',
  NO_SECOND_FACTOR_SETUP: 'errors.NO_SECOND_FACTOR_SETUP',
  SECOND_FACTOR_REQUIRED: 'errors.SECOND_FACTOR_REQUIRED',
  RESET_NOT_FOUND: 'errors.RESET_NOT_FOUND',
  RESET_USED: 'errors.RESET_USED',
  RESET_SUPERSEDED: 'errors.RESET_SUPERSEDED',
  RESET_EXPIRED: 'errors.RESET_EXPIRED',
  SAME_ADDRESS: 'errors.SAME_ADDRESS',
  ADDRESS_TAKEN: 'errors.ADDRESS_TAKEN',
  ADDRESS_CHANGE_NOT_FOUND: 'errors.ADDRESS_CHANGE_NOT_FOUND',
  ADDRESS_CHANGE_USED: 'errors.ADDRESS_CHANGE_USED',
  ADDRESS_CHANGE_EXPIRED: 'errors.ADDRESS_CHANGE_EXPIRED',
  SHARE_WITH_YOURSELF: 'errors.SHARE_WITH_YOURSELF',
  TOO_MANY_COLLEAGUES: 'errors.TOO_MANY_COLLEAGUES',
  LAST_ADMIN: 'errors.LAST_ADMIN',
  FORBIDDEN: 'errors.FORBIDDEN',
  NOT_FOUND: 'errors.NOT_FOUND',
  INTERNAL: 'errors.INTERNAL',
  UNREACHABLE: 'errors.UNREACHABLE',
};

/**
 * What to tell the person about a failed call, in the language on screen: the portal's text for a known error code;
 * for a code it does not know yet, the server's own message (better than nothing); else `fallback`.
 * Components keep the failure in a signal and compute this from it, so the text follows a language switch.
 */
export function problemText(
  failure: unknown,
  translator: Translator,
  fallback: PlainTranslationKey = 'errors.UNKNOWN',
): string {
  if (!(failure instanceof PortalApiError)) return translator.t(fallback);
  const { t } = translator;
  // The gateway names the broken password rule only in English; the portal states the whole rule instead.
  if (failure.code === 'WEAK_PASSWORD') return t('errors.WEAK_PASSWORD', { min: PASSWORD_MIN_LENGTH });
  const wait = failure.details['retryAfterSeconds'];
  if (failure.code === 'LOGIN_THROTTLED' && typeof wait === 'number') {
    return t('errors.LOGIN_THROTTLED_FOR', { seconds: Math.ceil(wait) });
  }
  const known = ERROR_TEXTS[failure.code];
  if (known) return t(known);
  return failure.message.trim() !== '' && failure.status !== 0 ? failure.message : t(fallback);
}

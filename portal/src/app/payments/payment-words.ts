import type {
  CardOrderView,
  PaymentLine,
  PayErrorCode,
  PayUnavailableCode,
} from '../../../../gateway/payments/pay-contract';
import { PortalApiError } from '../api/portal-api';
import { problemText } from '../api/problem-text';
import type { PlainTranslationKey, Translator } from '../i18n';

/** Where a payment came from, in words (a card payment is the provider's). */
export const SOURCE_KEYS: Record<PaymentLine['source'], PlainTranslationKey> = {
  statement: 'payments.history.sources.statement',
  provider: 'payments.history.sources.provider',
  manual: 'payments.history.sources.manual',
};

export const STATE_KEYS: Record<PaymentLine['state'], PlainTranslationKey> = {
  pending: 'payments.history.states.pending',
  recorded: 'payments.history.states.recorded',
  refused: 'payments.history.states.refused',
  withdrawn: 'payments.history.states.withdrawn',
};

export const ORDER_STATE_KEYS: Record<CardOrderView['state'], PlainTranslationKey> = {
  started: 'payments.issuer.orderStates.started',
  paid: 'payments.issuer.orderStates.paid',
  denied: 'payments.issuer.orderStates.denied',
  expired: 'payments.issuer.orderStates.expired',
};

export const QR_UNAVAILABLE_KEYS: Record<PayUnavailableCode, PlainTranslationKey> = {
  NO_ACCOUNT: 'payments.qr.unavailable.NO_ACCOUNT',
  BAD_IBAN: 'payments.qr.unavailable.BAD_IBAN',
  NOT_EUR: 'payments.qr.unavailable.NOT_EUR',
  NOTHING_OPEN: 'payments.qr.unavailable.NOTHING_OPEN',
  NOT_PAYABLE: 'payments.qr.unavailable.NOT_PAYABLE',
  CARD_NOT_CONFIGURED: 'payments.qr.unavailable.CARD_NOT_CONFIGURED',
  QR_NOT_POSSIBLE: 'payments.qr.unavailable.QR_NOT_POSSIBLE',
};

export const CARD_UNAVAILABLE_KEYS: Record<PayUnavailableCode, PlainTranslationKey> = {
  NO_ACCOUNT: 'payments.card.unavailable.NO_ACCOUNT',
  BAD_IBAN: 'payments.card.unavailable.BAD_IBAN',
  NOT_EUR: 'payments.card.unavailable.NOT_EUR',
  NOTHING_OPEN: 'payments.card.unavailable.NOTHING_OPEN',
  NOT_PAYABLE: 'payments.card.unavailable.NOT_PAYABLE',
  CARD_NOT_CONFIGURED: 'payments.card.unavailable.CARD_NOT_CONFIGURED',
  QR_NOT_POSSIBLE: 'payments.card.unavailable.QR_NOT_POSSIBLE',
};

const ERROR_KEYS: Record<PayErrorCode, PlainTranslationKey> = {
  INVOICE_NOT_PAYABLE: 'payments.errors.INVOICE_NOT_PAYABLE',
  NOTHING_TO_PAY: 'payments.errors.NOTHING_TO_PAY',
  CARD_NOT_EUR: 'payments.errors.CARD_NOT_EUR',
  CARD_NOT_CONFIGURED: 'payments.errors.CARD_NOT_CONFIGURED',
  CARD_REFUSED: 'payments.errors.CARD_REFUSED',
  BAD_CLAIM_DATE: 'payments.errors.BAD_CLAIM_DATE',
  BAD_CLAIM_NOTE: 'payments.errors.BAD_CLAIM_NOTE',
  TOO_MANY_CLAIMS: 'payments.errors.TOO_MANY_CLAIMS',
};

/** A failed payment call in the portal's words: the payment codes here, the rest as every page words them. */
export function paymentProblem(
  failure: unknown,
  translator: Translator,
  fallback: PlainTranslationKey = 'payments.errors.fallback',
): string {
  const key =
    failure instanceof PortalApiError
      ? (ERROR_KEYS as Record<string, PlainTranslationKey>)[failure.code]
      : undefined;
  return key ? translator.t(key) : problemText(failure, translator, fallback);
}

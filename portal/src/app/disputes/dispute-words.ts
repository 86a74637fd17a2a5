import type { DisputeCategory } from '../../../../domain/disputes/categories';
import type { FoundKind } from '../../../../domain/disputes/attachments';
import type { DisputeEntryKind, DisputeSide, DisputeStatus } from '../../../../domain/disputes/rules';
import { PortalApiError } from '../api/portal-api';
import { problemText } from '../api/problem-text';
import type { PlainTranslationKey, Translator } from '../i18n';
import type { LanguageCode } from '../i18n/languages';
import { formatNumber } from '../shared/format';

/** The dispute codes (domain/disputes) and their words in the dictionaries (disputes.en.ts). */
export const CATEGORY_KEYS: Record<DisputeCategory, PlainTranslationKey> = {
  'wrong-amount': 'disputes.categories.wrongAmount',
  'wrong-quantity': 'disputes.categories.wrongQuantity',
  'goods-not-received': 'disputes.categories.goodsNotReceived',
  'not-ours': 'disputes.categories.notOurs',
  duplicate: 'disputes.categories.duplicate',
  other: 'disputes.categories.other',
};

export const STATUS_KEYS: Record<DisputeStatus, PlainTranslationKey> = {
  open: 'disputes.statuses.open',
  upheld: 'disputes.statuses.upheld',
  rejected: 'disputes.statuses.rejected',
  closed: 'disputes.statuses.closed',
};

/** A status's badge tone (the portal's badge colours). */
export const STATUS_TONES: Record<DisputeStatus, string> = {
  open: 'bad',
  upheld: 'info',
  rejected: 'neutral',
  closed: 'good',
};

export const ENTRY_KEYS: Record<DisputeEntryKind, PlainTranslationKey> = {
  opened: 'disputes.entries.opened',
  message: 'disputes.entries.message',
  upheld: 'disputes.entries.upheld',
  rejected: 'disputes.entries.rejected',
  reopened: 'disputes.entries.reopened',
  closed: 'disputes.entries.closed',
};

export const SIDE_KEYS: Record<DisputeSide, PlainTranslationKey> = {
  recipient: 'disputes.sides.recipient',
  issuer: 'disputes.sides.issuer',
};

const FOUND_KEYS: Record<FoundKind, PlainTranslationKey> = {
  zip: 'disputes.attachments.found.zip',
  html: 'disputes.attachments.found.html',
  svg: 'disputes.attachments.found.svg',
  xml: 'disputes.attachments.found.xml',
  gif: 'disputes.attachments.found.gif',
  webp: 'disputes.attachments.found.webp',
  heic: 'disputes.attachments.found.heic',
  tiff: 'disputes.attachments.found.tiff',
  bmp: 'disputes.attachments.found.bmp',
  office: 'disputes.attachments.found.office',
  executable: 'disputes.attachments.found.executable',
  archive: 'disputes.attachments.found.archive',
  text: 'disputes.attachments.found.text',
  unknown: 'disputes.attachments.found.unknown',
};

const ERROR_KEYS: Record<string, PlainTranslationKey> = {
  DISPUTE_ACTIVE: 'disputes.errors.DISPUTE_ACTIVE',
  DISPUTE_REJECTED: 'disputes.errors.DISPUTE_REJECTED',
  DISPUTE_NOT_OPEN: 'disputes.errors.DISPUTE_NOT_OPEN',
  DISPUTE_CLOSED: 'disputes.errors.DISPUTE_CLOSED',
  NOT_REJECTED: 'disputes.errors.NOT_REJECTED',
  ALREADY_REOPENED: 'disputes.errors.ALREADY_REOPENED',
  REASON_REQUIRED: 'disputes.errors.REASON_REQUIRED',
  TEXT_REQUIRED: 'disputes.errors.TEXT_REQUIRED',
  TEXT_TOO_LONG: 'disputes.errors.TEXT_TOO_LONG',
  TOO_MANY_ATTACHMENTS: 'disputes.errors.TOO_MANY_ATTACHMENTS',
  UNKNOWN_CATEGORY: 'disputes.errors.UNKNOWN_CATEGORY',
  UPLOAD_NOT_FOUND: 'disputes.errors.UPLOAD_NOT_FOUND',
  TOO_MANY_UPLOADS: 'disputes.errors.TOO_MANY_UPLOADS',
  ATTACHMENT_REFUSED: 'disputes.errors.ATTACHMENT_REFUSED',
  ATTACHMENT_TOO_LARGE: 'disputes.errors.ATTACHMENT_TOO_LARGE',
  DISPUTE_NOT_FOUND: 'disputes.errors.DISPUTE_NOT_FOUND',
  INVOICE_CLOSED: 'disputes.errors.INVOICE_CLOSED',
  INVOICE_NOT_OPEN: 'disputes.errors.INVOICE_NOT_OPEN',
  LIFECYCLE_BUSY: 'disputes.errors.LIFECYCLE_BUSY',
};

/** A failed dispute call in words: the dispute codes here, every other code as the portal words it. */
export function disputeProblem(
  failure: unknown,
  translator: Translator,
  fallback: PlainTranslationKey = 'disputes.errors.fallback',
): string {
  const key = failure instanceof PortalApiError ? ERROR_KEYS[failure.code] : undefined;
  return key ? translator.t(key) : problemText(failure, translator, fallback);
}

/** Why a file is not attached, in words: from the portal's own check or from the hub's answer. */
export function refusalText(
  name: string,
  refusal: { code: string; found?: FoundKind },
  translator: Translator,
): string {
  const { t } = translator;
  switch (refusal.code) {
    case 'EMPTY':
      return t('disputes.attachments.empty', { name });
    case 'TOO_LARGE':
      return t('disputes.attachments.tooLarge', { name });
    case 'DAMAGED':
      return t('disputes.attachments.damaged', { name });
    default:
      return t('disputes.attachments.notAllowed', {
        name,
        what: t(FOUND_KEYS[refusal.found ?? 'unknown'] ?? FOUND_KEYS.unknown),
      });
  }
}

/** The refusal a failed upload carries (the hub's check, the same as the portal's). */
export function uploadRefusal(failure: unknown): { code: string; found?: FoundKind } | undefined {
  if (!(failure instanceof PortalApiError)) return undefined;
  if (failure.code === 'ATTACHMENT_TOO_LARGE') return { code: 'TOO_LARGE' };
  if (failure.code !== 'ATTACHMENT_REFUSED') return undefined;
  const refusal = failure.details['refusal'];
  const found = failure.details['found'];
  return {
    code: typeof refusal === 'string' ? refusal : 'NOT_ALLOWED',
    found: typeof found === 'string' ? (found as FoundKind) : undefined,
  };
}

/** "8,7 KB" / "8.7 KB": a file's size for people. */
export function fileSize(bytes: number, translator: Translator, language: LanguageCode): string {
  if (bytes < 1024) return translator.t('disputes.size.bytes', { n: formatNumber(String(bytes), language) });
  if (bytes < 1024 * 1024) {
    return translator.t('disputes.size.kilobytes', { n: formatNumber((bytes / 1024).toFixed(1), language) });
  }
  return translator.t('disputes.size.megabytes', {
    n: formatNumber((bytes / 1024 / 1024).toFixed(1), language),
  });
}

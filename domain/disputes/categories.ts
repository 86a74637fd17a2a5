/**
 * Why a recipient disputes an invoice. The category is a code (what reports and ERPs count by); the recipient's own
 * words go in the opening message.
 */
export const DISPUTE_CATEGORIES = [
  'wrong-amount',
  'wrong-quantity',
  'goods-not-received',
  'not-ours',
  'duplicate',
  'other',
] as const;

export type DisputeCategory = (typeof DISPUTE_CATEGORIES)[number];

export function isDisputeCategory(value: unknown): value is DisputeCategory {
  return typeof value === 'string' && (DISPUTE_CATEGORIES as readonly string[]).includes(value);
}

/** The categories in words, for e-mails and API readers (the portal has its own translations). */
export const DISPUTE_CATEGORY_NAMES: Record<DisputeCategory, { bg: string; en: string }> = {
  'wrong-amount': { bg: 'Грешна сума', en: 'Wrong amount' },
  'wrong-quantity': { bg: 'Грешно количество', en: 'Wrong quantity' },
  'goods-not-received': { bg: 'Стоката/услугата не е получена', en: 'Goods or services not received' },
  'not-ours': { bg: 'Фактурата не е за нас', en: 'Not our invoice' },
  duplicate: { bg: 'Дублирана фактура', en: 'Duplicate invoice' },
  other: { bg: 'Друго', en: 'Other' },
};

/**
 * ePay.bg behind the hub's provider interface: the hand-off form for the payer's browser, and the notification
 * ePay sends to the hub's notify URL. The wire format is in ./protocol.
 *
 * Order ids: ePay's INVOICE is digits only and accepted once per merchant, so the hub allocates a numeric order
 * number (a database sequence) and passes its decimal form as `orderId`; INVOICE is that number, and a
 * notification's INVOICE is the `orderId` of its result. Leading zeros are refused, as a number read back by ePay
 * would lose them.
 */
import { fromCents, toCents } from '../../../domain/money';
import {
  PaymentOrderError,
  type AcknowledgeResult,
  type Acknowledgement,
  type NotificationAnswer,
  type PaymentHandOff,
  type PaymentOrder,
  type PaymentProvider,
  type PaymentResult,
  type ProviderNotification,
} from '../provider';
import {
  checksumMatches,
  checksumOf,
  decodePacket,
  encodePacket,
  EPAY_CURRENCIES,
  formatAnswer,
  formatExpTime,
  formatPaymentRequest,
  formatRefusal,
  parseNotificationLine,
  payTimeToIso,
  readNotificationFields,
  type EpayAnswerStatus,
  type EpayCurrency,
  type EpayNotificationLine,
  type EpayPage,
} from './protocol';

export interface EpayMerchant {
  /** The merchant's customer identification number (КИН/MIN) from its ePay profile. */
  min: string;
  /** The 64-character secret word from the same profile. */
  secret: string;
  /** ePay's page: EPAY_PAGE_URL, EPAY_DEMO_PAGE_URL, or the simulated provider's URL. */
  pageUrl: string;
  /** Default `paylogin` (the payer picks card, ePay account, EasyPay or B-Pay). */
  page?: EpayPage;
  /** The language of ePay's page; ePay's own default when absent. */
  language?: 'bg' | 'en';
  /** How long an order without `expiresAt` stays payable. Default 3 days. */
  validityMs?: number;
  /** The clock, for tests. */
  now?: () => Date;
}

export const EPAY_PROVIDER = 'epay';
const DEFAULT_VALIDITY_MS = 3 * 24 * 60 * 60 * 1000;
const ORDER_NUMBER = /^[1-9]\d{0,17}$/;
const DESCRIPTION_MAX = 100;
const ANSWER_TYPE = 'text/plain; charset=utf-8';

const ANSWER_OF: Record<Acknowledgement, EpayAnswerStatus> = {
  recorded: 'OK',
  'unknown-order': 'NO',
  failed: 'ERR',
};

const OUTCOME_OF = { PAID: 'paid', DENIED: 'denied', EXPIRED: 'expired' } as const;

export function createEpayProvider(merchant: EpayMerchant): PaymentProvider {
  return {
    name: EPAY_PROVIDER,
    startPayment: async (order) => handOff(merchant, order),
    handleNotification: (notification, acknowledge) =>
      answerNotification(merchant, notification, acknowledge),
  };
}

function handOff(merchant: EpayMerchant, order: PaymentOrder): PaymentHandOff {
  const now = (merchant.now ?? (() => new Date()))();
  const expiresAt = order.expiresAt ?? new Date(now.getTime() + (merchant.validityMs ?? DEFAULT_VALIDITY_MS));
  if (expiresAt.getTime() <= now.getTime()) {
    throw new PaymentOrderError(
      'ALREADY_EXPIRED',
      `order ${order.orderId} expired at ${expiresAt.toISOString()}`,
    );
  }
  const encoded = encodePacket(
    formatPaymentRequest({
      min: merchant.min,
      invoice: orderNumber(order.orderId),
      amount: epayAmount(order.amount),
      currency: epayCurrency(order.currency),
      expTime: formatExpTime(expiresAt),
      description: epayDescription(order.description),
      // The description is written in UTF-8; without this ePay would read it as CP1251.
      encoding: 'utf-8',
    }),
  );
  const fields: Record<string, string> = {
    PAGE: merchant.page ?? 'paylogin',
    ENCODED: encoded,
    CHECKSUM: checksumOf(encoded, merchant.secret),
    URL_OK: order.returnUrl,
    URL_CANCEL: order.cancelUrl,
  };
  if (merchant.language) fields.LANG = merchant.language;
  return { kind: 'form', action: merchant.pageUrl, method: 'POST', fields };
}

function orderNumber(orderId: string): string {
  if (!ORDER_NUMBER.test(orderId)) {
    throw new PaymentOrderError(
      'BAD_ORDER_ID',
      `ePay takes numeric invoice numbers only (1–18 digits, no leading zero), not "${orderId}": ` +
        'give the order a numeric order number',
    );
  }
  return orderId;
}

function epayAmount(amount: string): string {
  if (!/^\d+(\.\d{1,2})?$/.test(amount.trim()) || toCents(amount) < 1n) {
    throw new PaymentOrderError(
      'BAD_AMOUNT',
      `"${amount}" is no amount of at least 0.01 with at most two decimals`,
    );
  }
  return fromCents(toCents(amount));
}

function epayCurrency(currency: string): EpayCurrency {
  const code = currency.trim().toUpperCase();
  if (!(EPAY_CURRENCIES as readonly string[]).includes(code)) {
    throw new PaymentOrderError(
      'UNSUPPORTED_CURRENCY',
      `ePay takes ${EPAY_CURRENCIES.join(', ')}, not ${currency}`,
    );
  }
  return code as EpayCurrency;
}

// One line (a line break would end the field) of at most 100 characters, ePay's limit: the payer only reads it.
function epayDescription(description: string): string {
  return [...description.replace(/\s+/g, ' ').trim()].slice(0, DESCRIPTION_MAX).join('');
}

async function answerNotification(
  merchant: EpayMerchant,
  notification: ProviderNotification,
  acknowledge: AcknowledgeResult,
): Promise<NotificationAnswer> {
  const contentType = (notification.contentType ?? '').split(';')[0].trim().toLowerCase();
  if (contentType && contentType !== 'application/x-www-form-urlencoded') {
    return refusal(
      'MALFORMED',
      `a notification is a form (application/x-www-form-urlencoded), not ${contentType}`,
    );
  }
  const body = typeof notification.body === 'string' ? notification.body : notification.body.toString('utf8');
  const { encoded, checksum } = readNotificationFields(new URLSearchParams(body));
  if (encoded === undefined || checksum === undefined) {
    return refusal('MALFORMED', 'a notification needs the fields ENCODED and CHECKSUM');
  }
  // The checksum first: nothing of a notification is read before it is known to come from ePay.
  if (!checksumMatches(encoded, checksum, merchant.secret)) return refusal('BAD_SIGNATURE', 'BAD CHECKSUM');

  const answers: { invoice: string; status: EpayAnswerStatus }[] = [];
  const results: NotificationAnswer['results'] = [];
  const problems: string[] = [];
  for (const text of decodePacket(encoded).split(/\r?\n/)) {
    if (!text.trim()) continue;
    const parsed = parseNotificationLine(text);
    if (!('line' in parsed)) {
      problems.push(parsed.problem);
      // An invoice whose line cannot be read is answered ERR, so ePay sends it again rather than drop it.
      if (parsed.invoice) answers.push({ invoice: parsed.invoice, status: 'ERR' });
      continue;
    }
    const result = resultOf(parsed.line);
    const acknowledgement = await acknowledgeSafely(acknowledge, result, problems);
    results.push({ ...result, acknowledgement });
    answers.push({ invoice: parsed.line.invoice, status: ANSWER_OF[acknowledgement] });
  }
  if (answers.length === 0) return refusal('MALFORMED', 'NO INVOICE LINES', problems);
  return { httpStatus: 200, contentType: ANSWER_TYPE, body: formatAnswer(answers), results, problems };
}

function resultOf(line: EpayNotificationLine): PaymentResult {
  const result: PaymentResult = { orderId: line.invoice, outcome: OUTCOME_OF[line.status] };
  if (line.payTime) result.paidAt = payTimeToIso(line.payTime);
  // STAN and BORICA's authorisation code together identify the card transaction in ePay's and the bank's reports.
  if (line.stan) result.providerReference = `STAN=${line.stan}:BCODE=${line.bcode}`;
  if (line.amount) result.amount = fromCents(toCents(line.amount));
  return result;
}

async function acknowledgeSafely(
  acknowledge: AcknowledgeResult,
  result: PaymentResult,
  problems: string[],
): Promise<Acknowledgement> {
  try {
    return await acknowledge(result);
  } catch (error) {
    problems.push(`recording order ${result.orderId} failed: ${(error as Error).message}`);
    return 'failed';
  }
}

// ePay reads the answer's body, not its status: every answer is a 200, a refusal one with "ERR=…".
function refusal(
  code: NonNullable<NotificationAnswer['refused']>['code'],
  reason: string,
  problems: string[] = [],
): NotificationAnswer {
  return {
    httpStatus: 200,
    contentType: ANSWER_TYPE,
    body: formatRefusal(reason),
    results: [],
    refused: { code, reason },
    problems,
  };
}

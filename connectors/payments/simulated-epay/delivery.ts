/**
 * The simulated provider's server-to-server notifications: signed as ePay signs them, POSTed to the merchant's
 * notify URL, sent again with backoff until the merchant answers OK or NO for the invoice (ePay's rule: ERR, a
 * refusal, an HTTP error or silence all mean "send again"), and every attempt kept for tests to read.
 */
import {
  checksumOf,
  encodePacket,
  formatNotificationLine,
  parseAnswer,
  type EpayAnswerStatus,
  type EpayNotificationLine,
  type EpayStatus,
} from '../epay/protocol';

export interface SimulatedMerchant {
  /** The merchant's identification number (MIN) its payment requests carry. */
  min: string;
  /** The secret word both sides sign with. */
  secret: string;
  /** Where its notifications go. */
  notifyUrl: string;
}

/** Per payment, how the simulated provider misbehaves, for the merchant's tests. */
export interface TestSwitches {
  /** After the merchant answered, send the same notification once more, as ePay does when it missed the answer. */
  duplicate?: boolean;
  /** Sign every attempt with a corrupted checksum, as a forger (or a provider with another secret) would. */
  tamperChecksum?: boolean;
  /** Report this paid AMOUNT (ePay's card-discount field), so the merchant sees an amount other than its order's. */
  amount?: string;
  /** Wait this long after the payer's choice before the first attempt: a late notification. */
  delayMs?: number;
  /** Name the fields ENCODED/CHECKSUM rather than encoded/checksum (the documentation's spelling). */
  upperCaseFields?: boolean;
}

/** One attempt to deliver one notification, and what the merchant answered. */
export interface SentNotification {
  min: string;
  invoice: string;
  status: EpayStatus;
  /** 1 for the first attempt; the duplicate counts on. */
  attempt: number;
  duplicate: boolean;
  tampered: boolean;
  sentAt: string;
  /** The form fields exactly as sent. */
  fields: Record<string, string>;
  /** The decoded notification text. */
  text: string;
  httpStatus?: number;
  answer?: string;
  /** The merchant's STATUS for this invoice, when its answer had one. */
  merchantStatus?: EpayAnswerStatus;
  /** The merchant's refusal of the whole notification ("ERR=…"), or why nothing was answered. */
  error?: string;
  /** OK or NO: ePay sends this invoice's notification no more. */
  accepted: boolean;
}

export interface DeliveryOptions {
  /** Waits between attempts; after the last, delivery gives up. */
  retryDelaysMs: number[];
  requestTimeoutMs: number;
}

/**
 * ePay's own schedule runs for 30 days (5 tries within a minute, then every 15 minutes, hourly, …); this keeps its
 * shape but compresses it, so a developer sees the retries in minutes.
 */
export const DEFAULT_RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 15_000, 60_000, 300_000, 900_000];

export interface Notifier {
  send(merchant: SimulatedMerchant, line: EpayNotificationLine, switches: TestSwitches): void;
  sent(): SentNotification[];
  /** Resolves once nothing is waiting or under way. */
  idle(): Promise<void>;
  stop(): void;
}

export function createNotifier(options: DeliveryOptions): Notifier {
  const log: SentNotification[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const stopping = new AbortController();
  let pending = 0;
  let waiters: (() => void)[] = [];

  const later = (ms: number, run: () => Promise<void>): void => {
    if (stopping.signal.aborted) return;
    pending += 1;
    const timer = setTimeout(() => {
      timers.delete(timer);
      void run().finally(done);
    }, ms);
    timers.add(timer);
  };
  const done = (): void => {
    // After stop() the count is already 0 while aborted requests still finish.
    pending = Math.max(0, pending - 1);
    if (pending === 0) {
      for (const wake of waiters) wake();
      waiters = [];
    }
  };

  const attempt = async (delivery: Delivery, number: number): Promise<void> => {
    const record = await post(delivery, number, false, options, stopping.signal);
    log.push(record);
    if (record.accepted) {
      if (delivery.switches.duplicate) later(0, () => duplicate(delivery, number + 1));
      return;
    }
    const wait = options.retryDelaysMs[number - 1];
    if (wait !== undefined) later(wait, () => attempt(delivery, number + 1));
  };

  const duplicate = async (delivery: Delivery, number: number): Promise<void> => {
    log.push(await post(delivery, number, true, options, stopping.signal));
  };

  return {
    send(merchant, line, switches) {
      later(switches.delayMs ?? 0, () => attempt(signed(merchant, line, switches), 1));
    },
    sent: () => log.map((entry) => ({ ...entry, fields: { ...entry.fields } })),
    idle: () => (pending === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    stop() {
      stopping.abort();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      pending = 0;
      for (const wake of waiters) wake();
      waiters = [];
    },
  };
}

interface Delivery {
  merchant: SimulatedMerchant;
  line: EpayNotificationLine;
  switches: TestSwitches;
  text: string;
  fields: Record<string, string>;
}

function signed(merchant: SimulatedMerchant, line: EpayNotificationLine, switches: TestSwitches): Delivery {
  const text = `${formatNotificationLine(line)}\n`;
  const encoded = encodePacket(text);
  let checksum = checksumOf(encoded, merchant.secret);
  // Flip the first hex digit: still well-formed, certainly wrong.
  if (switches.tamperChecksum) checksum = (checksum[0] === '0' ? '1' : '0') + checksum.slice(1);
  const [encodedName, checksumName] = switches.upperCaseFields
    ? ['ENCODED', 'CHECKSUM']
    : ['encoded', 'checksum'];
  return { merchant, line, switches, text, fields: { [encodedName]: encoded, [checksumName]: checksum } };
}

async function post(
  delivery: Delivery,
  attempt: number,
  duplicate: boolean,
  options: DeliveryOptions,
  stopping: AbortSignal,
): Promise<SentNotification> {
  const record: SentNotification = {
    min: delivery.merchant.min,
    invoice: delivery.line.invoice,
    status: delivery.line.status,
    attempt,
    duplicate,
    tampered: Boolean(delivery.switches.tamperChecksum),
    sentAt: new Date().toISOString(),
    fields: delivery.fields,
    text: delivery.text,
    accepted: false,
  };
  try {
    const response = await fetch(delivery.merchant.notifyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(delivery.fields).toString(),
      signal: AbortSignal.any([stopping, AbortSignal.timeout(options.requestTimeoutMs)]),
    });
    record.httpStatus = response.status;
    record.answer = await response.text();
    const { statuses, refusal } = parseAnswer(record.answer);
    record.merchantStatus = statuses.get(delivery.line.invoice);
    if (refusal !== undefined) record.error = `ERR=${refusal}`;
    else if (!record.merchantStatus) record.error = 'the answer has no STATUS for this invoice';
    record.accepted = response.ok && (record.merchantStatus === 'OK' || record.merchantStatus === 'NO');
  } catch (error) {
    record.error = (error as Error).message;
  }
  return record;
}

/**
 * A local stand-in for ePay.bg that speaks its merchant protocol (../epay/protocol): the one provider the hub can
 * reach here, for development, embedded mode and tests. It shares nothing with the hub but that protocol module.
 *
 *   GET|POST /  or  /paylogin   the hosted page: takes the merchant's form (PAGE, ENCODED, CHECKSUM, URL_OK,
 *                               URL_CANCEL), checks MIN and CHECKSUM, shows the payment with three choices
 *   POST /pay/:id               the payer's choice (approve | decline | expire): redirects the browser to URL_OK or
 *                               URL_CANCEL and sends the signed notification to the merchant's notify URL
 *   POST /admin/next            JSON test switches for the next payment (see TestSwitches); the same switches are
 *                               accepted as query parameters of the hosted page, for one payment
 *   GET  /admin/notifications   every attempt sent and what the merchant answered (?invoice= to filter)
 *   GET  /admin/payments        the payments the page has registered
 *
 * The admin API has no authentication: the simulator listens on 127.0.0.1 unless told otherwise.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  checksumMatches,
  decodePacket,
  EpayProtocolError,
  formatPayTime,
  parsePaymentRequest,
  type EpayNotificationLine,
  type EpayPaymentRequest,
  type EpayStatus,
} from '../epay/protocol';
import {
  createNotifier,
  DEFAULT_RETRY_DELAYS_MS,
  type SentNotification,
  type SimulatedMerchant,
  type TestSwitches,
} from './delivery';
import { messagePage, paymentPage, type PayerChoice } from './hosted-page';

export interface SimulatedEpayOptions {
  /** 0 (the default) takes any free port; `url` says which. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  merchants: SimulatedMerchant[];
  /** Waits between notification attempts; default DEFAULT_RETRY_DELAYS_MS. */
  retryDelaysMs?: number[];
  /** How long one notification waits for the merchant's answer. Default 10 s. */
  requestTimeoutMs?: number;
}

export interface SimulatedPayment {
  id: string;
  min: string;
  invoice: string;
  amount: string;
  currency: string;
  description?: string;
  expTime: string;
  state: 'pending' | EpayStatus;
  switches: TestSwitches;
  registeredAt: string;
  decidedAt?: string;
}

export interface SimulatedEpay {
  /** The hosted page's address: what a merchant uses as ePay's page URL. */
  url: string;
  port: number;
  /** Switches for the next payment the page registers (like POST /admin/next). */
  setNextSwitches(switches: TestSwitches): void;
  notifications(): SentNotification[];
  payments(): SimulatedPayment[];
  /** Resolves once no notification is waiting or under way. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

interface Payment extends SimulatedPayment {
  merchant: SimulatedMerchant;
  encoded: string;
  urlOk?: string;
  urlCancel?: string;
}

const STATUS_OF: Record<PayerChoice, EpayStatus> = { approve: 'PAID', decline: 'DENIED', expire: 'EXPIRED' };
const MAX_DELAY_MS = 10 * 60 * 1000;

export async function startSimulatedEpay(options: SimulatedEpayOptions): Promise<SimulatedEpay> {
  const merchants = new Map(options.merchants.map((m) => [m.min, checkedMerchant(m)]));
  const notifier = createNotifier({
    retryDelaysMs: options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
  });
  const payments = new Map<string, Payment>();
  const byInvoice = new Map<string, Payment>();
  let nextSwitches: TestSwitches = {};

  const registerPayment = (req: Request, res: Response): void => {
    const fields = {
      ...(req.query as Record<string, unknown>),
      ...((req.body ?? {}) as Record<string, unknown>),
    };
    const encoded = text(fields.ENCODED);
    const checksum = text(fields.CHECKSUM);
    if (encoded === undefined && checksum === undefined) {
      res
        .type('html')
        .send(
          messagePage(
            'Симулираният ePay.bg работи. Търговецът изпраща тук заявката за плащане (PAGE, ENCODED, CHECKSUM).',
            'The simulated ePay.bg is running. A merchant sends its payment request (PAGE, ENCODED, CHECKSUM) here.',
          ),
        );
      return;
    }
    const page = text(fields.PAGE);
    if (page !== 'paylogin' && page !== 'credit_paydirect') {
      return refuse(
        res,
        400,
        'PAGE трябва да е paylogin или credit_paydirect.',
        'PAGE must be paylogin or credit_paydirect.',
      );
    }
    if (!encoded || !checksum)
      return refuse(res, 400, 'Липсва ENCODED или CHECKSUM.', 'ENCODED or CHECKSUM is missing.');
    let request: EpayPaymentRequest;
    try {
      request = readPaymentRequest(encoded);
    } catch (error) {
      if (!(error instanceof EpayProtocolError)) throw error;
      return refuse(res, 400, `Невалидна заявка: ${error.message}`, `Invalid request: ${error.message}`);
    }
    const merchant = merchants.get(request.min);
    if (!merchant)
      return refuse(res, 400, `Непознат търговец ${request.min}.`, `Unknown merchant ${request.min}.`);
    if (!checksumMatches(encoded, checksum, merchant.secret)) {
      return refuse(res, 400, 'Невалидна контролна сума (CHECKSUM).', 'Invalid CHECKSUM.');
    }
    const existing = byInvoice.get(`${request.min}/${request.invoice}`);
    // ePay takes each INVOICE once; the same request sent again (a reload) shows the same pending payment.
    if (existing && (existing.encoded !== encoded || existing.state !== 'pending')) {
      return refuse(
        res,
        409,
        `Плащане с номер ${request.invoice} вече е регистрирано.`,
        `A payment numbered ${request.invoice} is already registered.`,
      );
    }
    const payment = existing ?? newPayment(merchant, request, encoded, fields, switchesFor(req));
    payments.set(payment.id, payment);
    byInvoice.set(`${payment.min}/${payment.invoice}`, payment);
    res.type('html').send(paymentPage({ paymentId: payment.id, request }));
  };

  const switchesFor = (req: Request): TestSwitches => {
    const switches = { ...nextSwitches, ...readSwitches(req.query as Record<string, unknown>) };
    nextSwitches = {};
    return switches;
  };

  const choose = (req: Request, res: Response): void => {
    const payment = payments.get(String(req.params.id));
    if (!payment) return refuse(res, 404, 'Няма такова плащане.', 'No such payment.');
    if (payment.state !== 'pending') {
      return refuse(res, 409, 'Това плащане вече е приключило.', 'This payment has already been decided.');
    }
    const choice = text((req.body as Record<string, unknown> | undefined)?.choice);
    if (choice !== 'approve' && choice !== 'decline' && choice !== 'expire') {
      return refuse(res, 400, 'Изберете плащане, отказ или изтичане.', 'Choose approve, decline or expire.');
    }
    payment.state = STATUS_OF[choice];
    payment.decidedAt = new Date().toISOString();
    notifier.send(payment.merchant, notificationLine(payment), payment.switches);
    const returnUrl = choice === 'approve' ? payment.urlOk : payment.urlCancel;
    if (returnUrl) return res.redirect(303, returnUrl);
    res.type('html').send(messagePage(`Резултат: ${payment.state}.`, `Outcome: ${payment.state}.`));
  };

  const app = express();
  app.disable('x-powered-by');
  const form = express.urlencoded({ extended: false, limit: '64kb' });
  app.all(['/', '/paylogin'], form, registerPayment);
  app.post('/pay/:id', form, choose);
  app.post('/admin/next', express.json({ limit: '4kb' }), (req, res) => {
    nextSwitches = readSwitches((req.body ?? {}) as Record<string, unknown>);
    res.status(204).end();
  });
  app.get('/admin/notifications', (req, res) => {
    const invoice = text(req.query.invoice);
    res.json(notifier.sent().filter((n) => invoice === undefined || n.invoice === invoice));
  });
  app.get('/admin/payments', (_req, res) => {
    res.json([...payments.values()].map(publicView));
  });
  app.use((error: Error, req: Request, res: Response, _next: NextFunction) => {
    const status = error instanceof SwitchError ? 400 : ((error as { status?: number }).status ?? 500);
    if (req.path.startsWith('/admin/')) res.status(status).json({ error: error.message });
    else refuse(res, status, `Грешка: ${error.message}`, `Error: ${error.message}`);
  });

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/`,
    port: address.port,
    setNextSwitches(switches) {
      nextSwitches = readSwitches(switches as Record<string, unknown>);
    },
    notifications: () => notifier.sent(),
    payments: () => [...payments.values()].map(publicView),
    idle: () => notifier.idle(),
    async stop() {
      notifier.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function newPayment(
  merchant: SimulatedMerchant,
  request: EpayPaymentRequest,
  encoded: string,
  fields: Record<string, unknown>,
  switches: TestSwitches,
): Payment {
  return {
    id: crypto.randomBytes(12).toString('hex'),
    min: request.min,
    invoice: request.invoice,
    amount: request.amount,
    currency: request.currency,
    description: request.description,
    expTime: request.expTime,
    state: 'pending',
    switches,
    registeredAt: new Date().toISOString(),
    merchant,
    encoded,
    urlOk: webUrl(fields.URL_OK),
    urlCancel: webUrl(fields.URL_CANCEL),
  };
}

// Without ENCODING=utf-8 ePay reads DESCR as CP1251, so a merchant that forgets it sees its text garbled here too.
function readPaymentRequest(encoded: string): EpayPaymentRequest {
  const request = parsePaymentRequest(decodePacket(encoded));
  if (request.encoding?.toLowerCase() === 'utf-8') return request;
  return parsePaymentRequest(new TextDecoder('windows-1251').decode(Buffer.from(encoded, 'base64')));
}

function notificationLine(payment: Payment): EpayNotificationLine {
  const line: EpayNotificationLine = { invoice: payment.invoice, status: payment.state as EpayStatus };
  if (line.status === 'PAID') {
    line.payTime = formatPayTime(new Date());
    line.stan = crypto.randomInt(0, 1_000_000).toString().padStart(6, '0');
    line.bcode = Array.from(
      { length: 6 },
      () => '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'[crypto.randomInt(36)],
    ).join('');
    // ePay carries a paid AMOUNT only for a card discount, with the card's BIN: the "wrong amount" switch uses that.
    if (payment.switches.amount !== undefined)
      Object.assign(line, { amount: payment.switches.amount, bin: '400000' });
  }
  return line;
}

class SwitchError extends Error {}

/** Switches from JSON or from query parameters ("1"/"true" for yes). Refuses what it cannot read. */
function readSwitches(input: Record<string, unknown>): TestSwitches {
  const yes = (value: unknown) => value === true || value === 'true' || value === '1';
  const switches: TestSwitches = {};
  if (yes(input.duplicate)) switches.duplicate = true;
  if (yes(input.tamperChecksum)) switches.tamperChecksum = true;
  if (yes(input.upperCaseFields)) switches.upperCaseFields = true;
  if (input.amount !== undefined) {
    const amount = String(input.amount);
    if (!/^\d+(\.\d{1,2})?$/.test(amount))
      throw new SwitchError(`amount "${amount}" is no amount such as 12.30`);
    switches.amount = amount;
  }
  if (input.delayMs !== undefined) {
    const delayMs = Number(input.delayMs);
    if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > MAX_DELAY_MS) {
      throw new SwitchError(`delayMs must be a whole number of milliseconds up to ${MAX_DELAY_MS}`);
    }
    switches.delayMs = delayMs;
  }
  return switches;
}

function checkedMerchant(merchant: SimulatedMerchant): SimulatedMerchant {
  if (!merchant.min || !merchant.secret) throw new Error('a simulated merchant needs a MIN and a secret');
  if (!webUrl(merchant.notifyUrl))
    throw new Error(`merchant ${merchant.min}: notifyUrl must be an http(s) URL`);
  return { ...merchant };
}

// Only http(s) addresses: the page redirects the browser there, and the notifier posts there.
function webUrl(value: unknown): string | undefined {
  const candidate = text(value);
  if (!candidate) return undefined;
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function refuse(res: Response, status: number, bg: string, en: string): void {
  res.status(status).type('html').send(messagePage(bg, en));
}

function publicView(payment: Payment): SimulatedPayment {
  const { merchant: _merchant, encoded: _encoded, urlOk: _ok, urlCancel: _cancel, ...view } = payment;
  return { ...view, switches: { ...view.switches } };
}

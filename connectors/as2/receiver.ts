import crypto from 'node:crypto';
import express, { Router, type Request, type Response } from 'express';
import {
  findAs2Message,
  findAs2PartnerByAs2Id,
  recordAs2Message,
  type As2Partner,
  type ProcessedAs2Message,
} from '../../db/as2';
import { getIssuer } from '../../db/issuers';
import type { IntakeDeps } from '../../intake';
import { deliverFile, type DeliveryOutcome } from '../../intake/deliveries';
import { logger } from '../../platform/logger';
import { startMdnDelivery } from './mdn-delivery';
import {
  As2Error,
  buildMdn,
  openAs2Message,
  parseDispositionNotificationOptions,
  type As2Disposition,
  type BuiltMdn,
  type Mic,
  type OpenedAs2Message,
  type OwnKeyPair,
} from './protocol';

const log = logger.child({ component: 'as2' });
export const AS2_PATH = '/as2';
const REPORTING_UA = 'E-Invoice Hub AS2';

export interface As2ReceiverDeps extends IntakeDeps {
  /** The hub's own key pairs (several during a rollover of its certificate). */
  identity: OwnKeyPair[];
}

/** What the sender asked for in its headers. */
interface Request2 {
  messageId: string;
  as2From: string;
  as2To: string;
  wantsMdn: boolean;
  asyncUrl?: string;
  signedReceipt: boolean;
  micalg?: Mic['algorithm'];
}

/**
 * `POST /as2` (RFC 4130). A message is opened (decrypted, decompressed, its signature checked over the bytes as
 * received), handed to intake, and only once intake has recorded it does the sender get a positive MDN, signed when
 * asked, synchronously or at its Receipt-Delivery-Option URL. A resent Message-ID is answered with the MDN it had
 * the first time and delivers nothing twice; a message that failed is not remembered, so a resend is processed
 * afresh. Failures get a negative MDN naming the RFC 4130 disposition and the reason, and store nothing.
 */
export function createAs2Receiver(deps: As2ReceiverDeps): Router {
  const router = Router();
  router.post(
    AS2_PATH,
    express.raw({ type: () => true, limit: deps.config.as2.maxMessageBytes }),
    (req, res, next) => void receive(deps, req, res).catch(next),
  );
  return router;
}

async function receive(deps: As2ReceiverDeps, req: Request, res: Response): Promise<void> {
  const headers = lowerCaseHeaders(req);
  const request = readRequest(headers);
  if (!request) {
    // Without them there is nobody to address an MDN to: the answer is the gateway's error form.
    res.status(400).json({
      error: {
        code: 'NOT_AN_AS2_MESSAGE',
        message: 'not an AS2 message: AS2-From, AS2-To and Message-ID headers are required (RFC 4130)',
      },
    });
    return;
  }
  const earlier = await findAs2Message(deps.db, request.as2From, request.messageId);
  if (earlier) {
    log.info({ from: request.as2From, messageId: request.messageId }, 'resent AS2 message: original MDN');
    return answer(deps, res, request, { headers: earlier.mdnHeaders, body: earlier.mdnBody }, earlier);
  }

  const partner = await tradingPartner(deps, request.as2From);
  const refuse = (disposition: As2Disposition | string, reason: string) => {
    log.warn(
      { from: request.as2From, messageId: request.messageId, disposition, reason },
      'AS2 message refused',
    );
    return answer(deps, res, request, negativeMdn(deps, request, disposition, reason), undefined, partner);
  };
  if (request.as2To !== deps.config.as2.id) {
    return refuse(
      'unexpected-processing-error',
      `this hub's AS2 id is "${deps.config.as2.id}", not "${request.as2To}"`,
    );
  }
  if (!partner) {
    return refuse('authentication-failed', `"${request.as2From}" is not a trading partner of this hub`);
  }
  let opened: OpenedAs2Message;
  try {
    opened = openAs2Message(
      { headers, body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0) },
      {
        own: deps.identity,
        partnerCertificates: partner.certificates.filter((c) => c.usage === 'signing').map((c) => c.pem),
        requireSignature: partner.requireSignature,
        requireEncryption: partner.requireEncryption,
        // A compressed payload may not inflate past the largest message the hub takes (a zlib bomb).
        maxDecompressedBytes: deps.config.as2.maxMessageBytes,
      },
    );
  } catch (error) {
    if (error instanceof As2Error) return refuse(error.disposition, error.message);
    throw error;
  }

  const outcome = await deliver(deps, partner, request, opened);
  const refused = refusal(outcome);
  if (refused) return refuse('unexpected-processing-error', refused);
  const mdn = buildMdn({
    originalMessageId: request.messageId,
    reportingUa: REPORTING_UA,
    ourAs2Id: deps.config.as2.id,
    partnerAs2Id: request.as2From,
    disposition: { type: 'processed' },
    mic: opened.mic,
    humanText: receivedText(outcome),
    sign: signing(deps, request, opened.mic.algorithm),
  });
  // Kept before the sender hears of it: a resend of this Message-ID gets this very MDN.
  const recorded = await recordAs2Message(deps.db, {
    as2From: request.as2From,
    messageId: request.messageId,
    issuerId: partner.issuerId,
    deliveryId: outcome.delivery.id,
    mdnHeaders: mdn.headers,
    mdnBody: mdn.body,
    mdnUrl: request.asyncUrl,
  });
  log.info(
    {
      from: request.as2From,
      messageId: request.messageId,
      delivery: outcome.delivery.id,
      layers: opened.layers,
    },
    'AS2 message received',
  );
  return answer(deps, res, request, { headers: recorded.mdnHeaders, body: recorded.mdnBody }, recorded);
}

/** The partner sending as `as2From`; an issuer that is deactivated is no trading partner while it is. */
async function tradingPartner(deps: As2ReceiverDeps, as2From: string): Promise<As2Partner | undefined> {
  const partner = await findAs2PartnerByAs2Id(deps.db, as2From);
  if (!partner) return undefined;
  const issuer = await getIssuer(deps.db, partner.issuerId);
  return issuer?.deactivatedAt ? undefined : partner;
}

async function deliver(
  deps: As2ReceiverDeps,
  partner: As2Partner,
  request: Request2,
  opened: OpenedAs2Message,
): Promise<DeliveryOutcome> {
  const issuer = await getIssuer(deps.db, partner.issuerId);
  if (!issuer)
    throw new Error(`AS2 partner ${partner.as2Id} names issuer ${partner.issuerId}, which does not exist`);
  const payload = opened.payload.body;
  const sha256 = crypto.createHash('sha256').update(payload).digest('hex');
  return deliverFile(deps, {
    issuer,
    channel: 'as2',
    // The same message resent with the same content is the same delivery, whatever happened to the first attempt.
    key: `as2:${request.as2From}:${request.messageId}:${sha256}`,
    fileName:
      opened.payload.fileName ?? `${request.messageId.replace(/[<>]/g, '').replace(/[^\w.@-]/g, '_')}.xml`,
    bytes: payload,
  });
}

/** Intake's refusal of the content (not an invoice, number reused), in words; undefined when it took it. */
function refusal(outcome: DeliveryOutcome): string | undefined {
  const all = outcome.entries ? [outcome, ...outcome.entries] : [outcome];
  const refused = all.filter((o) => o.delivery.status === 'quarantined');
  if (!refused.length) return undefined;
  return refused
    .map((o) => `${o.delivery.fileName}: ${o.delivery.reason?.code}: ${o.delivery.reason?.message}`)
    .join('; ');
}

function receivedText(outcome: DeliveryOutcome): string {
  const invoices = (outcome.entries ?? [outcome]).map((o) =>
    o.delivery.status === 'duplicate'
      ? `invoice ${o.invoice?.number} repeats one received before (${o.invoice?.id}); nothing new was stored`
      : `invoice ${o.invoice?.number} received as ${o.invoice?.id}`,
  );
  return `The AS2 message was received and recorded by the hub: ${invoices.join('; ')}.`;
}

function negativeMdn(
  deps: As2ReceiverDeps,
  request: Request2,
  disposition: string,
  reason: string,
): Pick<BuiltMdn, 'headers' | 'body'> {
  return buildMdn({
    originalMessageId: request.messageId,
    reportingUa: REPORTING_UA,
    ourAs2Id: deps.config.as2.id,
    partnerAs2Id: request.as2From,
    disposition: { type: 'error', modifier: disposition, text: reason },
    humanText: `The AS2 message was not accepted: ${reason}. Nothing was stored; a corrected resend will be processed.`,
    sign: signing(deps, request, 'sha-256'),
  });
}

function signing(deps: As2ReceiverDeps, request: Request2, fallback: Mic['algorithm']) {
  return request.signedReceipt ? { ...deps.identity[0], micalg: request.micalg ?? fallback } : undefined;
}

/**
 * Sends the MDN: in the response (synchronous), or to the Receipt-Delivery-Option URL by a workflow that retries
 * until it is taken (asynchronous; then the response is a plain 200). No MDN is sent when none was asked for.
 */
async function answer(
  deps: As2ReceiverDeps,
  res: Response,
  request: Request2,
  mdn: Pick<BuiltMdn, 'headers' | 'body'>,
  recorded: ProcessedAs2Message | undefined,
  partner?: As2Partner,
): Promise<void> {
  if (request.wantsMdn && request.asyncUrl) {
    if (recorded) {
      await startMdnDelivery(deps, recorded);
    } else if (partner && /^https?:\/\//i.test(request.asyncUrl)) {
      // A refusal is not kept, so its MDN is sent once, now, to a known partner only.
      void postOnce(request.asyncUrl, mdn);
    }
    res.status(200).type('text').send('received; the MDN follows asynchronously\n');
    return;
  }
  if (!request.wantsMdn) {
    res
      .status(recorded ? 200 : 400)
      .type('text')
      .send(recorded ? 'received\n' : 'refused; see the hub log\n');
    return;
  }
  res.status(200);
  for (const [name, value] of Object.entries(mdn.headers)) res.setHeader(name, value);
  res.end(mdn.body);
}

async function postOnce(url: string, mdn: Pick<BuiltMdn, 'headers' | 'body'>): Promise<void> {
  try {
    await fetch(url, {
      method: 'POST',
      headers: mdn.headers,
      body: new Uint8Array(mdn.body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    log.warn({ err: error, url }, 'the negative MDN could not be delivered');
  }
}

function lowerCaseHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** AS2 names may be quoted (RFC 4130 §6.2). */
const unquote = (value: string | undefined) =>
  value
    ?.trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/\\(.)/g, '$1');

function readRequest(headers: Record<string, string>): Request2 | undefined {
  const messageId = headers['message-id']?.trim();
  const as2From = unquote(headers['as2-from']);
  const as2To = unquote(headers['as2-to']);
  if (!messageId || !as2From || !as2To) return undefined;
  const options = parseDispositionNotificationOptions(headers['disposition-notification-options']);
  return {
    messageId,
    as2From,
    as2To,
    wantsMdn: Boolean(headers['disposition-notification-to']),
    asyncUrl: headers['receipt-delivery-option']?.trim() || undefined,
    signedReceipt: options.signedReceiptRequested,
    micalg: options.micAlgorithm,
  };
}

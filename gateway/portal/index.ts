import cookieParser from 'cookie-parser';
import express, { Router, type Request } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../db';
import { listInvoiceEvents } from '../../db/invoices';
import { workflowUiUrl, type HubConfig } from '../../platform/config';
import { logger } from '../../platform/logger';
import { recordViewSignal } from '../../workflows/messages';
import { HttpError } from '../errors';
import { authenticateRecipient, describeInvitation, registerRecipient } from './accounts';
import { PORTAL_API_BASE, type InvoiceDetail, type SessionInfo } from './contract';
import {
  findRecipientInvoice,
  listRecipientInvoices,
  recipientOriginal,
  recordInvoiceView,
} from './recipient-invoices';
import { endSession, requireRecipient, startSession } from './sessions';
import { recipientTimeline } from './timeline';

export { PORTAL_API_BASE };

export interface PortalDeps {
  db: Db;
  temporal: Client;
  config: HubConfig;
}

/**
 * The recipient portal's API, mounted at /api/v1/portal. Errors leave as HttpError for the gateway's error handler.
 * Not rate-limited yet: login and register are the endpoints to throttle (per address and per IP) when exposed.
 */
export function createPortalRouter(deps: PortalDeps): Router {
  const { db, temporal, config } = deps;
  const router = Router();
  router.use(express.json({ limit: '16kb' }), cookieParser());
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store'); // personal data: never kept by browsers or proxies
    next();
  });

  router.get('/invitations/:token', async (req, res) => {
    res.json(await describeInvitation(db, String(req.params.token)));
  });

  router.post('/register', async (req, res) => {
    const token = stringField(req, 'token');
    const password = stringField(req, 'password');
    const { recipientId, email } = await registerRecipient(db, token, password);
    await startSession(db, req, res, recipientId);
    logger.info({ recipientId }, 'recipient registered in the portal');
    res.status(201).json({ email } satisfies SessionInfo);
  });

  router.post('/login', async (req, res) => {
    const email = stringField(req, 'email');
    const password = stringField(req, 'password');
    const recipient = await authenticateRecipient(db, email, password);
    await startSession(db, req, res, recipient.recipientId);
    res.json({ email: recipient.email } satisfies SessionInfo);
  });

  router.post('/logout', async (req, res) => {
    await endSession(db, req, res);
    res.status(204).end();
  });

  router.get('/session', async (req, res) => {
    const recipient = await requireRecipient(db, req);
    res.json({ email: recipient.email } satisfies SessionInfo);
  });

  router.get('/invoices', async (req, res) => {
    const recipient = await requireRecipient(db, req);
    res.json({ invoices: await listRecipientInvoices(db, recipient.email) });
  });

  const ownInvoice = async (req: Request) => {
    const recipient = await requireRecipient(db, req);
    const invoice = await findRecipientInvoice(db, recipient.email, String(req.params.id));
    // Someone else's invoice and a missing one get the same answer, so existence is never revealed.
    if (!invoice) throw new HttpError(404, 'INVOICE_NOT_FOUND', 'there is no such invoice among yours');
    return { recipient, invoice };
  };

  router.get('/invoices/:id', async (req, res) => {
    const { invoice } = await ownInvoice(req);
    const body: InvoiceDetail = {
      id: invoice.id,
      status: invoice.status,
      number: invoice.number,
      kind: invoice.summary.kind,
      issueDate: invoice.summary.issueDate,
      dueDate: invoice.summary.dueDate ?? null,
      currency: invoice.summary.currency,
      total: invoice.summary.total,
      receivedAt: invoice.receivedAt,
      viewedAt: invoice.viewedAt,
      channel: invoice.channel,
      invoice: invoice.model,
      timeline: recipientTimeline(await listInvoiceEvents(db, invoice.id)),
      links: {
        original: `${PORTAL_API_BASE}/invoices/${invoice.id}/original`,
        workflow: workflowUiUrl(config, invoice.workflowId),
      },
    };
    res.json(body);
  });

  router.post('/invoices/:id/views', async (req, res) => {
    const { recipient, invoice } = await ownInvoice(req);
    const evidence = {
      invoiceId: invoice.id,
      recipientId: recipient.id,
      userAgent: req.get('user-agent')?.slice(0, 1000) ?? null,
      ip: req.ip ?? null,
    };
    const receipt = await recordInvoiceView(db, evidence, async (viewedAt) => {
      try {
        await temporal.workflow
          .getHandle(invoice.workflowId)
          .signal(recordViewSignal, { recipientId: recipient.id, viewedAt });
      } catch (failure) {
        // A finished lifecycle (paid, cancelled) has nobody left to send a receipt; the view still counts.
        if (failure instanceof WorkflowNotFoundError) {
          logger.info({ invoiceId: invoice.id }, 'invoice viewed after its lifecycle ended; no receipt sent');
          return;
        }
        logger.warn(
          { err: failure, invoiceId: invoice.id },
          'the lifecycle could not be told about the first view',
        );
        throw new HttpError(
          503,
          'RECEIPT_PENDING',
          'the view is logged; the receipt is recorded on the next view',
        );
      }
    });
    if (receipt.firstView)
      logger.info({ invoiceId: invoice.id, viewedAt: receipt.viewedAt }, 'first view: return receipt');
    res.json(receipt);
  });

  router.get('/invoices/:id/original', async (req, res) => {
    const recipient = await requireRecipient(db, req);
    const found = await recipientOriginal(db, recipient.email, String(req.params.id));
    if (!found) throw new HttpError(404, 'INVOICE_NOT_FOUND', 'there is no such invoice among yours');
    const fileName = `${found.number.replace(/[^\w.-]+/g, '_')}.xml`;
    res
      .type('application/xml')
      .set('Content-Disposition', `attachment; filename="${fileName}"`)
      .set('X-Content-Type-Options', 'nosniff')
      .send(found.original);
  });

  return router;
}

function stringField(req: Request, name: string): string {
  const body: unknown = req.body;
  const value: unknown =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  if (typeof value !== 'string' || value === '') {
    throw new HttpError(400, 'BAD_REQUEST', `send a JSON body with a non-empty "${name}" string`);
  }
  return value;
}

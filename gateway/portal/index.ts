import cookieParser from 'cookie-parser';
import express, { Router, type Request } from 'express';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Db } from '../../db';
import type { Mailer } from '../../mail/mailer';
import { listInvoiceEvents } from '../../db/invoices';
import { workflowUiUrl, type HubConfig } from '../../platform/config';
import { logger } from '../../platform/logger';
import { recordViewSignal } from '../../workflows/messages';
import { HttpError } from '../errors';
import { setUserLocale, type Principal } from '../../db/users';
import { createAccountRoutes } from './account-routes';
import { createArchiveRoutes } from './archive-routes';
import { createPortalPayRoutes } from '../payments/portal-pay-routes';
import { createDisputeRoutes } from './disputes';
import { createReconciliationRoutes } from '../payments/reconciliation-routes';
import { createPortalWebhookRoutes } from '../webhooks';
import { createOperatorRoutes } from '../operator';
import { checkOrigin, receivedInvoicesOf } from './authorization';
import { PORTAL_API_BASE, type InvoiceDetail, type SessionInfo } from './contract';
import { findRecipientInvoice, recipientOriginal, recordInvoiceView } from './recipient-invoices';
import { endSession, requirePrincipal } from './sessions';
import { recipientTimeline } from './timeline';

export { PORTAL_API_BASE };

export interface PortalDeps {
  db: Db;
  temporal: Client;
  config: HubConfig;
  /** Account e-mails (invitations, reset links); made from SMTP_URL when not given. */
  mailer?: Mailer;
  /** The hub secret (invitation tokens, sealed second factors); HUB_SECRET or the data folder's when not given. */
  secret?: string;
}

/**
 * The recipient portal's API, mounted at /api/v1/portal. Errors leave as HttpError for the gateway's error handler.
 * Logins are throttled per account and network address (login-throttle.ts).
 */
export function createPortalRouter(deps: PortalDeps): Router {
  const { db, temporal, config } = deps;
  const router = Router();
  router.use(checkOrigin(config), express.json({ limit: '16kb' }), cookieParser());
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store'); // personal data: never kept by browsers or proxies
    next();
  });

  // Invitations and registration, login (with the second factor), password reset and change, log out
  // everywhere, colleagues, issuer users.
  router.use(createAccountRoutes(deps));

  router.post('/logout', async (req, res) => {
    await endSession(db, req, res);
    res.status(204).end();
  });

  router.get('/session', async (req, res) => {
    res.json(describeSession(await requirePrincipal(db, req)));
  });

  router.put('/me/locale', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const locale = stringField(req, 'locale');
    if (locale !== 'bg' && locale !== 'en') {
      throw new HttpError(400, 'BAD_REQUEST', 'locale must be "bg" or "en"');
    }
    await setUserLocale(db, principal.userId, locale);
    res.json(describeSession({ ...principal, locale }));
  });

  // GET /invoices (the recipient's search), the issuer's invoices, deliveries, CSV and PDFs: archive-routes.ts.
  router.use(createArchiveRoutes(deps));

  // Disputes, for the recipient side and the issuer side: disputes.ts.
  router.use(createDisputeRoutes(deps));

  // The issuer's reconciliation view: statements, review queue, manual decisions (payments/reconciliation-routes.ts).
  router.use(createReconciliationRoutes(deps));

  // Paying an invoice: the pay panel, card payment, "I paid elsewhere" (../payments/portal-pay-routes.ts).
  router.use(createPortalPayRoutes(deps));

  // An issuer's webhook endpoints and delivery log, for its admins (../webhooks/).
  router.use(createPortalWebhookRoutes(deps));

  // The operator console: stuck invoices, failures with their retries, volumes (../operator/).
  router.use(createOperatorRoutes(deps));

  const ownInvoice = async (req: Request) => {
    const principal = await requirePrincipal(db, req);
    const invoice = await findRecipientInvoice(db, receivedInvoicesOf(principal), String(req.params.id));
    // Someone else's invoice and a missing one get the same answer, so existence is never revealed.
    if (!invoice) throw new HttpError(404, 'INVOICE_NOT_FOUND', 'there is no such invoice among yours');
    return { principal, invoice };
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
        pdf: `${PORTAL_API_BASE}/invoices/${invoice.id}/pdf`,
        evidence: `${PORTAL_API_BASE}/invoices/${invoice.id}/evidence`,
        workflow: workflowUiUrl(config, invoice.workflowId),
      },
    };
    res.json(body);
  });

  router.post('/invoices/:id/views', async (req, res) => {
    const { principal, invoice } = await ownInvoice(req);
    const evidence = {
      invoiceId: invoice.id,
      recipientId: principal.userId,
      userAgent: req.get('user-agent')?.slice(0, 1000) ?? null,
      ip: req.ip ?? null,
    };
    const receipt = await recordInvoiceView(db, evidence, async (viewedAt) => {
      try {
        await temporal.workflow
          .getHandle(invoice.workflowId)
          .signal(recordViewSignal, { recipientId: principal.userId, viewedAt });
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
    const principal = await requirePrincipal(db, req);
    const found = await recipientOriginal(db, receivedInvoicesOf(principal), String(req.params.id));
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

/** What the portal learns about the signed-in person (the contract's SessionInfo). */
function describeSession(principal: Principal): SessionInfo {
  return {
    email: principal.email,
    locale: principal.locale,
    addresses: principal.addresses,
    issuers: principal.issuers,
    operator: principal.operator,
  };
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

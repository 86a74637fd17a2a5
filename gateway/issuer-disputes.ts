import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import { listIssuerDisputes } from '../db/disputes';
import { getInvoice } from '../db/invoices';
import type { Issuer } from '../db/issuers';
import { createDisputeActions, summaryOf, type DisputeCaller, type DisputeInvoice } from './dispute-actions';
import { attachmentBody, declaredFileName, uploadedBytes } from './dispute-uploads';
import { HttpError } from './errors';
import type { DisputeDecisionBody, DisputeMessageBody, IssuerDisputes } from './portal/dispute-contract';
import { statusFilter } from './portal/disputes';

/**
 * Disputes in the issuer API, for ERPs that answer disputes themselves: the same thread and actions the issuer's
 * users have in the portal, authenticated by the issuer's API key. Who may call: the issuer whose invoice it is;
 * another issuer's key gets 404, as for a missing invoice. Entries are authored by the issuer, by name.
 */
export function createIssuerDisputeRoutes(
  deps: { db: Db; temporal: Client },
  authenticate: (req: Request) => Promise<Issuer>,
): Router {
  const { db } = deps;
  const router = Router();
  const disputes = createDisputeActions(deps);

  const ownInvoice = async (req: Request): Promise<{ invoice: DisputeInvoice; caller: DisputeCaller }> => {
    const issuer = await authenticate(req);
    const id = String(req.params.id);
    const record = UUID.test(id) ? await getInvoice(db, id) : undefined;
    if (!record || record.issuerId !== issuer.id) {
      throw new HttpError(404, 'INVOICE_NOT_FOUND', `no invoice ${id} of yours`);
    }
    return {
      invoice: { id: record.id, number: record.number, workflowId: record.workflowId },
      caller: {
        side: 'issuer',
        author: { side: 'issuer', userId: null, name: issuer.name },
        owner: { invoiceId: record.id, side: 'issuer', issuerId: issuer.id },
        invoiceUrl: `/api/v1/invoices/${record.id}`,
      },
    };
  };

  // Who: the issuer (API key). Its disputes, most recently active first; ?status=open finds those to answer.
  router.get('/disputes', async (req, res) => {
    const issuer = await authenticate(req);
    const records = await listIssuerDisputes(db, issuer.id, statusFilter(req.query.status));
    const body: IssuerDisputes = {
      disputes: records.map((r) => summaryOf(r, `/api/v1/invoices/${r.invoiceId}`)),
    };
    res.json(body);
  });

  // Who: the invoice's issuer.
  router.get('/invoices/:id/disputes', async (req, res) => {
    const { invoice, caller } = await ownInvoice(req);
    res.json(await disputes.list(invoice, caller));
  });

  // Who: the invoice's issuer, for its next message.
  router.post('/invoices/:id/disputes/uploads', attachmentBody, async (req, res) => {
    const { caller } = await ownInvoice(req);
    res.status(201).json(await disputes.upload(caller, uploadedBytes(req.body), declaredFileName(req.query)));
  });

  // Who: the invoice's issuer.
  router.get('/invoices/:id/disputes/:disputeId', async (req, res) => {
    const { invoice, caller } = await ownInvoice(req);
    res.json(await disputes.thread(invoice, String(req.params.disputeId), caller));
  });

  // Who: the invoice's issuer.
  router.post('/invoices/:id/disputes/:disputeId/messages', async (req, res) => {
    const { invoice, caller } = await ownInvoice(req);
    const body = req.body as DisputeMessageBody;
    res.status(201).json(await disputes.reply(invoice, String(req.params.disputeId), caller, body));
  });

  // Who: the invoice's issuer.
  router.post('/invoices/:id/disputes/:disputeId/decision', async (req, res) => {
    const { invoice, caller } = await ownInvoice(req);
    const body = req.body as DisputeDecisionBody;
    res.json(await disputes.decide(invoice, String(req.params.disputeId), caller, body));
  });

  // Who: the invoice's issuer.
  router.get('/invoices/:id/disputes/:disputeId/attachments/:attachmentId', async (req, res) => {
    const { invoice } = await ownInvoice(req);
    const file = await disputes.attachment(
      invoice,
      String(req.params.disputeId),
      String(req.params.attachmentId),
    );
    res
      .type(file.contentType)
      .attachment(file.fileName)
      .set('X-Content-Type-Options', 'nosniff')
      .send(file.content);
  });

  return router;
}

/** The issuer API's JSON requests (messages, decisions): parsed before the request is validated (gateway/app.ts). */
export const ISSUER_DISPUTE_JSON_PATHS = /^\/api\/v1\/invoices\/[^/]+\/disputes\/[^/]+\/(messages|decision)$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

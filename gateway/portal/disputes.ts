import { Router, type Request, type Response } from 'express';
import { listIssuerDisputes } from '../../db/disputes';
import { getInvoice } from '../../db/invoices';
import type { Principal } from '../../db/users';
import type { DisputeStatus } from '../../domain/disputes';
import { createDisputeActions, summaryOf, type DisputeCaller, type DisputeInvoice } from '../dispute-actions';
import { attachmentBody, declaredFileName, uploadedBytes } from '../dispute-uploads';
import { HttpError } from '../errors';
import { receivedInvoicesOf, requireIssuerMember } from './authorization';
import { PORTAL_API_BASE } from './contract';
import type {
  DisputeDecisionBody,
  DisputeMessageBody,
  IssuerDisputes,
  OpenDisputeBody,
} from './dispute-contract';
import type { PortalDeps } from './index';
import { findRecipientInvoice } from './recipient-invoices';
import { requirePrincipal } from './sessions';

/**
 * Disputes in the portal, for both sides of an invoice:
 * - /invoices/:id/disputes… — the recipient side: whoever sees the invoice's address (its owner, a colleague it is
 *   shared with) opens, writes, reopens;
 * - /issuers/:issuerId/invoices/:id/disputes… and /issuers/:issuerId/disputes — the issuer side: its members (admin
 *   or clerk) write and decide.
 * Anyone else — another recipient, another issuer's users — gets 404, exactly as for a missing invoice.
 */
export function createDisputeRoutes({ db, temporal }: PortalDeps): Router {
  const router = Router();
  const disputes = createDisputeActions({ db, temporal });
  const invoiceNotFound = () =>
    new HttpError(404, 'INVOICE_NOT_FOUND', 'there is no such invoice among yours');

  /** The recipient side: the invoice is addressed to an address the person sees. */
  const asRecipient = async (req: Request): Promise<{ invoice: DisputeInvoice; caller: DisputeCaller }> => {
    const principal = await requirePrincipal(db, req);
    const invoiceId = String(req.params.id);
    const found = await findRecipientInvoice(db, receivedInvoicesOf(principal), invoiceId);
    if (!found) throw invoiceNotFound();
    return {
      invoice: { id: found.id, number: found.number, workflowId: found.workflowId },
      caller: {
        side: 'recipient',
        author: { side: 'recipient', userId: principal.userId, name: principal.email },
        owner: { invoiceId: found.id, side: 'recipient', userId: principal.userId },
        invoiceUrl: `${PORTAL_API_BASE}/invoices/${found.id}`,
      },
    };
  };

  /** The issuer side: the person works for the issuer (any role) and the invoice is the issuer's. */
  const asIssuer = async (req: Request): Promise<{ invoice: DisputeInvoice; caller: DisputeCaller }> => {
    const principal = await requirePrincipal(db, req);
    const issuerId = issuerOf(req, principal);
    const record = UUID.test(String(req.params.id)) ? await getInvoice(db, String(req.params.id)) : undefined;
    if (!record || record.issuerId !== issuerId) throw invoiceNotFound();
    return {
      invoice: { id: record.id, number: record.number, workflowId: record.workflowId },
      caller: {
        side: 'issuer',
        author: { side: 'issuer', userId: principal.userId, name: principal.email },
        owner: { invoiceId: record.id, side: 'issuer', userId: principal.userId },
        invoiceUrl: `${PORTAL_API_BASE}/issuers/${issuerId}/invoices/${record.id}`,
      },
    };
  };

  const issuerOf = (req: Request, principal: Principal): string => {
    const issuerId = String(req.params.issuerId);
    requireIssuerMember(principal, issuerId, ['admin', 'clerk'], invoiceNotFound());
    return issuerId;
  };

  const sendAttachment = (
    res: Response,
    file: { fileName: string; contentType: string; content: Buffer },
  ) => {
    // Always a download with the type its content has: never rendered by the browser inside the portal's origin.
    res
      .type(file.contentType)
      .attachment(file.fileName)
      .set('X-Content-Type-Options', 'nosniff')
      .set('Content-Security-Policy', "default-src 'none'; sandbox")
      .send(file.content);
  };

  // Recipient side. Who: the invoice's recipient side (its address's owner or a colleague it is shared with).
  router.get('/invoices/:id/disputes', async (req, res) => {
    const { invoice, caller } = await asRecipient(req);
    res.json(await disputes.list(invoice, caller));
  });

  // Who: the invoice's recipient side.
  router.post('/invoices/:id/disputes', async (req, res) => {
    const { invoice, caller } = await asRecipient(req);
    const thread = await disputes.open(invoice, caller, req.body as OpenDisputeBody);
    res.status(201).location(thread.links.self).json(thread);
  });

  // Who: the invoice's recipient side, for its own next message.
  router.post('/invoices/:id/disputes/uploads', attachmentBody, async (req, res) => {
    const { caller } = await asRecipient(req);
    res.status(201).json(await disputes.upload(caller, uploadedBytes(req.body), declaredFileName(req.query)));
  });

  // Who: the invoice's recipient side.
  router.get('/invoices/:id/disputes/:disputeId', async (req, res) => {
    const { invoice, caller } = await asRecipient(req);
    res.json(await disputes.thread(invoice, String(req.params.disputeId), caller));
  });

  // Who: the invoice's recipient side.
  router.post('/invoices/:id/disputes/:disputeId/messages', async (req, res) => {
    const { invoice, caller } = await asRecipient(req);
    const body = req.body as DisputeMessageBody;
    res.status(201).json(await disputes.reply(invoice, String(req.params.disputeId), caller, body));
  });

  // Who: the invoice's recipient side (once per dispute, after a rejection).
  router.post('/invoices/:id/disputes/:disputeId/reopen', async (req, res) => {
    const { invoice, caller } = await asRecipient(req);
    const body = req.body as DisputeMessageBody;
    res.json(await disputes.reopen(invoice, String(req.params.disputeId), caller, body));
  });

  // Who: the invoice's recipient side.
  router.get('/invoices/:id/disputes/:disputeId/attachments/:attachmentId', async (req, res) => {
    const { invoice } = await asRecipient(req);
    sendAttachment(
      res,
      await disputes.attachment(invoice, String(req.params.disputeId), String(req.params.attachmentId)),
    );
  });

  // Issuer side. Who: the issuer's members (admin, clerk). The disputes to work on, most recently active first.
  router.get('/issuers/:issuerId/disputes', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const issuerId = issuerOf(req, principal);
    const statuses = statusFilter(req.query.status);
    const records = await listIssuerDisputes(db, issuerId, statuses);
    const body: IssuerDisputes = {
      disputes: records.map((r) =>
        summaryOf(r, `${PORTAL_API_BASE}/issuers/${issuerId}/invoices/${r.invoiceId}`),
      ),
    };
    res.json(body);
  });

  // Who: the issuer's members.
  router.get('/issuers/:issuerId/invoices/:id/disputes', async (req, res) => {
    const { invoice, caller } = await asIssuer(req);
    res.json(await disputes.list(invoice, caller));
  });

  // Who: the issuer's members, for their own next message.
  router.post('/issuers/:issuerId/invoices/:id/disputes/uploads', attachmentBody, async (req, res) => {
    const { caller } = await asIssuer(req);
    res.status(201).json(await disputes.upload(caller, uploadedBytes(req.body), declaredFileName(req.query)));
  });

  // Who: the issuer's members.
  router.get('/issuers/:issuerId/invoices/:id/disputes/:disputeId', async (req, res) => {
    const { invoice, caller } = await asIssuer(req);
    res.json(await disputes.thread(invoice, String(req.params.disputeId), caller));
  });

  // Who: the issuer's members.
  router.post('/issuers/:issuerId/invoices/:id/disputes/:disputeId/messages', async (req, res) => {
    const { invoice, caller } = await asIssuer(req);
    const body = req.body as DisputeMessageBody;
    res.status(201).json(await disputes.reply(invoice, String(req.params.disputeId), caller, body));
  });

  // Who: the issuer's members (admin or clerk: deciding disputes is the clerks' daily work).
  router.post('/issuers/:issuerId/invoices/:id/disputes/:disputeId/decision', async (req, res) => {
    const { invoice, caller } = await asIssuer(req);
    const body = req.body as DisputeDecisionBody;
    res.json(await disputes.decide(invoice, String(req.params.disputeId), caller, body));
  });

  // Who: the issuer's members.
  router.get(
    '/issuers/:issuerId/invoices/:id/disputes/:disputeId/attachments/:attachmentId',
    async (req, res) => {
      const { invoice } = await asIssuer(req);
      sendAttachment(
        res,
        await disputes.attachment(invoice, String(req.params.disputeId), String(req.params.attachmentId)),
      );
    },
  );

  return router;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES: readonly DisputeStatus[] = ['open', 'upheld', 'rejected', 'closed'];

/** ?status=open,upheld (the OpenAPI document has already checked the values). */
export function statusFilter(raw: unknown): DisputeStatus[] | undefined {
  const values = (Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [])
    .map(String)
    .filter((s): s is DisputeStatus => (STATUSES as readonly string[]).includes(s));
  return values.length ? values : undefined;
}

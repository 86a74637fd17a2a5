import express, { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../db';
import { getDelivery } from '../db/deliveries';
import { getInvoice, getOriginal, listInvoiceEvents, type InvoiceRecord } from '../db/invoices';
import { searchInvoices } from '../db/invoice-search';
import { findIssuerByApiKey, type Issuer } from '../db/issuers';
import { getViewReceipt } from '../db/view-receipts';
import { EVIDENCE_MEDIA_TYPE, evidenceFileName, exportEvidence } from '../platform/evidence-export';
import { acceptInvoice } from '../intake';
import { workflowUiUrl, type HubConfig } from '../platform/config';
import { HttpError } from './errors';
import { createIssuerDisputeRoutes } from './issuer-disputes';
import { createIssuerPaymentRoutes } from './payments/issuer-payments-api';
import { createIssuerWebhookRoutes } from './webhooks';
import { encodeCursor, issuerListItem, parseSearchRequest } from './portal/invoice-search';

export interface IssuerApiDeps {
  db: Db;
  temporal: Client;
  config: HubConfig;
}

/** The issuer API: deliver invoices and follow them. Authenticated by `Authorization: Bearer <API key>`. */
export function createIssuerApi(deps: IssuerApiDeps): Router {
  const { db, config } = deps;
  const router = Router();

  const authenticate = async (req: Request): Promise<Issuer> => {
    const match = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
    if (!match)
      throw new HttpError(401, 'UNAUTHENTICATED', 'send the API key as "Authorization: Bearer <key>"');
    const issuer = await findIssuerByApiKey(db, match[1]);
    if (!issuer) throw new HttpError(401, 'UNKNOWN_API_KEY', 'the API key is not known to this hub');
    if (issuer.deactivatedAt && !['GET', 'HEAD'].includes(req.method)) {
      // An issuer that stopped using the hub still reads its archive until retention; it delivers and changes nothing.
      throw new HttpError(
        403,
        'ISSUER_DEACTIVATED',
        `this issuer was deactivated on ${issuer.deactivatedAt}: its API key may read, not deliver or change anything`,
      );
    }
    return issuer;
  };

  const links = (record: InvoiceRecord) => ({
    self: `/api/v1/invoices/${record.id}`,
    original: `/api/v1/invoices/${record.id}/original`,
    receipt: `/api/v1/invoices/${record.id}/receipt`,
    evidence: `/api/v1/invoices/${record.id}/evidence`,
    workflow: workflowUiUrl(config, record.workflowId),
  });

  const ownInvoice = async (req: Request) => {
    const issuer = await authenticate(req);
    const record = await getInvoice(db, String(req.params.id));
    if (!record || record.issuerId !== issuer.id) {
      throw new HttpError(404, 'INVOICE_NOT_FOUND', `no invoice ${req.params.id} of yours`);
    }
    return record;
  };

  /** The file or message a channel delivered the invoice in, when it came by one. */
  const deliveryOf = async (record: InvoiceRecord) => {
    const delivery = record.deliveryId ? await getDelivery(db, record.deliveryId) : undefined;
    return delivery
      ? {
          id: delivery.id,
          channel: delivery.channel,
          file: delivery.fileName,
          receivedAt: delivery.receivedAt,
        }
      : null;
  };

  router.post(
    '/invoices',
    express.raw({ type: ['application/xml', 'text/xml'], limit: config.maxInvoiceBytes }),
    async (req, res) => {
      const issuer = await authenticate(req);
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw new HttpError(400, 'EMPTY_BODY', 'the request body must be the invoice XML');
      }
      const { invoice, created } = await acceptInvoice(deps, {
        issuer,
        bytes: req.body,
        channel: 'api',
        idempotencyKey: req.header('idempotency-key') ?? undefined,
      });
      res
        .status(created ? 202 : 200)
        .location(`/api/v1/invoices/${invoice.id}`)
        .json({
          id: invoice.id,
          number: invoice.number,
          status: invoice.status,
          channel: invoice.channel,
          duplicate: !created,
          links: links(invoice),
        });
    },
  );

  // Who: an issuer, by its API key. What: its own invoices, any status, searched and paged as in the portal.
  router.get('/invoices', async (req, res) => {
    const issuer = await authenticate(req);
    const search = parseSearchRequest(req.query as Record<string, unknown>, 'issuer');
    const page = await searchInvoices(
      db,
      { side: 'issuer', issuerId: issuer.id },
      search.filters,
      search.sort,
      search.pageSize,
      search.after,
    );
    res.set('Cache-Control', 'no-store').json({
      invoices: page.rows.map((row) => ({
        ...issuerListItem(row),
        links: { self: `/api/v1/invoices/${row.id}` },
      })),
      next: page.next ? encodeCursor(search.sort, page.next) : null,
    });
  });

  router.get('/invoices/:id', async (req, res) => {
    const record = await ownInvoice(req);
    const summary = record.summary;
    const verification = record.verification as
      { hub?: { reasons?: string[]; warnings?: string[] } } | undefined;
    res.json({
      id: record.id,
      number: record.number,
      status: record.status,
      channel: record.channel,
      delivery: await deliveryOf(record),
      receivedAt: record.receivedAt,
      viewedAt: record.viewedAt ?? null,
      document: {
        syntax: summary.syntax,
        kind: summary.kind,
        issueDate: summary.issueDate,
        dueDate: summary.dueDate ?? null,
      },
      parties: { supplier: summary.supplier, customer: summary.customer },
      totals: { currency: summary.currency, payable: summary.total },
      sha256: record.sha256,
      rejectionReasons: record.status === 'rejected' ? (verification?.hub?.reasons ?? []) : [],
      warnings: verification?.hub?.warnings ?? [],
      timeline: await listInvoiceEvents(db, record.id),
      links: links(record),
    });
  });

  router.get('/invoices/:id/original', async (req, res) => {
    const record = await ownInvoice(req);
    const original = await getOriginal(db, record.id);
    res.type('application/xml').attachment(`${record.number}.xml`).send(original);
  });

  router.get('/invoices/:id/receipt', async (req, res) => {
    const record = await ownInvoice(req);
    const receipt = await getViewReceipt(db, record.id);
    if (!receipt) {
      throw new HttpError(
        404,
        'NO_RECEIPT_YET',
        record.viewedAt
          ? `invoice ${record.number} was viewed at ${record.viewedAt}; its signed receipt is being made`
          : `invoice ${record.number} has not been viewed by its recipient yet`,
      );
    }
    res.type('application/xml').attachment(`receipt-${record.number}.xml`).send(receipt.document);
  });

  router.get('/invoices/:id/evidence', async (req, res) => {
    const record = await ownInvoice(req);
    const evidence = await exportEvidence(db, config, record.id);
    if (!evidence)
      throw new HttpError(
        404,
        'NOT_ARCHIVED',
        `invoice ${record.number} is not in the archive (yet, or any more)`,
      );
    res.attachment(evidenceFileName(evidence.number)).type(EVIDENCE_MEDIA_TYPE).send(evidence.bytes);
  });

  // Disputes for ERPs that answer them: issuer-disputes.ts.
  router.use(createIssuerDisputeRoutes(deps, authenticate));
  // Statements and payments: payments/issuer-payments-api.ts.
  router.use(createIssuerPaymentRoutes(deps, authenticate));
  // Webhook endpoints and their delivery log: webhooks/.
  router.use(createIssuerWebhookRoutes(deps, authenticate));

  return router;
}

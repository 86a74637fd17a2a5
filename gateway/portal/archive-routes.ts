import { getViewReceipt } from '../../db/view-receipts';
import { Router, type Request, type Response } from 'express';
import type { Db } from '../../db';
import {
  everyMatch,
  findArchiveEntry,
  listProblemDeliveries,
  searchInvoices,
  type ProblemKind,
} from '../../db/invoice-search';
import { getOriginal } from '../../db/invoices';
import type { Principal } from '../../db/users';
import { renderInvoicePdf, type PdfLanguage } from '../../domain/invoice-pdf';
import type { HubConfig } from '../../platform/config';
import { EVIDENCE_MEDIA_TYPE, evidenceFileName, exportEvidence } from '../../platform/evidence-export';
import { logger } from '../../platform/logger';
import { HttpError } from '../errors';
import { receivedInvoicesOf, requireIssuerMember } from './authorization';
import { PORTAL_API_BASE } from './contract';
import { csvFileName, csvHeader, csvLine } from './invoices-csv';
import {
  decodeProblemCursor,
  encodeCursor,
  encodeProblemCursor,
  issuerListItem,
  parseSearchRequest,
  recipientListItem,
  searchQueryString,
} from './invoice-search';
import { issuerInvoiceDetail } from './issuer-invoice';
import { findRecipientInvoice } from './recipient-invoices';
import type { IssuerInvoicePage, ProblemDeliveryPage, RecipientInvoicePage } from './search-contract';
import { requirePrincipal } from './sessions';

export interface ArchiveRouteDeps {
  db: Db;
  config: HubConfig;
}

const notFound = () => new HttpError(404, 'INVOICE_NOT_FOUND', 'there is no such invoice among yours');
const query = (req: Request) => req.query as Record<string, unknown>;

/**
 * The searchable archive in the portal, for both sides: a recipient's received invoices, an issuer's sent invoices
 * (list, CSV, invoice page, deliveries refused), and the PDF of an invoice for either. Mounted on the portal router.
 */
export function createArchiveRoutes({ db, config }: ArchiveRouteDeps): Router {
  const router = Router();

  /** The person works for the issuer in the path (any role); otherwise the issuer "does not exist" for them. */
  const issuerOf = async (req: Request) => {
    const principal = await requirePrincipal(db, req);
    const issuerId = String(req.params.issuerId);
    requireIssuerMember(principal, issuerId);
    const membership = principal.issuers.find((m) => m.issuerId === issuerId) as Principal['issuers'][number];
    return { principal, issuer: membership };
  };

  // Who: any signed-in person. What: invoices addressed to their addresses (own and shared) that reached the archive.
  router.get('/invoices', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const search = parseSearchRequest(query(req), 'recipient');
    const page = await searchInvoices(
      db,
      { side: 'recipient', reach: receivedInvoicesOf(principal) },
      search.filters,
      search.sort,
      search.pageSize,
      search.after,
    );
    const body: RecipientInvoicePage = {
      invoices: page.rows.map(recipientListItem),
      next: page.next ? encodeCursor(search.sort, page.next) : null,
    };
    res.json(body);
  });

  // Who: a member (admin or clerk) of the issuer. What: every invoice of the issuer, any status.
  router.get('/issuers/:issuerId/invoices', async (req, res) => {
    const { issuer } = await issuerOf(req);
    const search = parseSearchRequest(query(req), 'issuer');
    const page = await searchInvoices(
      db,
      { side: 'issuer', issuerId: issuer.issuerId },
      search.filters,
      search.sort,
      search.pageSize,
      search.after,
    );
    const csvQuery = searchQueryString(search);
    const body: IssuerInvoicePage = {
      issuer: { id: issuer.issuerId, name: issuer.name },
      invoices: page.rows.map(issuerListItem),
      next: page.next ? encodeCursor(search.sort, page.next) : null,
      links: {
        csv: `${PORTAL_API_BASE}/issuers/${issuer.issuerId}/invoices.csv${csvQuery ? `?${csvQuery}` : ''}`,
      },
    };
    res.json(body);
  });

  // Who: a member of the issuer. What: the current search, every page, as CSV (see invoices-csv.ts for the format).
  router.get('/issuers/:issuerId/invoices.csv', async (req, res) => {
    const { principal, issuer } = await issuerOf(req);
    const search = parseSearchRequest(query(req), 'issuer');
    res
      .status(200)
      .type('text/csv; charset=utf-8')
      .set('Content-Disposition', `attachment; filename="${csvFileName(issuer.name, new Date())}"`)
      .set('X-Content-Type-Options', 'nosniff');
    res.write(csvHeader(principal.locale));
    try {
      for await (const rows of everyMatch(
        db,
        { side: 'issuer', issuerId: issuer.issuerId },
        search.filters,
        search.sort,
      )) {
        const chunk = rows.map(csvLine).join('');
        if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
        if (res.destroyed) return;
      }
      res.end();
    } catch (failure) {
      // The header is gone already: the only honest signal left is to cut the download short.
      logger.error({ err: failure, issuerId: issuer.issuerId }, 'CSV export failed midway');
      res.destroy(failure as Error);
    }
  });

  // Who: a member of the issuer. What: one of its invoices with timeline, receipt and verification report.
  router.get('/issuers/:issuerId/invoices/:id', async (req, res) => {
    const { issuer } = await issuerOf(req);
    const detail = await issuerInvoiceDetail(db, config, issuer, String(req.params.id));
    if (!detail) throw notFound();
    res.json(detail);
  });

  // Who: a member of the issuer. What: the original bytes the issuer delivered.
  router.get('/issuers/:issuerId/invoices/:id/original', async (req, res) => {
    const { issuer } = await issuerOf(req);
    const detail = await issuerInvoiceDetail(db, config, issuer, String(req.params.id));
    const original = detail && (await getOriginal(db, detail.id));
    if (!detail || !original) throw notFound();
    res
      .type('application/xml')
      .set('Content-Disposition', `attachment; filename="${safeFileStem(detail.number)}.xml"`)
      .set('X-Content-Type-Options', 'nosniff')
      .send(original);
  });

  // Who: a member of the issuer. What: the signed return receipt of one of its invoices, once it was viewed.
  router.get('/issuers/:issuerId/invoices/:id/receipt', async (req, res) => {
    const { issuer } = await issuerOf(req);
    const detail = await issuerInvoiceDetail(db, config, issuer, String(req.params.id));
    const receipt = detail && (await getViewReceipt(db, detail.id));
    if (!detail || !receipt) throw notFound();
    res
      .type('application/xml')
      .set('Content-Disposition', `attachment; filename="receipt-${safeFileStem(detail.number)}.xml"`)
      .set('X-Content-Type-Options', 'nosniff')
      .send(receipt.document);
  });

  // Who: a member of the issuer. What: the evidence package of one of its archived invoices.
  router.get('/issuers/:issuerId/invoices/:id/evidence', async (req, res) => {
    const { issuer } = await issuerOf(req);
    const detail = await issuerInvoiceDetail(db, config, issuer, String(req.params.id));
    const evidence = detail && (await exportEvidence(db, config, detail.id));
    if (!evidence) throw notFound();
    sendEvidence(res, evidence);
  });

  // Who: the recipient (own and shared addresses). What: the evidence package of an invoice addressed to them.
  router.get('/invoices/:id/evidence', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const invoice = await findRecipientInvoice(db, receivedInvoicesOf(principal), String(req.params.id));
    const evidence = invoice && (await exportEvidence(db, config, invoice.id));
    if (!evidence) throw notFound();
    sendEvidence(res, evidence);
  });

  // Who: a member of the issuer. What: the PDF of one of its archived invoices.
  router.get('/issuers/:issuerId/invoices/:id/pdf', async (req, res) => {
    const { principal, issuer } = await issuerOf(req);
    const detail = await issuerInvoiceDetail(db, config, issuer, String(req.params.id));
    if (!detail) throw notFound();
    await sendPdf(req, res, principal, detail.id, detail.number);
  });

  // Who: any signed-in person. What: the PDF of an invoice they may see (addressed to one of their addresses).
  router.get('/invoices/:id/pdf', async (req, res) => {
    const principal = await requirePrincipal(db, req);
    const invoice = await findRecipientInvoice(db, receivedInvoicesOf(principal), String(req.params.id));
    if (!invoice) throw notFound();
    await sendPdf(req, res, principal, invoice.id, invoice.number);
  });

  // Who: a member of the issuer. What: quarantined deliveries and rejected invoices, newest first, every reason.
  router.get('/issuers/:issuerId/deliveries', async (req, res) => {
    const { issuer } = await issuerOf(req);
    const kinds = problemKinds(query(req).status);
    const limit = query(req).limit === undefined ? 50 : Number(query(req).limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 200) {
      throw new HttpError(400, 'INVALID_REQUEST', 'limit must be a whole number from 1 to 200');
    }
    const cursor = query(req).cursor;
    const page = await listProblemDeliveries(
      db,
      issuer.issuerId,
      kinds,
      limit,
      typeof cursor === 'string' && cursor ? decodeProblemCursor(cursor) : undefined,
    );
    const body: ProblemDeliveryPage = {
      deliveries: page.rows.map(({ keyset: _keyset, ...row }) => row),
      next: page.next ? encodeProblemCursor(page.next) : null,
    };
    res.json(body);
  });

  async function sendPdf(
    req: Request,
    res: Response,
    principal: Principal,
    invoiceId: string,
    number: string,
  ) {
    const entry = await findArchiveEntry(db, invoiceId);
    if (!entry) throw new HttpError(404, 'NOT_ARCHIVED', 'only an invoice in the archive has a PDF');
    const lang = query(req).lang;
    const language: PdfLanguage = lang === 'bg' || lang === 'en' ? lang : principal.locale;
    const pdf = await renderInvoicePdf(entry.model, {
      language,
      archiveReference: `${invoiceId} · SHA-256 ${entry.sha256}`,
    });
    res
      .type('application/pdf')
      .set('Content-Disposition', `attachment; filename="${safeFileStem(number)}.pdf"`)
      .set('X-Content-Type-Options', 'nosniff')
      .send(pdf);
  }

  return router;
}

function problemKinds(status: unknown): ProblemKind[] {
  if (status === undefined || status === '') return ['quarantined', 'rejected'];
  const values = String(status)
    .split(',')
    .map((value) => value.trim());
  const unknown = values.find((value) => value !== 'quarantined' && value !== 'rejected');
  if (unknown !== undefined) {
    throw new HttpError(400, 'INVALID_REQUEST', `status "${unknown}" is not one of: quarantined, rejected`);
  }
  return values as ProblemKind[];
}

/** An invoice number as a file name: letters, digits, dot, dash, underscore. */
function sendEvidence(res: Response, evidence: { number: string; bytes: Buffer }): void {
  res
    .type(EVIDENCE_MEDIA_TYPE)
    .set('Content-Disposition', `attachment; filename="${evidenceFileName(evidence.number)}"`)
    .set('X-Content-Type-Options', 'nosniff')
    .send(evidence.bytes);
}

function safeFileStem(number: string): string {
  return number.replace(/[^\w.-]+/g, '_') || 'invoice';
}

import express, { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db';
import { getInvoice } from '../../db/invoices';
import type { Issuer } from '../../db/issuers';
import { countImportEntries, entriesOfImport, type EntryState } from '../../db/payments/ledger';
import { getStatementImport, type StatementImport } from '../../db/payments/statement-imports';
import { receiveStatement } from '../../intake/statements';
import { workflowUiUrl, type HubConfig } from '../../platform/config';
import { HttpError } from '../errors';
import { invoicePaymentsView } from './invoice-payments';

/** Statements are bank files: camt.053 of 10,000 entries is a few MiB; this leaves room without inviting abuse. */
export const MAX_STATEMENT_BYTES = 50 * 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENTRY_STATES: readonly EntryState[] = ['matched', 'review', 'not-a-payment', 'ignored'];

/**
 * Payments in the issuer API: statements in (`POST /statements`, for banks' host-to-host exports and ERPs), their
 * import with every entry's decision, and each invoice's payments. Who may call: the issuer (API key), for its own.
 */
export function createIssuerPaymentRoutes(
  deps: { db: Db; temporal: Client; config: HubConfig },
  authenticate: (req: Request) => Promise<Issuer>,
): Router {
  const { db, config } = deps;
  const router = Router();

  const ownImport = async (req: Request): Promise<StatementImport> => {
    const issuer = await authenticate(req);
    const id = String(req.params.id);
    const record = UUID.test(id) ? await getStatementImport(db, id) : undefined;
    if (!record || record.issuerId !== issuer.id) {
      throw new HttpError(404, 'STATEMENT_NOT_FOUND', `no statement ${id} of yours`);
    }
    return record;
  };

  // Who: an issuer, for itself. The file is kept whatever it holds; one that cannot be read is refused with why.
  router.post(
    '/statements',
    express.raw({ type: () => true, limit: MAX_STATEMENT_BYTES }),
    async (req, res) => {
      const issuer = await authenticate(req);
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw new HttpError(
          400,
          'EMPTY_BODY',
          'the request body must be the statement file (camt.05x XML or MT940/MT942)',
        );
      }
      const fileName =
        typeof req.query.name === 'string' && req.query.name.trim() ? req.query.name.trim() : 'statement';
      const { record, created } = await receiveStatement(deps, {
        issuerId: issuer.id,
        source: 'api',
        fileName,
        content: req.body,
      });
      if (record.status === 'refused') {
        const refusal = record.refusal ?? { code: 'REFUSED', message: 'the statement was refused' };
        throw new HttpError(422, `STATEMENT_${refusal.code}`, refusal.message);
      }
      res
        .status(created ? 202 : 200)
        .location(`/api/v1/statements/${record.id}`)
        .json({ ...(await importBody(record)), duplicate: !created });
    },
  );

  // Who: the statement's issuer. The import, its counts, and its entries (?state=review for the queue's).
  router.get('/statements/:id', async (req, res) => {
    const record = await ownImport(req);
    const state = ENTRY_STATES.find((s) => s === req.query.state);
    const entries = await entriesOfImport(db, record.id, { state });
    res.set('Cache-Control', 'no-store').json({
      ...(await importBody(record)),
      entries: entries.map((e) => ({
        id: e.id,
        position: e.position,
        bookingDate: e.entry.bookingDate,
        amount: e.entry.amount,
        currency: e.entry.currency,
        direction: e.entry.direction,
        reversal: e.entry.reversal,
        counterparty: e.entry.counterparty ?? null,
        remittance: e.entry.remittance.join(' '),
        reference: e.entry.structuredReference ?? null,
        state: e.state,
        decision: e.decision,
      })),
    });
  });

  // Who: the invoice's issuer. Every payment with its source and reason, and the open balance.
  router.get('/invoices/:id/payments', async (req, res) => {
    const issuer = await authenticate(req);
    const id = String(req.params.id);
    const record = UUID.test(id) ? await getInvoice(db, id) : undefined;
    if (!record || record.issuerId !== issuer.id)
      throw new HttpError(404, 'INVOICE_NOT_FOUND', `no invoice ${id} of yours`);
    res.set('Cache-Control', 'no-store').json(await invoicePaymentsView(db, record));
  });

  async function importBody(record: StatementImport) {
    return {
      id: record.id,
      status: record.status,
      fileName: record.fileName,
      source: record.source,
      format: record.format ?? null,
      statementIds: record.statementIds,
      account: record.account ?? null,
      refusal: record.refusal ?? null,
      receivedAt: record.receivedAt,
      importedAt: record.importedAt ?? null,
      counts: { inFile: record.entryCount, ...(await countImportEntries(db, record.id)) },
      links: { self: `/api/v1/statements/${record.id}`, workflow: workflowUiUrl(config, record.workflowId) },
    };
  }

  return router;
}

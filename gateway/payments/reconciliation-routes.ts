import express, { Router, type Request } from 'express';
import type { EntryState } from '../../db/payments/ledger';
import type { Clerk } from '../../db/payments/reconciliation';
import { HttpError } from '../errors';
import { requireIssuerMember } from '../portal/authorization';
import type { PortalDeps } from '../portal';
import { requirePrincipal } from '../portal/sessions';
import { MAX_STATEMENT_BYTES } from './issuer-payments-api';
import { createReconciliationActions } from './reconciliation-actions';
import type { MatchBody, NoteBody, SplitBody } from './reconciliation-contract';

const ENTRY_STATES: readonly EntryState[] = ['matched', 'review', 'not-a-payment', 'ignored'];

/**
 * The issuer's reconciliation view in the portal, under /issuers/:issuerId: its statements (list, entries, upload),
 * the review queue with evidence and candidates, the search for an invoice, and the clerk's decisions on an entry
 * (match, split, ignore, undo, each with a note) with its history.
 * Who: the issuer's members, admin or clerk (reconciling is the clerks' daily work); anyone else gets 404, as for a
 * missing issuer. State changes pass the portal router's checkOrigin.
 */
export function createReconciliationRoutes(deps: PortalDeps): Router {
  const { db } = deps;
  const router = Router();
  const actions = createReconciliationActions(deps);
  const base = '/issuers/:issuerId';

  const member = async (req: Request): Promise<{ issuerId: string; clerk: Clerk }> => {
    const principal = await requirePrincipal(db, req);
    const issuerId = String(req.params.issuerId);
    requireIssuerMember(principal, issuerId);
    return { issuerId, clerk: { userId: principal.userId, email: principal.email } };
  };
  const entryId = (req: Request) => String(req.params.entryId);

  // Who: the issuer's members. Its statement files, newest first, with how their entries were decided.
  router.get(`${base}/statements`, async (req, res) => {
    const { issuerId } = await member(req);
    res.json(await actions.statements(issuerId));
  });

  // Who: the issuer's members. A statement file from the portal: the body is the file (camt.05x or MT940/MT942).
  router.post(
    `${base}/statements`,
    express.raw({ type: () => true, limit: MAX_STATEMENT_BYTES }),
    async (req, res) => {
      const { issuerId } = await member(req);
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        throw new HttpError(400, 'EMPTY_BODY', 'send the statement file as the request body');
      }
      const name =
        typeof req.query.name === 'string' && req.query.name.trim() ? req.query.name.trim() : 'statement';
      const { statement, duplicate } = await actions.upload(issuerId, name.slice(0, 255), req.body);
      res.status(duplicate ? 200 : 202).json({ ...statement, duplicate });
    },
  );

  // Who: the issuer's members. One statement with each entry's decision and reason (?state= for one kind).
  router.get(`${base}/statements/:statementId`, async (req, res) => {
    const { issuerId } = await member(req);
    const state = ENTRY_STATES.find((s) => s === req.query.state);
    res.json(await actions.statement(issuerId, String(req.params.statementId), state));
  });

  // Who: the issuer's members. The entries no rule could decide, with the evidence and the candidate invoices.
  router.get(`${base}/reconciliation/review`, async (req, res) => {
    const { issuerId } = await member(req);
    res.json(await actions.review(issuerId));
  });

  // Who: the issuer's members. Invoices that may still be paid, by number, amount (total or owed) or customer.
  router.get(`${base}/reconciliation/candidates`, async (req, res) => {
    const { issuerId } = await member(req);
    const text = (name: string) =>
      typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined;
    res.json(
      await actions.candidates(issuerId, {
        number: text('number'),
        amount: text('amount'),
        customer: text('customer'),
      }),
    );
  });

  // Who: the issuer's members. The entry, every decision on it with who and when, the payments it made.
  router.get(`${base}/reconciliation/entries/:entryId`, async (req, res) => {
    const { issuerId } = await member(req);
    res.json(await actions.entry(issuerId, entryId(req)));
  });

  // Who: the issuer's members (admin or clerk), for each decision.
  router.post(`${base}/reconciliation/entries/:entryId/match`, async (req, res) => {
    const { issuerId, clerk } = await member(req);
    res.json(await actions.match(clerk, issuerId, entryId(req), req.body as MatchBody));
  });

  router.post(`${base}/reconciliation/entries/:entryId/split`, async (req, res) => {
    const { issuerId, clerk } = await member(req);
    res.json(await actions.split(clerk, issuerId, entryId(req), req.body as SplitBody));
  });

  router.post(`${base}/reconciliation/entries/:entryId/ignore`, async (req, res) => {
    const { issuerId, clerk } = await member(req);
    res.json(await actions.ignore(clerk, issuerId, entryId(req), req.body as NoteBody));
  });

  router.post(`${base}/reconciliation/entries/:entryId/undo`, async (req, res) => {
    const { issuerId, clerk } = await member(req);
    res.json(await actions.undo(clerk, issuerId, entryId(req), req.body as NoteBody));
  });

  return router;
}

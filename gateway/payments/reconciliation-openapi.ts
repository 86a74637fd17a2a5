/**
 * The OpenAPI description of the issuer's reconciliation view in the portal (gateway/payments/reconciliation-routes.ts).
 * gateway/openapi.ts includes these; the gateway validates requests against them, so a malformed id, a missing note
 * or an amount that is not one is refused with 400 and the reason before any handler runs.
 */
import { MAX_NOTE_LENGTH, MAX_SHARES } from '../../db/payments/reconciliation';

export function reconciliationPortalPaths(error: unknown, maxStatementBytes: number) {
  const security = [{ portalSession: [] }];
  const tags = ['reconciliation'];
  const uuid = (name: string, description: string) => ({
    name,
    in: 'path',
    required: true,
    description,
    schema: { type: 'string', format: 'uuid' },
  });
  const issuerId = uuid('issuerId', 'The issuer you work for');
  const statementId = uuid('statementId', 'The statement import');
  const entryId = uuid('entryId', 'The statement entry');
  const json = (description: string) => ({
    description,
    content: { 'application/json': { schema: { type: 'object' } } },
  });
  const file = { schema: { type: 'string', format: 'binary' } };
  const refusals = { '400': error, '401': error, '404': error, '409': error, '422': error };
  const note = {
    type: 'string',
    minLength: 1,
    maxLength: MAX_NOTE_LENGTH,
    description: 'Why: kept with the decision',
  };
  const decidedAt = {
    type: 'string',
    format: 'date-time',
    description:
      "The entry's decidedAt as you saw it: refused with 409 ENTRY_CHANGED when someone decided since",
  };
  const amount = { type: 'string', pattern: '^[0-9]{1,15}([.][0-9]{1,2})?$' };
  const body = (required: string[], properties: Record<string, unknown>) => ({
    required: true,
    content: {
      'application/json': { schema: { type: 'object', required, additionalProperties: false, properties } },
    },
  });
  const decision = (operationId: string, summary: string, requestBody: unknown) => ({
    post: {
      operationId,
      security,
      tags,
      summary,
      parameters: [issuerId, entryId],
      requestBody,
      responses: {
        '200': json('Decided: the entry, its history and payments, and what the lifecycles made of them'),
        ...refusals,
      },
    },
  });
  const base = '/portal/issuers/{issuerId}';

  return {
    [`${base}/statements`]: {
      get: {
        operationId: 'portalListStatements',
        security,
        tags,
        summary: "The issuer's statement files, newest first, with how their entries were decided",
        parameters: [issuerId],
        responses: { '200': json('The statements'), '401': error, '404': error },
      },
      post: {
        operationId: 'portalUploadStatement',
        security,
        tags,
        summary:
          'Upload a bank statement file (camt.052/053/054 v02–v08, MT940/MT942): each entry is matched or queued for review',
        parameters: [
          issuerId,
          {
            name: 'name',
            in: 'query',
            required: false,
            schema: { type: 'string', maxLength: 255 },
            description: 'The file name',
          },
        ],
        requestBody: {
          required: true,
          description: `The file as the bank made it, at most ${maxStatementBytes} bytes`,
          content: {
            'application/octet-stream': file,
            'application/xml': file,
            'text/xml': file,
            'text/plain': file,
          },
        },
        responses: {
          '202': json('Received; the import has started'),
          '200': json('The same file was received before: the first import'),
          '400': error,
          '401': error,
          '404': error,
          '413': error,
          '422': error,
        },
      },
    },
    [`${base}/statements/{statementId}`]: {
      get: {
        operationId: 'portalGetStatement',
        security,
        tags,
        summary: 'One statement: each entry with its decision and the reason in words',
        parameters: [
          issuerId,
          statementId,
          {
            name: 'state',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['matched', 'review', 'not-a-payment', 'ignored'] },
          },
        ],
        responses: { '200': json('The statement and its entries'), '400': error, '401': error, '404': error },
      },
    },
    [`${base}/reconciliation/review`]: {
      get: {
        operationId: 'portalReviewQueue',
        security,
        tags,
        summary:
          'The entries no rule could decide, oldest first, with the evidence and the candidate invoices',
        parameters: [issuerId],
        responses: { '200': json('The review queue'), '401': error, '404': error },
      },
    },
    [`${base}/reconciliation/candidates`]: {
      get: {
        operationId: 'portalSearchPaymentCandidates',
        security,
        tags,
        summary:
          'Invoices that may still be paid, by part of the number, the amount (total or owed) or the customer',
        parameters: [
          issuerId,
          { name: 'number', in: 'query', required: false, schema: { type: 'string', maxLength: 100 } },
          { name: 'amount', in: 'query', required: false, schema: { type: 'string', maxLength: 20 } },
          { name: 'customer', in: 'query', required: false, schema: { type: 'string', maxLength: 200 } },
        ],
        responses: {
          '200': json('At most 20 invoices, newest first'),
          '400': error,
          '401': error,
          '404': error,
        },
      },
    },
    [`${base}/reconciliation/entries/{entryId}`]: {
      get: {
        operationId: 'portalGetReconciliationEntry',
        security,
        tags,
        summary:
          'A statement entry: its decision, every manual decision on it with who and when, its payments',
        parameters: [issuerId, entryId],
        responses: { '200': json('The entry'), '400': error, '401': error, '404': error },
      },
    },
    [`${base}/reconciliation/entries/{entryId}/match`]: decision(
      'portalMatchEntry',
      "Match the entry to one invoice: it pays what the invoice owes, the rest becomes the customer's credit",
      body(['invoiceId', 'note'], { invoiceId: { type: 'string', format: 'uuid' }, note, decidedAt }),
    ),
    [`${base}/reconciliation/entries/{entryId}/split`]: decision(
      'portalSplitEntry',
      "Split the entry across invoices with an amount each; what the shares leave becomes the customer's credit",
      body(['allocations', 'note'], {
        allocations: {
          type: 'array',
          minItems: 1,
          maxItems: MAX_SHARES,
          items: {
            type: 'object',
            required: ['invoiceId', 'amount'],
            additionalProperties: false,
            properties: { invoiceId: { type: 'string', format: 'uuid' }, amount },
          },
        },
        note,
        decidedAt,
      }),
    ),
    [`${base}/reconciliation/entries/{entryId}/ignore`]: decision(
      'portalIgnoreEntry',
      'Ignore the entry: not an invoice payment (a fee, a loan repayment), with why',
      body(['note'], { note, decidedAt }),
    ),
    [`${base}/reconciliation/entries/{entryId}/undo`]: decision(
      'portalUndoEntryDecision',
      "Undo the entry's decision, the matcher's or a clerk's: back to review, its payments withdrawn or reversed",
      body(['note'], { note, decidedAt }),
    ),
  };
}

/**
 * The OpenAPI description of disputes: the portal's (both sides) and the issuer API's. gateway/openapi.ts includes
 * these; the gateway validates requests against them, so a bad category, a missing text or a malformed id is
 * refused with 400 and the reason before any handler runs.
 */
import { DISPUTE_CATEGORIES, MAX_ATTACHMENTS_PER_ENTRY, MAX_DISPUTE_TEXT } from '../domain/disputes';

const errorResponse = {
  description: 'An error a person can act on',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message'],
            properties: {
              code: { type: 'string' },
              message: { type: 'string' },
              refusal: {
                type: 'string',
                description: 'for a refused attachment: EMPTY, TOO_LARGE, NOT_ALLOWED, DAMAGED',
              },
              found: {
                type: 'string',
                description: 'for a refused attachment: what the file is (zip, html, …)',
              },
            },
          },
        },
      },
    },
  },
};

const uuidParameter = (name: string, description: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string', format: 'uuid' },
});
const invoiceId = uuidParameter('id', 'The invoice');
const issuerId = uuidParameter('issuerId', 'The issuer you work for');
const disputeId = uuidParameter('disputeId', 'The dispute');
const attachmentId = uuidParameter('attachmentId', 'The attachment');

const STATUSES = ['open', 'upheld', 'rejected', 'closed'];
const statusQuery = {
  name: 'status',
  in: 'query',
  required: false,
  description:
    'Only disputes in these statuses (comma-separated), e.g. "open" for those awaiting your answer',
  style: 'form',
  explode: false,
  schema: { type: 'array', items: { type: 'string', enum: STATUSES }, maxItems: STATUSES.length },
};

const text = { type: 'string', minLength: 1, maxLength: MAX_DISPUTE_TEXT };
const attachments = {
  type: 'array',
  description: `Ids of files uploaded to …/disputes/uploads (at most ${MAX_ATTACHMENTS_PER_ENTRY})`,
  maxItems: MAX_ATTACHMENTS_PER_ENTRY,
  items: { type: 'string', format: 'uuid' },
};
const jsonBody = (required: string[], properties: Record<string, unknown>) => ({
  required: true,
  content: {
    'application/json': { schema: { type: 'object', required, additionalProperties: false, properties } },
  },
});
const messageBody = jsonBody(['text'], { text, attachments });
const decisionBody = jsonBody(['outcome'], {
  outcome: { type: 'string', enum: ['upheld', 'rejected'] },
  note: { ...text, description: 'Required when rejected: the reason. Optional when upheld.' },
});

const entry = {
  type: 'object',
  required: ['id', 'seq', 'kind', 'status', 'at', 'author', 'attachments'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    seq: { type: 'integer' },
    kind: { type: 'string', enum: ['opened', 'message', 'upheld', 'rejected', 'reopened', 'closed'] },
    status: { type: 'string', enum: STATUSES, description: "the dispute's status after this entry" },
    at: { type: 'string', format: 'date-time' },
    author: {
      type: 'object',
      properties: { side: { type: 'string', enum: ['recipient', 'issuer'] }, name: { type: 'string' } },
    },
    text: { type: 'string', nullable: true },
    attachments: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          fileName: { type: 'string' },
          contentType: { type: 'string', enum: ['application/pdf', 'image/png', 'image/jpeg'] },
          size: { type: 'integer' },
          sha256: { type: 'string' },
          url: { type: 'string' },
        },
      },
    },
    creditNote: {
      type: 'object',
      nullable: true,
      properties: { number: { type: 'string' }, invoiceId: { type: 'string', nullable: true } },
    },
  },
};
const summary = {
  type: 'object',
  required: ['id', 'invoiceId', 'category', 'status', 'openedAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    invoiceId: { type: 'string', format: 'uuid' },
    invoiceNumber: { type: 'string' },
    category: { type: 'string', enum: [...DISPUTE_CATEGORIES] },
    status: { type: 'string', enum: STATUSES },
    openedAt: { type: 'string', format: 'date-time' },
    openedBy: { type: 'string' },
    lastActivityAt: { type: 'string', format: 'date-time' },
    awaiting: { type: 'string', enum: ['recipient', 'issuer'], nullable: true },
    reopensLeft: { type: 'integer' },
    creditNote: entry.properties.creditNote,
    links: { type: 'object', properties: { self: { type: 'string' } } },
  },
};
const thread = {
  ...summary,
  properties: {
    ...summary.properties,
    entries: { type: 'array', items: entry },
    actions: { type: 'array', items: { type: 'string', enum: ['reply', 'decide', 'reopen'] } },
  },
};
const jsonOf = (description: string, schema: unknown) => ({
  description,
  content: { 'application/json': { schema } },
});
const list = jsonOf('The disputes', {
  type: 'object',
  properties: {
    disputes: { type: 'array', items: summary },
    canOpen: { type: 'boolean' },
    openRefusal: { type: 'object', nullable: true },
  },
});
const threadAnswer = (description: string) => jsonOf(description, thread);
const uploadBody = {
  required: true,
  description:
    'The file itself (at most 5 MiB). Its type is decided by its content — PDF, PNG or JPEG — whatever is declared.',
  content: Object.fromEntries(
    ['application/octet-stream', 'application/pdf', 'image/png', 'image/jpeg'].map((type) => [
      type,
      { schema: { type: 'string', format: 'binary' } },
    ]),
  ),
};
const uploadName = {
  name: 'name',
  in: 'query',
  required: false,
  description: 'The file name to keep (its extension is corrected to the real type)',
  schema: { type: 'string', maxLength: 255 },
};
const uploaded = jsonOf('Checked and kept for a day, for your next message', {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    fileName: { type: 'string' },
    contentType: { type: 'string' },
    size: { type: 'integer' },
    sha256: { type: 'string' },
  },
});
const download = {
  description: 'The file, as a download, with the type its content has',
  content: Object.fromEntries(
    ['application/pdf', 'image/png', 'image/jpeg'].map((type) => [
      type,
      { schema: { type: 'string', format: 'binary' } },
    ]),
  ),
};

/** The paths of one side's disputes of an invoice, under `base` with `pathParameters`. */
function invoiceDisputePaths(
  base: string,
  pathParameters: unknown[],
  side: 'recipient' | 'issuer',
  operation: (name: string) => string,
  security: unknown,
  tags: string[],
) {
  const common = { ...(security ? { security } : {}), tags };
  const params = (...more: unknown[]) => [...pathParameters, ...more];
  const refusals = { '401': errorResponse, '404': errorResponse, '409': errorResponse, '422': errorResponse };
  const paths: Record<string, Record<string, unknown>> = {
    [`${base}/disputes`]: {
      get: {
        ...common,
        operationId: operation('listInvoiceDisputes'),
        summary: "The invoice's disputes",
        parameters: params(),
        responses: { '200': list, '401': errorResponse, '404': errorResponse },
      },
    },
    [`${base}/disputes/uploads`]: {
      post: {
        ...common,
        operationId: operation('uploadDisputeAttachment'),
        summary: 'Upload a file (PDF, PNG or JPEG, at most 5 MiB) to attach to your next message',
        parameters: params(uploadName),
        requestBody: uploadBody,
        responses: {
          '201': uploaded,
          '401': errorResponse,
          '404': errorResponse,
          '413': errorResponse,
          '415': errorResponse,
          '422': errorResponse,
          '429': errorResponse,
        },
      },
    },
    [`${base}/disputes/{disputeId}`]: {
      get: {
        ...common,
        operationId: operation('getDispute'),
        summary: 'A dispute with its whole thread: every message, attachment and status change',
        parameters: params(disputeId),
        responses: { '200': threadAnswer('The dispute'), '401': errorResponse, '404': errorResponse },
      },
    },
    [`${base}/disputes/{disputeId}/messages`]: {
      post: {
        ...common,
        operationId: operation('writeDisputeMessage'),
        summary: 'Write in the thread (while the dispute is open or upheld)',
        parameters: params(disputeId),
        requestBody: messageBody,
        responses: {
          '201': threadAnswer('Recorded; the other side is e-mailed'),
          ...refusals,
          '503': errorResponse,
        },
      },
    },
    [`${base}/disputes/{disputeId}/attachments/{attachmentId}`]: {
      get: {
        ...common,
        operationId: operation('downloadDisputeAttachment'),
        summary: 'Download an attachment of the thread',
        parameters: params(disputeId, attachmentId),
        responses: { '200': download, '401': errorResponse, '404': errorResponse },
      },
    },
  };
  if (side === 'recipient') {
    paths[`${base}/disputes`].post = {
      ...common,
      operationId: operation('openDispute'),
      summary: 'Dispute the invoice: a reason category, your words, attachments',
      parameters: params(),
      requestBody: jsonBody(['category', 'text'], {
        category: { type: 'string', enum: [...DISPUTE_CATEGORIES] },
        text,
        attachments,
      }),
      responses: { '201': threadAnswer('Opened; the issuer is e-mailed'), ...refusals, '503': errorResponse },
    };
    paths[`${base}/disputes/{disputeId}/reopen`] = {
      post: {
        ...common,
        operationId: operation('reopenDispute'),
        summary: 'Reopen a rejected dispute (once), with a message',
        parameters: params(disputeId),
        requestBody: messageBody,
        responses: {
          '200': threadAnswer('Reopened; the issuer is e-mailed'),
          ...refusals,
          '503': errorResponse,
        },
      },
    };
  } else {
    paths[`${base}/disputes/{disputeId}/decision`] = {
      post: {
        ...common,
        operationId: operation('decideDispute'),
        summary:
          'Decide an open dispute: upheld (a credit note naming the invoice in BT-25 then closes it) or rejected (with the reason)',
        parameters: params(disputeId),
        requestBody: decisionBody,
        responses: {
          '200': threadAnswer('Decided; the recipient is e-mailed'),
          ...refusals,
          '503': errorResponse,
        },
      },
    };
  }
  return paths;
}

const portalSecurity = [{ portalSession: [] }];
const portal = (name: string) => `portal${name[0].toUpperCase()}${name.slice(1)}`;

/** The portal: the recipient side under /portal/invoices/{id}, the issuer side under /portal/issuers/{issuerId}. */
export const disputePortalPaths = {
  ...invoiceDisputePaths('/portal/invoices/{id}', [invoiceId], 'recipient', portal, portalSecurity, [
    'portal',
  ]),
  ...invoiceDisputePaths(
    '/portal/issuers/{issuerId}/invoices/{id}',
    [issuerId, invoiceId],
    'issuer',
    (name) => `portalIssuer${name[0].toUpperCase()}${name.slice(1)}`,
    portalSecurity,
    ['portal'],
  ),
  '/portal/issuers/{issuerId}/disputes': {
    get: {
      security: portalSecurity,
      operationId: 'portalIssuerDisputes',
      summary: "The issuer's disputes, most recently active first",
      parameters: [issuerId, statusQuery],
      responses: { '200': list, '400': errorResponse, '401': errorResponse, '404': errorResponse },
    },
  },
};

/** The issuer API (API key): the same actions for ERPs that answer disputes themselves. */
export const disputeIssuerApiPaths = {
  ...invoiceDisputePaths('/invoices/{id}', [invoiceId], 'issuer', (name) => name, undefined, ['disputes']),
  '/disputes': {
    get: {
      operationId: 'listDisputes',
      tags: ['disputes'],
      summary: 'Your disputes, most recently active first; ?status=open lists those awaiting your answer',
      parameters: [statusQuery],
      responses: { '200': list, '400': errorResponse, '401': errorResponse },
    },
  },
};

/**
 * The OpenAPI description of the searchable archive: the portal's list, search, CSV, invoice page, deliveries and PDF
 * endpoints, and the issuer API's GET /invoices. gateway/openapi.ts includes these; the gateway validates requests
 * against them, so a bad filter is refused with 400 and the reason before any handler runs.
 */
import { CHANNELS, INVOICE_STATUSES, PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, SORT_ORDERS } from './search-contract';

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
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
};

const portalSecurity = [{ portalSession: [] }];
const DECIMAL = '^[+-]?[0-9]{1,18}([.][0-9]{1,6})?$';

const query = (name: string, description: string, schema: Record<string, unknown>, extra = {}) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
  ...extra,
});

const commaList = (values: readonly string[]) => ({
  type: 'array',
  items: { type: 'string', enum: [...values] },
  maxItems: values.length,
});

/** The filters, sort and page of every invoice search; `side` decides whether one searches by recipient or issuer. */
function searchParameters(side: 'issuer' | 'recipient', paged = true) {
  return [
    query('number', 'Invoice number or its beginning; spaces are ignored', {
      type: 'string',
      maxLength: 100,
    }),
    query('numberMatch', '"prefix" (default) or "exact"', { type: 'string', enum: ['prefix', 'exact'] }),
    side === 'issuer'
      ? query(
          'recipient',
          "A recipient's full e-mail address (matched exactly), or a part of the recipient's name or address",
          { type: 'string', maxLength: 200 },
        )
      : query('issuer', "A part of the issuer's name", { type: 'string', maxLength: 200 }),
    query('from', 'Issued on or after (YYYY-MM-DD)', { type: 'string', format: 'date' }),
    query('to', 'Issued on or before (YYYY-MM-DD)', { type: 'string', format: 'date' }),
    query('status', 'Statuses, comma-separated', commaList(INVOICE_STATUSES), {
      style: 'form',
      explode: false,
    }),
    query('amountMin', 'Amount payable at least (a decimal with a dot)', {
      type: 'string',
      pattern: DECIMAL,
    }),
    query('amountMax', 'Amount payable at most (a decimal with a dot)', { type: 'string', pattern: DECIMAL }),
    query('channel', 'Delivery channels, comma-separated', commaList(CHANNELS), {
      style: 'form',
      explode: false,
    }),
    query('sort', 'Sort order, "-" for descending; ties are broken by the invoice id', {
      type: 'string',
      enum: [...SORT_ORDERS],
      default: '-issueDate',
    }),
    ...(paged
      ? [
          query('limit', 'Page size', {
            type: 'integer',
            minimum: 1,
            maximum: PAGE_SIZE_MAX,
            default: PAGE_SIZE_DEFAULT,
          }),
          query('cursor', 'The "next" of the previous page', {
            type: 'string',
            maxLength: 1000,
            pattern: '^[A-Za-z0-9_-]+$',
          }),
        ]
      : []),
  ];
}

const issuerIdParameter = {
  name: 'issuerId',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};
const invoiceIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};
const langParameter = query('lang', 'Language printed first (default: the account’s language)', {
  type: 'string',
  enum: ['bg', 'en'],
});

const nullableString = { type: 'string', nullable: true };
const page = (itemSchema: Record<string, unknown>) => ({
  type: 'object',
  required: ['invoices', 'next'],
  properties: {
    invoices: { type: 'array', items: itemSchema },
    next: { ...nullableString, description: 'Cursor of the next page; null on the last' },
  },
});
const json = (description: string, schema: Record<string, unknown> = { type: 'object' }) => ({
  description,
  content: { 'application/json': { schema } },
});

const issuerListItem = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    number: { type: 'string' },
    kind: { type: 'string', enum: ['Invoice', 'CreditNote'] },
    issueDate: { type: 'string' },
    dueDate: nullableString,
    currency: { type: 'string' },
    total: { type: 'string', description: 'Amount payable (BT-115) as written in the invoice' },
    recipientName: nullableString,
    recipientEmail: nullableString,
    status: { type: 'string' },
    channel: { type: 'string' },
    receivedAt: { type: 'string', format: 'date-time' },
    viewedAt: { ...nullableString, format: 'date-time' },
  },
};

const recipientListItem = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    number: { type: 'string' },
    issueDate: { type: 'string' },
    dueDate: nullableString,
    currency: { type: 'string' },
    total: { type: 'string' },
    supplierName: nullableString,
    status: { type: 'string' },
    viewedAt: nullableString,
  },
};

/** GET /invoices of the issuer API: the same search for the issuer's own systems. */
export const issuerApiInvoiceSearch = {
  operationId: 'searchInvoices',
  summary: 'Search your invoices (any status), a page at a time',
  description:
    'Who may call: an issuer, with its API key; it sees only its own invoices. Pages are keyset pages: follow `next` ' +
    'until it is null; invoices that arrive meanwhile are neither skipped nor repeated among those before the cursor.',
  parameters: searchParameters('issuer'),
  responses: {
    '200': json('A page of your invoices', {
      ...page({
        ...issuerListItem,
        properties: {
          ...issuerListItem.properties,
          links: { type: 'object', properties: { self: { type: 'string' } } },
        },
      }),
    }),
    '400': errorResponse,
    '401': errorResponse,
  },
};

/** The portal's archive endpoints (session cookie). */
export const archivePortalPaths = {
  '/portal/invoices': {
    get: {
      operationId: 'searchOwnInvoices',
      summary:
        'Who may call: any signed-in person. Invoices addressed to their addresses that reached the archive',
      security: portalSecurity,
      parameters: searchParameters('recipient'),
      responses: {
        '200': json('A page of your invoices', page(recipientListItem)),
        '400': errorResponse,
        '401': errorResponse,
      },
    },
  },
  '/portal/invoices/{id}/pdf': {
    get: {
      operationId: 'downloadOwnInvoicePdf',
      summary:
        'Who may call: a person the invoice is addressed to (own or shared address). The PDF of the invoice',
      security: portalSecurity,
      parameters: [invoiceIdParameter, langParameter],
      responses: { '200': { description: 'application/pdf' }, '401': errorResponse, '404': errorResponse },
    },
  },
  '/portal/issuers/{issuerId}/invoices': {
    get: {
      operationId: 'searchIssuerInvoices',
      summary: "Who may call: a member (admin or clerk) of the issuer. The issuer's invoices, any status",
      security: portalSecurity,
      parameters: [issuerIdParameter, ...searchParameters('issuer')],
      responses: {
        '200': json('A page of the issuer’s invoices, with the CSV link of the same search', {
          ...page(issuerListItem),
          properties: {
            ...page(issuerListItem).properties,
            issuer: { type: 'object' },
            links: { type: 'object', properties: { csv: { type: 'string' } } },
          },
        }),
        '400': errorResponse,
        '401': errorResponse,
        '404': errorResponse,
      },
    },
  },
  '/portal/issuers/{issuerId}/invoices.csv': {
    get: {
      operationId: 'exportIssuerInvoices',
      summary:
        'Who may call: a member of the issuer. Every invoice of the search as CSV (UTF-8 with BOM, ";")',
      security: portalSecurity,
      parameters: [issuerIdParameter, ...searchParameters('issuer', false)],
      responses: {
        '200': { description: 'text/csv' },
        '400': errorResponse,
        '401': errorResponse,
        '404': errorResponse,
      },
    },
  },
  '/portal/issuers/{issuerId}/invoices/{id}': {
    get: {
      operationId: 'getIssuerInvoice',
      summary:
        'Who may call: a member of the issuer. The invoice page: channel and delivery, timeline, receipt, verification report',
      security: portalSecurity,
      parameters: [issuerIdParameter, invoiceIdParameter],
      responses: { '200': json('The invoice'), '401': errorResponse, '404': errorResponse },
    },
  },
  '/portal/issuers/{issuerId}/invoices/{id}/original': {
    get: {
      operationId: 'downloadIssuerOriginal',
      summary: 'Who may call: a member of the issuer. The bytes the issuer delivered',
      security: portalSecurity,
      parameters: [issuerIdParameter, invoiceIdParameter],
      responses: { '200': { description: 'The original XML' }, '401': errorResponse, '404': errorResponse },
    },
  },
  '/portal/issuers/{issuerId}/invoices/{id}/receipt': {
    get: {
      operationId: 'downloadIssuerViewReceipt',
      summary:
        "Who may call: a member of the issuer. The signed return receipt (the recipient's first authenticated view)",
      security: portalSecurity,
      parameters: [issuerIdParameter, invoiceIdParameter],
      responses: { '200': { description: 'The receipt XML' }, '401': errorResponse, '404': errorResponse },
    },
  },
  '/portal/issuers/{issuerId}/invoices/{id}/evidence': {
    get: {
      operationId: 'downloadIssuerEvidence',
      summary: 'Who may call: a member of the issuer. The evidence package of one of its archived invoices',
      security: portalSecurity,
      parameters: [issuerIdParameter, invoiceIdParameter],
      responses: {
        '200': { description: 'application/vnd.etsi.asic-e+zip' },
        '401': errorResponse,
        '404': errorResponse,
      },
    },
  },
  '/portal/issuers/{issuerId}/invoices/{id}/pdf': {
    get: {
      operationId: 'downloadIssuerInvoicePdf',
      summary: 'Who may call: a member of the issuer. The PDF of an archived invoice of the issuer',
      security: portalSecurity,
      parameters: [issuerIdParameter, invoiceIdParameter, langParameter],
      responses: { '200': { description: 'application/pdf' }, '401': errorResponse, '404': errorResponse },
    },
  },
  '/portal/issuers/{issuerId}/deliveries': {
    get: {
      operationId: 'listIssuerProblemDeliveries',
      summary:
        'Who may call: a member of the issuer. Quarantined deliveries and rejected invoices, newest first, with every reason',
      security: portalSecurity,
      parameters: [
        issuerIdParameter,
        query(
          'status',
          'quarantined, rejected, or both (comma-separated; default both)',
          commaList(['quarantined', 'rejected']),
          {
            style: 'form',
            explode: false,
          },
        ),
        query('limit', 'Page size', {
          type: 'integer',
          minimum: 1,
          maximum: PAGE_SIZE_MAX,
          default: PAGE_SIZE_DEFAULT,
        }),
        query('cursor', 'The "next" of the previous page', {
          type: 'string',
          maxLength: 1000,
          pattern: '^[A-Za-z0-9_-]+$',
        }),
      ],
      responses: {
        '200': json('A page of refused deliveries'),
        '400': errorResponse,
        '401': errorResponse,
        '404': errorResponse,
      },
    },
  },
};

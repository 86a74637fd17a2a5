import { accountPaths } from './portal/account-openapi';
import { archivePortalPaths, issuerApiInvoiceSearch } from './portal/search-openapi';
import { disputeIssuerApiPaths, disputePortalPaths } from './dispute-openapi';
import { MAX_STATEMENT_BYTES } from './payments/issuer-payments-api';
import { paymentIssuerApiPaths, paymentPortalPaths } from './payments/openapi';
import { reconciliationPortalPaths } from './payments/reconciliation-openapi';
import { webhookPaths } from './webhooks/openapi';
import { operatorPaths } from './operator/openapi';

/**
 * The OpenAPI 3 description of the issuer API. The gateway validates requests against this very object,
 * so the document cannot drift from what the server accepts.
 */
const error = {
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
              invoiceId: { type: 'string' },
            },
          },
        },
      },
    },
  },
};

const invoiceIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', format: 'uuid' },
};

const accepted = {
  type: 'object',
  required: ['id', 'status', 'links'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    number: { type: 'string' },
    status: { type: 'string' },
    channel: { type: 'string', description: 'how the invoice was delivered: api, sftp, sftp-pickup, as2' },
    duplicate: {
      type: 'boolean',
      description: 'true when this delivery repeated an earlier one; id is the first',
    },
    links: {
      type: 'object',
      properties: { self: { type: 'string' }, original: { type: 'string' }, workflow: { type: 'string' } },
    },
  },
};

const portalSecurity = [{ portalSession: [] }];
const jsonBody = (required: string[], properties: Record<string, unknown>) => ({
  required: true,
  content: {
    'application/json': { schema: { type: 'object', required, additionalProperties: false, properties } },
  },
});
const ok = (description: string) => ({
  description,
  content: { 'application/json': { schema: { type: 'object' } } },
});

/** The recipient portal's API (gateway/portal/): session cookie authentication. */
const portalPaths = {
  // Invitations, registration, login, password reset and change, second factor, colleagues, issuer users.
  ...accountPaths({ error, ok, jsonBody, portalSecurity }),
  '/portal/logout': {
    post: {
      operationId: 'logout',
      security: portalSecurity,
      responses: { '204': { description: 'Logged out' } },
    },
  },
  '/portal/session': {
    get: {
      operationId: 'session',
      security: portalSecurity,
      responses: { '200': ok('The logged-in person: addresses and issuers they may see'), '401': error },
    },
  },
  '/portal/me/locale': {
    put: {
      operationId: 'setLocale',
      security: portalSecurity,
      requestBody: jsonBody(['locale'], { locale: { type: 'string', enum: ['bg', 'en'] } }),
      responses: { '200': ok('The session, in the new language'), '400': error, '401': error },
    },
  },
  '/portal/invoices/{id}': {
    get: {
      operationId: 'getOwnInvoice',
      security: portalSecurity,
      parameters: [invoiceIdParameter],
      responses: {
        '200': ok('The invoice as a person reads it, with its timeline'),
        '401': error,
        '404': error,
      },
    },
  },
  '/portal/invoices/{id}/views': {
    post: {
      operationId: 'recordView',
      security: portalSecurity,
      parameters: [invoiceIdParameter],
      responses: { '200': ok('Logged; the first view is the return receipt'), '401': error, '404': error },
    },
  },
  '/portal/invoices/{id}/original': {
    get: {
      operationId: 'downloadOwnOriginal',
      security: portalSecurity,
      parameters: [invoiceIdParameter],
      responses: { '200': { description: 'The original XML' }, '401': error, '404': error },
    },
  },
  '/portal/invoices/{id}/evidence': {
    get: {
      operationId: 'downloadOwnEvidence',
      summary:
        'Who may call: the recipient (and colleagues the address is shared with). The evidence package',
      security: portalSecurity,
      parameters: [invoiceIdParameter],
      responses: { '200': { description: 'application/vnd.etsi.asic-e+zip' }, '401': error, '404': error },
    },
  },
};

export function openApiDocument(maxInvoiceBytes: number) {
  return {
    openapi: '3.0.3',
    info: {
      title: 'E-Invoice Hub API',
      version: '1.0.0',
      description:
        'Issuers deliver signed e-invoices (UBL 2.1 Invoice/CreditNote, UN/CEFACT CII) and follow each one through its lifecycle.',
    },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: {
        apiKey: { type: 'http', scheme: 'bearer', description: 'The API key from `hub issuer add`' },
      },
    },
    security: [{ apiKey: [] }],
    paths: {
      '/invoices': {
        get: issuerApiInvoiceSearch,
        post: {
          operationId: 'submitInvoice',
          summary: 'Deliver one invoice',
          parameters: [
            {
              name: 'Idempotency-Key',
              in: 'header',
              required: false,
              schema: { type: 'string', minLength: 1, maxLength: 200 },
              description: 'Repeating a request with the same key returns the first answer',
            },
          ],
          requestBody: {
            required: true,
            description: `The invoice XML, at most ${maxInvoiceBytes} bytes`,
            content: {
              'application/xml': { schema: { type: 'string', format: 'binary' } },
              'text/xml': { schema: { type: 'string', format: 'binary' } },
            },
          },
          responses: {
            '202': {
              description: 'Accepted; the lifecycle has started',
              content: { 'application/json': { schema: accepted } },
            },
            '200': {
              description: 'Already delivered: the answer points at the first delivery',
              content: { 'application/json': { schema: accepted } },
            },
            '400': error,
            '401': error,
            '409': error,
            '413': error,
            '415': error,
            '422': error,
          },
        },
      },
      '/invoices/{id}': {
        get: {
          operationId: 'getInvoice',
          summary: 'Status, parties, totals and timeline of one of your invoices',
          parameters: [invoiceIdParameter],
          responses: { '200': { description: 'The invoice' }, '400': error, '401': error, '404': error },
        },
      },
      '/invoices/{id}/original': {
        get: {
          operationId: 'getOriginal',
          summary: 'The bytes you delivered',
          parameters: [invoiceIdParameter],
          responses: { '200': { description: 'The original XML' }, '401': error, '404': error },
        },
      },
      '/invoices/{id}/receipt': {
        get: {
          operationId: 'getViewReceipt',
          summary:
            "The signed return receipt: the recipient's first authenticated view, XAdES-signed by the hub's archive key",
          parameters: [invoiceIdParameter],
          responses: {
            '200': { description: 'The receipt XML (verifies with `bin/hub verify` and `xmlsec1`)' },
            '401': error,
            '404': error,
          },
        },
      },
      '/invoices/{id}/evidence': {
        get: {
          operationId: 'getEvidencePackage',
          summary:
            'The evidence package: one ASiC-E container with the original, its verification report and trust data, timeline, views, signed receipt, disputes, payments and the proof linking them to a sealed archive head',
          parameters: [invoiceIdParameter],
          responses: {
            '200': {
              description:
                'application/vnd.etsi.asic-e+zip (check it offline with `bin/hub evidence verify`)',
            },
            '401': error,
            '404': error,
          },
        },
      },
      ...portalPaths,
      ...archivePortalPaths,
      ...disputeIssuerApiPaths,
      ...disputePortalPaths,
      ...paymentIssuerApiPaths(error, MAX_STATEMENT_BYTES),
      ...paymentPortalPaths(error),
      ...reconciliationPortalPaths(error, MAX_STATEMENT_BYTES),
      ...webhookPaths(error, '/webhooks'),
      ...webhookPaths(error, '/portal/issuers/{issuerId}/webhooks'),
      ...operatorPaths(error),
    },
  };
}

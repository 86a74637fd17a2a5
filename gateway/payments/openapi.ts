/** OpenAPI paths of the payments in the issuer API (gateway/payments/issuer-payments-api.ts). */
export function paymentIssuerApiPaths(error: unknown, maxStatementBytes: number) {
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const body = { 'application/json': { schema: { type: 'object' } } };
  const file = { schema: { type: 'string', format: 'binary' } };
  return {
    '/statements': {
      post: {
        operationId: 'importStatement',
        tags: ['payments'],
        summary:
          'Import a bank statement (camt.052/053/054 v02–v08, MT940/MT942); each entry is matched or queued for review',
        parameters: [
          {
            name: 'name',
            in: 'query',
            required: false,
            schema: { type: 'string', maxLength: 255 },
            description: 'The file name, for the reconciliation view',
          },
        ],
        requestBody: {
          required: true,
          description: `The statement file as the bank made it (UTF-8 or Windows-1251), at most ${maxStatementBytes} bytes`,
          content: {
            'application/xml': file,
            'text/xml': file,
            'text/plain': file,
            'application/octet-stream': file,
          },
        },
        responses: {
          '202': { description: 'Received; the import has started', content: body },
          '200': { description: 'The same file was received before: the first import', content: body },
          '400': error,
          '401': error,
          '413': error,
          '422': error,
        },
      },
    },
    '/statements/{id}': {
      get: {
        operationId: 'getStatement',
        tags: ['payments'],
        summary: 'One statement import: counts, and each entry with its decision and reason',
        parameters: [
          id,
          {
            name: 'state',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['matched', 'review', 'not-a-payment', 'ignored'] },
          },
        ],
        responses: {
          '200': { description: 'The import', content: body },
          '400': error,
          '401': error,
          '404': error,
        },
      },
    },
    '/invoices/{id}/payments': {
      get: {
        operationId: 'getInvoicePayments',
        tags: ['payments'],
        summary:
          "An invoice's payments with their source and reason, the open balance and the customer's credit",
        parameters: [id],
        responses: {
          '200': { description: 'The payments', content: body },
          '400': error,
          '401': error,
          '404': error,
        },
      },
    },
  };
}

/**
 * OpenAPI paths of paying from the recipient's portal (gateway/payments/portal-pay-routes.ts): session cookie, the
 * invoice's recipient side only. The provider's notification (POST /payments/epay/notify) is outside /api/v1 and
 * not described here: it is a form signed by the provider, read raw.
 */
export function paymentPortalPaths(error: unknown) {
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const security = [{ portalSession: [] }];
  const answer = (description: string) => ({
    description,
    content: { 'application/json': { schema: { type: 'object' } } },
  });
  return {
    '/portal/invoices/{id}/payment': {
      get: {
        operationId: 'getOwnInvoicePayment',
        tags: ['payments'],
        security,
        summary:
          "How to pay one of your invoices: the issuer's account and bank, the reference, the open balance with its EPC QR code (euro only), the payments so far, your credit, a warning when the account is new, whether card payment is offered",
        parameters: [id],
        responses: { '200': answer('The pay panel'), '401': error, '404': error },
      },
    },
    '/portal/invoices/{id}/payment/card': {
      post: {
        operationId: 'startCardPayment',
        tags: ['payments'],
        security,
        summary:
          "Pay the open balance by card: an order and the form to post to the provider's hosted page. The invoice is paid only when the provider's signed notification arrives.",
        parameters: [id],
        responses: {
          '201': answer('The order (state started) and the hand-off'),
          '401': error,
          '404': error,
          '409': error,
          '422': error,
        },
      },
    },
    '/portal/invoices/{id}/payment/claims': {
      post: {
        operationId: 'claimPaidElsewhere',
        tags: ['payments'],
        security,
        summary:
          '"I paid elsewhere": tell the issuer when and how you paid. Shown to the issuer; it does not mark the invoice paid.',
        parameters: [id],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['paidOn', 'note'],
                additionalProperties: false,
                properties: {
                  paidOn: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' },
                  note: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 1000,
                    description: 'How and where it was paid',
                  },
                },
              },
            },
          },
        },
        responses: {
          '201': answer('Kept and shown to the issuer'),
          '400': error,
          '401': error,
          '404': error,
          '409': error,
          '429': error,
        },
      },
    },
  };
}

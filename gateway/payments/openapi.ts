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
        summary: 'Import a bank statement (camt.052/053/054 v02–v08, MT940/MT942); each entry is matched or queued for review',
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
        responses: { '200': { description: 'The import', content: body }, '400': error, '401': error, '404': error },
      },
    },
    '/invoices/{id}/payments': {
      get: {
        operationId: 'getInvoicePayments',
        tags: ['payments'],
        summary: "An invoice's payments with their source and reason, the open balance and the customer's credit",
        parameters: [id],
        responses: { '200': { description: 'The payments', content: body }, '400': error, '401': error, '404': error },
      },
    },
  };
}

/** OpenAPI paths of the operator console (gateway/operator/routes.ts). Who may call: operators only. */
export function operatorPaths(error: unknown) {
  const security = [{ portalSession: [] }];
  const json = { 'application/json': { schema: { type: 'object' } } };
  const answer = (description: string) => ({ description, content: json });
  const invoiceId = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const text = (name: string) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', maxLength: 400 },
  });
  const refusals = { '401': error, '404': error, '409': error };
  return {
    '/portal/operator/console': {
      get: {
        operationId: 'operatorConsole',
        security,
        summary:
          'Who may call: operators. Stuck invoices (activities retrying, states held too long), undeliverable ' +
          'invoices, quarantined deliveries, failed mails, MDNs and webhook deliveries, volumes, rejection reasons',
        responses: { '200': answer('the console'), '401': error, '404': error },
      },
    },
    '/portal/operator/invoices/{id}/retry-delivery': {
      post: {
        operationId: 'operatorRetryDelivery',
        security,
        summary: 'Who may call: operators. Mail the recipient of an undeliverable invoice again',
        parameters: [invoiceId],
        responses: { '200': answer('the invoice is being delivered again'), ...refusals },
      },
    },
    '/portal/operator/invoices/{id}/cancel': {
      post: {
        operationId: 'operatorCancelInvoice',
        security,
        summary: 'Who may call: operators. Cancel an invoice, with a reason',
        parameters: [invoiceId],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['reason'],
                additionalProperties: false,
                properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } },
              },
            },
          },
        },
        responses: { '200': answer('cancelled'), '400': error, ...refusals },
      },
    },
    '/portal/operator/workflows/{workflowId}/activities/{activityId}/retry': {
      post: {
        operationId: 'operatorRetryActivity',
        security,
        summary: 'Who may call: operators. Run a retrying activity now (its attempts counted from one again)',
        parameters: [text('workflowId'), text('activityId')],
        responses: { '200': answer('retried'), ...refusals },
      },
    },
    '/portal/operator/webhook-deliveries/{deliveryId}/replay': {
      post: {
        operationId: 'operatorReplayWebhookDelivery',
        security,
        summary: 'Who may call: operators. Send a failed webhook delivery again',
        parameters: [
          {
            name: 'deliveryId',
            in: 'path',
            required: true,
            schema: { type: 'string', pattern: '^[0-9]{1,18}$' },
          },
        ],
        responses: { '200': answer('queued again'), '401': error, '404': error },
      },
    },
  };
}

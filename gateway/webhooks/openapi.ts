import { WEBHOOK_EVENT_TYPES } from '../../domain/webhooks/events';

/** OpenAPI paths of webhook endpoints and deliveries: the issuer API's, and the same for the portal's issuer admins. */
export function webhookPaths(error: unknown, prefix: '/webhooks' | '/portal/issuers/{issuerId}/webhooks') {
  const portal = prefix !== '/webhooks';
  const security = portal ? { security: [{ portalSession: [] }] } : {};
  const who = portal ? "Who may call: the issuer's admins." : 'Who may call: the issuer (API key).';
  const op = (name: string) => (portal ? `portal${name[0].toUpperCase()}${name.slice(1)}` : name);
  const issuerId = {
    name: 'issuerId',
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  };
  const endpointId = {
    name: 'endpointId',
    in: 'path',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  };
  const deliveryId = {
    name: 'deliveryId',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]{1,18}$' },
  };
  const scope = portal ? [issuerId] : [];
  const json = { 'application/json': { schema: { type: 'object' } } };
  const answer = (description: string) => ({ description, content: json });
  const endpointBody = (required: string[]) => ({
    required: true,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          ...(required.length ? { required } : {}),
          additionalProperties: false,
          properties: {
            url: { type: 'string', maxLength: 2048, description: 'http or https' },
            description: { type: 'string', maxLength: 200 },
            eventTypes: {
              type: 'array',
              nullable: true,
              minItems: 1,
              items: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] },
              description: 'the event types to send; null or absent: all',
            },
            ...(required.length ? {} : { enabled: { type: 'boolean' } }),
          },
        },
      },
    },
  });
  return {
    [`${prefix}/endpoints`]: {
      get: {
        operationId: op('listWebhookEndpoints'),
        tags: ['webhooks'],
        summary: `${who} The webhook endpoints, with counts of their deliveries, and the event types there are`,
        ...security,
        parameters: scope,
        responses: { '200': answer('The endpoints'), '401': error, '403': error, '404': error },
      },
      post: {
        operationId: op('createWebhookEndpoint'),
        tags: ['webhooks'],
        summary: `${who} Register an endpoint; the answer carries its signing secret (whsec_…), shown this once`,
        ...security,
        parameters: scope,
        requestBody: endpointBody(['url']),
        responses: {
          '201': answer('The endpoint and its secret'),
          '400': error,
          '401': error,
          '403': error,
          '404': error,
          '409': error,
          '422': error,
        },
      },
    },
    [`${prefix}/endpoints/{endpointId}`]: {
      get: {
        operationId: op('getWebhookEndpoint'),
        tags: ['webhooks'],
        summary: `${who} One endpoint`,
        ...security,
        parameters: [...scope, endpointId],
        responses: { '200': answer('The endpoint'), '400': error, '401': error, '403': error, '404': error },
      },
      patch: {
        operationId: op('updateWebhookEndpoint'),
        tags: ['webhooks'],
        summary: `${who} Change the URL, description, event types; disable (its pending deliveries fail) or enable`,
        ...security,
        parameters: [...scope, endpointId],
        requestBody: endpointBody([]),
        responses: {
          '200': answer('The endpoint'),
          '400': error,
          '401': error,
          '403': error,
          '404': error,
          '422': error,
        },
      },
      delete: {
        operationId: op('deleteWebhookEndpoint'),
        tags: ['webhooks'],
        summary: `${who} Delete the endpoint and its delivery log`,
        ...security,
        parameters: [...scope, endpointId],
        responses: {
          '204': { description: 'Deleted' },
          '400': error,
          '401': error,
          '403': error,
          '404': error,
        },
      },
    },
    [`${prefix}/endpoints/{endpointId}/secret`]: {
      post: {
        operationId: op('rotateWebhookSecret'),
        tags: ['webhooks'],
        summary: `${who} A new signing secret, shown this once; the previous one signs too until previousSecretExpiresAt`,
        ...security,
        parameters: [...scope, endpointId],
        responses: {
          '200': answer('The endpoint and its new secret'),
          '401': error,
          '403': error,
          '404': error,
        },
      },
    },
    [`${prefix}/endpoints/{endpointId}/deliveries`]: {
      get: {
        operationId: op('listWebhookDeliveries'),
        tags: ['webhooks'],
        summary: `${who} The delivery log, newest first: status, attempts, the last answer`,
        ...security,
        parameters: [
          ...scope,
          endpointId,
          {
            name: 'status',
            in: 'query',
            required: false,
            schema: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
          },
          {
            name: 'before',
            in: 'query',
            required: false,
            schema: { type: 'string', pattern: '^[0-9]{1,18}$' },
          },
        ],
        responses: {
          '200': answer('One page of deliveries'),
          '400': error,
          '401': error,
          '403': error,
          '404': error,
        },
      },
    },
    [`${prefix}/endpoints/{endpointId}/replay-failed`]: {
      post: {
        operationId: op('replayFailedWebhookDeliveries'),
        tags: ['webhooks'],
        summary: `${who} Send every failed delivery of the endpoint again (same webhook-id, new retry window)`,
        ...security,
        parameters: [...scope, endpointId],
        responses: { '202': answer('Queued'), '401': error, '403': error, '404': error, '409': error },
      },
    },
    [`${prefix}/deliveries/{deliveryId}/replay`]: {
      post: {
        operationId: op('replayWebhookDelivery'),
        tags: ['webhooks'],
        summary: `${who} Send one delivery again (same webhook-id and body, new retry window)`,
        ...security,
        parameters: [...scope, deliveryId],
        responses: {
          '202': answer('Queued'),
          '400': error,
          '401': error,
          '403': error,
          '404': error,
          '409': error,
        },
      },
    },
  };
}

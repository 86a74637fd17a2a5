import type { Client } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Db } from '../../db';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookDelivery,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
  webhookDeliveryCounts,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
  type WebhookEndpoint,
} from '../../db/webhooks';
import {
  checkWebhookUrl,
  generateWebhookSecret,
  isWebhookEventType,
  replayFailedWebhookDeliveries,
  replayWebhookDelivery,
  WEBHOOK_EVENT_TYPES,
  WebhookUrlError,
} from '../../domain/webhooks';
import type { HubConfig } from '../../platform/config';
import { HttpError } from '../errors';
import {
  WEBHOOK_DELIVERY_PAGE,
  type WebhookDeliveryList,
  type WebhookDeliveryView,
  type WebhookEndpointBody,
  type WebhookEndpointList,
  type WebhookEndpointView,
  type WebhookEndpointWithSecret,
} from './contract';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DELIVERY_ID = /^[0-9]{1,18}$/;
const MAX_ENDPOINTS = 20;
const MAX_DESCRIPTION = 200;
const STATUSES: WebhookDeliveryStatus[] = ['pending', 'delivered', 'failed'];

/**
 * An issuer's webhook endpoints and delivery log, the same for the issuer API (its key) and the portal (its admins).
 * Every action is scoped to one issuer: another issuer's endpoint or delivery answers like a missing one (404).
 * Bad input is refused with its code before anything is stored.
 */
export function createWebhookActions(deps: { db: Db; temporal: Client; config: HubConfig }) {
  const { db, config } = deps;

  const ownEndpoint = async (issuerId: string, endpointId: string): Promise<WebhookEndpoint> => {
    const endpoint = UUID.test(endpointId) ? await getWebhookEndpoint(db, issuerId, endpointId) : undefined;
    if (!endpoint)
      throw new HttpError(404, 'WEBHOOK_ENDPOINT_NOT_FOUND', `no webhook endpoint ${endpointId} of yours`);
    return endpoint;
  };

  const ownDelivery = async (issuerId: string, deliveryId: string): Promise<WebhookDelivery> => {
    const delivery = DELIVERY_ID.test(deliveryId) ? await getWebhookDelivery(db, deliveryId) : undefined;
    if (!delivery || delivery.issuerId !== issuerId)
      throw new HttpError(404, 'WEBHOOK_DELIVERY_NOT_FOUND', `no webhook delivery ${deliveryId} of yours`);
    return delivery;
  };

  const view = async (endpoint: WebhookEndpoint): Promise<WebhookEndpointView> => ({
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    disabledReason: endpoint.disabledReason,
    createdAt: endpoint.createdAt,
    updatedAt: endpoint.updatedAt,
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt,
    counts: await webhookDeliveryCounts(db, endpoint.id),
  });

  const checkedUrl = async (raw: unknown): Promise<string> => {
    if (typeof raw !== 'string' || raw.trim() === '')
      throw new HttpError(400, 'WEBHOOK_URL_INVALID', 'url must be an http or https URL');
    try {
      return (await checkWebhookUrl(raw.trim(), config.webhooks.allowPrivateAddresses)).href;
    } catch (error) {
      if (error instanceof WebhookUrlError) throw new HttpError(422, error.code, error.message);
      throw error;
    }
  };

  const checkedEventTypes = (raw: unknown): string[] | null => {
    if (raw === null || raw === undefined) return null;
    if (!Array.isArray(raw) || raw.length === 0 || raw.some((t) => typeof t !== 'string'))
      throw new HttpError(
        400,
        'WEBHOOK_EVENT_TYPES_INVALID',
        'eventTypes is a non-empty list of event types, or null for all',
      );
    const unknown = raw.filter((t) => !isWebhookEventType(t));
    if (unknown.length)
      throw new HttpError(
        400,
        'WEBHOOK_EVENT_TYPE_UNKNOWN',
        `unknown event type ${unknown.join(', ')}; known: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
      );
    return [...new Set(raw as string[])].sort();
  };

  const checkedDescription = (raw: unknown): string | undefined => {
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string' || raw.length > MAX_DESCRIPTION)
      throw new HttpError(400, 'BAD_REQUEST', `description is text of at most ${MAX_DESCRIPTION} characters`);
    return raw.trim();
  };

  return {
    async list(issuerId: string): Promise<WebhookEndpointList> {
      const endpoints = await listWebhookEndpoints(db, issuerId);
      return { endpoints: await Promise.all(endpoints.map(view)), eventTypes: [...WEBHOOK_EVENT_TYPES] };
    },

    async get(issuerId: string, endpointId: string): Promise<WebhookEndpointView> {
      return view(await ownEndpoint(issuerId, endpointId));
    },

    async create(issuerId: string, body: WebhookEndpointBody): Promise<WebhookEndpointWithSecret> {
      const url = await checkedUrl(body.url);
      const eventTypes = checkedEventTypes(body.eventTypes);
      const description = checkedDescription(body.description) ?? '';
      if ((await listWebhookEndpoints(db, issuerId)).length >= MAX_ENDPOINTS)
        throw new HttpError(
          409,
          'WEBHOOK_ENDPOINT_LIMIT',
          `an issuer has at most ${MAX_ENDPOINTS} webhook endpoints`,
        );
      const secret = generateWebhookSecret();
      const endpoint = await createWebhookEndpoint(db, { issuerId, url, description, eventTypes, secret });
      return { ...(await view(endpoint)), secret };
    },

    async update(
      issuerId: string,
      endpointId: string,
      body: WebhookEndpointBody,
    ): Promise<WebhookEndpointView> {
      await ownEndpoint(issuerId, endpointId);
      if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
        throw new HttpError(400, 'BAD_REQUEST', 'enabled is true or false');
      const change = {
        url: body.url === undefined ? undefined : await checkedUrl(body.url),
        description: checkedDescription(body.description),
        eventTypes: body.eventTypes === undefined ? undefined : checkedEventTypes(body.eventTypes),
        enabled: body.enabled,
      };
      return view((await updateWebhookEndpoint(db, issuerId, endpointId, change)) as WebhookEndpoint);
    },

    async remove(issuerId: string, endpointId: string): Promise<void> {
      await ownEndpoint(issuerId, endpointId);
      await deleteWebhookEndpoint(db, issuerId, endpointId);
    },

    async rotateSecret(issuerId: string, endpointId: string): Promise<WebhookEndpointWithSecret> {
      await ownEndpoint(issuerId, endpointId);
      const secret = generateWebhookSecret();
      const overlapSeconds = Math.round(msToNumber(config.webhooks.secretOverlap) / 1000);
      const endpoint = await rotateWebhookSecret(db, issuerId, endpointId, secret, overlapSeconds);
      return { ...(await view(endpoint as WebhookEndpoint)), secret };
    },

    async deliveries(
      issuerId: string,
      endpointId: string,
      query: { status?: unknown; before?: unknown },
    ): Promise<WebhookDeliveryList> {
      await ownEndpoint(issuerId, endpointId);
      const status = query.status === undefined ? undefined : String(query.status);
      if (status !== undefined && !STATUSES.includes(status as WebhookDeliveryStatus))
        throw new HttpError(400, 'BAD_REQUEST', `status is one of ${STATUSES.join(', ')}`);
      const before = query.before === undefined ? undefined : String(query.before);
      if (before !== undefined && !DELIVERY_ID.test(before))
        throw new HttpError(400, 'BAD_REQUEST', 'before is a delivery id from an earlier page');
      const rows = await listWebhookDeliveries(db, endpointId, {
        status: status as WebhookDeliveryStatus | undefined,
        before,
        limit: WEBHOOK_DELIVERY_PAGE + 1,
      });
      const page = rows.slice(0, WEBHOOK_DELIVERY_PAGE);
      return {
        deliveries: page.map(deliveryView),
        next: rows.length > WEBHOOK_DELIVERY_PAGE ? page[page.length - 1].id : null,
      };
    },

    async replay(issuerId: string, deliveryId: string): Promise<WebhookDeliveryView> {
      const delivery = await ownDelivery(issuerId, deliveryId);
      const endpoint = await ownEndpoint(issuerId, delivery.endpointId);
      if (!endpoint.enabled)
        throw new HttpError(
          409,
          'WEBHOOK_ENDPOINT_DISABLED',
          'enable the endpoint before replaying its deliveries',
        );
      return deliveryView((await replayWebhookDelivery(deps, deliveryId)) as WebhookDelivery);
    },

    async replayFailed(issuerId: string, endpointId: string): Promise<{ invoices: number }> {
      const endpoint = await ownEndpoint(issuerId, endpointId);
      if (!endpoint.enabled)
        throw new HttpError(
          409,
          'WEBHOOK_ENDPOINT_DISABLED',
          'enable the endpoint before replaying its deliveries',
        );
      return { invoices: await replayFailedWebhookDeliveries(deps, endpointId) };
    },
  };
}

function deliveryView(d: WebhookDelivery): WebhookDeliveryView {
  return {
    id: d.id,
    invoiceId: d.invoiceId,
    invoiceNumber: d.invoiceNumber,
    eventType: d.eventType,
    messageId: d.messageId,
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    lastError: d.lastError,
    lastAttemptAt: d.lastAttemptAt,
    deliveredAt: d.deliveredAt,
    createdAt: d.createdAt,
  };
}

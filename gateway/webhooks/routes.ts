import { Router, type Request } from 'express';
import type { Client } from '@temporalio/client';
import type { Db } from '../../db';
import type { Issuer } from '../../db/issuers';
import type { HubConfig } from '../../platform/config';
import { requireIssuerMember } from '../portal/authorization';
import { requirePrincipal } from '../portal/sessions';
import { createWebhookActions } from './webhook-actions';

/** The issuer API's JSON bodies under this path are parsed before validation (gateway/app.ts). */
export const WEBHOOK_API_PATH = '/api/v1/webhooks';

type WebhookDeps = { db: Db; temporal: Client; config: HubConfig };

/**
 * The same routes twice: in the issuer API under /webhooks (who: the issuer, by its API key), and in the portal under
 * /issuers/:issuerId/webhooks (who: the issuer's admins; a clerk gets 403, anyone else 404).
 */
function webhookRoutes(
  deps: WebhookDeps,
  prefix: string,
  issuerOf: (req: Request) => Promise<string>,
): Router {
  const router = Router();
  const webhooks = createWebhookActions(deps);
  const param = (req: Request, name: string) => String(req.params[name]);

  router.get(`${prefix}/endpoints`, async (req, res) => {
    res.json(await webhooks.list(await issuerOf(req)));
  });
  router.post(`${prefix}/endpoints`, async (req, res) => {
    const endpoint = await webhooks.create(await issuerOf(req), req.body ?? {});
    res.status(201).location(`${req.baseUrl}${req.path}/${endpoint.id}`).json(endpoint);
  });
  router.get(`${prefix}/endpoints/:endpointId`, async (req, res) => {
    res.json(await webhooks.get(await issuerOf(req), param(req, 'endpointId')));
  });
  router.patch(`${prefix}/endpoints/:endpointId`, async (req, res) => {
    res.json(await webhooks.update(await issuerOf(req), param(req, 'endpointId'), req.body ?? {}));
  });
  router.delete(`${prefix}/endpoints/:endpointId`, async (req, res) => {
    await webhooks.remove(await issuerOf(req), param(req, 'endpointId'));
    res.status(204).end();
  });
  router.post(`${prefix}/endpoints/:endpointId/secret`, async (req, res) => {
    res.json(await webhooks.rotateSecret(await issuerOf(req), param(req, 'endpointId')));
  });
  router.get(`${prefix}/endpoints/:endpointId/deliveries`, async (req, res) => {
    res.json(await webhooks.deliveries(await issuerOf(req), param(req, 'endpointId'), req.query));
  });
  router.post(`${prefix}/endpoints/:endpointId/replay-failed`, async (req, res) => {
    res.status(202).json(await webhooks.replayFailed(await issuerOf(req), param(req, 'endpointId')));
  });
  router.post(`${prefix}/deliveries/:deliveryId/replay`, async (req, res) => {
    res.status(202).json(await webhooks.replay(await issuerOf(req), param(req, 'deliveryId')));
  });
  return router;
}

export function createIssuerWebhookRoutes(
  deps: WebhookDeps,
  authenticate: (req: Request) => Promise<Issuer>,
): Router {
  return webhookRoutes(deps, '/webhooks', async (req) => (await authenticate(req)).id);
}

export function createPortalWebhookRoutes(deps: WebhookDeps): Router {
  return webhookRoutes(deps, '/issuers/:issuerId/webhooks', async (req) => {
    const issuerId = String(req.params.issuerId);
    requireIssuerMember(await requirePrincipal(deps.db, req), issuerId, ['admin']);
    return issuerId;
  });
}

import { Router, type Request } from 'express';
import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { getInvoice } from '../../db/invoices';
import {
  failedMails,
  invoicesHeldLongerThan,
  quarantinedDeliveries,
  topRejectionReasons,
  undeliverableInvoices,
  undeliveredMdns,
  volumesByChannelAndDay,
} from '../../db/operations';
import type { Principal } from '../../db/users';
import { listFailedDeliveries, replayWebhookDelivery } from '../../domain/webhooks/replay';
import { workflowUiUrl } from '../../platform/config';
import { logger } from '../../platform/logger';
import { cancelInvoiceUpdate, retryDeliveryUpdate } from '../../workflows/messages';
import { HttpError } from '../errors';
import type { PortalDeps } from '../portal';
import { requirePrincipal } from '../portal/sessions';
import type { OperatorConsole } from './contract';
import { retryActivityNow, retryingActivities } from './temporal-inspection';

/** An activity at this attempt or later is stuck: the first retries are what backoff is for. */
export const STUCK_ATTEMPT = 3;
/** A working state (received, verified, archived) held this long is stuck. */
export const HELD_SECONDS = 15 * 60;
const REPORT_DAYS = 14;

/** Operators only; to anyone else the console does not exist (404), like everything outside a person's reach. */
async function requireOperator(deps: PortalDeps, req: Request): Promise<Principal> {
  const principal = await requirePrincipal(deps.db, req);
  if (!principal.operator) throw new HttpError(404, 'NOT_FOUND', 'there is no such thing among yours');
  return principal;
}

/** The operator console's API, under the portal's (/api/v1/portal/operator/…). */
export function createOperatorRoutes(deps: PortalDeps): Router {
  const { db, temporal, config } = deps;
  const router = Router();

  router.get('/operator/console', async (req, res) => {
    await requireOperator(deps, req);
    const ui = (workflowId: string) => workflowUiUrl(config, workflowId);
    const withUi = <T extends { workflowId: string }>(rows: T[]) =>
      rows.map((row) => ({ ...row, temporalUi: ui(row.workflowId) }));
    const activities = await retryingActivities(temporal, config, STUCK_ATTEMPT);
    const invoiceIds = await invoiceIdsOf(activities.map((a) => a.workflowId));
    const body: OperatorConsole = {
      temporalUiUrl: config.temporalUiUrl,
      stuckAttempt: STUCK_ATTEMPT,
      heldSeconds: HELD_SECONDS,
      retryingActivities: activities.map((a) => ({ ...a, invoiceId: invoiceIds.get(a.workflowId) ?? null })),
      heldInvoices: withUi(await invoicesHeldLongerThan(db, HELD_SECONDS)),
      undeliverable: withUi(await undeliverableInvoices(db)),
      quarantinedDeliveries: await quarantinedDeliveries(db),
      failedMails: await failedMails(db),
      undeliveredMdns: (await undeliveredMdns(db)).map((m) => ({
        ...m,
        temporalUi: ui(`as2-mdn-${m.as2From}-${m.messageId}`),
      })),
      failedWebhookDeliveries: await listFailedDeliveries(db),
      volumes: await volumesByChannelAndDay(db, REPORT_DAYS),
      rejectionReasons: await topRejectionReasons(db, REPORT_DAYS),
    };
    res.json(body);
  });

  // An undeliverable invoice, after its cause was fixed: the lifecycle mails the recipient again.
  router.post('/operator/invoices/:id/retry-delivery', async (req, res) => {
    const principal = await requireOperator(deps, req);
    const invoice = await findInvoice(String(req.params.id));
    const state = await lifecycleUpdate(() =>
      temporal.workflow
        .getHandle(invoice.workflowId)
        .executeUpdate(retryDeliveryUpdate, { args: [{ requestedBy: principal.email }] }),
    );
    logger.info({ invoiceId: invoice.id, by: principal.email }, 'operator retried an undeliverable invoice');
    res.json({ invoiceId: invoice.id, status: state.status });
  });

  router.post('/operator/invoices/:id/cancel', async (req, res) => {
    const principal = await requireOperator(deps, req);
    const invoice = await findInvoice(String(req.params.id));
    const reason = (req.body as { reason?: unknown } | undefined)?.reason;
    if (typeof reason !== 'string' || !reason.trim() || reason.length > 500) {
      throw new HttpError(400, 'BAD_REQUEST', 'send a JSON body with a "reason" of 1 to 500 characters');
    }
    const state = await lifecycleUpdate(() =>
      temporal.workflow.getHandle(invoice.workflowId).executeUpdate(cancelInvoiceUpdate, {
        args: [{ reason: reason.trim(), requestedBy: principal.email }],
      }),
    );
    logger.info({ invoiceId: invoice.id, by: principal.email }, 'operator cancelled an invoice');
    res.json({ invoiceId: invoice.id, status: state.status });
  });

  // A retrying activity (a lifecycle's, an MDN delivery's), after its cause was fixed: run it now.
  router.post('/operator/workflows/:workflowId/activities/:activityId/retry', async (req, res) => {
    const principal = await requireOperator(deps, req);
    const { workflowId, activityId } = req.params as { workflowId: string; activityId: string };
    let retried: boolean;
    try {
      retried = await retryActivityNow(
        temporal,
        config,
        workflowId,
        activityId,
        `operator ${principal.email}`,
      );
    } catch (failure) {
      if (failure instanceof WorkflowNotFoundError) retried = false;
      else throw failure;
    }
    if (!retried) {
      throw new HttpError(
        409,
        'NOTHING_TO_RETRY',
        `workflow ${workflowId} has no activity ${activityId} retrying`,
      );
    }
    logger.info({ workflowId, activityId, by: principal.email }, 'operator retried an activity now');
    res.json({ workflowId, activityId, retried });
  });

  router.post('/operator/webhook-deliveries/:deliveryId/replay', async (req, res) => {
    await requireOperator(deps, req);
    const delivery = await replayWebhookDelivery(deps, String(req.params.deliveryId));
    if (!delivery)
      throw new HttpError(404, 'NOT_FOUND', `there is no webhook delivery ${req.params.deliveryId}`);
    res.json(delivery);
  });

  async function findInvoice(id: string) {
    const invoice = /^[0-9a-f-]{36}$/i.test(id) ? await getInvoice(db, id) : undefined;
    if (!invoice) throw new HttpError(404, 'INVOICE_NOT_FOUND', `there is no invoice ${id}`);
    return invoice;
  }

  async function invoiceIdsOf(workflowIds: string[]): Promise<Map<string, string>> {
    if (workflowIds.length === 0) return new Map();
    const { rows } = await db.query<{ id: string; workflow_id: string }>(
      'select id, workflow_id from invoices where workflow_id = any($1)',
      [workflowIds],
    );
    return new Map(rows.map((r) => [r.workflow_id, r.id]));
  }

  return router;
}

/** The lifecycle's refusals as HTTP: its typed ones by their code, its plain checks as INVOICE_NOT_OPEN. */
async function lifecycleUpdate<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (failure) {
    if (failure instanceof WorkflowUpdateFailedError) {
      const cause = failure.cause;
      if (cause instanceof ApplicationFailure && cause.type && /^[A-Z_]+$/.test(cause.type))
        throw new HttpError(409, cause.type, cause.message);
      throw new HttpError(409, 'INVOICE_NOT_OPEN', cause?.message ?? failure.message);
    }
    if (failure instanceof WorkflowNotFoundError)
      throw new HttpError(409, 'INVOICE_CLOSED', 'the invoice’s lifecycle has ended');
    throw failure;
  }
}

/**
 * GET /metrics on the gateway: its process and intake counters (platform/metrics.ts), plus two views of the whole
 * hub read when scraped: open invoices by status (PostgreSQL) and the lifecycle task queue's backlog (Temporal).
 * Open to any scraper unless METRICS_TOKEN is set, then it takes `Authorization: Bearer <token>`.
 */
import crypto from 'node:crypto';
import { Router } from 'express';
import type { GatewayDeps } from './app';
import { CONTENT_TYPE, exposition, gaugeOnScrape } from '../platform/metrics';

/** Statuses an invoice leaves no more: not "open". */
const CLOSED = ['paid', 'cancelled', 'rejected'];
/** temporal.api.enums.v1.TaskQueueType */
const TASK_QUEUE_TYPE = { workflow: 1, activity: 2 } as const;

/** The gauges are registered once per process and read the newest gateway's connections (tests start several). */
let source: GatewayDeps | undefined;

export function createMetricsRouter(deps: GatewayDeps): Router {
  const { config } = deps;
  if (!source) {
    source = deps;
    gaugeOnScrape(
      'hub_open_invoices',
      'Invoices not yet paid, cancelled or rejected, by status',
      ['status'],
      async () => {
        const { rows } = await source!.db.query<{ status: string; count: string }>(
          'select status, count(*) as count from invoices where status <> all($1) group by status',
          [CLOSED],
        );
        return rows.map((row) => ({ labels: { status: row.status }, value: Number(row.count) }));
      },
    );
    const backlog = async (type: 'workflow' | 'activity') => {
      const { stats } = await source!.temporal.workflowService.describeTaskQueue({
        namespace: source!.config.temporalNamespace,
        taskQueue: { name: source!.config.taskQueue },
        taskQueueType: TASK_QUEUE_TYPE[type],
        reportStats: true,
      });
      return stats;
    };
    gaugeOnScrape(
      'hub_task_queue_backlog',
      'Tasks waiting for a worker on the lifecycle task queue, by type (workflow, activity)',
      ['type'],
      async () =>
        Promise.all(
          (['workflow', 'activity'] as const).map(async (type) => ({
            labels: { type },
            value: Number((await backlog(type))?.approximateBacklogCount ?? 0),
          })),
        ),
    );
    gaugeOnScrape(
      'hub_task_queue_backlog_age_seconds',
      'Age of the oldest task waiting on the lifecycle task queue (the queue lag), by type',
      ['type'],
      async () =>
        Promise.all(
          (['workflow', 'activity'] as const).map(async (type) => {
            const age = (await backlog(type))?.approximateBacklogAge;
            return { labels: { type }, value: Number(age?.seconds ?? 0) + (age?.nanos ?? 0) / 1e9 };
          }),
        ),
    );
  }
  source = deps;
  const router = Router();
  router.get('/metrics', (req, res, next) => {
    if (config.metricsToken && !sameToken(req.get('authorization'), `Bearer ${config.metricsToken}`)) {
      res.status(401).set('www-authenticate', 'Bearer').end();
      return;
    }
    exposition().then((text) => res.type(CONTENT_TYPE).send(text), next);
  });
  return router;
}

function sameToken(given: string | undefined, expected: string): boolean {
  const a = Buffer.from(given ?? '');
  const b = Buffer.from(expected);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

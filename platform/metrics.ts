/**
 * The hub's Prometheus metrics (prom-client): one registry per process, the process's own figures (CPU, memory,
 * event-loop lag) plus what the hub counts. The gateway serves them at /metrics, each worker on WORKER_METRICS_PORT
 * together with the Temporal SDK's own metrics. Counters are incremented where the thing happens; gauges that
 * describe the whole hub (open invoices, queue backlog) are read from PostgreSQL and Temporal when scraped.
 */
import http from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'hub_' });

/** Deliveries at the one intake door, by channel (api, sftp, sftp-pickup, as2) and outcome. */
export const deliveries = new Counter({
  name: 'hub_deliveries_total',
  help: 'Invoice deliveries by channel and outcome (accepted, duplicate, refused: the refusal code)',
  labelNames: ['channel', 'outcome'] as const,
  registers: [registry],
});

/** The lifecycle's verification activity: rules and signature. */
export const verificationSeconds = new Histogram({
  name: 'hub_verification_seconds',
  help: 'Time to verify one invoice (EN 16931, Peppol and Bulgarian rules, signature)',
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

/** Invoices refused at verification, once per fatal rule. */
export const rejections = new Counter({
  name: 'hub_rejections_total',
  help: 'Fatal findings of rejected invoices, by rule id',
  labelNames: ['rule'] as const,
  registers: [registry],
});

/** Mails handed to the SMTP server, by kind (new-invoice, reminder, view-receipt…) and outcome (sent, failed, repeat). */
export const mails = new Counter({
  name: 'hub_mails_total',
  help: 'Mails by kind and outcome (sent; failed: the SMTP server refused or was unreachable; repeat: already sent)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

/** A gauge whose values are read when scraped; a failing read leaves the gauge empty rather than failing the scrape. */
export function gaugeOnScrape(
  name: string,
  help: string,
  labelNames: readonly string[],
  read: () => Promise<{ labels: Record<string, string>; value: number }[]>,
): Gauge {
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const { labels, value } of await read()) this.set(labels, value);
      } catch {
        // the scrape still answers with everything else; the gap shows in the graph
      }
    },
  });
}

/** The registry's text, then any further exposition text (the Temporal SDK's own metrics). */
export async function exposition(extra: () => Promise<string> = async () => ''): Promise<string> {
  const own = await registry.metrics();
  const more = await extra().catch(() => '');
  return more ? `${own}\n${more}` : own;
}

export const CONTENT_TYPE = registry.contentType;

/** A small HTTP server answering GET /metrics: each worker's scrape endpoint. */
export async function serveMetrics(
  port: number,
  host: string,
  extra?: () => Promise<string>,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    exposition(extra).then(
      (text) => response.writeHead(200, { 'content-type': CONTENT_TYPE }).end(text),
      (error: Error) => response.writeHead(500).end(error.message),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

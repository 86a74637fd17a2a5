/**
 * OpenTelemetry traces of an invoice's way through the hub: the gateway's HTTP request, the workflow start it
 * makes, the workflow run and each activity, one trace joined across processes by the headers Temporal carries
 * (@temporalio/interceptors-opentelemetry). Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (then exported by OTLP
 * over HTTP) or a test hands in its own exporter; off costs nothing, because no interceptor is installed.
 */
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client';
import {
  OpenTelemetryActivityInboundInterceptor,
  makeWorkflowExporter,
} from '@temporalio/interceptors-opentelemetry/lib/worker';
import type { ClientInterceptors } from '@temporalio/client';
import type { InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import type { RequestHandler } from 'express';

export interface Tracing {
  provider: BasicTracerProvider;
  exporter: SpanExporter;
  resource: Resource;
}

let active: Tracing | undefined;

/**
 * Starts tracing for this process under `service` (einvoice-hub-gateway, einvoice-hub-worker), when an OTLP
 * endpoint is configured or an exporter is given; returns undefined when tracing stays off.
 */
export function startTracing(service: string, exporter?: SpanExporter): Tracing | undefined {
  if (active) return active;
  if (!exporter && !process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return undefined;
  const resource = new Resource({ 'service.name': service });
  const spanExporter = exporter ?? new OTLPTraceExporter(); // the endpoint and headers come from OTEL_* variables
  const provider = new BasicTracerProvider({
    resource,
    // A test's exporter sees each span as it ends; OTLP gets them in batches.
    spanProcessors: [exporter ? new SimpleSpanProcessor(spanExporter) : new BatchSpanProcessor(spanExporter)],
  });
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  active = { provider, exporter: spanExporter, resource };
  return active;
}

export const tracingActive = (): Tracing | undefined => active;

/** Flushes and stops this process's tracing. */
export async function stopTracing(): Promise<void> {
  const tracing = active;
  active = undefined;
  await tracing?.provider.shutdown();
}

/** The Temporal client's interceptors: a workflow start or signal carries the caller's trace. */
export function tracingClientInterceptors(): ClientInterceptors | undefined {
  return active ? { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } : undefined;
}

/** The worker's part: workflow interceptors (in the workflow bundle), activity spans, and the sink for workflow spans. */
export function tracingWorkerOptions(tracing: Tracing): {
  interceptors: WorkerInterceptors;
  sinks: InjectedSinks<Record<string, never>>;
} {
  return {
    interceptors: {
      workflowModules: [require.resolve('../workflows/tracing')],
      activity: [(context) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(context) })],
    },
    sinks: { exporter: makeWorkflowExporter(tracing.exporter, tracing.resource) } as unknown as InjectedSinks<
      Record<string, never>
    >,
  };
}

/** Express middleware: one server span per request, active while the request is handled. */
export function traceRequests(): RequestHandler {
  return (request, response, next) => {
    if (!active) return next();
    const tracer = trace.getTracer('einvoice-hub-gateway');
    tracer.startActiveSpan(
      `${request.method} ${request.path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.method': request.method, 'http.target': request.path } },
      (span) => {
        response.once('finish', () => {
          span.setAttribute('http.status_code', response.statusCode);
          if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
        });
        next();
      },
    );
  };
}

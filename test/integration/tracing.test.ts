/**
 * One invoice, one trace: the API request, the workflow start it makes, the lifecycle's run and each activity,
 * exported through OpenTelemetry (here to the SDK's in-memory exporter; OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set).
 */
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { startTracing, stopTracing } from '../../platform/tracing';
import { serveGateway } from '../portal/harness';
import { addTestIssuer, eventually, startTestHub, uniqueEmail, type TestHub } from '../support/hub';
import { makeUblInvoice, nextInvoiceNumber } from '../support/invoice-factory';

describe('an invoice traced from the HTTP request to each activity', () => {
  const exporter = new InMemorySpanExporter();
  let hub: TestHub;
  let api: { baseUrl: string; close(): Promise<void> };

  beforeAll(async () => {
    const tracing = startTracing('einvoice-hub-test', exporter)!;
    hub = await startTestHub({ REMINDER_DELAYS: '1h' }, { tracing });
    api = await serveGateway({ db: hub.db, temporal: hub.temporal, config: hub.config });
  }, 180_000);
  afterAll(async () => {
    await api?.close();
    await hub?.stop();
    await stopTracing();
  });

  test('one trace: the request starts the workflow, the workflow run schedules each activity, each activity runs under its schedule', async () => {
    const { apiKey } = await addTestIssuer(hub.db);
    const response = await fetch(`${api.baseUrl}/api/v1/invoices`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/xml' },
      body: makeUblInvoice({ number: nextInvoiceNumber(), buyerEmail: uniqueEmail('traced') }),
    });
    expect(response.status).toBe(202);

    const spans = await eventually(
      async () => {
        const finished = exporter.getFinishedSpans();
        // The workflow's own spans (StartActivity…) reach the exporter through its sink at the end of a workflow
        // task, which can be after the activity's span: wait until every run has the span that scheduled it.
        const ids = new Set(finished.map((span) => span.spanContext().spanId));
        const complete = finished
          .filter((span) => span.name.startsWith('RunActivity:'))
          .every((span) => span.parentSpanId && ids.has(span.parentSpanId));
        return complete && finished.some((span) => span.name === 'RunActivity:notifyRecipient') && finished;
      },
      60_000,
      'the notifyRecipient activity span',
    );
    const request = spans.find((span) => span.name === 'POST /api/v1/invoices')!;
    expect(request).toBeDefined();
    expect(request.kind).toBe(SpanKind.SERVER);
    expect(request.parentSpanId).toBeUndefined();
    expect(request.attributes['http.status_code']).toBe(202);

    const trace = spans.filter((span) => span.spanContext().traceId === request.spanContext().traceId);
    const names = trace.map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'StartWorkflow:invoiceLifecycle',
        'StartActivity:verifyAndArchiveInvoice',
        'RunActivity:verifyAndArchiveInvoice',
        'RunActivity:notifyRecipient',
      ]),
    );
    const byId = new Map(trace.map((span) => [span.spanContext().spanId, span]));
    const named = (name: string) => trace.filter((span) => span.name === name);
    // The request starts the workflow.
    expect(named('StartWorkflow:invoiceLifecycle')[0]!.parentSpanId).toBe(request.spanContext().spanId);
    // The workflow run (its span still open: the lifecycle now waits for the view) schedules every activity, and
    // each activity runs under the span that scheduled it.
    const runs = new Set(named('StartActivity:verifyAndArchiveInvoice').map((span) => span.parentSpanId));
    expect(runs.size).toBe(1);
    const [workflowRun] = [...runs];
    expect(byId.has(workflowRun!)).toBe(false);
    for (const start of trace.filter((span) => span.name.startsWith('StartActivity:')))
      expect(start.parentSpanId).toBe(workflowRun);
    for (const run of trace.filter((span) => span.name.startsWith('RunActivity:')))
      expect(byId.get(run.parentSpanId!)?.name).toBe(run.name.replace('RunActivity:', 'StartActivity:'));
  });
});

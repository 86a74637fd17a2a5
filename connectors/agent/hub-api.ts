/**
 * The hub's issuer API as the agent uses it: deliver a signed invoice, and ask what became of it. Every failure is
 * classified: the hub cannot be reached or is busy (retry later), the key is refused (stop: nothing will work until
 * the setting is fixed), or the hub refused this invoice (it goes to failed/ with the hub's reason).
 */
export interface DeliveredInvoice {
  id: string;
  number: string;
  status: string;
  /** The API address of the invoice's status. */
  link: string;
  /** The hub already had it (a resend after a crash, or the same export twice). */
  duplicate: boolean;
}

export type FailureKind = 'transient' | 'refused' | 'unauthorized';

export class HubCallError extends Error {
  override readonly name = 'HubCallError';
  constructor(
    readonly kind: FailureKind,
    readonly code: string,
    message: string,
    readonly invoiceId?: string,
  ) {
    super(message);
  }
}

export interface InvoiceStatus {
  id: string;
  number: string;
  status: string;
  viewedAt: string | null;
  sha256: string;
  rejectionReasons: string[];
  timeline: { at: string; type: string; detail?: Record<string, unknown> }[];
}

export class HubApi {
  constructor(
    private readonly hub: string,
    private readonly apiKey: string,
  ) {}

  /** POST /api/v1/invoices; the Idempotency-Key carries the exported file's hash, so a resend is the same delivery. */
  async deliver(signed: Buffer, fileHash: string): Promise<DeliveredInvoice> {
    const body = await this.call('POST', '/api/v1/invoices', {
      headers: { 'content-type': 'application/xml', 'idempotency-key': `sha256:${fileHash}` },
      body: signed,
    });
    return this.delivered(body);
  }

  async status(invoiceId: string): Promise<InvoiceStatus> {
    return (await this.call(
      'GET',
      `/api/v1/invoices/${encodeURIComponent(invoiceId)}`,
    )) as unknown as InvoiceStatus;
  }

  /** The signed return receipt's XML, or undefined while there is none (not viewed, or being made). */
  async signedReceipt(invoiceId: string): Promise<Buffer | undefined> {
    let response: Response;
    try {
      response = await fetch(`${this.hub}/api/v1/invoices/${encodeURIComponent(invoiceId)}/receipt`, {
        headers: { authorization: `Bearer ${this.apiKey}` },
        signal: AbortSignal.timeout(60_000),
      });
    } catch {
      return undefined; // asked again next round
    }
    return response.ok ? Buffer.from(await response.arrayBuffer()) : undefined;
  }

  invoiceLink(invoiceId: string): string {
    return `${this.hub}/api/v1/invoices/${invoiceId}`;
  }

  delivered(body: Record<string, unknown>): DeliveredInvoice {
    return {
      id: String(body.id),
      number: String(body.number),
      status: String(body.status),
      link: this.invoiceLink(String(body.id)),
      duplicate: body.duplicate === true,
    };
  }

  private async call(
    method: string,
    route: string,
    init: { headers?: Record<string, string>; body?: Buffer } = {},
  ): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      response = await fetch(`${this.hub}${route}`, {
        method,
        headers: { authorization: `Bearer ${this.apiKey}`, ...init.headers },
        body: init.body ? new Uint8Array(init.body) : undefined,
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new HubCallError(
        'transient',
        cause?.code ?? 'UNREACHABLE',
        `the hub at ${this.hub} cannot be reached: ${cause?.message ?? (error as Error).message}`,
      );
    }
    const text = await response.text();
    let body: Record<string, unknown> = {};
    try {
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // a proxy's HTML error page: the status says enough
    }
    if (response.ok) return body;
    const error = (body.error ?? {}) as { code?: string; message?: string; invoiceId?: string };
    const code = error.code ?? `HTTP_${response.status}`;
    const message = error.message ?? `the hub answered ${response.status} ${response.statusText}`;
    if (response.status === 401 || response.status === 403) {
      throw new HubCallError('unauthorized', code, `the hub refused the API key: ${message}`);
    }
    const transient = response.status >= 500 || response.status === 408 || response.status === 429;
    throw new HubCallError(transient ? 'transient' : 'refused', code, message, error.invoiceId);
  }
}

import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import { PORTAL_API_BASE } from '../../../../gateway/portal/contract';
import type {
  DisputeDecisionBody,
  DisputeMessageBody,
  DisputeThread,
  InvoiceDisputes,
  IssuerDisputes,
  OpenDisputeBody,
  UploadedAttachment,
} from '../../../../gateway/portal/dispute-contract';
import type { DisputeStatus } from '../../../../domain/disputes/rules';
import { toPortalApiError } from '../api/portal-api';

/**
 * Which side of which invoice a dispute page works on: the recipient's own invoice, or an invoice of an issuer the
 * person works for. Both reach the same disputes; the side decides what they may do (gateway/portal/disputes.ts).
 */
export type DisputeScope =
  { side: 'recipient'; invoiceId: string } | { side: 'issuer'; issuerId: string; invoiceId: string };

export function disputesUrl(scope: DisputeScope): string {
  const invoice = encodeURIComponent(scope.invoiceId);
  return scope.side === 'recipient'
    ? `${PORTAL_API_BASE}/invoices/${invoice}/disputes`
    : `${PORTAL_API_BASE}/issuers/${encodeURIComponent(scope.issuerId)}/invoices/${invoice}/disputes`;
}

/** The portal page of a dispute, for links. */
export function disputePage(scope: DisputeScope, disputeId: string): string[] {
  return scope.side === 'recipient'
    ? ['/invoices', scope.invoiceId, 'disputes', disputeId]
    : ['/issuers', scope.issuerId, 'invoices', scope.invoiceId, 'disputes', disputeId];
}

/** The dispute API's client; every call resolves or throws a PortalApiError. */
@Injectable({ providedIn: 'root' })
export class DisputesApi {
  private readonly http = inject(HttpClient);

  list(scope: DisputeScope): Promise<InvoiceDisputes> {
    return this.call(this.http.get<InvoiceDisputes>(disputesUrl(scope)));
  }

  thread(scope: DisputeScope, disputeId: string): Promise<DisputeThread> {
    return this.call(this.http.get<DisputeThread>(`${disputesUrl(scope)}/${encodeURIComponent(disputeId)}`));
  }

  open(scope: DisputeScope, body: OpenDisputeBody): Promise<DisputeThread> {
    return this.call(this.http.post<DisputeThread>(disputesUrl(scope), body));
  }

  reply(scope: DisputeScope, disputeId: string, body: DisputeMessageBody): Promise<DisputeThread> {
    return this.call(
      this.http.post<DisputeThread>(`${disputesUrl(scope)}/${encodeURIComponent(disputeId)}/messages`, body),
    );
  }

  reopen(scope: DisputeScope, disputeId: string, body: DisputeMessageBody): Promise<DisputeThread> {
    return this.call(
      this.http.post<DisputeThread>(`${disputesUrl(scope)}/${encodeURIComponent(disputeId)}/reopen`, body),
    );
  }

  decide(scope: DisputeScope, disputeId: string, body: DisputeDecisionBody): Promise<DisputeThread> {
    return this.call(
      this.http.post<DisputeThread>(`${disputesUrl(scope)}/${encodeURIComponent(disputeId)}/decision`, body),
    );
  }

  /** Sends the file's bytes as they are: the hub decides the type from the content, not from what is declared. */
  upload(scope: DisputeScope, file: File): Promise<UploadedAttachment> {
    return this.call(
      this.http.post<UploadedAttachment>(`${disputesUrl(scope)}/uploads`, file, {
        params: { name: file.name },
        headers: { 'Content-Type': 'application/octet-stream' },
      }),
    );
  }

  issuerDisputes(issuerId: string, statuses: DisputeStatus[]): Promise<IssuerDisputes> {
    return this.call(
      this.http.get<IssuerDisputes>(`${PORTAL_API_BASE}/issuers/${encodeURIComponent(issuerId)}/disputes`, {
        params: statuses.length ? { status: statuses.join(',') } : {},
      }),
    );
  }

  private async call<T>(request: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(request);
    } catch (failure) {
      throw toPortalApiError(failure);
    }
  }
}

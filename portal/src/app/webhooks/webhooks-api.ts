import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import { PORTAL_API_BASE } from '../../../../gateway/portal/contract';
import type {
  WebhookDeliveryList,
  WebhookDeliveryView,
  WebhookEndpointBody,
  WebhookEndpointList,
  WebhookEndpointView,
  WebhookEndpointWithSecret,
} from '../../../../gateway/webhooks/contract';
import { toPortalApiError } from '../api/portal-api';

const base = (issuerId: string) => `${PORTAL_API_BASE}/issuers/${encodeURIComponent(issuerId)}/webhooks`;
const endpoint = (issuerId: string, endpointId: string) =>
  `${base(issuerId)}/endpoints/${encodeURIComponent(endpointId)}`;

/** The typed client of an issuer's webhooks (admins only; gateway/webhooks/routes.ts). */
@Injectable({ providedIn: 'root' })
export class WebhooksApi {
  private readonly http = inject(HttpClient);

  list(issuerId: string): Promise<WebhookEndpointList> {
    return this.call(this.http.get<WebhookEndpointList>(`${base(issuerId)}/endpoints`));
  }

  create(issuerId: string, body: WebhookEndpointBody): Promise<WebhookEndpointWithSecret> {
    return this.call(this.http.post<WebhookEndpointWithSecret>(`${base(issuerId)}/endpoints`, body));
  }

  update(issuerId: string, endpointId: string, body: WebhookEndpointBody): Promise<WebhookEndpointView> {
    return this.call(this.http.patch<WebhookEndpointView>(endpoint(issuerId, endpointId), body));
  }

  async remove(issuerId: string, endpointId: string): Promise<void> {
    await this.call(this.http.delete(endpoint(issuerId, endpointId)));
  }

  rotateSecret(issuerId: string, endpointId: string): Promise<WebhookEndpointWithSecret> {
    return this.call(
      this.http.post<WebhookEndpointWithSecret>(`${endpoint(issuerId, endpointId)}/secret`, {}),
    );
  }

  deliveries(
    issuerId: string,
    endpointId: string,
    query: { status?: string; before?: string },
  ): Promise<WebhookDeliveryList> {
    const params: Record<string, string> = {};
    if (query.status) params['status'] = query.status;
    if (query.before) params['before'] = query.before;
    return this.call(
      this.http.get<WebhookDeliveryList>(`${endpoint(issuerId, endpointId)}/deliveries`, { params }),
    );
  }

  replay(issuerId: string, deliveryId: string): Promise<WebhookDeliveryView> {
    return this.call(
      this.http.post<WebhookDeliveryView>(
        `${base(issuerId)}/deliveries/${encodeURIComponent(deliveryId)}/replay`,
        {},
      ),
    );
  }

  replayFailed(issuerId: string, endpointId: string): Promise<{ invoices: number }> {
    return this.call(
      this.http.post<{ invoices: number }>(`${endpoint(issuerId, endpointId)}/replay-failed`, {}),
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

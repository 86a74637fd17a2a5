import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import { PORTAL_API_BASE } from '../../../../gateway/portal/contract';
import type { OperatorConsole } from '../../../../gateway/operator/contract';
import { toPortalApiError } from '../api/portal-api';

const base = `${PORTAL_API_BASE}/operator`;

/** The typed client of the operator console (operators only; gateway/operator/routes.ts). */
@Injectable({ providedIn: 'root' })
export class OperatorApi {
  private readonly http = inject(HttpClient);

  console(): Promise<OperatorConsole> {
    return this.call(this.http.get<OperatorConsole>(`${base}/console`));
  }

  retryDelivery(invoiceId: string): Promise<unknown> {
    return this.call(this.http.post(`${base}/invoices/${encodeURIComponent(invoiceId)}/retry-delivery`, {}));
  }

  cancel(invoiceId: string, reason: string): Promise<unknown> {
    return this.call(this.http.post(`${base}/invoices/${encodeURIComponent(invoiceId)}/cancel`, { reason }));
  }

  retryActivity(workflowId: string, activityId: string): Promise<unknown> {
    return this.call(
      this.http.post(
        `${base}/workflows/${encodeURIComponent(workflowId)}/activities/${encodeURIComponent(activityId)}/retry`,
        {},
      ),
    );
  }

  replayWebhook(deliveryId: string): Promise<unknown> {
    return this.call(
      this.http.post(`${base}/webhook-deliveries/${encodeURIComponent(deliveryId)}/replay`, {}),
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

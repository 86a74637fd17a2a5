import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { PORTAL_API_BASE } from '../../../../gateway/portal/contract';
import type {
  IssuerInvoiceDetail,
  IssuerInvoicePage,
  ProblemDeliveryPage,
  RecipientInvoicePage,
} from '../../../../gateway/portal/search-contract';
import { PortalApiError } from '../api/portal-api';

/** The searchable archive's API client (gateway/portal/archive-routes.ts); failures throw like PortalApi's. */
@Injectable({ providedIn: 'root' })
export class ArchiveApi {
  private readonly http = inject(HttpClient);

  receivedInvoices(query: string): Promise<RecipientInvoicePage> {
    return this.get<RecipientInvoicePage>(`${PORTAL_API_BASE}/invoices${query ? `?${query}` : ''}`);
  }

  issuerInvoices(issuerId: string, query: string): Promise<IssuerInvoicePage> {
    return this.get<IssuerInvoicePage>(
      `${PORTAL_API_BASE}/issuers/${encodeURIComponent(issuerId)}/invoices${query ? `?${query}` : ''}`,
    );
  }

  issuerInvoice(issuerId: string, id: string): Promise<IssuerInvoiceDetail> {
    return this.get<IssuerInvoiceDetail>(
      `${PORTAL_API_BASE}/issuers/${encodeURIComponent(issuerId)}/invoices/${encodeURIComponent(id)}`,
    );
  }

  deliveries(issuerId: string, cursor: string | null): Promise<ProblemDeliveryPage> {
    return this.get<ProblemDeliveryPage>(
      `${PORTAL_API_BASE}/issuers/${encodeURIComponent(issuerId)}/deliveries${cursor ? `?cursor=${cursor}` : ''}`,
    );
  }

  private async get<T>(url: string): Promise<T> {
    try {
      return await firstValueFrom(this.http.get<T>(url));
    } catch (failure) {
      throw asPortalApiError(failure);
    }
  }
}

function asPortalApiError(failure: unknown): PortalApiError {
  if (failure instanceof HttpErrorResponse) {
    const body: unknown = failure.error;
    const error =
      typeof body === 'object' && body !== null && 'error' in body
        ? (body as { error: unknown }).error
        : null;
    if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
      return new PortalApiError(failure.status, String(error.code), String(error.message));
    }
    return new PortalApiError(
      failure.status,
      failure.status === 0 ? 'UNREACHABLE' : `HTTP_${failure.status}`,
      failure.message,
    );
  }
  return new PortalApiError(0, 'UNKNOWN', failure instanceof Error ? failure.message : String(failure));
}

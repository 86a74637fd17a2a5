import { HttpClient, HttpErrorResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import {
  PORTAL_API_BASE,
  type InvitationInfo,
  type InvoiceDetail,
  type InvoiceListItem,
  type InvoiceList,
  type LoginRequest,
  type PortalErrorBody,
  type RegisterRequest,
  type SessionInfo,
  type ViewReceipt,
} from '../../../../gateway/portal/contract';

/** A refused or failed portal API call, with the API's error code when it sent one. */
export class PortalApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Facts beside code and message in the error body, e.g. `retryAfterSeconds`. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'PortalApiError';
  }
}

function isPortalErrorBody(body: unknown): body is PortalErrorBody {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error: unknown = body.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/** The PortalApiError for any failed call (feature API clients convert their failures with it too). */
export function toPortalApiError(failure: unknown): PortalApiError {
  if (failure instanceof HttpErrorResponse) {
    if (isPortalErrorBody(failure.error)) {
      const { code, message, ...details } = failure.error.error;
      return new PortalApiError(failure.status, code, message, details);
    }
    if (failure.status === 0) {
      return new PortalApiError(0, 'UNREACHABLE', 'the portal cannot be reached');
    }
    return new PortalApiError(failure.status, 'HTTP_' + failure.status, failure.message);
  }
  return new PortalApiError(0, 'UNKNOWN', failure instanceof Error ? failure.message : String(failure));
}

/** The one typed client of the portal API (gateway/portal/). Every call resolves or throws a PortalApiError. */
@Injectable({ providedIn: 'root' })
export class PortalApi {
  private readonly http = inject(HttpClient);

  invitation(token: string): Promise<InvitationInfo> {
    return this.call(
      this.http.get<InvitationInfo>(`${PORTAL_API_BASE}/invitations/${encodeURIComponent(token)}`),
    );
  }

  register(request: RegisterRequest): Promise<SessionInfo> {
    return this.call(this.http.post<SessionInfo>(`${PORTAL_API_BASE}/register`, request));
  }

  login(request: LoginRequest): Promise<SessionInfo> {
    return this.call(this.http.post<SessionInfo>(`${PORTAL_API_BASE}/login`, request));
  }

  logout(): Promise<void> {
    return this.call(this.http.post<void>(`${PORTAL_API_BASE}/logout`, null));
  }

  session(): Promise<SessionInfo> {
    return this.call(this.http.get<SessionInfo>(`${PORTAL_API_BASE}/session`));
  }

  /** Remembers the portal language in the signed-in person's account. */
  saveLocale(locale: SessionInfo['locale']): Promise<SessionInfo> {
    return this.call(this.http.put<SessionInfo>(`${PORTAL_API_BASE}/me/locale`, { locale }));
  }

  async invoices(): Promise<InvoiceListItem[]> {
    const list = await this.call(this.http.get<InvoiceList>(`${PORTAL_API_BASE}/invoices`));
    return list.invoices;
  }

  invoice(id: string): Promise<InvoiceDetail> {
    return this.call(this.http.get<InvoiceDetail>(`${PORTAL_API_BASE}/invoices/${encodeURIComponent(id)}`));
  }

  /** Tells the hub the recipient has the invoice in front of them: the return receipt. */
  recordView(id: string): Promise<ViewReceipt> {
    return this.call(
      this.http.post<ViewReceipt>(`${PORTAL_API_BASE}/invoices/${encodeURIComponent(id)}/views`, {}),
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

import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import { PORTAL_API_BASE } from '../../../../gateway/portal/contract';
import type {
  CardPaymentStart,
  InvoicePaymentPage,
  PaymentClaimBody,
  PaymentClaimView,
} from '../../../../gateway/payments/pay-contract';
import { toPortalApiError } from '../api/portal-api';

const paymentUrl = (invoiceId: string) =>
  `${PORTAL_API_BASE}/invoices/${encodeURIComponent(invoiceId)}/payment`;

/** The client of paying an invoice (gateway/payments/portal-pay-routes.ts); every call resolves or throws a PortalApiError. */
@Injectable({ providedIn: 'root' })
export class PaymentsApi {
  private readonly http = inject(HttpClient);

  payment(invoiceId: string): Promise<InvoicePaymentPage> {
    return this.call(this.http.get<InvoicePaymentPage>(paymentUrl(invoiceId)));
  }

  startCard(invoiceId: string): Promise<CardPaymentStart> {
    return this.call(this.http.post<CardPaymentStart>(`${paymentUrl(invoiceId)}/card`, {}));
  }

  claim(invoiceId: string, body: PaymentClaimBody): Promise<PaymentClaimView> {
    return this.call(this.http.post<PaymentClaimView>(`${paymentUrl(invoiceId)}/claims`, body));
  }

  private async call<T>(request: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(request);
    } catch (failure) {
      throw toPortalApiError(failure);
    }
  }
}

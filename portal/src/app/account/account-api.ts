import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import {
  PORTAL_API_BASE,
  type AccountInfo,
  type ColleagueAdded,
  type ColleagueList,
  type LoginAddressChangeRequest,
  type LoginAddressChangeRequested,
  type PasswordChangeRequest,
  type PasswordChanged,
  type SecondFactorEnabled,
  type SecondFactorSetup,
} from '../../../../gateway/portal/contract';
import { toPortalApiError } from '../api/portal-api';

/**
 * The typed client of the signed-in person's own account (gateway/portal/account-routes.ts, /me/…): password,
 * sessions, second factor, colleagues. Every call resolves or throws a PortalApiError.
 */
@Injectable({ providedIn: 'root' })
export class AccountApi {
  private readonly http = inject(HttpClient);
  private readonly me = `${PORTAL_API_BASE}/me`;

  account(): Promise<AccountInfo> {
    return this.call(this.http.get<AccountInfo>(`${this.me}/account`));
  }

  changePassword(request: PasswordChangeRequest): Promise<PasswordChanged> {
    return this.call(this.http.put<PasswordChanged>(`${this.me}/password`, request));
  }

  /** A link to confirm goes to the new address; the login address changes when it is opened. */
  requestLoginAddressChange(request: LoginAddressChangeRequest): Promise<LoginAddressChangeRequested> {
    return this.call(this.http.post<LoginAddressChangeRequested>(`${this.me}/login-address`, request));
  }

  /** Every session on every device ends, this one too. */
  async logOutEverywhere(): Promise<void> {
    await this.call(this.http.delete(`${this.me}/sessions`));
  }

  startSecondFactorSetup(): Promise<SecondFactorSetup> {
    return this.call(this.http.post<SecondFactorSetup>(`${this.me}/second-factor/setup`, {}));
  }

  confirmSecondFactor(code: string): Promise<SecondFactorEnabled> {
    return this.call(this.http.post<SecondFactorEnabled>(`${this.me}/second-factor/confirm`, { code }));
  }

  async turnOffSecondFactor(code: string): Promise<void> {
    await this.call(this.http.post(`${this.me}/second-factor/off`, { code }));
  }

  colleagues(): Promise<ColleagueList> {
    return this.call(this.http.get<ColleagueList>(`${this.me}/colleagues`));
  }

  addColleague(email: string): Promise<ColleagueAdded> {
    return this.call(this.http.post<ColleagueAdded>(`${this.me}/colleagues`, { email }));
  }

  async removeColleague(userId: string): Promise<void> {
    await this.call(this.http.delete(`${this.me}/colleagues/${encodeURIComponent(userId)}`));
  }

  async leaveSharedAddress(address: string): Promise<void> {
    await this.call(this.http.delete(`${this.me}/shared-addresses/${encodeURIComponent(address)}`));
  }

  private async call<T>(request: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(request);
    } catch (failure) {
      throw toPortalApiError(failure);
    }
  }
}

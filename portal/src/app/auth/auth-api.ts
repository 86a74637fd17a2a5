import { HttpClient, type HttpResponse } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import {
  PORTAL_API_BASE,
  type EnrolledLogin,
  type LoginAddressChanged,
  type LoginChallenge,
  type LoginRequest,
  type PasswordResetAccepted,
  type PasswordResetInfo,
  type RegisterRequest,
  type SecondFactorSetup,
  type SessionInfo,
} from '../../../../gateway/portal/contract';
import { toPortalApiError } from '../api/portal-api';

/** A login (or registration) either ends in a session, or names the second step it needs (202 with a ticket). */
export type LoginStep =
  { kind: 'session'; session: SessionInfo } | { kind: 'challenge'; challenge: LoginChallenge };

/**
 * The typed client of the portal's login endpoints (gateway/portal/account-routes.ts): password, second factor,
 * the administrators' second-factor set-up, and the password reset link. Every call resolves or throws a
 * PortalApiError.
 */
@Injectable({ providedIn: 'root' })
export class AuthApi {
  private readonly http = inject(HttpClient);

  logIn(request: LoginRequest): Promise<LoginStep> {
    return this.step(
      this.http.post<SessionInfo | LoginChallenge>(`${PORTAL_API_BASE}/login`, request, {
        observe: 'response',
      }),
    );
  }

  register(request: RegisterRequest): Promise<LoginStep> {
    return this.step(
      this.http.post<SessionInfo | LoginChallenge>(`${PORTAL_API_BASE}/register`, request, {
        observe: 'response',
      }),
    );
  }

  /** The app's code (or a recovery code) after the password. */
  secondFactor(ticket: string, code: string): Promise<SessionInfo> {
    return this.call(this.http.post<SessionInfo>(`${PORTAL_API_BASE}/login/second-factor`, { ticket, code }));
  }

  /** The secret to scan, for an administrator who must set up the second factor before the session starts. */
  enrolment(ticket: string): Promise<SecondFactorSetup> {
    return this.call(
      this.http.post<SecondFactorSetup>(`${PORTAL_API_BASE}/login/second-factor-setup`, { ticket }),
    );
  }

  confirmEnrolment(ticket: string, code: string): Promise<EnrolledLogin> {
    return this.call(
      this.http.post<EnrolledLogin>(`${PORTAL_API_BASE}/login/second-factor-setup/confirm`, { ticket, code }),
    );
  }

  /** Always accepted: whether the address has an account is not told. */
  requestPasswordReset(email: string): Promise<PasswordResetAccepted> {
    return this.call(this.http.post<PasswordResetAccepted>(`${PORTAL_API_BASE}/password-resets`, { email }));
  }

  passwordReset(token: string): Promise<PasswordResetInfo> {
    return this.call(
      this.http.get<PasswordResetInfo>(`${PORTAL_API_BASE}/password-resets/${encodeURIComponent(token)}`),
    );
  }

  completePasswordReset(token: string, password: string): Promise<PasswordResetInfo> {
    return this.call(
      this.http.post<PasswordResetInfo>(`${PORTAL_API_BASE}/password-resets/${encodeURIComponent(token)}`, {
        password,
      }),
    );
  }

  /** The link mailed to a new login address: the account logs in with it from now on. */
  confirmLoginAddressChange(token: string): Promise<LoginAddressChanged> {
    return this.call(
      this.http.post<LoginAddressChanged>(
        `${PORTAL_API_BASE}/login-address-changes/${encodeURIComponent(token)}`,
        {},
      ),
    );
  }

  private async step(request: Observable<HttpResponse<SessionInfo | LoginChallenge>>): Promise<LoginStep> {
    const response = await this.call(request);
    return response.status === 202
      ? { kind: 'challenge', challenge: response.body as LoginChallenge }
      : { kind: 'session', session: response.body as SessionInfo };
  }

  private async call<T>(request: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(request);
    } catch (failure) {
      throw toPortalApiError(failure);
    }
  }
}

import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable, firstValueFrom } from 'rxjs';
import {
  PORTAL_API_BASE,
  type IssuerRoleName,
  type IssuerUser,
  type IssuerUserAdded,
  type IssuerUserList,
} from '../../../../gateway/portal/contract';
import { toPortalApiError } from '../api/portal-api';

/** The typed client of an issuer's users (admins only; gateway/portal/account-routes.ts). */
@Injectable({ providedIn: 'root' })
export class IssuerUsersApi {
  private readonly http = inject(HttpClient);

  list(issuerId: string): Promise<IssuerUserList> {
    return this.call(this.http.get<IssuerUserList>(this.users(issuerId)));
  }

  add(issuerId: string, email: string, role: IssuerRoleName): Promise<IssuerUserAdded> {
    return this.call(this.http.post<IssuerUserAdded>(this.users(issuerId), { email, role }));
  }

  changeRole(issuerId: string, userId: string, role: IssuerRoleName): Promise<IssuerUser> {
    return this.call(
      this.http.put<IssuerUser>(`${this.users(issuerId)}/${encodeURIComponent(userId)}`, { role }),
    );
  }

  async remove(issuerId: string, userId: string): Promise<void> {
    await this.call(this.http.delete(`${this.users(issuerId)}/${encodeURIComponent(userId)}`));
  }

  private users(issuerId: string): string {
    return `${PORTAL_API_BASE}/issuers/${encodeURIComponent(issuerId)}/users`;
  }

  private async call<T>(request: Observable<T>): Promise<T> {
    try {
      return await firstValueFrom(request);
    } catch (failure) {
      throw toPortalApiError(failure);
    }
  }
}

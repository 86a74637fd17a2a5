import { Injectable, computed, inject, signal } from '@angular/core';
import { PortalApi } from '../api/portal-api';

/** Who is logged in, as far as the browser knows. The session itself is an HttpOnly cookie the page cannot read. */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly api = inject(PortalApi);
  private readonly signedInEmail = signal<string | null>(null);

  readonly email = this.signedInEmail.asReadonly();
  readonly isLoggedIn = computed(() => this.signedInEmail() !== null);

  /** Asks the server whether the cookie still holds a session (on start-up). */
  async restore(): Promise<void> {
    try {
      this.signedInEmail.set((await this.api.session()).email);
    } catch {
      this.signedInEmail.set(null);
    }
  }

  signedIn(email: string): void {
    this.signedInEmail.set(email);
  }

  async logout(): Promise<void> {
    try {
      await this.api.logout();
    } finally {
      this.signedInEmail.set(null);
    }
  }

  /** The server no longer knows the session (expired or logged out elsewhere). */
  forget(): void {
    this.signedInEmail.set(null);
  }
}

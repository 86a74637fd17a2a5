import { Injectable, computed, inject, signal } from '@angular/core';
import type { SessionInfo } from '../../../../gateway/portal/contract';
import { PortalApi } from '../api/portal-api';
import { Language } from '../i18n/language.service';

/** Who is logged in, as far as the browser knows. The session itself is an HttpOnly cookie the page cannot read. */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly api = inject(PortalApi);
  private readonly language = inject(Language);
  private readonly signedInEmail = signal<string | null>(null);

  readonly email = this.signedInEmail.asReadonly();
  readonly isLoggedIn = computed(() => this.signedInEmail() !== null);

  /** Asks the server whether the cookie still holds a session (on start-up); the answer, or null. */
  async restore(): Promise<SessionInfo | null> {
    try {
      const session = await this.api.session();
      this.signedInEmail.set(session.email);
      return session;
    } catch {
      this.signedInEmail.set(null);
      return null;
    }
  }

  /** After logging in or registering, with the server's answer (it carries the account's language). */
  async signedIn(session: SessionInfo): Promise<void> {
    this.signedInEmail.set(session.email);
    await this.language.accountSignedIn(session);
  }

  async logout(): Promise<void> {
    try {
      await this.api.logout();
    } finally {
      this.forget();
    }
  }

  /** The server no longer knows the session (expired or logged out elsewhere). */
  forget(): void {
    this.signedInEmail.set(null);
    this.language.accountSignedOut();
  }
}

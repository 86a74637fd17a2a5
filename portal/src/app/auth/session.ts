import { Injectable, computed, inject, signal } from '@angular/core';
import type { SessionInfo } from '../../../../gateway/portal/contract';
import { PortalApi } from '../api/portal-api';
import { Language } from '../i18n/language.service';

/**
 * Who is logged in, as far as the browser knows: the session answer (address, the addresses shared with them, the
 * issuers they work for). The session itself is an HttpOnly cookie the page cannot read.
 */
@Injectable({ providedIn: 'root' })
export class Session {
  private readonly api = inject(PortalApi);
  private readonly language = inject(Language);
  private readonly current = signal<SessionInfo | null>(null);

  /** The whole session answer, or null when nobody is logged in. */
  readonly info = this.current.asReadonly();
  readonly email = computed(() => this.current()?.email ?? null);
  readonly isLoggedIn = computed(() => this.current() !== null);
  /** The issuers the person works for, with their role there (empty for a recipient only). */
  readonly issuers = computed(() => this.current()?.issuers ?? []);
  /** Operates the hub: the operator console is in the navigation. */
  readonly operator = computed(() => this.current()?.operator ?? false);

  /** Asks the server whether the cookie still holds a session (on start-up); the answer, or null. */
  async restore(): Promise<SessionInfo | null> {
    try {
      const session = await this.api.session();
      this.current.set(session);
      return session;
    } catch {
      this.current.set(null);
      return null;
    }
  }

  /** Asks again after something changed what the person may see (an issuer's users, shared addresses). */
  async refresh(): Promise<void> {
    if (!this.isLoggedIn()) return;
    try {
      this.current.set(await this.api.session());
    } catch {
      // A 401 is handled by the interceptor; anything else leaves the last known answer in place.
    }
  }

  /** After logging in or registering, with the server's answer (it carries the account's language). */
  async signedIn(session: SessionInfo): Promise<void> {
    this.current.set(session);
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
    this.current.set(null);
    this.language.accountSignedOut();
  }
}

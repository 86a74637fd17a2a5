import { Injectable, signal } from '@angular/core';
import type { LoginChallenge } from '../../../../gateway/portal/contract';

/**
 * A login's second step handed from the page that started it (registration) to the login page, which asks for it.
 * Kept in memory only: the ticket is worth a few minutes and never outlives the page.
 */
@Injectable({ providedIn: 'root' })
export class PendingLogin {
  private readonly pending = signal<LoginChallenge | null>(null);

  hold(challenge: LoginChallenge): void {
    this.pending.set(challenge);
  }

  /** The waiting step, once: it is cleared as it is taken. */
  take(): LoginChallenge | null {
    const challenge = this.pending();
    this.pending.set(null);
    return challenge;
  }
}

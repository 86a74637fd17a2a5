import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { Router } from '@angular/router';
import { problemText } from '../api/problem-text';
import { Session } from '../auth/session';
import { Language, TranslatePipe } from '../i18n';
import { AccountApi } from './account-api';

/** Log out everywhere: every session on every device ends, this one too, and the login page follows. */
@Component({
  selector: 'hub-sessions',
  imports: [TranslatePipe],
  template: `
    <section class="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">{{ 'accounts.account.sessions.heading' | t }}</h2>
      <p>{{ 'accounts.account.sessions.count' | t: { count: liveSessions() } }}</p>
      <p class="muted">{{ 'accounts.account.sessions.explain' | t }}</p>
      @if (problem(); as message) {
        <p class="alert error" role="alert">{{ message }}</p>
      }
      <button type="button" class="button danger" [disabled]="busy()" (click)="endAll()">
        {{ (busy() ? 'accounts.account.sessions.ending' : 'accounts.account.sessions.endAll') | t }}
      </button>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SessionsComponent {
  private readonly api = inject(AccountApi);
  private readonly session = inject(Session);
  private readonly router = inject(Router);
  private readonly language = inject(Language);

  readonly liveSessions = input.required<number>();
  readonly busy = signal(false);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : problemText(failure, this.language.translator(), 'accounts.account.sessions.failed');
  });

  async endAll(): Promise<void> {
    this.busy.set(true);
    this.failure.set(null);
    try {
      await this.api.logOutEverywhere();
      this.session.forget();
      await this.router.navigate(['/login']);
    } catch (failure) {
      this.failure.set(failure);
    } finally {
      this.busy.set(false);
    }
  }
}

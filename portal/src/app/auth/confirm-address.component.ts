import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { LoginAddressChanged } from '../../../../gateway/portal/contract';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe } from '../i18n';
import { AuthApi } from './auth-api';
import { Session } from './session';

type ConfirmState =
  | { kind: 'confirming' }
  | { kind: 'done'; changed: LoginAddressChanged }
  | { kind: 'failed'; failure: unknown };

/**
 * The page the confirmation e-mail links to (/confirm-address/:token): opening it moves the account's login to the
 * new address. Whoever holds the link may confirm; the account's invoices stay with it either way.
 */
@Component({
  selector: 'hub-confirm-address',
  imports: [RouterLink, TranslatePipe],
  template: `
    <section class="card narrow" aria-labelledby="confirm-address-heading">
      <h1 id="confirm-address-heading">{{ 'accounts.confirmAddress.heading' | t }}</h1>
      @switch (state().kind) {
        @case ('confirming') {
          <p class="muted" role="status">{{ 'accounts.confirmAddress.confirming' | t }}</p>
        }
        @case ('done') {
          <p role="status">{{ 'accounts.confirmAddress.done' | t: { email: changedTo() } }}</p>
          <p>
            <a class="button primary" routerLink="/login" [queryParams]="{ email: changedTo() }">{{
              'accounts.reset.goToLogin' | t
            }}</a>
          </p>
        }
        @case ('failed') {
          <p class="alert error" role="alert">{{ problem() }}</p>
        }
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ConfirmAddressComponent implements OnInit {
  private readonly api = inject(AuthApi);
  private readonly language = inject(Language);
  private readonly session = inject(Session);

  readonly token = input.required<string>();
  readonly state = signal<ConfirmState>({ kind: 'confirming' });
  readonly changedTo = computed(() => {
    const state = this.state();
    return state.kind === 'done' ? state.changed.email : '';
  });
  readonly problem = computed(() => {
    const state = this.state();
    return state.kind === 'failed'
      ? problemText(state.failure, this.language.translator(), 'accounts.confirmAddress.failed')
      : null;
  });

  async ngOnInit(): Promise<void> {
    try {
      const changed = await this.api.confirmLoginAddressChange(this.token());
      this.state.set({ kind: 'done', changed });
      await this.session.refresh(); // this browser may be logged in to the account
    } catch (failure) {
      this.state.set({ kind: 'failed', failure });
    }
  }
}

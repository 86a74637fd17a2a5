import { ChangeDetectionStrategy, Component, OnInit, computed, inject, signal } from '@angular/core';
import type { AccountInfo } from '../../../../gateway/portal/contract';
import { problemText } from '../api/problem-text';
import { Session } from '../auth/session';
import { Language, TranslatePipe } from '../i18n';
import { AccountApi } from './account-api';
import { ColleaguesComponent } from './colleagues.component';
import { LoginAddressComponent } from './login-address.component';
import { PasswordChangeComponent } from './password-change.component';
import { SecondFactorSettingsComponent } from './second-factor-settings.component';
import { SessionsComponent } from './sessions.component';

/**
 * The person's own account (/account): who they are here, password, login address, two-step login, sessions,
 * colleagues.
 */
@Component({
  selector: 'hub-account',
  imports: [
    TranslatePipe,
    PasswordChangeComponent,
    LoginAddressComponent,
    SecondFactorSettingsComponent,
    SessionsComponent,
    ColleaguesComponent,
  ],
  template: `
    <h1>{{ 'accounts.account.heading' | t }}</h1>
    @if (account(); as account) {
      <p>{{ 'accounts.account.signedInAs' | t: { email: account.email } }}</p>
      @if (roles().length) {
        <ul class="roles">
          @for (role of roles(); track role) {
            <li>{{ role }}</li>
          }
        </ul>
      }
      <hub-password-change
        [email]="account.email"
        [changedAt]="account.passwordChangedAt"
        (changed)="load()"
      />
      <hub-login-address [email]="account.email" />
      <hub-second-factor-settings [account]="account" (changed)="load()" />
      <hub-sessions [liveSessions]="account.liveSessions" />
      <hub-colleagues (changed)="session.refresh()" />
    } @else if (problem(); as message) {
      <p class="alert error" role="alert">{{ message }}</p>
    } @else {
      <p class="muted" role="status">{{ 'accounts.account.loading' | t }}</p>
    }
  `,
  styles: `
    .roles {
      padding-left: 1.2rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AccountComponent implements OnInit {
  private readonly api = inject(AccountApi);
  private readonly language = inject(Language);
  readonly session = inject(Session);

  readonly account = signal<AccountInfo | null>(null);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : problemText(failure, this.language.translator(), 'accounts.account.loadFailed');
  });
  /** "Administrator of Издател ООД", one per issuer the person works for. */
  readonly roles = computed(() => {
    const { t } = this.language.translator();
    return this.session.issuers().map((m) =>
      t('accounts.account.issuerRole', {
        role: t(m.role === 'admin' ? 'accounts.account.roles.admin' : 'accounts.account.roles.clerk'),
        issuer: m.name,
      }),
    );
  });

  async ngOnInit(): Promise<void> {
    await this.load();
  }

  async load(): Promise<void> {
    try {
      this.account.set(await this.api.account());
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe } from '../i18n';
import { AccountApi } from './account-api';

/**
 * Changing the login address: the new address and the current password. Nothing changes until the link mailed to
 * the new address is opened (/confirm-address/:token); the invoices received so far stay with the account.
 */
@Component({
  selector: 'hub-login-address',
  imports: [ReactiveFormsModule, TranslatePipe],
  template: `
    <section class="card" aria-labelledby="login-address-heading">
      <h2 id="login-address-heading">{{ 'accounts.account.loginAddress.heading' | t }}</h2>
      <p class="muted">{{ 'accounts.account.loginAddress.explain' | t: { email: email() } }}</p>
      <form [formGroup]="form" (ngSubmit)="ask()" novalidate>
        <label for="login-address-new">{{ 'accounts.account.loginAddress.newEmail' | t }}</label>
        <input
          id="login-address-new"
          type="email"
          formControlName="newEmail"
          autocomplete="email"
          [attr.aria-invalid]="newEmailMissing ? 'true' : null"
          [attr.aria-describedby]="newEmailMissing ? 'login-address-new-error' : null"
        />
        @if (newEmailMissing) {
          <p id="login-address-new-error" class="field-error">
            {{ 'accounts.account.loginAddress.newEmailMissing' | t }}
          </p>
        }
        <label for="login-address-current">{{ 'accounts.account.changePassword.current' | t }}</label>
        <input
          id="login-address-current"
          type="password"
          formControlName="current"
          autocomplete="current-password"
          [attr.aria-invalid]="currentMissing ? 'true' : null"
          [attr.aria-describedby]="currentMissing ? 'login-address-current-error' : null"
        />
        @if (currentMissing) {
          <p id="login-address-current-error" class="field-error">
            {{ 'accounts.account.changePassword.currentMissing' | t }}
          </p>
        }
        @if (problem(); as message) {
          <p class="alert error" role="alert">{{ message }}</p>
        }
        @if (mailedTo(); as address) {
          <p class="alert success" role="status">
            {{ 'accounts.account.loginAddress.mailed' | t: { email: address } }}
          </p>
        }
        <button type="submit" class="primary" [disabled]="submitting()">
          {{
            (submitting()
              ? 'accounts.account.loginAddress.submitting'
              : 'accounts.account.loginAddress.submit'
            ) | t
          }}
        </button>
      </form>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginAddressComponent {
  private readonly api = inject(AccountApi);
  private readonly language = inject(Language);

  readonly email = input.required<string>();

  readonly form = inject(NonNullableFormBuilder).group({
    newEmail: ['', [Validators.required, Validators.email]],
    current: ['', Validators.required],
  });
  readonly submitting = signal(false);
  readonly mailedTo = signal<string | null>(null);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : problemText(failure, this.language.translator(), 'accounts.account.loginAddress.failed');
  });

  get newEmailMissing(): boolean {
    const { newEmail } = this.form.controls;
    return newEmail.touched && newEmail.invalid;
  }

  get currentMissing(): boolean {
    const { current } = this.form.controls;
    return current.touched && current.invalid;
  }

  async ask(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    this.failure.set(null);
    this.mailedTo.set(null);
    try {
      const { newEmail, current } = this.form.getRawValue();
      const asked = await this.api.requestLoginAddressChange({ newEmail, currentPassword: current });
      this.form.reset();
      this.mailedTo.set(asked.email);
    } catch (failure) {
      this.failure.set(failure);
    } finally {
      this.submitting.set(false);
    }
  }
}

import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { PASSWORD_MIN_LENGTH } from '../../../../gateway/portal/contract';
import { problemText } from '../api/problem-text';
import { NEW_PASSWORD_VALIDATORS, newPasswordError, passwordsMatch } from '../auth/password-rules';
import { Language, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { AccountApi } from './account-api';

/** Changing the password: the current one, the new one twice. The person's other sessions end; this one goes on. */
@Component({
  selector: 'hub-password-change',
  imports: [ReactiveFormsModule, TranslatePipe, ...FORMAT_PIPES],
  template: `
    <section class="card" aria-labelledby="password-heading">
      <h2 id="password-heading">{{ 'accounts.account.changePassword.heading' | t }}</h2>
      <p class="muted">
        @if (changedAt(); as at) {
          {{ 'accounts.account.changePassword.lastChanged' | t: { at: (at | timestamp) } }}
        } @else {
          {{ 'accounts.account.changePassword.neverChanged' | t }}
        }
      </p>
      <form [formGroup]="form" (ngSubmit)="change()" novalidate>
        <input type="email" name="username" autocomplete="username" [value]="email()" hidden readonly />
        <label for="change-current">{{ 'accounts.account.changePassword.current' | t }}</label>
        <input
          id="change-current"
          type="password"
          formControlName="current"
          autocomplete="current-password"
          [attr.aria-invalid]="currentMissing ? 'true' : null"
          [attr.aria-describedby]="currentMissing ? 'change-current-error' : null"
        />
        @if (currentMissing) {
          <p id="change-current-error" class="field-error">
            {{ 'accounts.account.changePassword.currentMissing' | t }}
          </p>
        }
        <label for="change-password">{{ 'accounts.account.changePassword.new' | t }}</label>
        <input
          id="change-password"
          type="password"
          formControlName="password"
          autocomplete="new-password"
          [attr.aria-invalid]="passwordError ? 'true' : null"
          [attr.aria-describedby]="
            passwordError ? 'change-password-hint change-password-error' : 'change-password-hint'
          "
        />
        <p id="change-password-hint" class="hint">{{ 'accounts.password.hint' | t: { min: minLength } }}</p>
        @switch (passwordError) {
          @case ('missing') {
            <p id="change-password-error" class="field-error">{{ 'accounts.password.missing' | t }}</p>
          }
          @case ('tooShort') {
            <p id="change-password-error" class="field-error">
              {{ 'accounts.password.tooShort' | t: { min: minLength } }}
            </p>
          }
          @case ('tooLong') {
            <p id="change-password-error" class="field-error">{{ 'accounts.password.tooLong' | t }}</p>
          }
        }
        <label for="change-repeated">{{ 'accounts.account.changePassword.repeat' | t }}</label>
        <input
          id="change-repeated"
          type="password"
          formControlName="repeated"
          autocomplete="new-password"
          [attr.aria-invalid]="repeatedMismatch ? 'true' : null"
          [attr.aria-describedby]="repeatedMismatch ? 'change-repeated-error' : null"
        />
        @if (repeatedMismatch) {
          <p id="change-repeated-error" class="field-error">{{ 'accounts.password.mismatch' | t }}</p>
        }
        @if (problem(); as message) {
          <p class="alert error" role="alert">{{ message }}</p>
        }
        @if (endedSessions() !== null) {
          <p class="alert success" role="status">
            {{ 'accounts.account.changePassword.done' | t: { count: endedSessions() ?? 0 } }}
          </p>
        }
        <button type="submit" class="primary" [disabled]="submitting()">
          {{
            (submitting()
              ? 'accounts.account.changePassword.submitting'
              : 'accounts.account.changePassword.submit'
            ) | t
          }}
        </button>
      </form>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PasswordChangeComponent {
  private readonly api = inject(AccountApi);
  private readonly language = inject(Language);

  readonly email = input.required<string>();
  readonly changedAt = input<string | null>(null);
  readonly changed = output<void>();

  readonly minLength = PASSWORD_MIN_LENGTH;
  readonly form = inject(NonNullableFormBuilder).group(
    { current: ['', Validators.required], password: ['', NEW_PASSWORD_VALIDATORS], repeated: [''] },
    { validators: passwordsMatch },
  );
  readonly submitting = signal(false);
  readonly endedSessions = signal<number | null>(null);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : problemText(failure, this.language.translator(), 'accounts.account.changePassword.failed');
  });

  get currentMissing(): boolean {
    const { current } = this.form.controls;
    return current.touched && current.invalid;
  }

  get passwordError() {
    return newPasswordError(this.form.controls.password);
  }

  get repeatedMismatch(): boolean {
    return this.form.controls.repeated.touched && this.form.hasError('mismatch');
  }

  async change(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    this.failure.set(null);
    this.endedSessions.set(null);
    try {
      const { current, password } = this.form.getRawValue();
      const { endedSessions } = await this.api.changePassword({
        currentPassword: current,
        newPassword: password,
      });
      this.form.reset();
      this.endedSessions.set(endedSessions);
      this.changed.emit();
    } catch (failure) {
      this.failure.set(failure);
    } finally {
      this.submitting.set(false);
    }
  }
}

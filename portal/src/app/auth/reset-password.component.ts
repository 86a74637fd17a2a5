import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { PASSWORD_MIN_LENGTH } from '../../../../gateway/portal/contract';
import { PortalApiError } from '../api/portal-api';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe } from '../i18n';
import { AuthApi } from './auth-api';
import { NEW_PASSWORD_VALIDATORS, newPasswordError, passwordsMatch } from './password-rules';
import { Session } from './session';

type ResetState =
  | { kind: 'loading' }
  | { kind: 'open'; email: string }
  | { kind: 'closed'; failure: unknown }
  | { kind: 'done'; email: string };

/** Codes for which the link is of no use any more: the page offers a new one instead of the form. */
const CLOSED = new Set(['RESET_NOT_FOUND', 'RESET_USED', 'RESET_SUPERSEDED', 'RESET_EXPIRED']);

/**
 * The page the reset e-mail links to (/reset-password/:token): the new password, twice. Saving it ends every session
 * of the account, this browser's too, so the person logs in afresh (with the second factor, if they have one).
 */
@Component({
  selector: 'hub-reset-password',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe],
  template: `
    <section class="card narrow" aria-labelledby="reset-heading">
      @switch (state().kind) {
        @case ('loading') {
          <h1 id="reset-heading">{{ 'accounts.reset.heading' | t }}</h1>
          <p class="muted" role="status">{{ 'accounts.reset.opening' | t }}</p>
        }
        @case ('closed') {
          <h1 id="reset-heading">{{ 'accounts.reset.heading' | t }}</h1>
          <p class="alert error" role="alert">{{ problem() }}</p>
          <p>
            <a class="button primary" routerLink="/forgot-password">{{ 'accounts.reset.askNew' | t }}</a>
          </p>
        }
        @case ('done') {
          <h1 id="reset-heading">{{ 'accounts.reset.doneHeading' | t }}</h1>
          <p role="status">{{ 'accounts.reset.done' | t: { email: email() } }}</p>
          <p>
            <a class="button primary" routerLink="/login" [queryParams]="{ email: email() }">{{
              'accounts.reset.goToLogin' | t
            }}</a>
          </p>
        }
        @case ('open') {
          <h1 id="reset-heading">{{ 'accounts.reset.heading' | t }}</h1>
          <p>{{ 'accounts.reset.forAccount' | t: { email: email() } }}</p>
          <p class="muted">{{ 'accounts.reset.effect' | t }}</p>
          <form [formGroup]="form" (ngSubmit)="save()" novalidate>
            <input type="email" name="username" autocomplete="username" [value]="email()" hidden readonly />
            <label for="reset-password">{{ 'accounts.reset.password' | t }}</label>
            <input
              id="reset-password"
              type="password"
              formControlName="password"
              autocomplete="new-password"
              [attr.aria-invalid]="passwordError ? 'true' : null"
              [attr.aria-describedby]="
                passwordError ? 'reset-password-hint reset-password-error' : 'reset-password-hint'
              "
            />
            <p id="reset-password-hint" class="hint">
              {{ 'accounts.password.hint' | t: { min: minLength } }}
            </p>
            @switch (passwordError) {
              @case ('missing') {
                <p id="reset-password-error" class="field-error">{{ 'accounts.password.missing' | t }}</p>
              }
              @case ('tooShort') {
                <p id="reset-password-error" class="field-error">
                  {{ 'accounts.password.tooShort' | t: { min: minLength } }}
                </p>
              }
              @case ('tooLong') {
                <p id="reset-password-error" class="field-error">{{ 'accounts.password.tooLong' | t }}</p>
              }
            }
            <label for="reset-repeated">{{ 'accounts.reset.repeat' | t }}</label>
            <input
              id="reset-repeated"
              type="password"
              formControlName="repeated"
              autocomplete="new-password"
              [attr.aria-invalid]="repeatedMismatch ? 'true' : null"
              [attr.aria-describedby]="repeatedMismatch ? 'reset-repeated-error' : null"
            />
            @if (repeatedMismatch) {
              <p id="reset-repeated-error" class="field-error">{{ 'accounts.password.mismatch' | t }}</p>
            }
            @if (problem(); as message) {
              <p class="alert error" role="alert">{{ message }}</p>
            }
            <button type="submit" class="primary" [disabled]="submitting()">
              {{ (submitting() ? 'accounts.reset.submitting' : 'accounts.reset.submit') | t }}
            </button>
          </form>
        }
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ResetPasswordComponent implements OnInit {
  private readonly api = inject(AuthApi);
  private readonly language = inject(Language);
  private readonly session = inject(Session);

  /** Route parameter: the token from the e-mailed link. */
  readonly token = input.required<string>();

  readonly minLength = PASSWORD_MIN_LENGTH;
  readonly state = signal<ResetState>({ kind: 'loading' });
  readonly email = computed(() => {
    const state = this.state();
    return state.kind === 'open' || state.kind === 'done' ? state.email : '';
  });
  readonly submitting = signal(false);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const state = this.state();
    const failure = state.kind === 'closed' ? state.failure : this.failure();
    return failure === null
      ? null
      : problemText(failure, this.language.translator(), 'accounts.reset.failed');
  });

  readonly form = inject(NonNullableFormBuilder).group(
    { password: ['', NEW_PASSWORD_VALIDATORS], repeated: [''] },
    { validators: passwordsMatch },
  );

  get passwordError() {
    return newPasswordError(this.form.controls.password);
  }

  get repeatedMismatch(): boolean {
    return this.form.controls.repeated.touched && this.form.hasError('mismatch');
  }

  async ngOnInit(): Promise<void> {
    try {
      this.state.set({ kind: 'open', email: (await this.api.passwordReset(this.token())).email });
    } catch (failure) {
      this.state.set({ kind: 'closed', failure });
    }
  }

  async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    this.failure.set(null);
    try {
      const { email } = await this.api.completePasswordReset(this.token(), this.form.controls.password.value);
      this.session.forget(); // every session ended, this browser's included
      this.state.set({ kind: 'done', email });
    } catch (failure) {
      if (failure instanceof PortalApiError && CLOSED.has(failure.code))
        this.state.set({ kind: 'closed', failure });
      else this.failure.set(failure);
    } finally {
      this.submitting.set(false);
    }
  }
}

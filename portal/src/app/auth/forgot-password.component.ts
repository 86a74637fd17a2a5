import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe } from '../i18n';
import { AuthApi } from './auth-api';

/**
 * "Forgotten password": the address, then a confirmation that says the same whether or not the address has an
 * account (the hub never tells).
 */
@Component({
  selector: 'hub-forgot-password',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe],
  template: `
    <section class="card narrow" aria-labelledby="forgot-heading">
      @if (sent(); as sent) {
        <h1 id="forgot-heading">{{ 'accounts.forgot.sentHeading' | t }}</h1>
        <p role="status">{{ 'accounts.forgot.sent' | t: { email: sent.email, minutes: sent.minutes } }}</p>
        <p class="muted">{{ 'accounts.forgot.notArrived' | t }}</p>
        <p>
          <button type="button" (click)="askAgain()">{{ 'accounts.forgot.again' | t }}</button>
        </p>
      } @else {
        <h1 id="forgot-heading">{{ 'accounts.forgot.heading' | t }}</h1>
        <p>{{ 'accounts.forgot.intro' | t }}</p>
        <form [formGroup]="form" (ngSubmit)="send()" novalidate>
          <label for="forgot-email">{{ 'accounts.forgot.email' | t }}</label>
          <input
            id="forgot-email"
            type="email"
            formControlName="email"
            autocomplete="username"
            inputmode="email"
            [attr.aria-invalid]="emailMissing ? 'true' : null"
            [attr.aria-describedby]="emailMissing ? 'forgot-email-error' : null"
          />
          @if (emailMissing) {
            <p id="forgot-email-error" class="field-error">{{ 'accounts.forgot.emailMissing' | t }}</p>
          }
          @if (problem(); as message) {
            <p class="alert error" role="alert">{{ message }}</p>
          }
          <button type="submit" class="primary" [disabled]="submitting()">
            {{ (submitting() ? 'accounts.forgot.submitting' : 'accounts.forgot.submit') | t }}
          </button>
        </form>
      }
      <p class="small">
        <a routerLink="/login">{{ 'accounts.forgot.backToLogin' | t }}</a>
      </p>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ForgotPasswordComponent implements OnInit {
  private readonly api = inject(AuthApi);
  private readonly language = inject(Language);

  /** Query parameter: the address typed on the login page. */
  readonly email = input<string>();

  readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
  });
  readonly submitting = signal(false);
  readonly sent = signal<{ email: string; minutes: number } | null>(null);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : problemText(failure, this.language.translator(), 'accounts.forgot.failed');
  });

  get emailMissing(): boolean {
    const { email } = this.form.controls;
    return email.touched && email.invalid;
  }

  ngOnInit(): void {
    const email = this.email();
    if (email) this.form.controls.email.setValue(email);
  }

  async send(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    this.failure.set(null);
    try {
      const email = this.form.controls.email.value.trim();
      const { linkMinutes } = await this.api.requestPasswordReset(email);
      this.sent.set({ email, minutes: linkMinutes });
    } catch (failure) {
      this.failure.set(failure);
    } finally {
      this.submitting.set(false);
    }
  }

  askAgain(): void {
    this.sent.set(null);
  }
}

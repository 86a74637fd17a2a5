import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import type { LoginChallenge, SecondFactorSetup, SessionInfo } from '../../../../gateway/portal/contract';
import { PortalApiError } from '../api/portal-api';
import { problemText } from '../api/problem-text';
import { RecoveryCodesComponent } from '../account/recovery-codes.component';
import { SecondFactorSetupComponent } from '../account/second-factor-setup.component';
import { Language, TranslatePipe } from '../i18n';
import { AuthApi, type LoginStep } from './auth-api';
import { landingPage } from './landing';
import { PendingLogin } from './pending-login';
import { Session } from './session';

/** Where the login is: the password, the app's code, an administrator's set-up, the recovery codes to keep. */
type Stage =
  | { kind: 'password' }
  | { kind: 'code'; ticket: string }
  | { kind: 'enrol'; ticket: string; setup: SecondFactorSetup | null }
  | { kind: 'recoveryCodes'; codes: string[]; session: SessionInfo };

/**
 * The one login page, for recipients and issuer users alike: e-mail and password, then the second factor when the
 * account has one (or, for an issuer administrator who must, its set-up). Throttled attempts say how long to wait.
 */
@Component({
  selector: 'hub-login',
  imports: [
    ReactiveFormsModule,
    RouterLink,
    TranslatePipe,
    SecondFactorSetupComponent,
    RecoveryCodesComponent,
  ],
  templateUrl: './login.component.html',
  styles: `
    .code-input {
      width: 100%;
      max-width: 12rem;
      padding: 0.65rem 0.75rem;
      border: 1px solid #cbd5e1;
      border-radius: 6px;
      font: inherit;
      font-size: 1.25rem;
      letter-spacing: 0.15em;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginComponent implements OnInit {
  private readonly session = inject(Session);
  private readonly language = inject(Language);
  private readonly router = inject(Router);
  private readonly api = inject(AuthApi);
  private readonly pending = inject(PendingLogin);

  /** Query parameter: the page the visitor wanted before being asked to log in. */
  readonly returnUrl = input<string>();
  /** Query parameter: the address to fill in (after a password reset). */
  readonly email = input<string>();

  readonly stage = signal<Stage>({ kind: 'password' });
  readonly codeStage = computed(() => {
    const stage = this.stage();
    return stage.kind === 'code' ? stage : null;
  });
  readonly enrolStage = computed(() => {
    const stage = this.stage();
    return stage.kind === 'enrol' ? stage : null;
  });
  readonly codesStage = computed(() => {
    const stage = this.stage();
    return stage.kind === 'recoveryCodes' ? stage : null;
  });

  readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  readonly codeForm = inject(NonNullableFormBuilder).group({
    code: ['', [Validators.required, Validators.maxLength(20)]],
  });
  readonly submitting = signal(false);
  /** The failure as it happened; its text is written in the language on screen, also after a switch. */
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null ? null : problemText(failure, this.language.translator(), 'login.failed');
  });
  /** For a lock, how long it lasts (the throttle's own text already says the seconds). */
  readonly wait = computed(() => {
    const failure = this.failure();
    if (!(failure instanceof PortalApiError) || failure.code !== 'ACCOUNT_LOCKED') return null;
    const seconds = failure.details['retryAfterSeconds'];
    if (typeof seconds !== 'number') return null;
    return seconds > 90
      ? this.language.t('accounts.login.waitMinutes', { minutes: Math.ceil(seconds / 60) })
      : this.language.t('accounts.login.waitSeconds', { seconds });
  });

  /** A field's error shows once the field was left or the form was sent (blur and submit re-render the view). */
  get emailMissing(): boolean {
    const { email } = this.form.controls;
    return email.touched && email.invalid;
  }

  get passwordMissing(): boolean {
    const { password } = this.form.controls;
    return password.touched && password.invalid;
  }

  get codeMissing(): boolean {
    const { code } = this.codeForm.controls;
    return code.touched && code.invalid;
  }

  ngOnInit(): void {
    const email = this.email();
    if (email) this.form.controls.email.setValue(email);
    // Registration may have ended in a second step (an administrator's set-up): continue it here.
    const challenge = this.pending.take();
    if (challenge) void this.continueWith({ kind: 'challenge', challenge });
  }

  async logIn(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    await this.attempt(async () => this.continueWith(await this.api.logIn(this.form.getRawValue())));
  }

  async sendCode(ticket: string): Promise<void> {
    if (this.codeForm.invalid) {
      this.codeForm.markAllAsTouched();
      return;
    }
    await this.attempt(async () => {
      const session = await this.api.secondFactor(ticket, this.codeForm.controls.code.value.trim());
      await this.finish(session);
    });
  }

  async confirmEnrolment(ticket: string, code: string): Promise<void> {
    await this.attempt(async () => {
      const enrolled = await this.api.confirmEnrolment(ticket, code);
      this.stage.set({ kind: 'recoveryCodes', codes: enrolled.recoveryCodes, session: enrolled.session });
    });
  }

  async codesKept(session: SessionInfo): Promise<void> {
    await this.finish(session);
  }

  /** Back to the password (another account, or the step expired). */
  startOver(): void {
    this.failure.set(null);
    this.codeForm.reset();
    this.form.controls.password.reset();
    this.stage.set({ kind: 'password' });
  }

  private async continueWith(step: LoginStep): Promise<void> {
    if (step.kind === 'session') return this.finish(step.session);
    this.codeForm.reset();
    const challenge: LoginChallenge = step.challenge;
    if (challenge.next === 'second-factor') {
      this.stage.set({ kind: 'code', ticket: challenge.ticket });
      return;
    }
    this.stage.set({ kind: 'enrol', ticket: challenge.ticket, setup: null });
    await this.attempt(async () => {
      this.stage.set({
        kind: 'enrol',
        ticket: challenge.ticket,
        setup: await this.api.enrolment(challenge.ticket),
      });
    });
  }

  private async finish(session: SessionInfo): Promise<void> {
    await this.session.signedIn(session);
    await this.router.navigateByUrl(landingPage(session, this.returnUrl()));
  }

  private async attempt(work: () => Promise<void>): Promise<void> {
    this.submitting.set(true);
    this.failure.set(null);
    try {
      await work();
    } catch (failure) {
      this.failure.set(failure);
      // A ticket that expired or ran out of tries cannot be used again: start from the password.
      if (failure instanceof PortalApiError && failure.code === 'LOGIN_EXPIRED') {
        this.stage.set({ kind: 'password' });
        this.form.controls.password.reset();
      }
    } finally {
      this.submitting.set(false);
    }
  }
}

import { ChangeDetectionStrategy, Component, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router } from '@angular/router';
import { PortalApi, PortalApiError } from '../api/portal-api';
import { safeReturnUrl } from './return-url';
import { Session } from './session';

@Component({
  selector: 'hub-login',
  imports: [ReactiveFormsModule],
  templateUrl: './login.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginComponent {
  private readonly api = inject(PortalApi);
  private readonly session = inject(Session);
  private readonly router = inject(Router);

  /** Query parameter: the page the visitor wanted before being asked to log in. */
  readonly returnUrl = input<string>();

  readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  readonly submitting = signal(false);
  readonly problem = signal<string | null>(null);

  async logIn(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    this.problem.set(null);
    try {
      const { email } = await this.api.login(this.form.getRawValue());
      this.session.signedIn(email);
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (failure) {
      this.problem.set(loginProblem(failure));
    } finally {
      this.submitting.set(false);
    }
  }
}

function loginProblem(failure: unknown): string {
  if (!(failure instanceof PortalApiError)) return 'Logging in failed. Please try again.';
  if (failure.code === 'INVALID_CREDENTIALS') return 'The e-mail address or the password is not right.';
  return failure.message;
}

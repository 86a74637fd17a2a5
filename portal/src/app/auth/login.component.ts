import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router } from '@angular/router';
import { PortalApi } from '../api/portal-api';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe } from '../i18n';
import { safeReturnUrl } from './return-url';
import { Session } from './session';

@Component({
  selector: 'hub-login',
  imports: [ReactiveFormsModule, TranslatePipe],
  templateUrl: './login.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoginComponent {
  private readonly session = inject(Session);
  private readonly language = inject(Language);
  private readonly router = inject(Router);
  private readonly api = inject(PortalApi);

  /** Query parameter: the page the visitor wanted before being asked to log in. */
  readonly returnUrl = input<string>();

  readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    password: ['', Validators.required],
  });
  readonly submitting = signal(false);
  /** The failure as it happened; its text is written in the language on screen, also after a switch. */
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null ? null : problemText(failure, this.language.translator(), 'login.failed');
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

  async logIn(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    this.failure.set(null);
    try {
      await this.session.signedIn(await this.api.login(this.form.getRawValue()));
      await this.router.navigateByUrl(safeReturnUrl(this.returnUrl()));
    } catch (failure) {
      this.failure.set(failure);
    } finally {
      this.submitting.set(false);
    }
  }
}

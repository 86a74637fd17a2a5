import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { inject } from '@angular/core';
import type { SecondFactorSetup } from '../../../../gateway/portal/contract';
import { TranslatePipe } from '../i18n';

/**
 * Setting up an authenticator app: the QR code to scan (or the key to type), then the first six digits the app
 * shows. Used on the account page and in an administrator's first login; the parent sends the code and says
 * whether it was right.
 */
@Component({
  selector: 'hub-second-factor-setup',
  imports: [ReactiveFormsModule, TranslatePipe],
  template: `
    <p>{{ 'accounts.setup.scan' | t }}</p>
    <img class="qr" [src]="setup().qrCode" [alt]="'accounts.setup.qrAlt' | t" width="200" height="200" />
    <p class="small">
      {{ 'accounts.setup.manual' | t }}
      <code class="secret">{{ groupedSecret() }}</code>
    </p>
    <form [formGroup]="form" (ngSubmit)="submit()" novalidate>
      <label [for]="idPrefix() + '-code'">{{ 'accounts.setup.code' | t }}</label>
      <input
        [id]="idPrefix() + '-code'"
        class="code-input"
        type="text"
        formControlName="code"
        inputmode="numeric"
        autocomplete="one-time-code"
        maxlength="6"
        [attr.aria-invalid]="codeMissing ? 'true' : null"
        [attr.aria-describedby]="codeMissing ? idPrefix() + '-code-error' : null"
      />
      @if (codeMissing) {
        <p [id]="idPrefix() + '-code-error'" class="field-error">{{ 'accounts.setup.codeMissing' | t }}</p>
      }
      @if (problem(); as message) {
        <p class="alert error" role="alert">{{ message }}</p>
      }
      <button type="submit" class="primary" [disabled]="busy()">
        {{ (busy() ? 'accounts.setup.confirming' : 'accounts.setup.confirm') | t }}
      </button>
    </form>
  `,
  styles: `
    .qr {
      display: block;
      background: #fff;
      padding: 8px;
      border: 1px solid #d0d7de;
      border-radius: 4px;
    }
    .secret {
      display: inline-block;
      word-break: break-all;
      font-size: 1rem;
      letter-spacing: 0.05em;
    }
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
export class SecondFactorSetupComponent {
  readonly setup = input.required<SecondFactorSetup>();
  /** Keeps ids unique when the page has more than one form. */
  readonly idPrefix = input('setup');
  readonly busy = input(false);
  readonly problem = input<string | null>(null);
  readonly confirm = output<string>();

  readonly form = inject(NonNullableFormBuilder).group({
    code: ['', [Validators.required, Validators.pattern(/^\s*\d{6}\s*$/)]],
  });

  get codeMissing(): boolean {
    const { code } = this.form.controls;
    return code.touched && code.invalid;
  }

  /** The key in groups of four, as authenticator apps show it, so typing it is easier. */
  groupedSecret(): string {
    return this.setup()
      .secret.replace(/(.{4})/g, '$1 ')
      .trim();
  }

  submit(): void {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.confirm.emit(this.form.controls.code.value.trim());
  }
}

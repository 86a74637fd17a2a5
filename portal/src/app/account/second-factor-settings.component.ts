import { ChangeDetectionStrategy, Component, computed, inject, input, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { AccountInfo, SecondFactorSetup } from '../../../../gateway/portal/contract';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { AccountApi } from './account-api';
import { RecoveryCodesComponent } from './recovery-codes.component';
import { SecondFactorSetupComponent } from './second-factor-setup.component';

type Mode =
  | { kind: 'idle' }
  | { kind: 'setup'; setup: SecondFactorSetup }
  | { kind: 'codes'; codes: string[] }
  | { kind: 'turnOff' };

/** Two-step login on the account page: its state, setting it up (QR code, first code, recovery codes), turning it off. */
@Component({
  selector: 'hub-second-factor-settings',
  imports: [
    ReactiveFormsModule,
    TranslatePipe,
    ...FORMAT_PIPES,
    SecondFactorSetupComponent,
    RecoveryCodesComponent,
  ],
  template: `
    <section class="card" aria-labelledby="second-factor-heading">
      @if (codesMode(); as mode) {
        <hub-recovery-codes idPrefix="account-codes" [codes]="mode.codes" (done)="finish()" />
      } @else {
        <h2 id="second-factor-heading">{{ 'accounts.account.secondFactor.heading' | t }}</h2>
        @let factor = account().secondFactor;
        @if (factor.enabled && factor.enabledAt) {
          <p>{{ 'accounts.account.secondFactor.on' | t: { at: (factor.enabledAt | timestamp) } }}</p>
          <p class="muted">
            {{ 'accounts.account.secondFactor.codesLeft' | t: { count: factor.recoveryCodesLeft } }}
          </p>
          @if (factor.required) {
            <p class="muted">{{ 'accounts.account.secondFactor.required' | t }}</p>
          }
        } @else {
          <p>{{ 'accounts.account.secondFactor.off' | t }}</p>
        }
        @if (note(); as note) {
          <p class="alert success" role="status">{{ note }}</p>
        }

        @if (setupMode(); as mode) {
          <hub-second-factor-setup
            idPrefix="account-setup"
            [setup]="mode.setup"
            [busy]="busy()"
            [problem]="problem()"
            (confirm)="confirm($event)"
          />
          <button type="button" class="link-button" (click)="cancel()">
            {{ 'accounts.account.secondFactor.cancel' | t }}
          </button>
        } @else if (mode().kind === 'turnOff') {
          <form [formGroup]="offForm" (ngSubmit)="turnOff()" novalidate>
            <p>{{ 'accounts.account.secondFactor.turnOffIntro' | t }}</p>
            <label for="second-factor-off-code">{{ 'accounts.account.secondFactor.code' | t }}</label>
            <input
              id="second-factor-off-code"
              class="code-input"
              type="text"
              formControlName="code"
              autocomplete="one-time-code"
              [attr.aria-invalid]="offCodeMissing ? 'true' : null"
              [attr.aria-describedby]="offCodeMissing ? 'second-factor-off-error' : null"
            />
            @if (offCodeMissing) {
              <p id="second-factor-off-error" class="field-error">
                {{ 'accounts.account.secondFactor.codeMissing' | t }}
              </p>
            }
            @if (problem(); as message) {
              <p class="alert error" role="alert">{{ message }}</p>
            }
            <button type="submit" class="primary" [disabled]="busy()">
              {{
                (busy()
                  ? 'accounts.account.secondFactor.turningOff'
                  : 'accounts.account.secondFactor.turnOff'
                ) | t
              }}
            </button>
          </form>
          <button type="button" class="link-button" (click)="cancel()">
            {{ 'accounts.account.secondFactor.cancel' | t }}
          </button>
        } @else {
          @if (problem(); as message) {
            <p class="alert error" role="alert">{{ message }}</p>
          }
          @if (factor.enabled) {
            @if (!factor.required) {
              <button type="button" class="button" (click)="askToTurnOff()">
                {{ 'accounts.account.secondFactor.turnOff' | t }}
              </button>
            }
          } @else {
            <button type="button" class="button primary" [disabled]="busy()" (click)="startSetup()">
              {{ 'accounts.account.secondFactor.setUp' | t }}
            </button>
          }
        }
      }
    </section>
  `,
  styles: `
    .code-input {
      width: 100%;
      max-width: 14rem;
      padding: 0.65rem 0.75rem;
      border: 1px solid #cbd5e1;
      border-radius: 6px;
      font: inherit;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SecondFactorSettingsComponent {
  private readonly api = inject(AccountApi);
  private readonly language = inject(Language);

  readonly account = input.required<AccountInfo>();
  /** The account changed (on or off): the page loads it again. */
  readonly changed = output<void>();

  readonly mode = signal<Mode>({ kind: 'idle' });
  readonly setupMode = computed(() => {
    const mode = this.mode();
    return mode.kind === 'setup' ? mode : null;
  });
  readonly codesMode = computed(() => {
    const mode = this.mode();
    return mode.kind === 'codes' ? mode : null;
  });
  readonly busy = signal(false);
  private readonly noteKey = signal<
    'accounts.account.secondFactor.turnedOn' | 'accounts.account.secondFactor.turnedOff' | null
  >(null);
  readonly note = computed(() => {
    const key = this.noteKey();
    return key ? this.language.t(key) : null;
  });
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : problemText(failure, this.language.translator(), 'accounts.account.secondFactor.failed');
  });
  readonly offForm = inject(NonNullableFormBuilder).group({
    code: ['', [Validators.required, Validators.maxLength(20)]],
  });

  get offCodeMissing(): boolean {
    const { code } = this.offForm.controls;
    return code.touched && code.invalid;
  }

  async startSetup(): Promise<void> {
    await this.work(async () =>
      this.mode.set({ kind: 'setup', setup: await this.api.startSecondFactorSetup() }),
    );
  }

  async confirm(code: string): Promise<void> {
    await this.work(async () => {
      const { recoveryCodes } = await this.api.confirmSecondFactor(code);
      this.mode.set({ kind: 'codes', codes: recoveryCodes });
      this.noteKey.set('accounts.account.secondFactor.turnedOn');
    });
  }

  askToTurnOff(): void {
    this.failure.set(null);
    this.offForm.reset();
    this.mode.set({ kind: 'turnOff' });
  }

  async turnOff(): Promise<void> {
    if (this.offForm.invalid) {
      this.offForm.markAllAsTouched();
      return;
    }
    await this.work(async () => {
      await this.api.turnOffSecondFactor(this.offForm.controls.code.value.trim());
      this.noteKey.set('accounts.account.secondFactor.turnedOff');
      this.finish();
    });
  }

  cancel(): void {
    this.failure.set(null);
    this.mode.set({ kind: 'idle' });
  }

  /** The codes were kept (or it was turned off): back to the state, loaded again. */
  finish(): void {
    this.mode.set({ kind: 'idle' });
    this.changed.emit();
  }

  private async work(step: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.failure.set(null);
    this.noteKey.set(null);
    try {
      await step();
    } catch (failure) {
      this.failure.set(failure);
    } finally {
      this.busy.set(false);
    }
  }
}

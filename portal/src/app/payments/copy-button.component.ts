import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { Language, TranslatePipe } from '../i18n';

/**
 * A "Copy" button for one payment detail (IBAN, amount, reference…). Its accessible name says what it copies; the
 * outcome is announced in a status line beside it.
 */
@Component({
  selector: 'hub-copy-button',
  imports: [TranslatePipe],
  styleUrl: './payments.css',
  template: `
    <button type="button" class="copy-button" [attr.aria-label]="label()" (click)="copy()">
      {{ 'payments.transfer.copy' | t }}
    </button>
    <span class="copy-status" role="status">{{ status() }}</span>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class CopyButtonComponent {
  private readonly language = inject(Language);

  /** The text that goes to the clipboard. */
  readonly value = input.required<string>();
  /** What it is, in words: "IBAN", "Payment reference". */
  readonly what = input.required<string>();

  private readonly outcome = signal<'copied' | 'failed' | null>(null);
  readonly label = computed(() =>
    this.language.translator().t('payments.transfer.copyLabel', { what: this.what() }),
  );
  readonly status = computed(() => {
    const { t } = this.language.translator();
    const outcome = this.outcome();
    if (outcome === 'copied') return t('payments.transfer.copied', { what: this.what() });
    return outcome === 'failed' ? t('payments.transfer.copyFailed') : '';
  });

  async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.value());
      this.outcome.set('copied');
    } catch {
      this.outcome.set('failed');
    }
  }
}

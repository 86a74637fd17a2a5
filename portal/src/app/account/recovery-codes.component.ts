import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import { TranslatePipe } from '../i18n';

/** The recovery codes, shown once right after the second factor was turned on, until the person says they kept them. */
@Component({
  selector: 'hub-recovery-codes',
  imports: [TranslatePipe],
  template: `
    <h2 [id]="idPrefix() + '-heading'">{{ 'accounts.recoveryCodes.heading' | t }}</h2>
    <p>{{ 'accounts.recoveryCodes.intro' | t }}</p>
    <ul class="recovery-codes" [attr.aria-label]="'accounts.recoveryCodes.label' | t">
      @for (code of codes(); track code) {
        <li>
          <code>{{ code }}</code>
        </li>
      }
    </ul>
    <button type="button" class="primary" (click)="done.emit()">
      {{ 'accounts.recoveryCodes.saved' | t }}
    </button>
  `,
  styles: `
    .recovery-codes {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(9rem, 1fr));
      gap: 0.5rem 1rem;
      padding: 0;
      list-style: none;
      font-size: 1.05rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class RecoveryCodesComponent {
  readonly codes = input.required<string[]>();
  readonly idPrefix = input('recovery');
  readonly done = output<void>();
}

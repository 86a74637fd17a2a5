import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { Language } from '../i18n';
import { statusText } from './invoice-texts';

/** An invoice's lifecycle status as a coloured label; the colour family follows the status name. */
@Component({
  selector: 'hub-status-badge',
  template: `<span class="badge" [attr.data-tone]="tone()">{{ label() }}</span>`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class StatusBadgeComponent {
  private readonly language = inject(Language);

  readonly status = input.required<string>();

  readonly label = computed(() => statusText(this.status(), this.language.translator()));
  readonly tone = computed(() => {
    const status = this.status().toLowerCase();
    if (/paid|accepted|settled/.test(status)) return 'good';
    if (/disput|reject|fail|quarantin|overdue/.test(status)) return 'bad';
    if (/view|read|open/.test(status)) return 'info';
    return 'neutral';
  });
}

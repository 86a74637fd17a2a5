import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { Language } from './language.service';
import { LANGUAGES, OWN_NAMES } from './languages';

/**
 * The header's language switch: one button offering the other language, named in that language ("English" on
 * Bulgarian pages, "Български" on English ones) and marked with its `lang`, so every reader and screen reader
 * recognises it. With a third language this becomes a menu; the Language service does not change.
 */
@Component({
  selector: 'hub-language-switch',
  template: `
    <button type="button" class="language-switch" [attr.lang]="other()" (click)="switchLanguage()">
      {{ otherName() }}
    </button>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LanguageSwitchComponent {
  private readonly language = inject(Language);

  readonly other = computed(() => LANGUAGES.find((code) => code !== this.language.current()) ?? 'bg');
  readonly otherName = computed(() => OWN_NAMES[this.other()]);

  switchLanguage(): void {
    void this.language.choose(this.other());
  }
}

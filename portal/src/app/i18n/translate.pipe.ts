import { Pipe, PipeTransform, inject } from '@angular/core';
import type { ParamTranslationKey, PlainTranslationKey, TranslationKey, TranslationParams } from './keys';
import { Language } from './language.service';

/**
 * `{{ 'login.heading' | t }}`, `{{ 'invitation.passwordHint' | t: { min: minLength } }}`: a typed key (and the
 * parameters its text needs) in the language on screen.
 *
 * Impure on purpose: it reads the language signal on every check, so OnPush views re-render when the language
 * changes; it only looks a text up again when the key, the parameters or the language changed.
 */
@Pipe({ name: 't', pure: false })
export class TranslatePipe implements PipeTransform {
  private readonly language = inject(Language);
  private last: { key: string; params: string; language: string; text: string } | undefined;

  transform(key: PlainTranslationKey): string;
  transform<Key extends ParamTranslationKey>(key: Key, params: TranslationParams<Key>): string;
  transform(key: TranslationKey, params?: Record<string, string | number>): string {
    const language = this.language.current();
    const written = params ? JSON.stringify(params) : '';
    const last = this.last;
    if (last && last.key === key && last.params === written && last.language === language) return last.text;
    const t = this.language.translator().t as (key: TranslationKey, params?: object) => string;
    const text = t(key, params);
    this.last = { key, params: written, language, text };
    return text;
  }
}

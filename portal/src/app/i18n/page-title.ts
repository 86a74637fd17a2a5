import { Injectable, effect, inject, signal } from '@angular/core';
import { Title } from '@angular/platform-browser';
import { RouterStateSnapshot, TitleStrategy } from '@angular/router';
import type { PlainTranslationKey } from './keys';
import { Language } from './language.service';

/** A route's `title` is a translation key: `{ path: 'login', title: pageTitle('titles.login') }`. */
export function pageTitle(key: PlainTranslationKey): string {
  return key;
}

/** Writes the current route's title in the language on screen, again whenever the language changes. */
@Injectable()
export class TranslatedTitleStrategy extends TitleStrategy {
  private readonly title = inject(Title);
  private readonly language = inject(Language);
  private readonly page = signal<PlainTranslationKey | undefined>(undefined);

  constructor() {
    super();
    effect(() => {
      const page = this.page();
      const brand = this.language.t('app.brand');
      this.title.setTitle(
        page ? this.language.t('titles.page', { page: this.language.t(page), brand }) : brand,
      );
    });
  }

  override updateTitle(snapshot: RouterStateSnapshot): void {
    this.page.set(this.buildTitle(snapshot) as PlainTranslationKey | undefined);
  }
}

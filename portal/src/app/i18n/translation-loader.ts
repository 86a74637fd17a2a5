import { Injectable } from '@angular/core';
import type { TranslateLoader, TranslationObject } from '@ngx-translate/core';
import { from, type Observable } from 'rxjs';
import type { LanguageCode } from './languages';
import type { Dictionary } from './keys';

/**
 * The dictionaries are TypeScript modules loaded with import(): each language is its own small chunk served by the
 * hub like any script ('self' under the Content-Security-Policy), fetched only when that language is used, and
 * type-checked against English at build time. No JSON fetch, no eval, no inline script.
 */
const dictionaries: Record<LanguageCode, () => Promise<Dictionary>> = {
  bg: () => import('./translations/bg').then((module) => module.bg),
  en: () => import('./translations/en').then((module) => module.en),
};

const loading = new Map<string, Promise<Dictionary>>();

/** Starts (once) loading a language's dictionary; the promise is shared by every caller. */
export function loadDictionary(language: LanguageCode): Promise<Dictionary> {
  let dictionary = loading.get(language);
  if (!dictionary) {
    dictionary = dictionaries[language]();
    // A failed chunk download may be retried by the next caller.
    dictionary.catch(() => loading.delete(language));
    loading.set(language, dictionary);
  }
  return dictionary;
}

@Injectable()
export class BundledTranslationLoader implements TranslateLoader {
  getTranslation(language: string): Observable<TranslationObject> {
    const code: LanguageCode = language === 'en' ? 'en' : 'bg';
    return from(loadDictionary(code) as Promise<unknown> as Promise<TranslationObject>);
  }
}

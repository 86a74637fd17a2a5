import type { EnvironmentProviders, Provider } from '@angular/core';
import { TitleStrategy } from '@angular/router';
import { provideTranslateLoader, provideTranslateService } from '@ngx-translate/core';
import { TranslatedTitleStrategy } from './page-title';
import { BundledTranslationLoader } from './translation-loader';

/**
 * Translations for the whole portal.
 *
 * The runtime is @ngx-translate/core 18: it switches language at run time without a reload (one build serves both
 * languages, unlike $localize's build per locale), supports Angular 21, standalone providers and signals, and
 * brings nothing but tslib. Transloco 8 would do as well but pulls a config loader (cosmiconfig) into production
 * dependencies. Components do not use ngx-translate directly: they use the typed `t` pipe and the Language
 * service, so the library stays replaceable behind this folder.
 */
export function provideI18n(): (Provider | EnvironmentProviders)[] {
  return [
    // No fallback language: the compiler already holds every dictionary to every key, and a fallback would load
    // the second language's chunk for nothing.
    provideTranslateService({ loader: provideTranslateLoader(BundledTranslationLoader) }),
    { provide: TitleStrategy, useClass: TranslatedTitleStrategy },
  ];
}

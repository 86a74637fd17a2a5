/** What features import for texts: the typed `t` pipe, the Language service and the key types. */
export type {
  ParamTranslationKey,
  PlainTranslationKey,
  Translate,
  TranslationKey,
  TranslationParams,
  Translator,
} from './keys';
export {
  LANGUAGES,
  LOCALES,
  OWN_NAMES,
  DEFAULT_LANGUAGE,
  isLanguageCode,
  type LanguageCode,
} from './languages';
export { Language } from './language.service';
export { TranslatePipe } from './translate.pipe';
export { pageTitle } from './page-title';
export { DocumentTextDirective } from './document-text.directive';

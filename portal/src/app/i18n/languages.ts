/**
 * The portal's languages. Bulgarian is the default: the hub serves Bulgarian businesses, and a visitor who has not
 * chosen reads Bulgarian. Adding a language means a code here, its locale, its own name and a translation file.
 */
export const LANGUAGES = ['bg', 'en'] as const;

export type LanguageCode = (typeof LANGUAGES)[number];

export const DEFAULT_LANGUAGE: LanguageCode = 'bg';

/**
 * The Intl locale each language formats with. English is British English: day before month and the euro sign in
 * front ("€1,234.50"), which reads naturally for English-reading EU businesses.
 */
export const LOCALES: Record<LanguageCode, string> = { bg: 'bg-BG', en: 'en-GB' };

/** Each language's name in itself: the switch offers a language in words its readers recognise, never translated. */
export const OWN_NAMES: Record<LanguageCode, string> = { bg: 'Български', en: 'English' };

export function isLanguageCode(value: unknown): value is LanguageCode {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

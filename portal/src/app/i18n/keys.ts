/**
 * Typed translation keys. English (translations/en.ts) defines the keys and their placeholders; the compiler then
 * holds every other language to the same keys and placeholders, and every `t('…')` call, in code or in a template
 * (strictTemplates), to keys that exist and to the parameters the text needs.
 */
import type { LanguageCode } from './languages';
import type { en } from './translations/en';

type English = typeof en;

/** "invoice.totals.payable" for every text leaf of the English dictionary. */
type Leaves<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Leaves<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

export type TranslationKey = Leaves<English>;

type TextAt<T, Key extends string> = Key extends `${infer Head}.${infer Rest}`
  ? Head extends keyof T
    ? TextAt<T[Head], Rest>
    : never
  : Key extends keyof T
    ? T[Key]
    : never;

/** The names of the `{{name}}` placeholders in a text. */
type Placeholders<Text> = Text extends `${string}{{${infer Name}}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** A key whose text has no placeholders: what labels in view models and lookup tables hold. */
export type PlainTranslationKey = {
  [Key in TranslationKey]: [Placeholders<TextAt<English, Key>>] extends [never] ? Key : never;
}[TranslationKey];

/** A key whose text has placeholders, which a call must fill. */
export type ParamTranslationKey = Exclude<TranslationKey, PlainTranslationKey>;

/** The parameters a text needs: `{ min: 12 }` for "At least {{min}} characters". */
export type TranslationParams<Key extends ParamTranslationKey> = {
  [Name in Placeholders<TextAt<English, Key>>]: string | number;
};

/** The one call shape everywhere (Language.t, Translator.t, the `t` pipe): a plain key, or a key and its values. */
export interface Translate {
  (key: PlainTranslationKey): string;
  <Key extends ParamTranslationKey>(key: Key, params: TranslationParams<Key>): string;
}

type UnionToIntersection<U> = (U extends unknown ? (union: U) => void : never) extends (
  intersection: infer I,
) => void
  ? I
  : never;

/** A translated text must keep every placeholder of the English one (in any order). */
type SamePlaceholders<Text extends string> = [Placeholders<Text>] extends [never]
  ? string
  : UnionToIntersection<
      Placeholders<Text> extends infer Name extends string ? `${string}{{${Name}}}${string}` : never
    >;

/** The shape every language's dictionary has: the English keys, each text keeping its placeholders. */
export type Dictionary<T = English> = {
  readonly [K in keyof T]: T[K] extends string ? SamePlaceholders<T[K]> : Dictionary<T[K]>;
};

/**
 * A translator fixed to one language: what code outside templates (view models, error texts) is handed, so those
 * stay plain functions that a computed() re-runs when the language changes.
 */
export interface Translator {
  readonly language: LanguageCode;
  readonly t: Translate;
}

import { DOCUMENT } from '@angular/common';
import { Injectable, computed, inject, signal } from '@angular/core';
import { TranslateService } from '@ngx-translate/core';
import { firstValueFrom } from 'rxjs';
import type { SessionInfo } from '../../../../gateway/portal/contract';
import { PortalApi } from '../api/portal-api';
import type {
  ParamTranslationKey,
  PlainTranslationKey,
  Translate,
  TranslationKey,
  TranslationParams,
  Translator,
} from './keys';
import { DEFAULT_LANGUAGE, LOCALES, isLanguageCode, type LanguageCode } from './languages';
import { loadDictionary } from './translation-loader';

/** Where this browser remembers the language (also for pages before login). */
const STORAGE_KEY = 'hub.language';

/**
 * The portal's language: one signal every text and every formatter follows, so switching re-renders in place,
 * without a reload.
 *
 * Which language a page starts in:
 *   1. signed in: the account's `locale` from the session answer (the person's choice, on any device);
 *   2. otherwise, or when the answer has none: the choice remembered in this browser (localStorage);
 *   3. otherwise Bulgarian.
 * On signing in, a language switched to during this visit wins and is saved to the account; without such a switch
 * the account's language is taken. A switch while signed in is remembered here and saved to the account.
 */
@Injectable({ providedIn: 'root' })
export class Language {
  private readonly translate = inject(TranslateService);
  private readonly api = inject(PortalApi);
  private readonly document = inject(DOCUMENT);

  private readonly active = signal<LanguageCode>(DEFAULT_LANGUAGE);
  /** Only the last requested language may become active (two quick switches settle on the second). */
  private requested: LanguageCode = DEFAULT_LANGUAGE;
  private signedIn = false;
  private switchedThisVisit = false;

  /** The language on screen. */
  readonly current = this.active.asReadonly();
  /** Its Intl locale (bg-BG, en-GB). */
  readonly locale = computed(() => LOCALES[this.active()]);
  /** A translator for the language on screen; code that builds texts outside templates takes this. */
  readonly translator = computed<Translator>(() => {
    const language = this.active();
    const t = (key: TranslationKey, params?: Record<string, string | number>) =>
      this.text(language, key, params);
    return { language, t: t as Translate };
  });

  /** Starts loading the language this browser will most likely show, while the session is asked for. */
  preload(): void {
    void loadDictionary(this.remembered() ?? DEFAULT_LANGUAGE).catch(() => undefined);
  }

  /** The first language of the page, from the session answer (null when nobody is signed in). */
  async start(session: SessionInfo | null): Promise<void> {
    this.signedIn = session !== null;
    const account = accountLanguage(session);
    if (account) this.remember(account);
    await this.show(account ?? this.remembered() ?? DEFAULT_LANGUAGE);
  }

  /** The person chose a language with the switch. */
  async choose(language: LanguageCode): Promise<void> {
    this.switchedThisVisit = true;
    this.remember(language);
    await this.show(language);
    if (this.signedIn) await this.saveToAccount(language);
  }

  /** Someone logged in or registered; `session` is the server's answer. */
  async accountSignedIn(session: SessionInfo): Promise<void> {
    this.signedIn = true;
    const account = accountLanguage(session);
    if (this.switchedThisVisit) {
      if (account !== this.requested) await this.saveToAccount(this.requested);
    } else if (account) {
      this.remember(account);
      await this.show(account);
    }
  }

  /** Logged out or the session ended: the page keeps its language, and nothing is saved to an account any more. */
  accountSignedOut(): void {
    this.signedIn = false;
  }

  /** A text in the language on screen (a signal read, so templates and computed values follow switches). */
  t(key: PlainTranslationKey): string;
  t<Key extends ParamTranslationKey>(key: Key, params: TranslationParams<Key>): string;
  t(key: TranslationKey, params?: Record<string, string | number>): string {
    return this.text(this.active(), key, params);
  }

  private text(
    language: LanguageCode,
    key: TranslationKey,
    params?: Record<string, string | number>,
  ): string {
    const text: unknown = this.translate.instant(key, params, language);
    return typeof text === 'string' ? text : key;
  }

  private async show(language: LanguageCode): Promise<void> {
    this.requested = language;
    try {
      await firstValueFrom(this.translate.use(language));
    } catch {
      // Its chunk could not be fetched (offline, or a deploy replaced it): stay in the language on screen, and at
      // start-up fall back to Bulgarian, which a retry may still fetch.
      if (this.requested === language && language !== DEFAULT_LANGUAGE && !this.translate.getCurrentLang()) {
        await this.show(DEFAULT_LANGUAGE);
      }
      return;
    }
    if (this.requested !== language) return;
    this.active.set(language);
    this.document.documentElement.lang = language;
  }

  private async saveToAccount(language: LanguageCode): Promise<void> {
    try {
      await this.api.saveLocale(language);
    } catch {
      // The page already shows the choice and this browser remembers it; the account learns it on the next switch.
    }
  }

  private remembered(): LanguageCode | undefined {
    try {
      const stored = this.document.defaultView?.localStorage.getItem(STORAGE_KEY);
      return isLanguageCode(stored) ? stored : undefined;
    } catch {
      return undefined; // storage can be switched off; the language then lasts for the visit
    }
  }

  private remember(language: LanguageCode): void {
    try {
      this.document.defaultView?.localStorage.setItem(STORAGE_KEY, language);
    } catch {
      // as above
    }
  }
}

/** The account's language, if the session answer carries a known one (older gateways send none). */
function accountLanguage(session: SessionInfo | null): LanguageCode | undefined {
  const locale: unknown = (session as Partial<SessionInfo> | null)?.locale;
  return isLanguageCode(locale) ? locale : undefined;
}

import { provideHttpClient, withFetch, withInterceptors } from '@angular/common/http';
import {
  ApplicationConfig,
  inject,
  provideAppInitializer,
  provideBrowserGlobalErrorListeners,
  provideZonelessChangeDetection,
} from '@angular/core';
import { provideRouter, withComponentInputBinding } from '@angular/router';
import { routes } from './app.routes';
import { Session } from './auth/session';
import { sessionExpiredInterceptor } from './auth/session-expired.interceptor';
import { Language } from './i18n/language.service';
import { provideI18n } from './i18n/provide-i18n';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZonelessChangeDetection(),
    provideRouter(routes, withComponentInputBinding()),
    provideHttpClient(withFetch(), withInterceptors([sessionExpiredInterceptor])),
    provideI18n(),
    // The route guard decides on the session, and the account may name the language: learn both before the first
    // page, so nothing is shown in the wrong language first. The likely dictionary loads meanwhile.
    provideAppInitializer(async () => {
      const session = inject(Session);
      const language = inject(Language);
      language.preload();
      await language.start(await session.restore());
    }),
  ],
};

import type { Routes } from '@angular/router';
import { authGuard } from '../auth/auth.guard';
import { pageTitle } from '../i18n';

/** An issuer's webhooks page (its admins; the API answers 403 to a clerk, 404 to anyone else), loaded when opened. */
export const WEBHOOK_ROUTES: Routes = [
  {
    path: 'issuers/:issuerId/webhooks',
    loadComponent: () => import('./webhooks.component').then((m) => m.WebhooksComponent),
    canActivate: [authGuard],
    title: pageTitle('webhooks.title'),
  },
];

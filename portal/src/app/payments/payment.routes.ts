import type { Routes } from '@angular/router';
import { authGuard } from '../auth/auth.guard';
import { pageTitle } from '../i18n';

/** The card provider sends the payer's browser back to /invoices/:id/payment/return (loaded when first opened). */
export const PAYMENT_ROUTES: Routes = [
  {
    path: 'invoices/:id/payment/return',
    loadComponent: () => import('./payment-return.component').then((m) => m.PaymentReturnComponent),
    canActivate: [authGuard],
    title: pageTitle('payments.titles.return'),
  },
];

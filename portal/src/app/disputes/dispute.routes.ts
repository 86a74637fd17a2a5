import type { Routes } from '@angular/router';
import { authGuard } from '../auth/auth.guard';
import { pageTitle } from '../i18n';

/**
 * The dispute pages, loaded when first opened. The e-mails link to the two thread pages: the recipient's
 * (/invoices/:id/disputes/:disputeId) and the issuer's (/issuers/:issuerId/invoices/:id/disputes/:disputeId).
 */
export const DISPUTE_ROUTES: Routes = [
  {
    path: 'invoices/:id/disputes/new',
    loadComponent: () => import('./dispute-open.component').then((m) => m.DisputeOpenComponent),
    canActivate: [authGuard],
    title: pageTitle('disputes.titles.open'),
  },
  {
    path: 'invoices/:id/disputes/:disputeId',
    loadComponent: () => import('./dispute-page.component').then((m) => m.DisputePageComponent),
    canActivate: [authGuard],
    title: pageTitle('disputes.titles.thread'),
  },
  {
    path: 'issuers/:issuerId/invoices/:id/disputes/:disputeId',
    loadComponent: () => import('./dispute-page.component').then((m) => m.DisputePageComponent),
    canActivate: [authGuard],
    title: pageTitle('disputes.titles.thread'),
  },
  {
    path: 'issuers/:issuerId/disputes',
    loadComponent: () => import('./issuer-disputes.component').then((m) => m.IssuerDisputesComponent),
    canActivate: [authGuard],
    title: pageTitle('disputes.titles.list'),
  },
];

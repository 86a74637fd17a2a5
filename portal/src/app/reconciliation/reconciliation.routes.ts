import type { Routes } from '@angular/router';
import { authGuard } from '../auth/auth.guard';
import { pageTitle } from '../i18n';

/**
 * The issuer's reconciliation pages, loaded when first opened: the review queue (the navigation's "Reconciliation"),
 * the statements with the upload form, one statement, and one entry with its history.
 */
export const RECONCILIATION_ROUTES: Routes = [
  {
    path: 'issuers/:issuerId/reconciliation',
    loadComponent: () => import('./review-queue.component').then((m) => m.ReviewQueueComponent),
    canActivate: [authGuard],
    title: pageTitle('reconciliation.titles.review'),
  },
  {
    path: 'issuers/:issuerId/reconciliation/entries/:entryId',
    loadComponent: () => import('./entry.component').then((m) => m.ReconciliationEntryComponent),
    canActivate: [authGuard],
    title: pageTitle('reconciliation.titles.entry'),
  },
  {
    path: 'issuers/:issuerId/statements',
    loadComponent: () => import('./statements.component').then((m) => m.StatementsComponent),
    canActivate: [authGuard],
    title: pageTitle('reconciliation.titles.statements'),
  },
  {
    path: 'issuers/:issuerId/statements/:statementId',
    loadComponent: () => import('./statement.component').then((m) => m.StatementComponent),
    canActivate: [authGuard],
    title: pageTitle('reconciliation.titles.statement'),
  },
];

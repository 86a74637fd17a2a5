import type { Routes } from '@angular/router';
import { authGuard } from '../auth/auth.guard';
import { pageTitle } from '../i18n';

/** The operator console (operators only; the API answers 404 to anyone else), loaded when opened. */
export const OPERATOR_ROUTES: Routes = [
  {
    path: 'operator',
    loadComponent: () => import('./operator-console.component').then((m) => m.OperatorConsoleComponent),
    canActivate: [authGuard],
    title: pageTitle('operator.title'),
  },
];

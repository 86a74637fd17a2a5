import { Routes } from '@angular/router';
import { authGuard } from './auth/auth.guard';
import { InviteComponent } from './auth/invite.component';
import { LoginComponent } from './auth/login.component';
import { pageTitle } from './i18n';
import { InvoiceDetailComponent } from './invoices/invoice-detail.component';
import { InvoiceListComponent } from './invoices/invoice-list.component';

/**
 * The e-mail links point at /invite/:token?invoice=<id> and /invoices/:id (PUBLIC_URL as origin).
 * Titles are translation keys; the title strategy writes them in the language on screen.
 */
export const routes: Routes = [
  { path: 'invite/:token', component: InviteComponent, title: pageTitle('titles.invitation') },
  { path: 'login', component: LoginComponent, title: pageTitle('titles.login') },
  {
    path: 'invoices',
    component: InvoiceListComponent,
    canActivate: [authGuard],
    title: pageTitle('titles.invoices'),
  },
  {
    path: 'invoices/:id',
    component: InvoiceDetailComponent,
    canActivate: [authGuard],
    title: pageTitle('titles.invoice'),
  },
  { path: '', pathMatch: 'full', redirectTo: 'invoices' },
  { path: '**', redirectTo: 'invoices' },
];

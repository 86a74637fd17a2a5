import { Routes } from '@angular/router';
import { authGuard } from './auth/auth.guard';
import { InviteComponent } from './auth/invite.component';
import { LoginComponent } from './auth/login.component';
import { InvoiceDetailComponent } from './invoices/invoice-detail.component';
import { InvoiceListComponent } from './invoices/invoice-list.component';

/** The e-mail links point at /invite/:token?invoice=<id> and /invoices/:id (PUBLIC_URL as origin). */
export const routes: Routes = [
  { path: 'invite/:token', component: InviteComponent, title: 'Choose a password · e-invoice hub' },
  { path: 'login', component: LoginComponent, title: 'Log in · e-invoice hub' },
  {
    path: 'invoices',
    component: InvoiceListComponent,
    canActivate: [authGuard],
    title: 'Your invoices · e-invoice hub',
  },
  {
    path: 'invoices/:id',
    component: InvoiceDetailComponent,
    canActivate: [authGuard],
    title: 'Invoice · e-invoice hub',
  },
  { path: '', pathMatch: 'full', redirectTo: 'invoices' },
  { path: '**', redirectTo: 'invoices' },
];

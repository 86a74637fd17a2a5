import { Routes } from '@angular/router';
import { authGuard } from './auth/auth.guard';
import { DISPUTE_ROUTES } from './disputes/dispute.routes';
import { RECONCILIATION_ROUTES } from './reconciliation/reconciliation.routes';
import { InviteComponent } from './auth/invite.component';
import { LoginComponent } from './auth/login.component';
import { pageTitle } from './i18n';
import { InvoiceListComponent } from './invoices/invoice-list.component';
import { PAYMENT_ROUTES } from './payments/payment.routes';
import { WEBHOOK_ROUTES } from './webhooks/webhooks.routes';
import { OPERATOR_ROUTES } from './operator/operator.routes';

/**
 * The e-mail links point at /invite/:token?invoice=<id> and /invoices/:id (PUBLIC_URL as origin). The first pages
 * a person sees (log in, invitation, received invoices) are in the initial bundle; the others load when opened.
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
    loadComponent: () => import('./invoices/invoice-detail.component').then((m) => m.InvoiceDetailComponent),
    canActivate: [authGuard],
    title: pageTitle('titles.invoice'),
  },
  // The issuer side of the archive (any member of the issuer; the API answers 404 to anyone else).
  {
    path: 'issuers/:issuerId/invoices',
    loadComponent: () => import('./issuer/issuer-invoices.component').then((m) => m.IssuerInvoicesComponent),
    canActivate: [authGuard],
    title: pageTitle('titles.sentInvoices'),
  },
  {
    path: 'issuers/:issuerId/invoices/:id',
    loadComponent: () => import('./issuer/issuer-invoice.component').then((m) => m.IssuerInvoiceComponent),
    canActivate: [authGuard],
    title: pageTitle('titles.invoice'),
  },
  {
    path: 'issuers/:issuerId/deliveries',
    loadComponent: () =>
      import('./issuer/issuer-deliveries.component').then((m) => m.IssuerDeliveriesComponent),
    canActivate: [authGuard],
    title: pageTitle('titles.refusedDeliveries'),
  },
  // Accounts (loaded when first opened): the reset e-mail links to /reset-password/:token; an issuer's admins
  // manage its users.
  {
    path: 'forgot-password',
    loadComponent: () => import('./auth/forgot-password.component').then((m) => m.ForgotPasswordComponent),
    title: pageTitle('accounts.titles.forgotPassword'),
  },
  {
    path: 'reset-password/:token',
    loadComponent: () => import('./auth/reset-password.component').then((m) => m.ResetPasswordComponent),
    title: pageTitle('accounts.titles.resetPassword'),
  },
  {
    path: 'confirm-address/:token',
    loadComponent: () => import('./auth/confirm-address.component').then((m) => m.ConfirmAddressComponent),
    title: pageTitle('accounts.titles.confirmAddress'),
  },
  {
    path: 'account',
    loadComponent: () => import('./account/account.component').then((m) => m.AccountComponent),
    canActivate: [authGuard],
    title: pageTitle('accounts.titles.account'),
  },
  {
    path: 'issuers/:issuerId/users',
    loadComponent: () => import('./issuer-users/issuer-users.component').then((m) => m.IssuerUsersComponent),
    canActivate: [authGuard],
    title: pageTitle('accounts.titles.issuerUsers'),
  },
  // Disputes: the form, the thread for both sides, an issuer's list (disputes/dispute.routes.ts).
  ...DISPUTE_ROUTES,
  // Reconciliation: review queue, statements, an entry's decisions (reconciliation/reconciliation.routes.ts).
  ...RECONCILIATION_ROUTES,
  // Paying an invoice: the card provider's return page (payments/payment.routes.ts).
  ...PAYMENT_ROUTES,
  // An issuer's webhooks, for its admins (webhooks/webhooks.routes.ts).
  ...WEBHOOK_ROUTES,
  // The operator console, for hub operators (operator/operator.routes.ts).
  ...OPERATOR_ROUTES,
  { path: '', pathMatch: 'full', redirectTo: 'invoices' },
  { path: '**', redirectTo: 'invoices' },
];

import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { Session } from '../auth/session';
import { TranslatePipe } from '../i18n';

/**
 * The signed-in person's navigation: the invoices they received (their own address and those shared with them),
 * for each issuer they work for its sent invoices, disputes and refused deliveries (and, for its administrators, its
 * users), and their account.
 * A person who is both recipient and issuer user sees both sides here.
 */
@Component({
  selector: 'hub-main-nav',
  imports: [RouterLink, RouterLinkActive, TranslatePipe],
  template: `
    <nav class="main-nav" [attr.aria-label]="'accounts.nav.label' | t">
      <ul>
        <li>
          <a routerLink="/invoices" routerLinkActive="active" ariaCurrentWhenActive="page">{{
            'accounts.nav.received' | t
          }}</a>
        </li>
        @for (issuer of issuers(); track issuer.issuerId) {
          <li>
            <a
              [routerLink]="['/issuers', issuer.issuerId, 'invoices']"
              routerLinkActive="active"
              ariaCurrentWhenActive="page"
            >
              {{ 'accounts.nav.sent' | t }}
              @if (several()) {
                <span class="issuer-name">{{ issuer.name }}</span>
              }
            </a>
          </li>
          @for (link of issuerLinks; track link.path) {
            <li>
              <a
                [routerLink]="['/issuers', issuer.issuerId, link.path]"
                routerLinkActive="active"
                ariaCurrentWhenActive="page"
              >
                {{ link.label | t }}
                @if (several()) {
                  <span class="issuer-name">{{ issuer.name }}</span>
                }
              </a>
            </li>
          }
          @if (issuer.role === 'admin') {
            <li>
              <a
                [routerLink]="['/issuers', issuer.issuerId, 'users']"
                routerLinkActive="active"
                ariaCurrentWhenActive="page"
              >
                {{ 'accounts.nav.users' | t }}
                @if (several()) {
                  <span class="issuer-name">{{ issuer.name }}</span>
                }
              </a>
            </li>
            <li>
              <a
                [routerLink]="['/issuers', issuer.issuerId, 'webhooks']"
                routerLinkActive="active"
                ariaCurrentWhenActive="page"
              >
                {{ 'webhooks.nav' | t }}
                @if (several()) {
                  <span class="issuer-name">{{ issuer.name }}</span>
                }
              </a>
            </li>
          }
        }
        @if (operator()) {
          <li>
            <a routerLink="/operator" routerLinkActive="active" ariaCurrentWhenActive="page">{{
              'operator.nav' | t
            }}</a>
          </li>
        }
        <li>
          <a routerLink="/account" routerLinkActive="active" ariaCurrentWhenActive="page">{{
            'accounts.nav.account' | t
          }}</a>
        </li>
      </ul>
    </nav>
  `,
  styles: `
    .main-nav {
      background: var(--accent);
    }
    ul {
      max-width: 1040px;
      margin: 0 auto;
      padding: 0 0.5rem;
      list-style: none;
      display: flex;
      flex-wrap: wrap;
      gap: 0 0.25rem;
    }
    a {
      display: inline-flex;
      align-items: baseline;
      gap: 0.4rem;
      min-height: 2.75rem;
      padding: 0.65rem 0.6rem;
      color: #fff;
      text-decoration: none;
      font-size: 0.925rem;
      border-bottom: 3px solid transparent;
    }
    a:hover {
      text-decoration: underline;
    }
    a.active {
      border-bottom-color: #fff;
      font-weight: 600;
    }
    a:focus-visible {
      outline: 3px solid #fff;
      outline-offset: -3px;
    }
    .issuer-name {
      font-size: 0.8rem;
      opacity: 0.9;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class MainNavComponent {
  private readonly session = inject(Session);
  readonly issuers = this.session.issuers;
  readonly operator = this.session.operator;
  /** With more than one issuer, each link names its issuer. */
  readonly several = computed(() => this.issuers().length > 1);
  /** What every member of an issuer works with besides its sent invoices. */
  readonly issuerLinks = [
    { path: 'disputes', label: 'accounts.nav.disputes' },
    { path: 'deliveries', label: 'accounts.nav.deliveries' },
    { path: 'reconciliation', label: 'reconciliation.nav' },
  ] as const;
}

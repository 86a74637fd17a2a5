import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink, RouterLinkActive } from '@angular/router';
import { TranslatePipe } from '../i18n';

/** The two ways into reconciliation: what is waiting for a clerk, and the statement files themselves. */
@Component({
  selector: 'hub-reconciliation-tabs',
  imports: [RouterLink, RouterLinkActive, TranslatePipe],
  styleUrl: './reconciliation.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <nav class="tabs" [attr.aria-label]="'reconciliation.tabs.label' | t">
      <a
        [routerLink]="['/issuers', issuerId(), 'reconciliation']"
        routerLinkActive="active"
        [routerLinkActiveOptions]="{ exact: true }"
        ariaCurrentWhenActive="page"
        >{{ 'reconciliation.tabs.review' | t }}</a
      >
      <a
        [routerLink]="['/issuers', issuerId(), 'statements']"
        routerLinkActive="active"
        ariaCurrentWhenActive="page"
        >{{ 'reconciliation.tabs.statements' | t }}</a
      >
    </nav>
  `,
})
export class ReconciliationTabsComponent {
  readonly issuerId = input.required<string>();
}

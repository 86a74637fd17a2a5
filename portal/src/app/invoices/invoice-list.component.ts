import { ChangeDetectionStrategy, Component, OnInit, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { InvoiceListItem } from '../../../../gateway/portal/contract';
import { PortalApi } from '../api/portal-api';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { StatusBadgeComponent } from './status-badge.component';

/** The logged-in recipient's own invoices, newest first (the API orders them). */
@Component({
  selector: 'hub-invoice-list',
  imports: [RouterLink, StatusBadgeComponent, ...FORMAT_PIPES],
  templateUrl: './invoice-list.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InvoiceListComponent implements OnInit {
  private readonly api = inject(PortalApi);

  readonly invoices = signal<InvoiceListItem[] | null>(null);
  readonly problem = signal<string | null>(null);

  async ngOnInit(): Promise<void> {
    try {
      this.invoices.set(await this.api.invoices());
    } catch (failure) {
      this.problem.set(failure instanceof Error ? failure.message : 'The invoices could not be loaded.');
    }
  }
}

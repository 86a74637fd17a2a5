import { ChangeDetectionStrategy, Component, OnInit, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { InvoiceListItem } from '../../../../gateway/portal/contract';
import { PortalApi } from '../api/portal-api';
import { problemText } from '../api/problem-text';
import { DocumentTextDirective, Language, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { StatusBadgeComponent } from './status-badge.component';

/** The logged-in recipient's own invoices, newest first (the API orders them). */
@Component({
  selector: 'hub-invoice-list',
  imports: [RouterLink, StatusBadgeComponent, TranslatePipe, DocumentTextDirective, ...FORMAT_PIPES],
  templateUrl: './invoice-list.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InvoiceListComponent implements OnInit {
  private readonly api = inject(PortalApi);
  private readonly language = inject(Language);

  readonly invoices = signal<InvoiceListItem[] | null>(null);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null ? null : problemText(failure, this.language.translator(), 'invoices.loadFailed');
  });

  async ngOnInit(): Promise<void> {
    try {
      this.invoices.set(await this.api.invoices());
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

import { ChangeDetectionStrategy, Component, OnInit, computed, inject } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { RecipientInvoicePage } from '../../../../gateway/portal/search-contract';
import { problemText } from '../api/problem-text';
import { DocumentTextDirective, Language, TranslatePipe } from '../i18n';
import { ArchiveApi } from '../search/archive-api';
import { ArchivePager } from '../search/archive-pager';
import { InvoiceSearchFormComponent } from '../search/invoice-search-form.component';
import { ariaSort, searchQuery, type SearchCriteria, type SortField } from '../search/search-criteria';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { StatusBadgeComponent } from './status-badge.component';

/**
 * The invoices the logged-in person received (their own address and any shared with them), across the years:
 * search, sort and pages, newest first until asked otherwise.
 */
@Component({
  selector: 'hub-invoice-list',
  imports: [
    RouterLink,
    StatusBadgeComponent,
    InvoiceSearchFormComponent,
    TranslatePipe,
    DocumentTextDirective,
    ...FORMAT_PIPES,
  ],
  templateUrl: './invoice-list.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InvoiceListComponent implements OnInit {
  private readonly api = inject(ArchiveApi);
  private readonly language = inject(Language);

  readonly pager = new ArchivePager<RecipientInvoicePage>((criteria, sort, cursor) =>
    this.api.receivedInvoices(searchQuery('recipient', criteria, sort, cursor)),
  );
  readonly page = this.pager.page;
  readonly sort = this.pager.sort;
  readonly hasPrevious = this.pager.hasPrevious;
  readonly ariaSort = ariaSort;
  readonly problem = computed(() => {
    const failure = this.pager.failure();
    return failure === null ? null : problemText(failure, this.language.translator(), 'invoices.loadFailed');
  });

  /** Unpaid and still open: the row offers "Pay", which opens the invoice at its pay panel. */
  payable(status: string): boolean {
    return !['paid', 'cancelled', 'rejected'].includes(status);
  }

  ngOnInit(): Promise<void> {
    return this.pager.firstPage();
  }

  onSearch(criteria: SearchCriteria): Promise<void> {
    return this.pager.search(criteria);
  }

  sortBy(field: SortField): Promise<void> {
    return this.pager.sortBy(field);
  }

  nextPage(): Promise<void> {
    return this.pager.nextPage();
  }

  previousPage(): Promise<void> {
    return this.pager.previousPage();
  }
}

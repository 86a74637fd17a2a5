import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { IssuerInvoicePage } from '../../../../gateway/portal/search-contract';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe } from '../i18n';
import { StatusBadgeComponent } from '../invoices/status-badge.component';
import { ArchiveApi } from '../search/archive-api';
import { ArchivePager } from '../search/archive-pager';
import { InvoiceSearchFormComponent } from '../search/invoice-search-form.component';
import {
  ariaSort,
  channelKey,
  searchQuery,
  type SearchCriteria,
  type SortField,
} from '../search/search-criteria';
import { FORMAT_PIPES } from '../shared/format.pipes';

/** An issuer's sent invoices (/issuers/:issuerId/invoices): search, sort, pages, CSV of the search. */
@Component({
  selector: 'hub-issuer-invoices',
  imports: [RouterLink, StatusBadgeComponent, InvoiceSearchFormComponent, TranslatePipe, ...FORMAT_PIPES],
  templateUrl: './issuer-invoices.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class IssuerInvoicesComponent implements OnInit {
  private readonly api = inject(ArchiveApi);
  private readonly language = inject(Language);
  readonly issuerId = input.required<string>();

  readonly pager = new ArchivePager<IssuerInvoicePage>((criteria, sort, cursor) =>
    this.api.issuerInvoices(this.issuerId(), searchQuery('issuer', criteria, sort, cursor)),
  );
  readonly page = this.pager.page;
  readonly sort = this.pager.sort;
  readonly hasPrevious = this.pager.hasPrevious;
  readonly problem = computed(() => {
    const failure = this.pager.failure();
    return failure === null ? null : problemText(failure, this.language.translator(), 'archive.loadFailed');
  });
  readonly channelKey = channelKey;
  readonly ariaSort = ariaSort;

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

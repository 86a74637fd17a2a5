import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import {
  DEFAULT_SORT,
  type IssuerInvoicePage,
  type SortOrder,
} from '../../../../gateway/portal/search-contract';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe } from '../i18n';
import { StatusBadgeComponent } from '../invoices/status-badge.component';
import { ArchiveApi } from '../search/archive-api';
import { InvoiceSearchFormComponent } from '../search/invoice-search-form.component';
import {
  ariaSort,
  channelKey,
  nextSort,
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

  readonly page = signal<IssuerInvoicePage | null>(null);
  readonly sort = signal<SortOrder>(DEFAULT_SORT);
  /** Cursors of the pages before the one shown, so "previous" goes back without OFFSET. */
  private readonly cursors = signal<(string | null)[]>([]);
  private readonly cursor = signal<string | null>(null);
  private criteria: SearchCriteria | null = null;
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null ? null : problemText(failure, this.language.translator(), 'archive.loadFailed');
  });
  readonly hasPrevious = computed(() => this.cursors().length > 0);
  readonly channelKey = channelKey;
  readonly ariaSort = ariaSort;

  async ngOnInit(): Promise<void> {
    await this.load();
  }

  async onSearch(criteria: SearchCriteria): Promise<void> {
    this.criteria = criteria;
    this.cursors.set([]);
    this.cursor.set(null);
    await this.load();
  }

  async sortBy(field: SortField): Promise<void> {
    this.sort.set(nextSort(this.sort(), field));
    this.cursors.set([]);
    this.cursor.set(null);
    await this.load();
  }

  async nextPage(): Promise<void> {
    const next = this.page()?.next;
    if (!next) return;
    this.cursors.update((list) => [...list, this.cursor()]);
    this.cursor.set(next);
    await this.load();
  }

  async previousPage(): Promise<void> {
    const list = this.cursors();
    if (!list.length) return;
    this.cursor.set(list[list.length - 1]);
    this.cursors.set(list.slice(0, -1));
    await this.load();
  }

  private async load(): Promise<void> {
    try {
      const criteria = this.criteria ?? {
        number: '',
        party: '',
        from: '',
        to: '',
        status: '',
        amountMin: '',
        amountMax: '',
        channel: '',
      };
      this.page.set(
        await this.api.issuerInvoices(
          this.issuerId(),
          searchQuery('issuer', criteria, this.sort(), this.cursor()),
        ),
      );
      this.failure.set(null);
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

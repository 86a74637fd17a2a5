import { computed, signal } from '@angular/core';
import { DEFAULT_SORT, type SortOrder } from '../../../../gateway/portal/search-contract';
import { nextSort, type SearchCriteria, type SortField } from './search-criteria';

export const NO_CRITERIA: SearchCriteria = {
  number: '',
  party: '',
  from: '',
  to: '',
  status: '',
  amountMin: '',
  amountMax: '',
  channel: '',
};

/**
 * What both archive lists (received, sent) keep between requests: the criteria, the sort, and the cursors of the
 * pages before the one shown, so "previous" goes back without OFFSET. `fetch` loads one page for them.
 */
export class ArchivePager<Page extends { next: string | null }> {
  readonly page = signal<Page | null>(null);
  readonly sort = signal<SortOrder>(DEFAULT_SORT);
  readonly failure = signal<unknown>(null);
  private readonly cursors = signal<(string | null)[]>([]);
  private cursor: string | null = null;
  private criteria: SearchCriteria = NO_CRITERIA;
  readonly hasPrevious = computed(() => this.cursors().length > 0);

  constructor(
    private readonly fetch: (
      criteria: SearchCriteria,
      sort: SortOrder,
      cursor: string | null,
    ) => Promise<Page>,
  ) {}

  search(criteria: SearchCriteria): Promise<void> {
    this.criteria = criteria;
    return this.firstPage();
  }

  sortBy(field: SortField): Promise<void> {
    this.sort.set(nextSort(this.sort(), field));
    return this.firstPage();
  }

  async nextPage(): Promise<void> {
    const next = this.page()?.next;
    if (!next) return;
    this.cursors.update((list) => [...list, this.cursor]);
    this.cursor = next;
    await this.load();
  }

  async previousPage(): Promise<void> {
    const list = this.cursors();
    if (!list.length) return;
    this.cursor = list[list.length - 1];
    this.cursors.set(list.slice(0, -1));
    await this.load();
  }

  firstPage(): Promise<void> {
    this.cursors.set([]);
    this.cursor = null;
    return this.load();
  }

  private async load(): Promise<void> {
    try {
      this.page.set(await this.fetch(this.criteria, this.sort(), this.cursor));
      this.failure.set(null);
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import type { EntryState, StatementDetail } from '../../../../gateway/payments/reconciliation-contract';
import { Language, TranslatePipe, type PlainTranslationKey } from '../i18n';
import { formatCalendarDate, formatMoney } from '../shared/format';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { EntryFactsComponent } from './entry-facts.component';
import { ReconciliationApi } from './reconciliation-api';
import { ReconciliationTabsComponent } from './reconciliation-tabs.component';
import { STATE_KEYS, reconciliationProblem } from './reconciliation-words';

type Filter = EntryState | 'all';

/** One bank statement (/issuers/:issuerId/statements/:statementId): every entry with its decision, by state. */
@Component({
  selector: 'hub-statement',
  imports: [RouterLink, TranslatePipe, EntryFactsComponent, ReconciliationTabsComponent, ...FORMAT_PIPES],
  styleUrl: './reconciliation.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="back">
      <a [routerLink]="['/issuers', issuerId(), 'statements']">{{ 'reconciliation.statement.back' | t }}</a>
    </p>
    @if (problem(); as message) {
      <h1>{{ 'reconciliation.titles.statement' | t }}</h1>
      <p class="alert error" role="alert">{{ message }}</p>
    }
    @if (statement(); as s) {
      <h1>{{ 'reconciliation.statement.heading' | t: { file: s.fileName } }}</h1>
      <hub-reconciliation-tabs [issuerId]="issuerId()" />
      <div class="card">
        <dl class="entry-facts">
          <div>
            <dt>{{ 'reconciliation.statements.received' | t }}</dt>
            <dd>
              <time [attr.datetime]="s.receivedAt">{{ s.receivedAt | timestamp }}</time>
            </dd>
          </div>
          <div>
            <dt>{{ 'reconciliation.statements.format' | t }}</dt>
            <dd>{{ s.format ?? '—' }}</dd>
          </div>
          <div>
            <dt>{{ 'reconciliation.statement.account' | t }}</dt>
            <dd class="code">{{ s.account ?? '—' }}</dd>
          </div>
          <div>
            <dt>{{ 'reconciliation.statements.entries' | t }}</dt>
            <dd>
              {{ 'reconciliation.states.matched' | t }} {{ s.counts.matched }} ·
              {{ 'reconciliation.states.review' | t }} {{ s.counts.review }} ·
              {{ 'reconciliation.states.notAPayment' | t }} {{ s.counts.notAPayment }} ·
              {{ 'reconciliation.states.ignored' | t }} {{ s.counts.ignored }}
            </dd>
          </div>
        </dl>
        <fieldset class="filter">
          <legend>{{ 'reconciliation.statement.filter' | t }}</legend>
          @for (option of filters; track option.value) {
            <div class="choice">
              <input
                type="radio"
                name="statement-filter"
                [id]="'statement-filter-' + option.value"
                [checked]="filter() === option.value"
                (change)="filter.set(option.value)"
              />
              <label [for]="'statement-filter-' + option.value">{{ option.label | t }}</label>
            </div>
          }
        </fieldset>
      </div>
      <section aria-labelledby="statement-entries-heading" aria-live="polite">
        <h2 id="statement-entries-heading">{{ 'reconciliation.statement.entries' | t }}</h2>
        @if (s.entries.length === 0) {
          <p class="card muted">{{ 'reconciliation.statement.none' | t }}</p>
        }
        <ul class="entry-list">
          @for (entry of s.entries; track entry.id) {
            <li class="card">
              <hub-entry-facts [entry]="entry" />
              <p class="small details-link">
                <a
                  [routerLink]="['/issuers', issuerId(), 'reconciliation', 'entries', entry.id]"
                  [attr.aria-label]="detailsLabel(entry.amount, entry.currency, entry.bookingDate)"
                  >{{ 'reconciliation.entry.details' | t }}</a
                >
              </p>
            </li>
          }
        </ul>
      </section>
    } @else if (!problem()) {
      <h1>{{ 'reconciliation.titles.statement' | t }}</h1>
      <p class="muted" role="status">{{ 'reconciliation.statement.loading' | t }}</p>
    }
  `,
})
export class StatementComponent {
  private readonly api = inject(ReconciliationApi);
  private readonly language = inject(Language);

  /** Route parameters. */
  readonly issuerId = input.required<string>();
  readonly statementId = input.required<string>();
  readonly filter = signal<Filter>('all');
  readonly filters: { value: Filter; label: PlainTranslationKey }[] = [
    { value: 'all', label: 'reconciliation.statement.all' },
    { value: 'review', label: STATE_KEYS.review },
    { value: 'matched', label: STATE_KEYS.matched },
    { value: 'not-a-payment', label: STATE_KEYS['not-a-payment'] },
    { value: 'ignored', label: STATE_KEYS.ignored },
  ];
  readonly statement = signal<StatementDetail | null>(null);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : reconciliationProblem(failure, this.language.translator(), 'reconciliation.statement.loadFailed');
  });

  constructor() {
    effect(() => {
      const issuerId = this.issuerId();
      const statementId = this.statementId();
      const filter = this.filter();
      untracked(() => void this.load(issuerId, statementId, filter));
    });
  }

  detailsLabel(amount: string, currency: string, date: string): string {
    const { t, language } = this.language.translator();
    return t('reconciliation.entry.detailsOf', {
      amount: formatMoney(amount, currency, language),
      date: formatCalendarDate(date, language),
    });
  }

  private async load(issuerId: string, statementId: string, filter: Filter): Promise<void> {
    this.failure.set(null);
    try {
      const statement = await this.api.statement(issuerId, statementId, filter === 'all' ? null : filter);
      if (filter === this.filter()) this.statement.set(statement);
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

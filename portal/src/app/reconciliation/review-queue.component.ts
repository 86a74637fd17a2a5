import {
  ChangeDetectionStrategy,
  Component,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { DOCUMENT } from '@angular/common';
import { RouterLink } from '@angular/router';
import type { DecisionResult, ReviewItem } from '../../../../gateway/payments/reconciliation-contract';
import { DocumentTextDirective, Language, TranslatePipe } from '../i18n';
import { formatCalendarDate, formatMoney } from '../shared/format';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { DecisionFormComponent } from './decision-form.component';
import { DecisionHistoryComponent } from './decision-history.component';
import { EntryFactsComponent } from './entry-facts.component';
import { ReconciliationApi } from './reconciliation-api';
import { ReconciliationTabsComponent } from './reconciliation-tabs.component';
import { deliveryNotes, reconciliationProblem } from './reconciliation-words';

/**
 * The review queue (/issuers/:issuerId/reconciliation): every entry no rule could decide, with what the matcher found
 * and the invoices that may fit, and the clerk's decision right there. A decided entry stays on the page with its
 * new state, its history and an undo, until the page is loaded again.
 */
@Component({
  selector: 'hub-review-queue',
  imports: [
    RouterLink,
    TranslatePipe,
    DocumentTextDirective,
    EntryFactsComponent,
    DecisionFormComponent,
    DecisionHistoryComponent,
    ReconciliationTabsComponent,
    ...FORMAT_PIPES,
  ],
  styleUrl: './reconciliation.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>{{ 'reconciliation.review.heading' | t }}</h1>
    <hub-reconciliation-tabs [issuerId]="issuerId()" />
    <p class="muted">{{ 'reconciliation.review.intro' | t }}</p>
    @if (problem(); as message) {
      <p class="alert error" role="alert">{{ message }}</p>
    }
    @if (entries(); as entries) {
      <p class="muted small" role="status">
        {{
          entries.length
            ? ('reconciliation.review.count' | t: { count: waiting() })
            : ('reconciliation.review.none' | t)
        }}
      </p>
      @for (item of entries; track item.id) {
        <section class="card entry-card" [attr.aria-labelledby]="'rq-' + item.id">
          <h2 class="entry-title" [id]="'rq-' + item.id">
            {{ item.amount | money: item.currency }} · {{ item.bookingDate | calendarDate }}
            @if (item.counterparty?.name) {
              · <span hubDocumentText>{{ item.counterparty?.name }}</span>
            }
          </h2>
          <hub-entry-facts [entry]="item" />
          @if (decided()[item.id]; as result) {
            <div class="alert success" role="status" tabindex="-1" [id]="'rq-done-' + item.id">
              <p>{{ 'reconciliation.review.decided' | t }}</p>
              @for (line of notes(result); track $index) {
                <p>{{ line }}</p>
              }
            </div>
            <h3 class="form-heading">{{ 'reconciliation.history.heading' | t }}</h3>
            <hub-decision-history [detail]="result" />
          }
          <hub-decision-form
            [issuerId]="issuerId()"
            [entry]="item"
            [candidates]="item.candidates"
            (decided)="onDecided(item.id, $event)"
          />
          <p class="small details-link">
            <a
              [routerLink]="['/issuers', issuerId(), 'reconciliation', 'entries', item.id]"
              [attr.aria-label]="detailsLabel(item)"
              >{{ 'reconciliation.entry.details' | t }}</a
            >
          </p>
        </section>
      }
    } @else if (!problem()) {
      <p class="muted" role="status">{{ 'reconciliation.review.loading' | t }}</p>
    }
  `,
})
export class ReviewQueueComponent {
  private readonly api = inject(ReconciliationApi);
  private readonly language = inject(Language);
  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);

  /** Route parameter. */
  readonly issuerId = input.required<string>();
  readonly entries = signal<ReviewItem[] | null>(null);
  readonly decided = signal<Record<string, DecisionResult>>({});
  readonly waiting = computed(() => (this.entries() ?? []).filter((e) => e.state === 'review').length);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : reconciliationProblem(failure, this.language.translator(), 'reconciliation.review.loadFailed');
  });

  constructor() {
    effect(() => {
      const issuerId = this.issuerId();
      untracked(() => void this.load(issuerId));
    });
  }

  detailsLabel(item: ReviewItem): string {
    const { t, language } = this.language.translator();
    return t('reconciliation.entry.detailsOf', {
      amount: formatMoney(item.amount, item.currency, language),
      date: formatCalendarDate(item.bookingDate, language),
    });
  }

  notes(result: DecisionResult): string[] {
    return deliveryNotes(result.delivery, this.language.translator());
  }

  onDecided(entryId: string, result: DecisionResult): void {
    this.entries.update((entries) =>
      (entries ?? []).map((e) => (e.id === entryId ? { ...result.entry, candidates: result.candidates } : e)),
    );
    this.decided.update((decided) => ({ ...decided, [entryId]: result }));
    // The focus goes to what happened, so a keyboard or screen reader user hears it and continues from there.
    afterNextRender(() => this.document.getElementById(`rq-done-${entryId}`)?.focus(), {
      injector: this.injector,
    });
  }

  private async load(issuerId: string): Promise<void> {
    this.failure.set(null);
    try {
      this.entries.set((await this.api.review(issuerId)).entries);
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

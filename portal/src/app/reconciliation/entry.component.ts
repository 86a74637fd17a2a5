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
import type { DecisionResult, EntryDetail } from '../../../../gateway/payments/reconciliation-contract';
import { Language, TranslatePipe } from '../i18n';
import { formatCalendarDate, formatMoney } from '../shared/format';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { DecisionFormComponent } from './decision-form.component';
import { DecisionHistoryComponent } from './decision-history.component';
import { EntryFactsComponent } from './entry-facts.component';
import { ReconciliationApi } from './reconciliation-api';
import { ReconciliationTabsComponent } from './reconciliation-tabs.component';
import { PAYMENT_STATE_KEYS, deliveryNotes, reconciliationProblem } from './reconciliation-words';

/**
 * One statement entry (/issuers/:issuerId/reconciliation/entries/:entryId): its facts and decision, the decision form
 * or the undo, the whole audit trail with who and when, and every payment and credit it made or undid.
 */
@Component({
  selector: 'hub-reconciliation-entry',
  imports: [
    RouterLink,
    TranslatePipe,
    EntryFactsComponent,
    DecisionFormComponent,
    DecisionHistoryComponent,
    ReconciliationTabsComponent,
    ...FORMAT_PIPES,
  ],
  styleUrl: './reconciliation.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="back">
      <a [routerLink]="['/issuers', issuerId(), 'reconciliation']">{{
        'reconciliation.entryPage.back' | t
      }}</a>
    </p>
    @if (detail(); as d) {
      <h1>{{ heading() }}</h1>
      <hub-reconciliation-tabs [issuerId]="issuerId()" />
      <section class="card" aria-labelledby="entry-decision-heading">
        <h2 id="entry-decision-heading">{{ 'reconciliation.form.legend' | t }}</h2>
        <hub-entry-facts [entry]="d.entry" />
        <p class="small muted">
          {{ 'reconciliation.entry.statement' | t }}
          <a [routerLink]="['/issuers', issuerId(), 'statements', d.statement.id]">{{
            d.statement.fileName
          }}</a>
        </p>
        @if (done(); as result) {
          <div class="alert success" role="status" tabindex="-1" id="entry-done">
            <p>{{ 'reconciliation.entryPage.decided' | t }}</p>
            @for (line of notes(result); track $index) {
              <p>{{ line }}</p>
            }
          </div>
        }
        <hub-decision-form
          [issuerId]="issuerId()"
          [entry]="d.entry"
          [candidates]="d.candidates"
          (decided)="onDecided($event)"
        />
      </section>

      <section class="card" aria-labelledby="entry-history-heading">
        <h2 id="entry-history-heading">{{ 'reconciliation.history.heading' | t }}</h2>
        <hub-decision-history [detail]="d" />
      </section>

      <section class="card" aria-labelledby="entry-payments-heading">
        <h2 id="entry-payments-heading">{{ 'reconciliation.payments.heading' | t }}</h2>
        @if (d.payments.length === 0 && d.credits.length === 0) {
          <p class="muted small">{{ 'reconciliation.payments.none' | t }}</p>
        }
        <ul class="payments">
          @for (p of d.payments; track p.key) {
            <li>
              <a [routerLink]="['/issuers', issuerId(), 'invoices', p.invoiceId]">{{ p.invoiceNumber }}</a>
              <span class="amount-cell">{{ p.amount | money: p.currency }}</span>
              <span class="badge" [attr.data-tone]="p.state === 'recorded' ? 'good' : null">{{
                paymentStates[p.state] | t
              }}</span>
              <time class="muted small" [attr.datetime]="p.createdAt">{{ p.createdAt | timestamp }}</time>
              <span class="block small" lang="en">{{ p.refusal ?? p.reason }}</span>
            </li>
          }
          @for (c of d.credits; track $index) {
            <li>
              <span>{{
                'reconciliation.payments.credit' | t: { amount: (c.amount | money: c.currency) }
              }}</span>
              @if (c.withdrawnAt) {
                <span class="badge">{{
                  'reconciliation.payments.creditWithdrawn' | t: { date: (c.withdrawnAt | timestamp) }
                }}</span>
              }
            </li>
          }
        </ul>
      </section>
    } @else {
      <h1>{{ 'reconciliation.titles.entry' | t }}</h1>
      @if (problem(); as message) {
        <p class="alert error" role="alert">{{ message }}</p>
      } @else {
        <p class="muted" role="status">{{ 'reconciliation.entryPage.loading' | t }}</p>
      }
    }
  `,
})
export class ReconciliationEntryComponent {
  private readonly api = inject(ReconciliationApi);
  private readonly language = inject(Language);
  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);

  /** Route parameters. */
  readonly issuerId = input.required<string>();
  readonly entryId = input.required<string>();
  readonly detail = signal<EntryDetail | null>(null);
  readonly done = signal<DecisionResult | null>(null);
  readonly paymentStates = PAYMENT_STATE_KEYS;
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : reconciliationProblem(failure, this.language.translator(), 'reconciliation.entryPage.loadFailed');
  });
  readonly heading = computed(() => {
    const entry = this.detail()?.entry;
    if (!entry) return '';
    const { t, language } = this.language.translator();
    return t('reconciliation.entryPage.heading', {
      amount: formatMoney(entry.amount, entry.currency, language),
      date: formatCalendarDate(entry.bookingDate, language),
    });
  });

  constructor() {
    effect(() => {
      const issuerId = this.issuerId();
      const entryId = this.entryId();
      untracked(() => void this.load(issuerId, entryId));
    });
  }

  notes(result: DecisionResult): string[] {
    return deliveryNotes(result.delivery, this.language.translator());
  }

  onDecided(result: DecisionResult): void {
    this.detail.set(result);
    this.done.set(result);
    afterNextRender(() => this.document.getElementById('entry-done')?.focus(), {
      injector: this.injector,
    });
  }

  private async load(issuerId: string, entryId: string): Promise<void> {
    this.failure.set(null);
    try {
      this.detail.set(await this.api.entry(issuerId, entryId));
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

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
import type { DisputeStatus } from '../../../../domain/disputes/rules';
import type { DisputeSummary } from '../../../../gateway/portal/dispute-contract';
import { Language, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { DisputesApi, disputePage } from './disputes-api';
import { CATEGORY_KEYS, STATUS_KEYS, STATUS_TONES, disputeProblem } from './dispute-words';

type Filter = 'awaiting' | 'upheld' | 'all';
const FILTER_STATUSES: Record<Filter, DisputeStatus[]> = { awaiting: ['open'], upheld: ['upheld'], all: [] };

/** An issuer's disputes (/issuers/:issuerId/disputes): those to answer first, most recently active first. */
@Component({
  selector: 'hub-issuer-disputes',
  imports: [RouterLink, TranslatePipe, ...FORMAT_PIPES],
  styleUrl: './disputes.css',
  template: `
    <h1>{{ 'disputes.list.heading' | t }}</h1>
    <p class="muted">{{ 'disputes.list.intro' | t }}</p>
    <div class="card">
      <fieldset>
        <legend>{{ 'disputes.list.filter' | t }}</legend>
        @for (option of filters; track option.value) {
          <div class="choice">
            <input
              type="radio"
              name="dispute-filter"
              [id]="'dispute-filter-' + option.value"
              [value]="option.value"
              [checked]="filter() === option.value"
              (change)="filter.set(option.value)"
            />
            <label [for]="'dispute-filter-' + option.value">{{ option.label | t }}</label>
          </div>
        }
      </fieldset>
    </div>
    @if (problem(); as message) {
      <p class="alert error" role="alert">{{ message }}</p>
    }
    @if (disputes(); as disputes) {
      <section class="card" aria-labelledby="issuer-disputes-results" aria-live="polite">
        <h2 id="issuer-disputes-results" class="visually-hidden">{{ 'disputes.list.heading' | t }}</h2>
        @if (disputes.length) {
          <ul class="dispute-list">
            @for (dispute of disputes; track dispute.id) {
              <li>
                <span class="badge" [attr.data-tone]="statusTones[dispute.status]">{{
                  statusKeys[dispute.status] | t
                }}</span>
                <a [routerLink]="link(dispute)">{{
                  'disputes.list.item'
                    | t: { number: dispute.invoiceNumber, category: (categoryKeys[dispute.category] | t) }
                }}</a>
                <span>{{ dispute.customer.name ?? dispute.customer.email }}</span>
                <span class="muted small">
                  {{ 'disputes.list.lastActivity' | t }}:
                  <time [attr.datetime]="dispute.lastActivityAt">{{
                    dispute.lastActivityAt | timestamp
                  }}</time>
                </span>
              </li>
            }
          </ul>
        } @else {
          <p class="muted">{{ 'disputes.list.none' | t }}</p>
        }
      </section>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class IssuerDisputesComponent {
  private readonly api = inject(DisputesApi);
  private readonly language = inject(Language);

  /** Route parameter. */
  readonly issuerId = input.required<string>();

  readonly filters = [
    { value: 'awaiting' as const, label: 'disputes.list.awaiting' as const },
    { value: 'upheld' as const, label: 'disputes.list.upheld' as const },
    { value: 'all' as const, label: 'disputes.list.all' as const },
  ];
  readonly filter = signal<Filter>('awaiting');
  readonly disputes = signal<DisputeSummary[] | null>(null);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : disputeProblem(failure, this.language.translator(), 'disputes.list.loadFailed');
  });
  readonly categoryKeys = CATEGORY_KEYS;
  readonly statusKeys = STATUS_KEYS;
  readonly statusTones = STATUS_TONES;

  constructor() {
    effect(() => {
      const issuerId = this.issuerId();
      const filter = this.filter();
      untracked(() => void this.load(issuerId, filter));
    });
  }

  link(dispute: DisputeSummary): string[] {
    return disputePage(
      { side: 'issuer', issuerId: this.issuerId(), invoiceId: dispute.invoiceId },
      dispute.id,
    );
  }

  private async load(issuerId: string, filter: Filter): Promise<void> {
    this.failure.set(null);
    try {
      const { disputes } = await this.api.issuerDisputes(issuerId, FILTER_STATUSES[filter]);
      if (filter === this.filter()) this.disputes.set(disputes);
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

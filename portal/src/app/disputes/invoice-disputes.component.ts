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
import type { InvoiceDisputes } from '../../../../gateway/portal/dispute-contract';
import { Language, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { DisputesApi, disputePage, type DisputeScope } from './disputes-api';
import { CATEGORY_KEYS, STATUS_KEYS, STATUS_TONES, disputeProblem } from './dispute-words';

/**
 * The disputes section of an invoice page, for either side: the invoice's disputes with their status, each a link
 * to its thread; on the recipient's side the "Dispute this invoice" button, or why there is none now.
 * Place it with `<hub-invoice-disputes side="issuer" [issuerId]="…" [invoiceId]="…" />`.
 */
@Component({
  selector: 'hub-invoice-disputes',
  imports: [RouterLink, TranslatePipe, ...FORMAT_PIPES],
  styleUrl: './disputes.css',
  template: `
    <section class="card invoice-disputes" aria-labelledby="invoice-disputes-heading">
      <h2 id="invoice-disputes-heading">{{ 'disputes.section.heading' | t }}</h2>
      @if (problem(); as message) {
        <p class="alert error" role="alert">{{ message }}</p>
      }
      @if (list(); as list) {
        @if (list.disputes.length) {
          <ul class="dispute-list">
            @for (dispute of list.disputes; track dispute.id) {
              <li>
                <span class="badge" [attr.data-tone]="statusTones[dispute.status]">{{
                  statusKeys[dispute.status] | t
                }}</span>
                <a [routerLink]="link(dispute.id)">{{
                  'disputes.section.item'
                    | t
                      : { category: (categoryKeys[dispute.category] | t), at: (dispute.openedAt | timestamp) }
                }}</a>
              </li>
            }
          </ul>
        } @else {
          <p class="muted">{{ 'disputes.section.none' | t }}</p>
        }
        @if (side() === 'recipient') {
          @if (list.canOpen) {
            <p class="muted small">{{ 'disputes.section.intro' | t }}</p>
            <p class="actions-row">
              <a class="button" [routerLink]="['/invoices', invoiceId(), 'disputes', 'new']">{{
                'disputes.section.open' | t
              }}</a>
            </p>
          } @else if (list.openRefusal?.code === 'DISPUTE_REJECTED') {
            <p class="muted small">{{ 'disputes.section.rejected' | t }}</p>
          }
        }
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InvoiceDisputesComponent {
  private readonly api = inject(DisputesApi);
  private readonly language = inject(Language);

  readonly side = input.required<DisputeScope['side']>();
  readonly invoiceId = input.required<string>();
  readonly issuerId = input<string>();

  readonly list = signal<InvoiceDisputes | null>(null);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : disputeProblem(failure, this.language.translator(), 'disputes.thread.loadFailed');
  });
  readonly categoryKeys = CATEGORY_KEYS;
  readonly statusKeys = STATUS_KEYS;
  readonly statusTones = STATUS_TONES;

  private readonly scope = computed((): DisputeScope => {
    const issuerId = this.issuerId();
    return this.side() === 'issuer' && issuerId
      ? { side: 'issuer', issuerId, invoiceId: this.invoiceId() }
      : { side: 'recipient', invoiceId: this.invoiceId() };
  });

  constructor() {
    effect(() => {
      const scope = this.scope();
      untracked(() => void this.load(scope));
    });
  }

  link(disputeId: string): string[] {
    return disputePage(this.scope(), disputeId);
  }

  private async load(scope: DisputeScope): Promise<void> {
    this.failure.set(null);
    try {
      this.list.set(await this.api.list(scope));
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { ProblemDelivery } from '../../../../gateway/portal/search-contract';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe } from '../i18n';
import { ArchiveApi } from '../search/archive-api';
import { channelKey } from '../search/search-criteria';
import { FORMAT_PIPES } from '../shared/format.pipes';

/** What the hub refused from the issuer (/issuers/:issuerId/deliveries): quarantined files, rejected invoices. */
@Component({
  selector: 'hub-issuer-deliveries',
  imports: [RouterLink, TranslatePipe, ...FORMAT_PIPES],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <p class="back">
      <a [routerLink]="['/issuers', issuerId(), 'invoices']">{{ 'archive.backToSent' | t }}</a>
    </p>
    <h1>{{ 'archive.deliveriesHeading' | t }}</h1>
    @if (problem(); as message) {
      <p class="alert error" role="alert">{{ message }}</p>
    }
    @if (deliveries(); as deliveries) {
      @if (deliveries.length === 0) {
        <p class="card muted" role="status">{{ 'archive.noDeliveries' | t }}</p>
      }
      <ul class="deliveries">
        @for (delivery of deliveries; track delivery.id) {
          <li class="card">
            <p>
              <strong>{{
                (delivery.kind === 'rejected' ? 'archive.rejected' : 'archive.quarantined') | t
              }}</strong>
              · {{ delivery.receivedAt | timestamp }} ·
              {{ channelKey(delivery.channel) | t }}
              @if (delivery.fileName) {
                · {{ delivery.fileName }}
              }
              @if (delivery.invoiceId) {
                ·
                <a [routerLink]="['/issuers', issuerId(), 'invoices', delivery.invoiceId]">{{
                  delivery.number
                }}</a>
              }
            </p>
            <ul>
              @for (reason of delivery.reasons; track $index) {
                <li>
                  <code>{{ reason.code }}</code> {{ reason.message }}
                </li>
              }
            </ul>
          </li>
        }
      </ul>
      @if (next()) {
        <button type="button" (click)="more()">{{ 'archive.nextPage' | t }}</button>
      }
    } @else if (!problem()) {
      <p class="muted" role="status">{{ 'archive.loading' | t }}</p>
    }
  `,
})
export class IssuerDeliveriesComponent implements OnInit {
  private readonly api = inject(ArchiveApi);
  private readonly language = inject(Language);
  readonly issuerId = input.required<string>();
  readonly deliveries = signal<ProblemDelivery[] | null>(null);
  readonly next = signal<string | null>(null);
  readonly channelKey = channelKey;
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null ? null : problemText(failure, this.language.translator(), 'archive.loadFailed');
  });

  async ngOnInit(): Promise<void> {
    await this.more();
  }

  async more(): Promise<void> {
    try {
      const page = await this.api.deliveries(this.issuerId(), this.next());
      this.deliveries.update((shown) => [...(shown ?? []), ...page.deliveries]);
      this.next.set(page.next);
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { DisputeThread } from '../../../../gateway/portal/dispute-contract';
import { Language, TranslatePipe } from '../i18n';
import { DisputeThreadComponent } from './dispute-thread.component';

/**
 * A dispute's own page, for both sides: /invoices/:id/disputes/:disputeId (the recipient, linked from the e-mails)
 * and /issuers/:issuerId/invoices/:id/disputes/:disputeId (the issuer's users). The side comes from the route.
 */
@Component({
  selector: 'hub-dispute-page',
  imports: [RouterLink, TranslatePipe, DisputeThreadComponent],
  template: `
    <p class="back">
      @if (issuerId(); as issuerId) {
        <a [routerLink]="['/issuers', issuerId, 'disputes']">← {{ 'disputes.thread.backToList' | t }}</a>
      } @else {
        <a [routerLink]="['/invoices', id()]">← {{ 'disputes.thread.backToInvoice' | t }}</a>
      }
    </p>
    <h1>{{ heading() }}</h1>
    <hub-dispute-thread
      [side]="issuerId() ? 'issuer' : 'recipient'"
      [issuerId]="issuerId()"
      [invoiceId]="id()"
      [disputeId]="disputeId()"
      (loaded)="thread.set($event)"
    />
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DisputePageComponent {
  private readonly language = inject(Language);

  /** Route parameters. */
  readonly id = input.required<string>();
  readonly disputeId = input.required<string>();
  readonly issuerId = input<string>();

  readonly thread = signal<DisputeThread | null>(null);
  readonly heading = computed(() => {
    const { t } = this.language.translator();
    const number = this.thread()?.invoiceNumber;
    return number ? t('disputes.thread.heading', { number }) : t('disputes.titles.thread');
  });
}

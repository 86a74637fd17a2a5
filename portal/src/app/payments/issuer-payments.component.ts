import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { IssuerInvoiceDetail } from '../../../../gateway/portal/search-contract';
import { DocumentTextDirective, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { PaymentHistoryComponent } from './payment-history.component';
import { ORDER_STATE_KEYS } from './payment-words';

/**
 * The issuer's view of an invoice's money on its invoice page: the payments with their source, the open balance,
 * the card orders, and what the recipient said with "I paid elsewhere" (its word, never a payment).
 */
@Component({
  selector: 'hub-issuer-payments',
  imports: [TranslatePipe, DocumentTextDirective, PaymentHistoryComponent, ...FORMAT_PIPES],
  styleUrl: './payments.css',
  template: `
    <section class="card issuer-payments" aria-labelledby="issuer-payments-heading">
      <h2 id="issuer-payments-heading">{{ 'payments.issuer.heading' | t }}</h2>
      @if (invoice().payments; as money) {
        <p>{{ 'payments.issuer.open' | t: { amount: (money.outstanding | money: money.currency) } }}</p>
        <hub-payment-history [payments]="money.payments" labelledBy="issuer-payments-heading" />
      }
      @if (invoice().cardOrders.length) {
        <h3 id="issuer-orders-heading">{{ 'payments.issuer.orders' | t }}</h3>
        <ul>
          @for (order of invoice().cardOrders; track order.orderNumber) {
            <li>
              {{
                'payments.issuer.order'
                  | t
                    : {
                        number: order.orderNumber,
                        amount: (order.amount | money: order.currency),
                        at: (order.startedAt | timestamp),
                      }
              }}:
              {{ orderStateKeys[order.state] | t }}
              @if (order.needsReview) {
                <strong> — {{ 'payments.issuer.orderReview' | t }}</strong>
              }
            </li>
          }
        </ul>
      }
      @if (invoice().claims.length) {
        <h3 id="issuer-claims-heading">{{ 'payments.issuer.claims' | t }}</h3>
        <p class="hint">{{ 'payments.issuer.claimsNote' | t }}</p>
        <ul class="claims">
          @for (claim of invoice().claims; track claim.id) {
            <li>
              <span>{{
                'payments.elsewhere.item'
                  | t
                    : {
                        at: (claim.createdAt | timestamp),
                        by: claim.by,
                        paidOn: (claim.paidOn | calendarDate),
                      }
              }}</span>
              <p class="claim-note" hubDocumentText>{{ claim.note }}</p>
            </li>
          }
        </ul>
      }
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class IssuerPaymentsComponent {
  readonly invoice = input.required<IssuerInvoiceDetail>();
  readonly orderStateKeys = ORDER_STATE_KEYS;
}

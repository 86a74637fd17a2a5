import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { PaymentLine } from '../../../../gateway/payments/pay-contract';
import { TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { SOURCE_KEYS, STATE_KEYS } from './payment-words';

/** An invoice's payments so far, for either side: when, how (statement, card, the issuer's record), how much, counted. */
@Component({
  selector: 'hub-payment-history',
  imports: [TranslatePipe, ...FORMAT_PIPES],
  styleUrl: './payments.css',
  template: `
    @if (payments().length) {
      <div class="table-scroll">
        <table class="payments-table" [attr.aria-labelledby]="labelledBy()">
          <thead>
            <tr>
              <th scope="col">{{ 'payments.history.date' | t }}</th>
              <th scope="col">{{ 'payments.history.source' | t }}</th>
              <th scope="col" class="amount">{{ 'payments.history.amount' | t }}</th>
              <th scope="col">{{ 'payments.history.state' | t }}</th>
            </tr>
          </thead>
          <tbody>
            @for (payment of payments(); track payment.id) {
              <tr>
                <td [attr.data-label]="'payments.history.date' | t">{{ payment.paidAt | calendarDate }}</td>
                <td [attr.data-label]="'payments.history.source' | t" class="payment-source">
                  {{ sourceKeys[payment.source] | t }}
                </td>
                <td [attr.data-label]="'payments.history.amount' | t" class="amount">
                  {{ payment.amount | money: payment.currency }}
                </td>
                <td [attr.data-label]="'payments.history.state' | t">{{ stateKeys[payment.state] | t }}</td>
              </tr>
            }
          </tbody>
        </table>
      </div>
    } @else {
      <p class="muted">{{ 'payments.history.none' | t }}</p>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PaymentHistoryComponent {
  readonly payments = input.required<PaymentLine[]>();
  /** The id of the heading that names the table. */
  readonly labelledBy = input.required<string>();
  readonly sourceKeys = SOURCE_KEYS;
  readonly stateKeys = STATE_KEYS;
}

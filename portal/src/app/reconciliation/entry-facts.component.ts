import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { EntryView } from '../../../../gateway/payments/reconciliation-contract';
import { DocumentTextDirective, Language, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import {
  STATE_KEYS,
  STATE_TONES,
  decisionShares,
  decisionSummary,
  matcherReason,
} from './reconciliation-words';

/**
 * One bank entry as every reconciliation page shows it: when, how much, from whom, the payment details, and the
 * decision with its reason in words and its state.
 */
@Component({
  selector: 'hub-entry-facts',
  imports: [TranslatePipe, DocumentTextDirective, ...FORMAT_PIPES],
  styleUrl: './reconciliation.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @let e = entry();
    <dl class="entry-facts">
      <div>
        <dt>{{ 'reconciliation.entry.booked' | t }}</dt>
        <dd>{{ e.bookingDate | calendarDate }}</dd>
      </div>
      <div>
        <dt>{{ 'reconciliation.entry.amount' | t }}</dt>
        <dd class="amount-cell">
          {{ e.amount | money: e.currency }}
          @if (e.direction === 'debit') {
            <span class="muted small">({{ 'reconciliation.entry.debit' | t }})</span>
          }
          @if (e.reversal) {
            <span class="muted small">({{ 'reconciliation.entry.reversal' | t }})</span>
          }
        </dd>
      </div>
      <div>
        <dt>
          {{
            (e.direction === 'debit'
              ? 'reconciliation.entry.counterpartyOut'
              : 'reconciliation.entry.counterparty'
            ) | t
          }}
        </dt>
        <dd>
          @if (e.counterparty?.name || e.counterparty?.iban) {
            <span hubDocumentText>{{ e.counterparty?.name }}</span>
            @if (e.counterparty?.iban) {
              <span class="code block small">{{ e.counterparty?.iban }}</span>
            }
          } @else {
            <span class="muted">{{ 'reconciliation.entry.none' | t }}</span>
          }
        </dd>
      </div>
      <div class="wide">
        <dt>{{ 'reconciliation.entry.remittance' | t }}</dt>
        <dd>
          @if (e.remittance) {
            <span hubDocumentText>{{ e.remittance }}</span>
          } @else {
            <span class="muted">{{ 'reconciliation.entry.none' | t }}</span>
          }
        </dd>
      </div>
      @if (e.reference) {
        <div>
          <dt>{{ 'reconciliation.entry.reference' | t }}</dt>
          <dd class="code">{{ e.reference }}</dd>
        </div>
      }
    </dl>
    <div class="decision-now">
      <span class="badge" [attr.data-tone]="tones[e.state]">{{ stateKeys[e.state] | t }}</span>
      <span class="decision-text">{{ summary() }}</span>
      @if (e.manual; as manual) {
        <time class="muted small" [attr.datetime]="manual.at">{{ manual.at | timestamp }}</time>
      }
    </div>
    @if (reason(); as reason) {
      <p class="reason small">
        <span class="muted">{{ 'reconciliation.decision.reason' | t }}: </span
        ><span lang="en">{{ reason }}</span>
      </p>
    }
    @if (shares().length) {
      <ul class="shares small" [attr.aria-label]="'reconciliation.decision.pays' | t">
        @for (line of shares(); track $index) {
          <li>{{ line }}</li>
        }
      </ul>
    }
  `,
})
export class EntryFactsComponent {
  private readonly language = inject(Language);
  readonly entry = input.required<EntryView>();
  readonly stateKeys = STATE_KEYS;
  readonly tones = STATE_TONES;
  readonly summary = computed(() => decisionSummary(this.entry(), this.language.translator()));
  readonly reason = computed(() => matcherReason(this.entry()));
  readonly shares = computed(() => decisionShares(this.entry(), this.language.translator()));
}

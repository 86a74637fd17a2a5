import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import type { DecisionView, EntryDetail } from '../../../../gateway/payments/reconciliation-contract';
import { Language, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { formatMoney } from '../shared/format';
import { ACTION_KEYS, OUTCOME_KEYS, STATE_KEYS } from './reconciliation-words';

/**
 * The audit trail of one entry: the matcher's decision when it arrived, then every clerk's decision with who, when,
 * the note, what it replaced and what became of each payment. Never edited: an undo is one more line.
 */
@Component({
  selector: 'hub-decision-history',
  imports: [TranslatePipe, ...FORMAT_PIPES],
  styleUrl: './reconciliation.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <ol class="history">
      <li>
        <p class="entry-head">
          <strong>{{ 'reconciliation.history.arrived' | t }}</strong>
          <span class="badge">{{ stateKeys[automatic().state] | t }}</span>
          <time [attr.datetime]="automatic().decidedAt">{{ automatic().decidedAt | timestamp }}</time>
        </p>
        <p class="small" lang="en">{{ automatic().reason }}</p>
      </li>
      @for (decision of history(); track decision.id) {
        <li [attr.data-action]="decision.action">
          <p class="entry-head">
            <strong>{{ decision.by }}</strong>
            <span>{{ actionKeys[decision.action] | t }}</span>
            <time [attr.datetime]="decision.at">{{ decision.at | timestamp }}</time>
          </p>
          <p class="note">{{ decision.note }}</p>
          <p class="muted small">
            {{ 'reconciliation.history.before' | t: { state: (stateKeys[decision.previous.state] | t) } }}
            @if (decision.action === 'undo' && !decision.undoes) {
              · {{ 'reconciliation.history.undoneAutomatic' | t }}
            }
          </p>
          @if (decision.shares.length) {
            <ul class="shares small">
              @for (share of decision.shares; track $index) {
                <li>{{ shareText(decision, $index) }}</li>
              }
            </ul>
          }
        </li>
      }
    </ol>
    @if (history().length === 0) {
      <p class="muted small">{{ 'reconciliation.history.none' | t }}</p>
    }
  `,
})
export class DecisionHistoryComponent {
  private readonly language = inject(Language);
  readonly detail = input.required<Pick<EntryDetail, 'automatic' | 'history'>>();
  readonly automatic = computed(() => this.detail().automatic);
  readonly history = computed(() => this.detail().history);
  readonly stateKeys = STATE_KEYS;
  readonly actionKeys = ACTION_KEYS;

  shareText(decision: DecisionView, index: number): string {
    const share = decision.shares[index];
    const { t, language } = this.language.translator();
    const line = t('reconciliation.decision.share', {
      number: share.number,
      amount: formatMoney(share.amount, share.currency ?? '', language),
    });
    return share.outcome ? `${line} · ${t(OUTCOME_KEYS[share.outcome])}` : line;
  }
}

import {
  ChangeDetectionStrategy,
  Component,
  computed,
  inject,
  input,
  linkedSignal,
  output,
  signal,
  type WritableSignal,
} from '@angular/core';
import type {
  CandidateView,
  DecisionResult,
  EntryView,
} from '../../../../gateway/payments/reconciliation-contract';
import { Language, TranslatePipe } from '../i18n';
import { formatMoney } from '../shared/format';
import { ReconciliationApi } from './reconciliation-api';
import { candidateLabel, reconciliationProblem } from './reconciliation-words';

type Mode = 'match' | 'split' | 'ignore';
const AMOUNT = /^(\d{1,15})(?:[.,](\d{1,2}))?$/;

/** "120,5" → 12050n; undefined for anything that is not an amount. Amounts never pass through floating point. */
function cents(text: string): bigint | undefined {
  const match = AMOUNT.exec(text.trim());
  if (!match) return undefined;
  return BigInt(match[1]) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
}
const decimal = (value: bigint) => `${value / 100n}.${String(value % 100n).padStart(2, '0')}`;

/**
 * A clerk's decision on one entry: match it to one invoice, split it across several with an amount each, or ignore
 * it, always with a note; and undo on a decided entry. The invoices offered are the matcher's candidates and what the
 * clerk's search finds. Emits the hub's answer (the entry as it now stands, with its history).
 */
@Component({
  selector: 'hub-decision-form',
  imports: [TranslatePipe],
  styleUrl: './reconciliation.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (canDecide()) {
      <form class="decision" (submit)="$event.preventDefault(); decide()" novalidate>
        <fieldset>
          <legend>{{ 'reconciliation.form.legend' | t }}</legend>
          @for (option of modes(); track option.value) {
            <div class="choice">
              <input
                type="radio"
                [name]="id('mode')"
                [id]="id('mode-' + option.value)"
                [checked]="mode() === option.value"
                (change)="mode.set(option.value)"
              />
              <label [for]="id('mode-' + option.value)">{{ option.label | t }}</label>
            </div>
          }
        </fieldset>

        @if (mode() !== 'ignore') {
          <fieldset [attr.aria-describedby]="invoiceError() ? id('invoice-error') : null">
            <legend>{{ 'reconciliation.candidates.legend' | t }}</legend>
            @if (options().length === 0) {
              <p class="muted small">{{ 'reconciliation.candidates.none' | t }}</p>
            }
            @for (candidate of options(); track candidate.invoiceId) {
              <div class="choice candidate">
                @if (mode() === 'match') {
                  <input
                    type="radio"
                    [name]="id('invoice')"
                    [id]="id('invoice-' + candidate.invoiceId)"
                    [disabled]="!!candidate.notPayable"
                    [checked]="chosen() === candidate.invoiceId"
                    (change)="chosen.set(candidate.invoiceId)"
                  />
                } @else {
                  <input
                    type="checkbox"
                    [id]="id('invoice-' + candidate.invoiceId)"
                    [disabled]="!!candidate.notPayable"
                    [checked]="shares()[candidate.invoiceId] !== undefined"
                    (change)="toggleShare(candidate, $any($event.target).checked)"
                  />
                }
                <label [for]="id('invoice-' + candidate.invoiceId)">
                  {{ label(candidate) }}
                  @if (candidate.evidence) {
                    <span class="block muted small" lang="en">{{ candidate.evidence }}</span>
                  }
                </label>
              </div>
              @if (mode() === 'split' && shares()[candidate.invoiceId] !== undefined) {
                <div class="share">
                  <label [for]="id('amount-' + candidate.invoiceId)">{{
                    'reconciliation.form.amountFor' | t: { number: candidate.number }
                  }}</label>
                  <input
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    [id]="id('amount-' + candidate.invoiceId)"
                    [value]="shares()[candidate.invoiceId]"
                    (input)="setShare(candidate.invoiceId, $any($event.target).value)"
                  />
                </div>
              }
            }
            @if (invoiceError(); as error) {
              <p class="field-error" [id]="id('invoice-error')">{{ error | t }}</p>
            }
            @if (mode() === 'split' && rest(); as rest) {
              <p class="hint" aria-live="polite">{{ rest }}</p>
            }
          </fieldset>

          <details class="search">
            <summary>{{ 'reconciliation.candidates.search' | t }}</summary>
            <div class="search-fields">
              <div>
                <label [for]="id('search-number')">{{ 'reconciliation.candidates.number' | t }}</label>
                <input
                  type="text"
                  [id]="id('search-number')"
                  #number
                  (keydown.enter)="
                    $event.preventDefault(); search(number.value, amount.value, customer.value)
                  "
                />
              </div>
              <div>
                <label [for]="id('search-amount')">{{ 'reconciliation.candidates.amount' | t }}</label>
                <input
                  type="text"
                  inputmode="decimal"
                  [id]="id('search-amount')"
                  #amount
                  (keydown.enter)="
                    $event.preventDefault(); search(number.value, amount.value, customer.value)
                  "
                />
              </div>
              <div>
                <label [for]="id('search-customer')">{{ 'reconciliation.candidates.customer' | t }}</label>
                <input
                  type="text"
                  [id]="id('search-customer')"
                  #customer
                  (keydown.enter)="
                    $event.preventDefault(); search(number.value, amount.value, customer.value)
                  "
                />
              </div>
            </div>
            <button
              type="button"
              class="button"
              [disabled]="searching()"
              (click)="search(number.value, amount.value, customer.value)"
            >
              {{
                (searching()
                  ? 'reconciliation.candidates.searching'
                  : 'reconciliation.candidates.searchSubmit'
                ) | t
              }}
            </button>
            <p class="hint" role="status">{{ searchStatus() }}</p>
          </details>
        }

        <label [for]="id('note')">{{ 'reconciliation.form.note' | t }}</label>
        <textarea
          [id]="id('note')"
          maxlength="1000"
          [value]="note()"
          (input)="note.set($any($event.target).value)"
          [attr.aria-invalid]="noteError() ? 'true' : null"
          [attr.aria-describedby]="noteError() ? id('note-error') + ' ' + id('note-hint') : id('note-hint')"
        ></textarea>
        <p class="hint" [id]="id('note-hint')">{{ 'reconciliation.form.noteHint' | t }}</p>
        @if (noteError()) {
          <p class="field-error" [id]="id('note-error')">{{ 'reconciliation.form.noteMissing' | t }}</p>
        }
        @if (problem(); as message) {
          <p class="alert error" role="alert">{{ message }}</p>
        }
        <button type="submit" class="primary" [disabled]="busy()">
          {{ (busy() ? 'reconciliation.form.submitting' : 'reconciliation.form.submit') | t }}
        </button>
      </form>
    }

    @if (canUndo()) {
      <form class="undo" (submit)="$event.preventDefault(); undo()" novalidate>
        <h3 class="form-heading">{{ 'reconciliation.form.undoHeading' | t }}</h3>
        <p class="hint">{{ 'reconciliation.form.undoIntro' | t }}</p>
        <label [for]="id('undo-note')">{{ 'reconciliation.form.note' | t }}</label>
        <textarea
          [id]="id('undo-note')"
          maxlength="1000"
          [value]="undoNote()"
          (input)="undoNote.set($any($event.target).value)"
          [attr.aria-invalid]="undoNoteError() ? 'true' : null"
          [attr.aria-describedby]="undoNoteError() ? id('undo-note-error') : null"
        ></textarea>
        @if (undoNoteError()) {
          <p class="field-error" [id]="id('undo-note-error')">{{ 'reconciliation.form.noteMissing' | t }}</p>
        }
        @if (undoProblem(); as message) {
          <p class="alert error" role="alert">{{ message }}</p>
        }
        <button type="submit" class="button danger" [disabled]="busy()">
          {{ (busy() ? 'reconciliation.form.undoing' : 'reconciliation.form.undo') | t }}
        </button>
      </form>
    }
  `,
})
export class DecisionFormComponent {
  private readonly api = inject(ReconciliationApi);
  private readonly language = inject(Language);

  readonly issuerId = input.required<string>();
  readonly entry = input.required<EntryView>();
  readonly candidates = input<CandidateView[]>([]);
  readonly decided = output<DecisionResult>();

  readonly chosen = signal<string | null>(null);
  /** Split: the chosen invoices with the amount typed for each. */
  readonly shares = signal<Record<string, string>>({});
  readonly note = signal('');
  readonly undoNote = signal('');
  private readonly found = signal<CandidateView[]>([]);
  readonly searching = signal(false);
  private readonly searched = signal<number | null>(null);
  readonly busy = signal(false);
  private readonly submitted = signal(false);
  private readonly undoSubmitted = signal(false);
  private readonly failure = signal<unknown>(null);
  private readonly undoFailure = signal<unknown>(null);

  readonly canDecide = computed(() => this.entry().actions.some((a) => a !== 'undo'));
  readonly canUndo = computed(() => this.entry().actions.includes('undo'));
  readonly modes = computed(() => {
    const actions = this.entry().actions;
    const all = [
      { value: 'match' as const, label: 'reconciliation.form.match' as const },
      { value: 'split' as const, label: 'reconciliation.form.split' as const },
      { value: 'ignore' as const, label: 'reconciliation.form.ignore' as const },
    ];
    return all.filter((m) => actions.includes(m.value));
  });
  /** The decision being made: the first the entry allows, until the clerk chooses. */
  readonly mode = linkedSignal<Mode>(() => this.modes()[0]?.value ?? 'ignore');
  readonly options = computed(() => {
    const seen = new Set<string>();
    return [...this.candidates(), ...this.found()].filter(
      (c) => !seen.has(c.invoiceId) && seen.add(c.invoiceId),
    );
  });
  readonly noteError = computed(() => this.submitted() && !this.note().trim());
  readonly undoNoteError = computed(() => this.undoSubmitted() && !this.undoNote().trim());
  readonly invoiceError = computed(() => {
    if (!this.submitted()) return null;
    if (this.mode() === 'match' && !this.chosen()) return 'reconciliation.form.invoiceMissing' as const;
    if (this.mode() === 'split') {
      const amounts = Object.values(this.shares());
      if (amounts.length === 0) return 'reconciliation.form.sharesMissing' as const;
      if (amounts.some((a) => !cents(a))) return 'reconciliation.form.amountInvalid' as const;
    }
    return null;
  });
  /** Split: what the amounts leave of the entry (the customer's credit), or that they are too much. */
  readonly rest = computed(() => {
    const entry = this.entry();
    const total = cents(entry.amount);
    const amounts = Object.values(this.shares()).map(cents);
    if (total === undefined || amounts.length === 0 || amounts.some((a) => a === undefined)) return null;
    const left = total - amounts.reduce<bigint>((sum, a) => sum + (a ?? 0n), 0n);
    const { t, language } = this.language.translator();
    if (left < 0n) return t('reconciliation.form.over');
    if (left === 0n) return null;
    return t('reconciliation.form.rest', { amount: formatMoney(decimal(left), entry.currency, language) });
  });
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null ? null : reconciliationProblem(failure, this.language.translator());
  });
  readonly undoProblem = computed(() => {
    const failure = this.undoFailure();
    return failure === null ? null : reconciliationProblem(failure, this.language.translator());
  });
  readonly searchStatus = computed(() => {
    const count = this.searched();
    if (count === null) return '';
    const { t } = this.language.translator();
    return count === 0
      ? t('reconciliation.candidates.searchNone')
      : t('reconciliation.candidates.searchFound', { count });
  });

  /** Ids unique to this entry, so several forms on one page never share one. */
  id(name: string): string {
    return `rc-${this.entry().id}-${name}`;
  }

  label(candidate: CandidateView): string {
    return candidateLabel(candidate, this.language.translator());
  }

  toggleShare(candidate: CandidateView, checked: boolean): void {
    this.shares.update((shares) => {
      const next = { ...shares };
      if (!checked) {
        delete next[candidate.invoiceId];
        return next;
      }
      // Offered: what the invoice owes, up to what the entry has left.
      const left =
        (cents(this.entry().amount) ?? 0n) -
        Object.values(shares).reduce<bigint>((s, a) => s + (cents(a) ?? 0n), 0n);
      const owed = cents(candidate.outstanding) ?? 0n;
      const offer = owed < left ? owed : left > 0n ? left : 0n;
      next[candidate.invoiceId] = offer > 0n ? decimal(offer) : '';
      return next;
    });
  }

  setShare(invoiceId: string, amount: string): void {
    this.shares.update((shares) => ({ ...shares, [invoiceId]: amount }));
  }

  async search(number: string, amount: string, customer: string): Promise<void> {
    this.searching.set(true);
    try {
      const { invoices } = await this.api.search(this.issuerId(), { number, amount, customer });
      this.found.update((found) => [...found, ...invoices]);
      this.searched.set(invoices.length);
    } catch (failure) {
      this.failure.set(failure);
    } finally {
      this.searching.set(false);
    }
  }

  async decide(): Promise<void> {
    this.submitted.set(true);
    this.failure.set(null);
    if (this.noteError() || (this.mode() !== 'ignore' && this.invoiceError())) return;
    const entry = this.entry();
    const body = { note: this.note().trim(), decidedAt: entry.decidedAt };
    await this.send(this.failure, () => {
      switch (this.mode()) {
        case 'match':
          return this.api.match(this.issuerId(), entry.id, { ...body, invoiceId: this.chosen() as string });
        case 'split':
          return this.api.split(this.issuerId(), entry.id, {
            ...body,
            allocations: Object.entries(this.shares()).map(([invoiceId, amount]) => ({
              invoiceId,
              amount: decimal(cents(amount) ?? 0n),
            })),
          });
        default:
          return this.api.ignore(this.issuerId(), entry.id, body);
      }
    });
  }

  async undo(): Promise<void> {
    this.undoSubmitted.set(true);
    this.undoFailure.set(null);
    if (this.undoNoteError()) return;
    const entry = this.entry();
    await this.send(this.undoFailure, () =>
      this.api.undo(this.issuerId(), entry.id, { note: this.undoNote().trim(), decidedAt: entry.decidedAt }),
    );
  }

  private async send(failure: WritableSignal<unknown>, call: () => Promise<DecisionResult>): Promise<void> {
    this.busy.set(true);
    try {
      const result = await call();
      this.submitted.set(false);
      this.undoSubmitted.set(false);
      this.note.set('');
      this.undoNote.set('');
      this.shares.set({});
      this.chosen.set(null);
      this.decided.emit(result);
    } catch (error) {
      failure.set(error);
    } finally {
      this.busy.set(false);
    }
  }
}

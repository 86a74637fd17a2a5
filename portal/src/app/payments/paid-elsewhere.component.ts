import {
  ChangeDetectionStrategy,
  Component,
  Injector,
  computed,
  inject,
  input,
  output,
  signal,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { PaymentClaimView } from '../../../../gateway/payments/pay-contract';
import { focusFirstInvalid } from '../disputes/focus';
import { DocumentTextDirective, Language, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { PaymentsApi } from './payments-api';
import { paymentProblem } from './payment-words';

const NOTE_MAX = 1000;

/** Today in the reader's own calendar, YYYY-MM-DD: a payment cannot be later. */
function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/**
 * "I paid elsewhere": the recipient tells the issuer when and how it paid. It says plainly that this does not mark
 * the invoice paid; what was said before is listed.
 */
@Component({
  selector: 'hub-paid-elsewhere',
  imports: [ReactiveFormsModule, TranslatePipe, DocumentTextDirective, ...FORMAT_PIPES],
  styleUrl: './payments.css',
  template: `
    <section class="pay-way elsewhere" aria-labelledby="paid-elsewhere-heading">
      <h3 id="paid-elsewhere-heading">{{ 'payments.elsewhere.heading' | t }}</h3>
      <p>{{ 'payments.elsewhere.intro' | t }}</p>
      <p class="not-paid">{{ 'payments.elsewhere.notPaid' | t }}</p>
      @if (claims().length) {
        <h4 class="small">{{ 'payments.elsewhere.told' | t }}</h4>
        <ul class="claims">
          @for (claim of claims(); track claim.id) {
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
      @if (open()) {
        <form [formGroup]="form" (ngSubmit)="send()" novalidate>
          <label for="paid-elsewhere-date">{{ 'payments.elsewhere.date' | t }}</label>
          <input
            id="paid-elsewhere-date"
            type="date"
            formControlName="paidOn"
            [max]="latest"
            [attr.aria-invalid]="dateMissing() ? 'true' : null"
            [attr.aria-describedby]="dateMissing() ? 'paid-elsewhere-date-error' : null"
          />
          @if (dateMissing()) {
            <p id="paid-elsewhere-date-error" class="field-error">
              {{ 'payments.elsewhere.dateRequired' | t }}
            </p>
          }
          <label for="paid-elsewhere-note">{{ 'payments.elsewhere.note' | t }}</label>
          <textarea
            id="paid-elsewhere-note"
            formControlName="note"
            [attr.maxlength]="noteMax"
            [attr.aria-invalid]="noteMissing() ? 'true' : null"
            [attr.aria-describedby]="
              noteMissing()
                ? 'paid-elsewhere-note-hint paid-elsewhere-note-error'
                : 'paid-elsewhere-note-hint'
            "
          ></textarea>
          <p id="paid-elsewhere-note-hint" class="hint">{{ 'payments.elsewhere.noteHint' | t }}</p>
          @if (noteMissing()) {
            <p id="paid-elsewhere-note-error" class="field-error">
              {{ 'payments.elsewhere.noteRequired' | t }}
            </p>
          }
          @if (problem(); as message) {
            <p class="alert error" role="alert">{{ message }}</p>
          }
          <button type="submit" class="primary" [disabled]="sending()">
            {{ (sending() ? 'payments.elsewhere.sending' : 'payments.elsewhere.send') | t }}
          </button>
        </form>
      }
      <p role="status" class="small">{{ sent() ? ('payments.elsewhere.sent' | t) : '' }}</p>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PaidElsewhereComponent {
  private readonly api = inject(PaymentsApi);
  private readonly language = inject(Language);
  private readonly injector = inject(Injector);

  readonly invoiceId = input.required<string>();
  readonly claims = input.required<PaymentClaimView[]>();
  /** The invoice still takes payments (not paid, cancelled or rejected). */
  readonly open = input.required<boolean>();
  readonly claimed = output<PaymentClaimView>();

  readonly noteMax = NOTE_MAX;
  readonly latest = today();
  readonly sending = signal(false);
  readonly sent = signal(false);
  private readonly tried = signal(false);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null ? null : paymentProblem(failure, this.language.translator());
  });

  readonly form = inject(NonNullableFormBuilder).group({
    paidOn: ['', Validators.required],
    note: ['', [Validators.required, Validators.maxLength(NOTE_MAX)]],
  });

  dateMissing(): boolean {
    const value = this.form.controls.paidOn.value;
    return this.tried() && (!/^\d{4}-\d{2}-\d{2}$/.test(value) || value > this.latest);
  }

  noteMissing(): boolean {
    return this.tried() && this.form.controls.note.value.trim() === '';
  }

  async send(): Promise<void> {
    this.tried.set(true);
    this.failure.set(null);
    this.sent.set(false);
    if (this.dateMissing() || this.noteMissing()) {
      focusFirstInvalid(this.injector);
      return;
    }
    if (this.sending()) return;
    this.sending.set(true);
    try {
      const { paidOn, note } = this.form.getRawValue();
      const claim = await this.api.claim(this.invoiceId(), { paidOn, note: note.trim() });
      this.form.reset();
      this.tried.set(false);
      this.sent.set(true);
      this.claimed.emit(claim);
    } catch (failure) {
      this.failure.set(failure);
    } finally {
      this.sending.set(false);
    }
  }
}

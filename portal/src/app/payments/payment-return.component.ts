import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  OnInit,
  computed,
  inject,
  input,
  signal,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import type { InvoicePaymentPage } from '../../../../gateway/payments/pay-contract';
import { Language, TranslatePipe, type PlainTranslationKey } from '../i18n';
import { paymentProblem } from './payment-words';
import { PaymentsApi } from './payments-api';

/** How often the page asks again, and for how long, before it says the confirmation has not come yet. */
const POLL_MS = 2000;
const GIVE_UP_MS = 120_000;

type Outcome = 'waiting' | 'confirmed' | 'paid' | 'denied' | 'expired' | 'review' | 'timeout';

const OUTCOME_KEYS: Record<Outcome, PlainTranslationKey> = {
  waiting: 'payments.return.waiting',
  confirmed: 'payments.return.confirmed',
  paid: 'payments.return.paid',
  denied: 'payments.return.denied',
  expired: 'payments.return.expired',
  review: 'payments.return.review',
  timeout: 'payments.return.timeout',
};

/**
 * Where the provider sends the payer's browser back (/invoices/:id/payment/return?order=…). Coming back proves
 * nothing, so the page only waits: it asks the hub every few seconds until the invoice shows paid, because the
 * provider's signed notification reached the hub, or the order was declined, or it stops waiting and says so.
 */
@Component({
  selector: 'hub-payment-return',
  imports: [RouterLink, TranslatePipe],
  styleUrl: './payments.css',
  template: `
    <p class="back">
      <a [routerLink]="['/invoices', id()]"
        ><span aria-hidden="true">← </span>{{ 'payments.return.back' | t }}</a
      >
    </p>
    <section class="card narrow payment-return" aria-labelledby="payment-return-heading">
      <h1 id="payment-return-heading">{{ 'payments.return.heading' | t: { number: number() } }}</h1>
      @if (problem(); as message) {
        <p class="alert error" role="alert">{{ message }}</p>
      }
      <p class="confirmation" role="status" [attr.data-tone]="tone()">{{ outcomeKeys[outcome()] | t }}</p>
      @if (cancelled() && outcome() === 'waiting') {
        <p>{{ 'payments.return.cancelled' | t }}</p>
      }
      @if (outcome() === 'waiting' || outcome() === 'confirmed' || outcome() === 'timeout') {
        <p class="small">{{ 'payments.return.explain' | t }}</p>
      }
      <p>
        <a class="button" [routerLink]="['/invoices', id()]">{{ 'payments.return.back' | t }}</a>
      </p>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PaymentReturnComponent implements OnInit {
  private readonly api = inject(PaymentsApi);
  private readonly language = inject(Language);

  /** Route parameter: the invoice. */
  readonly id = input.required<string>();
  /** Query parameters the hub put in the provider's return addresses. */
  readonly order = input<string>();
  readonly cancelled = input<string>();

  private readonly page = signal<InvoicePaymentPage | null>(null);
  private readonly gaveUp = signal(false);
  private readonly failure = signal<unknown>(null);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly startedAt = Date.now();

  readonly number = computed(() => this.page()?.number ?? '');
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : paymentProblem(failure, this.language.translator(), 'payments.panel.loadFailed');
  });
  readonly outcome = computed((): Outcome => {
    const page = this.page();
    if (page?.paid) return 'paid';
    const order = page?.cardOrders.find((o) => o.orderNumber === this.order());
    if (order?.needsReview) return 'review';
    if (order?.state === 'denied' || order?.state === 'expired') return order.state;
    if (order?.state === 'paid') return this.gaveUp() ? 'timeout' : 'confirmed';
    return this.gaveUp() ? 'timeout' : 'waiting';
  });
  readonly tone = computed(() => {
    const outcome = this.outcome();
    if (outcome === 'paid') return 'good';
    return outcome === 'denied' || outcome === 'expired' ? 'bad' : null;
  });
  readonly outcomeKeys = OUTCOME_KEYS;

  constructor() {
    inject(DestroyRef).onDestroy(() => clearTimeout(this.timer));
  }

  ngOnInit(): Promise<void> {
    return this.check();
  }

  private async check(): Promise<void> {
    try {
      this.page.set(await this.api.payment(this.id()));
      this.failure.set(null);
    } catch (failure) {
      this.failure.set(failure);
    }
    const outcome = this.outcome();
    if (outcome !== 'waiting' && outcome !== 'confirmed') return;
    if (Date.now() - this.startedAt > GIVE_UP_MS) {
      this.gaveUp.set(true);
      return;
    }
    this.timer = setTimeout(() => void this.check(), POLL_MS);
  }
}

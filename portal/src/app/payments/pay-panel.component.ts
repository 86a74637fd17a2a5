import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { ActivatedRoute } from '@angular/router';
import type { InvoicePaymentPage, PaymentClaimView } from '../../../../gateway/payments/pay-contract';
import { DocumentTextDirective, Language, TranslatePipe } from '../i18n';
import { formatMoney } from '../shared/format';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { CopyButtonComponent } from './copy-button.component';
import { followHandOff } from './hand-off';
import { PaidElsewhereComponent } from './paid-elsewhere.component';
import { PaymentHistoryComponent } from './payment-history.component';
import { CARD_UNAVAILABLE_KEYS, QR_UNAVAILABLE_KEYS, paymentProblem } from './payment-words';
import { PaymentsApi } from './payments-api';

/**
 * The recipient's "Pay" panel on the invoice page (`<hub-pay-panel [invoiceId]="…" />`, reached at #pay): the open
 * balance; a warning when the invoice names a new bank account; the transfer details, each with a copy button, and
 * the EPC QR code for the banking app; "Pay by card" through the provider's hosted page; the payments so far; and
 * "I paid elsewhere".
 */
@Component({
  selector: 'hub-pay-panel',
  imports: [
    TranslatePipe,
    DocumentTextDirective,
    CopyButtonComponent,
    PaidElsewhereComponent,
    PaymentHistoryComponent,
    ...FORMAT_PIPES,
  ],
  styleUrl: './payments.css',
  templateUrl: './pay-panel.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class PayPanelComponent {
  private readonly api = inject(PaymentsApi);
  private readonly language = inject(Language);
  private readonly route = inject(ActivatedRoute);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);

  readonly invoiceId = input.required<string>();

  readonly page = signal<InvoicePaymentPage | null>(null);
  private readonly loadFailure = signal<unknown>(null);
  private readonly cardFailure = signal<unknown>(null);
  readonly startingCard = signal(false);

  readonly loadProblem = computed(() => {
    const failure = this.loadFailure();
    return failure === null
      ? null
      : paymentProblem(failure, this.language.translator(), 'payments.panel.loadFailed');
  });
  readonly cardProblem = computed(() => {
    const failure = this.cardFailure();
    return failure === null ? null : paymentProblem(failure, this.language.translator());
  });
  /** The QR image as a data: URL (the Content-Security-Policy allows images from the hub and data: only). */
  readonly qrImage = computed(() => {
    const svg = this.page()?.qr?.svg;
    return svg ? `data:image/svg+xml;base64,${btoa(svg)}` : null;
  });
  readonly qrAlt = computed(() => {
    const page = this.page();
    if (!page?.transfer) return '';
    const { t, language } = this.language.translator();
    return t('payments.qr.alt', {
      amount: formatMoney(page.outstanding, page.currency, language),
      iban: page.transfer.iban,
      reference: page.transfer.reference.value,
    });
  });
  readonly openAmount = computed(() => {
    const page = this.page();
    return page ? formatMoney(page.outstanding, page.currency, this.language.current()) : '';
  });
  /** A card payment handed to the provider whose signed confirmation has not come. */
  readonly waitingOrder = computed(
    () => this.page()?.cardOrders.find((order) => order.state === 'started' && !order.needsReview) ?? null,
  );
  readonly orderToReview = computed(
    () => this.page()?.cardOrders.some((order) => order.needsReview) ?? false,
  );
  readonly open = computed(() => {
    const status = this.page()?.status;
    return status !== undefined && !['paid', 'cancelled', 'rejected'].includes(status);
  });
  readonly qrUnavailableKeys = QR_UNAVAILABLE_KEYS;
  readonly cardUnavailableKeys = CARD_UNAVAILABLE_KEYS;

  constructor() {
    effect(() => {
      const id = this.invoiceId();
      untracked(() => void this.load(id));
    });
  }

  private async load(id: string): Promise<void> {
    this.loadFailure.set(null);
    try {
      const page = await this.api.payment(id);
      if (id !== this.invoiceId()) return;
      const first = this.page() === null;
      this.page.set(page);
      // Reached from the list's "Pay" link: bring the panel into view once it is there.
      if (first && this.route.snapshot.fragment === 'pay') {
        afterNextRender(
          {
            write: () => this.host.nativeElement.querySelector<HTMLElement>('#pay-heading')?.scrollIntoView(),
          },
          { injector: this.injector },
        );
      }
    } catch (failure) {
      if (id === this.invoiceId()) this.loadFailure.set(failure);
    }
  }

  async payByCard(): Promise<void> {
    if (this.startingCard()) return;
    this.cardFailure.set(null);
    this.startingCard.set(true);
    try {
      const { handOff } = await this.api.startCard(this.invoiceId());
      followHandOff(handOff, this.document);
    } catch (failure) {
      this.cardFailure.set(failure);
      this.startingCard.set(false);
    }
  }

  onClaimed(claim: PaymentClaimView): void {
    const page = this.page();
    if (page) this.page.set({ ...page, claims: [...page.claims, claim] });
  }
}

import {
  ChangeDetectionStrategy,
  Component,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import type { InvoiceDetail, ViewReceipt } from '../../../../gateway/portal/contract';
import { PortalApi, PortalApiError } from '../api/portal-api';
import { problemText } from '../api/problem-text';
import { DocumentTextDirective, Language, TranslatePipe } from '../i18n';
import { InvoiceDisputesComponent } from '../disputes/invoice-disputes.component';
import { PayPanelComponent } from '../payments/pay-panel.component';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { channelText, timelineEntryView } from './invoice-texts';
import { toInvoiceView } from './invoice-view';
import { StatusBadgeComponent } from './status-badge.component';

/**
 * One invoice as a person reads it. Once it is on screen for the logged-in recipient, the page reports the view:
 * that authenticated, rendered view is the return receipt the issuer gets.
 */
@Component({
  selector: 'hub-invoice-detail',
  imports: [
    RouterLink,
    StatusBadgeComponent,
    TranslatePipe,
    DocumentTextDirective,
    InvoiceDisputesComponent,
    PayPanelComponent,
    ...FORMAT_PIPES,
  ],
  templateUrl: './invoice-detail.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InvoiceDetailComponent {
  private readonly api = inject(PortalApi);
  private readonly language = inject(Language);
  private readonly injector = inject(Injector);

  /** Route parameter. */
  readonly id = input.required<string>();

  readonly detail = signal<InvoiceDetail | null>(null);
  /** Why the invoice is not shown: the failure, worded in the language on screen. */
  private readonly failure = signal<unknown>(null);
  readonly receipt = signal<ViewReceipt | null>(null);

  // Everything below is rebuilt from the translator, so a language switch re-words the whole page in place.
  readonly view = computed(() => {
    const detail = this.detail();
    return detail ? toInvoiceView(detail, this.language.translator()) : null;
  });
  readonly timeline = computed(() => {
    const translator = this.language.translator();
    return (this.detail()?.timeline ?? []).map((entry) => timelineEntryView(entry, translator));
  });
  readonly channel = computed(() => {
    const detail = this.detail();
    return detail ? channelText(detail.channel, this.language.translator()) : '';
  });
  readonly problem = computed(() => {
    const failure = this.failure();
    if (failure === null) return null;
    const translator = this.language.translator();
    return failure instanceof PortalApiError && failure.code === 'INVOICE_NOT_FOUND'
      ? { title: translator.t('invoice.notFound.title'), message: translator.t('invoice.notFound.message') }
      : {
          title: translator.t('invoice.loadFailed.title'),
          message: problemText(failure, translator, 'invoice.loadFailed.message'),
        };
  });

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id));
    });
  }

  private async load(id: string): Promise<void> {
    this.detail.set(null);
    this.failure.set(null);
    this.receipt.set(null);
    try {
      const detail = await this.api.invoice(id);
      if (id !== this.id()) return;
      this.detail.set(detail);
      afterNextRender({ read: () => void this.recordView(id) }, { injector: this.injector });
    } catch (failure) {
      if (id === this.id()) this.failure.set(failure);
    }
  }

  private async recordView(id: string): Promise<void> {
    try {
      const receipt = await this.api.recordView(id);
      if (id === this.id()) this.receipt.set(receipt);
    } catch {
      // The invoice stays readable; the next visit records the view again.
      this.receipt.set(null);
    }
  }
}

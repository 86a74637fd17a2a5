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
import { CHANNEL_NAMES, type InvoiceDetail, type ViewReceipt } from '../../../../gateway/portal/contract';
import { PortalApi, PortalApiError } from '../api/portal-api';
import { humanize } from '../shared/format';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { toInvoiceView } from './invoice-view';
import { StatusBadgeComponent } from './status-badge.component';

/**
 * One invoice as a person reads it. Once it is on screen for the logged-in recipient, the page reports the view:
 * that authenticated, rendered view is the return receipt the issuer gets.
 */
@Component({
  selector: 'hub-invoice-detail',
  imports: [RouterLink, StatusBadgeComponent, ...FORMAT_PIPES],
  templateUrl: './invoice-detail.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InvoiceDetailComponent {
  private readonly api = inject(PortalApi);
  private readonly injector = inject(Injector);

  /** Route parameter. */
  readonly id = input.required<string>();

  readonly detail = signal<InvoiceDetail | null>(null);
  readonly problem = signal<{ title: string; message: string } | null>(null);
  readonly receipt = signal<ViewReceipt | null>(null);

  readonly view = computed(() => {
    const detail = this.detail();
    return detail ? toInvoiceView(detail) : null;
  });
  readonly timeline = computed(() =>
    (this.detail()?.timeline ?? []).map((entry) => ({ ...entry, label: humanize(entry.type) })),
  );

  channelName(channel: string): string {
    const name = CHANNEL_NAMES[channel] ?? channel;
    return name.charAt(0).toUpperCase() + name.slice(1);
  }

  constructor() {
    effect(() => {
      const id = this.id();
      untracked(() => void this.load(id));
    });
  }

  private async load(id: string): Promise<void> {
    this.detail.set(null);
    this.problem.set(null);
    this.receipt.set(null);
    try {
      const detail = await this.api.invoice(id);
      if (id !== this.id()) return;
      this.detail.set(detail);
      afterNextRender({ read: () => void this.recordView(id) }, { injector: this.injector });
    } catch (failure) {
      this.problem.set(
        failure instanceof PortalApiError && failure.code === 'INVOICE_NOT_FOUND'
          ? {
              title: 'Invoice not found',
              message: 'There is no invoice with this link among the invoices sent to you.',
            }
          : {
              title: 'The invoice could not be loaded',
              message: failure instanceof Error ? failure.message : 'Please try again.',
            },
      );
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

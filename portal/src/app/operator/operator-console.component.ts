import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { RouterLink } from '@angular/router';
import type { OperatorConsole } from '../../../../gateway/operator/contract';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe, type PlainTranslationKey } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { OperatorApi } from './operator-api';

const CODE_KEYS: Record<string, PlainTranslationKey> = {
  RECIPIENT_ADDRESS_INVALID: 'operator.undeliverable.codes.RECIPIENT_ADDRESS_INVALID',
  RECIPIENT_REJECTED: 'operator.undeliverable.codes.RECIPIENT_REJECTED',
};

/**
 * The operator console (/operator): undeliverable and stuck invoices with retry and cancel, quarantined deliveries,
 * failed mails, MDNs and webhook deliveries with their reasons, links to the Temporal UI, volumes per channel and
 * day, and the top rejection reasons. One request loads it; every action reloads it.
 */
@Component({
  selector: 'hub-operator-console',
  imports: [TranslatePipe, RouterLink, ...FORMAT_PIPES],
  templateUrl: './operator-console.component.html',
  styles: `
    .wrap {
      overflow-wrap: anywhere;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
    }
    .table-scroll {
      overflow-x: auto;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class OperatorConsoleComponent {
  private readonly api = inject(OperatorApi);
  private readonly language = inject(Language);

  readonly view = signal<OperatorConsole | null>(null);
  readonly busy = signal(false);
  readonly cancelReason = signal('');
  private readonly loadFailure = signal<unknown>(null);
  private readonly failure = signal<unknown>(null);
  private readonly doneWhat = signal<string | null>(null);

  readonly loadProblem = computed(() => (this.loadFailure() ? this.language.t('operator.loadFailed') : null));
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure
      ? this.language.t('operator.failed', { message: problemText(failure, this.language.translator()) })
      : null;
  });
  readonly doneText = computed(() => {
    const what = this.doneWhat();
    return what ? this.language.t('operator.done', { what }) : '';
  });
  readonly heldMinutes = computed(() => Math.round((this.view()?.heldSeconds ?? 0) / 60));

  constructor() {
    void this.load();
  }

  codeText(code: unknown): string {
    const key = typeof code === 'string' ? CODE_KEYS[code] : undefined;
    return key ? this.language.t(key) : String(code ?? '');
  }

  reasonOf(detail: Record<string, unknown>): string {
    return typeof detail['reason'] === 'string' ? detail['reason'] : '';
  }

  async load(): Promise<void> {
    try {
      this.view.set(await this.api.console());
      this.loadFailure.set(null);
    } catch (failure) {
      this.loadFailure.set(failure);
    }
  }

  retryDelivery(invoiceId: string, number: string): Promise<void> {
    return this.act(number, () => this.api.retryDelivery(invoiceId));
  }

  retryActivity(workflowId: string, activityId: string, what: string): Promise<void> {
    return this.act(what, () => this.api.retryActivity(workflowId, activityId));
  }

  replayWebhook(deliveryId: string, what: string): Promise<void> {
    return this.act(what, () => this.api.replayWebhook(deliveryId));
  }

  cancel(invoiceId: string, number: string): Promise<void> {
    const reason = this.cancelReason().trim();
    if (!reason) return Promise.resolve();
    return this.act(number, () => this.api.cancel(invoiceId, reason));
  }

  private async act(what: string, action: () => Promise<unknown>): Promise<void> {
    this.busy.set(true);
    this.failure.set(null);
    this.doneWhat.set(null);
    try {
      await action();
      this.doneWhat.set(what);
      await this.load();
    } catch (failure) {
      this.failure.set(failure);
    } finally {
      this.busy.set(false);
    }
  }
}

import {
  ChangeDetectionStrategy,
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
} from '@angular/core';
import type {
  WebhookDeliveryView,
  WebhookEndpointList,
  WebhookEndpointView,
} from '../../../../gateway/webhooks/contract';
import { PortalApiError } from '../api/portal-api';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe, type PlainTranslationKey, type Translator } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { WebhooksApi } from './webhooks-api';

type Note = (translator: Translator) => string;

const STATUS_KEYS = {
  pending: 'webhooks.statuses.pending',
  delivered: 'webhooks.statuses.delivered',
  failed: 'webhooks.statuses.failed',
} as const;
const STATUS_TONES = { pending: 'info', delivered: 'good', failed: 'bad' } as const;

/** The webhook error codes this page has its own words for; others go through problemText. */
const WEBHOOK_ERRORS: Record<string, PlainTranslationKey> = {
  WEBHOOK_URL_INVALID: 'webhooks.errors.WEBHOOK_URL_INVALID',
  WEBHOOK_URL_PRIVATE: 'webhooks.errors.WEBHOOK_URL_PRIVATE',
  WEBHOOK_ENDPOINT_DISABLED: 'webhooks.errors.WEBHOOK_ENDPOINT_DISABLED',
  WEBHOOK_ENDPOINT_LIMIT: 'webhooks.errors.WEBHOOK_ENDPOINT_LIMIT',
};

/**
 * An issuer's webhooks (/issuers/:issuerId/webhooks), for its administrators: the endpoints with their state and
 * counts, a form to add one (its signing secret shown once), a new secret, disabling, deleting, and an endpoint's
 * delivery log (status, attempts, the last answer) with "send again" for one delivery or every failed one.
 */
@Component({
  selector: 'hub-webhooks',
  imports: [TranslatePipe, ...FORMAT_PIPES],
  templateUrl: './webhooks.component.html',
  styles: `
    .url-cell {
      overflow-wrap: anywhere;
    }
    .secret {
      display: block;
      padding: 0.5rem;
      background: #f1f5f9;
      border-radius: 6px;
      overflow-wrap: anywhere;
      font-family: ui-monospace, monospace;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.35rem;
    }
    fieldset {
      border: 0;
      padding: 0;
      margin: 0.5rem 0;
    }
    .event-choices {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr));
      gap: 0.25rem 1rem;
      margin: 0.25rem 0 0 1.5rem;
    }
    .choice {
      display: flex;
      align-items: center;
      gap: 0.4rem;
      font-weight: normal;
    }
    .choice input {
      width: auto;
      min-height: 1.25rem;
    }
    select {
      padding: 0.45rem 0.5rem;
      border: 1px solid #cbd5e1;
      border-radius: 6px;
      font: inherit;
      background: #fff;
      min-height: 2.25rem;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class WebhooksComponent {
  private readonly api = inject(WebhooksApi);
  private readonly language = inject(Language);

  /** Route parameter. */
  readonly issuerId = input.required<string>();

  readonly list = signal<WebhookEndpointList | null>(null);
  readonly busy = signal(false);
  readonly url = signal('');
  readonly description = signal('');
  readonly allEvents = signal(true);
  readonly chosen = signal<ReadonlySet<string>>(new Set());
  readonly urlMissing = signal(false);
  readonly noneChosen = signal(false);
  /** The secret of the endpoint just made or rotated: shown once. */
  readonly secret = signal<{ url: string; secret: string; until: string | null } | null>(null);

  readonly selected = signal<WebhookEndpointView | null>(null);
  readonly deliveries = signal<WebhookDeliveryView[]>([]);
  readonly next = signal<string | null>(null);
  readonly statusFilter = signal('');

  private readonly note = signal<Note | null>(null);
  readonly noteText = computed(() => this.note()?.(this.language.translator()) ?? '');
  private readonly loadFailure = signal<unknown>(null);
  readonly loadProblem = computed(() =>
    this.loadFailure() === null ? null : this.problemOf(this.loadFailure(), 'webhooks.loadFailed'),
  );
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() =>
    this.failure() === null ? null : this.problemOf(this.failure(), 'webhooks.failed'),
  );

  constructor() {
    effect(() => {
      const issuerId = this.issuerId();
      untracked(() => {
        this.selected.set(null);
        void this.load(issuerId);
      });
    });
  }

  statusKey(status: WebhookDeliveryView['status']) {
    return STATUS_KEYS[status];
  }

  statusTone(status: WebhookDeliveryView['status']) {
    return STATUS_TONES[status];
  }

  toggleEvent(type: string, on: boolean): void {
    const next = new Set(this.chosen());
    if (on) next.add(type);
    else next.delete(type);
    this.chosen.set(next);
    this.noneChosen.set(false);
  }

  async add(): Promise<void> {
    const url = this.url().trim();
    this.urlMissing.set(url === '');
    this.noneChosen.set(!this.allEvents() && this.chosen().size === 0);
    if (this.urlMissing() || this.noneChosen()) return;
    await this.change(async () => {
      const description = this.description().trim();
      const created = await this.api.create(this.issuerId(), {
        url,
        ...(description ? { description } : {}),
        eventTypes: this.allEvents() ? null : [...this.chosen()],
      });
      this.secret.set({ url: created.url, secret: created.secret, until: null });
      this.url.set('');
      this.description.set('');
      this.allEvents.set(true);
      this.chosen.set(new Set());
    });
  }

  async rotate(endpoint: WebhookEndpointView): Promise<void> {
    await this.change(async () => {
      const rotated = await this.api.rotateSecret(this.issuerId(), endpoint.id);
      this.secret.set({ url: rotated.url, secret: rotated.secret, until: rotated.previousSecretExpiresAt });
    });
  }

  async setEnabled(endpoint: WebhookEndpointView, enabled: boolean): Promise<void> {
    await this.change(async () => {
      await this.api.update(this.issuerId(), endpoint.id, { enabled });
      const url = endpoint.url;
      this.note.set(({ t }) =>
        enabled
          ? t('webhooks.endpoints.enabledNote', { url })
          : t('webhooks.endpoints.disabledNote', { url }),
      );
    });
  }

  async remove(endpoint: WebhookEndpointView): Promise<void> {
    await this.change(async () => {
      await this.api.remove(this.issuerId(), endpoint.id);
      if (this.selected()?.id === endpoint.id) this.selected.set(null);
      this.note.set(({ t }) => t('webhooks.endpoints.removed', { url: endpoint.url }));
    });
  }

  async showLog(endpoint: WebhookEndpointView): Promise<void> {
    this.selected.set(endpoint);
    this.statusFilter.set('');
    await this.loadLog();
  }

  async filterLog(status: string): Promise<void> {
    this.statusFilter.set(status);
    await this.loadLog();
  }

  async more(): Promise<void> {
    const endpoint = this.selected();
    const before = this.next();
    if (!endpoint || !before) return;
    const page = await this.api.deliveries(this.issuerId(), endpoint.id, {
      status: this.statusFilter(),
      before,
    });
    this.deliveries.set([...this.deliveries(), ...page.deliveries]);
    this.next.set(page.next);
  }

  async replay(delivery: WebhookDeliveryView): Promise<void> {
    await this.change(async () => {
      await this.api.replay(this.issuerId(), delivery.id);
      this.note.set(({ t }) =>
        t('webhooks.log.replayed', { event: delivery.eventType, invoice: delivery.invoiceNumber }),
      );
    });
  }

  async replayFailed(endpoint: WebhookEndpointView): Promise<void> {
    await this.change(async () => {
      const { invoices } = await this.api.replayFailed(this.issuerId(), endpoint.id);
      this.note.set(({ t }) => t('webhooks.log.replayedFailed', { count: invoices }));
    });
  }

  private problemOf(failure: unknown, fallback: PlainTranslationKey): string {
    const translator = this.language.translator();
    const own = failure instanceof PortalApiError ? WEBHOOK_ERRORS[failure.code] : undefined;
    return own ? translator.t(own) : problemText(failure, translator, fallback);
  }

  private async load(issuerId: string): Promise<void> {
    this.loadFailure.set(null);
    try {
      const list = await this.api.list(issuerId);
      this.list.set(list);
      const selected = this.selected();
      this.selected.set(selected ? (list.endpoints.find((e) => e.id === selected.id) ?? null) : null);
    } catch (failure) {
      this.list.set(null);
      this.loadFailure.set(failure);
    }
  }

  private async loadLog(): Promise<void> {
    const endpoint = this.selected();
    if (!endpoint) return;
    const page = await this.api.deliveries(this.issuerId(), endpoint.id, { status: this.statusFilter() });
    this.deliveries.set(page.deliveries);
    this.next.set(page.next);
  }

  /** A change, then the endpoints and the open log again (a refused change shows why, and things as they are). */
  private async change(step: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.failure.set(null);
    this.note.set(null);
    try {
      await step();
    } catch (failure) {
      this.failure.set(failure);
    } finally {
      await this.load(this.issuerId());
      await this.loadLog().catch(() => undefined);
      this.busy.set(false);
    }
  }
}

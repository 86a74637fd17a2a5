import {
  ChangeDetectionStrategy,
  Component,
  Injector,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { RouterLink } from '@angular/router';
import { MAX_DISPUTE_TEXT, type DisputeAction } from '../../../../domain/disputes/rules';
import type { DisputeThread } from '../../../../gateway/portal/dispute-contract';
import { Language, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { AttachmentPickerComponent } from './attachment-picker.component';
import { DisputesApi, type DisputeScope } from './disputes-api';
import { focusFirstInvalid } from './focus';
import {
  CATEGORY_KEYS,
  ENTRY_KEYS,
  SIDE_KEYS,
  STATUS_KEYS,
  STATUS_TONES,
  disputeProblem,
  fileSize,
} from './dispute-words';

/**
 * One dispute with its whole history — every message, file and status change, with its author and time, the same
 * for both sides — and what the viewer's side may do now: write, reopen (the recipient, once), decide (the
 * issuer). A standalone block: the dispute pages show it under their heading, and an invoice page may too.
 */
@Component({
  selector: 'hub-dispute-thread',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, AttachmentPickerComponent, ...FORMAT_PIPES],
  templateUrl: './dispute-thread.component.html',
  styleUrl: './disputes.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DisputeThreadComponent {
  private readonly api = inject(DisputesApi);
  private readonly language = inject(Language);
  private readonly forms = inject(NonNullableFormBuilder);
  private readonly injector = inject(Injector);

  readonly side = input.required<DisputeScope['side']>();
  readonly invoiceId = input.required<string>();
  readonly issuerId = input<string>();
  readonly disputeId = input.required<string>();
  /** The thread as loaded (and after each change), for the page around it. */
  readonly loaded = output<DisputeThread>();

  readonly thread = signal<DisputeThread | null>(null);
  private readonly loadFailure = signal<unknown>(null);
  private readonly actionFailure = signal<unknown>(null);
  readonly loadProblem = computed(() => {
    const failure = this.loadFailure();
    return failure === null
      ? null
      : disputeProblem(failure, this.language.translator(), 'disputes.thread.loadFailed');
  });
  readonly actionProblem = computed(() => {
    const failure = this.actionFailure();
    return failure === null ? null : disputeProblem(failure, this.language.translator());
  });
  readonly done = signal<'reply' | 'reopen' | 'decide' | null>(null);
  readonly sending = signal(false);
  readonly tried = signal<DisputeAction | null>(null);

  readonly maxText = MAX_DISPUTE_TEXT;
  readonly categoryKeys = CATEGORY_KEYS;
  readonly statusKeys = STATUS_KEYS;
  readonly statusTones = STATUS_TONES;
  readonly entryKeys = ENTRY_KEYS;
  readonly sideKeys = SIDE_KEYS;

  readonly replyForm = this.forms.group({
    text: ['', [Validators.required, Validators.maxLength(MAX_DISPUTE_TEXT)]],
  });
  readonly reopenForm = this.forms.group({
    text: ['', [Validators.required, Validators.maxLength(MAX_DISPUTE_TEXT)]],
  });
  readonly decideForm = this.forms.group({
    outcome: ['' as '' | 'upheld' | 'rejected', Validators.required],
    note: ['', Validators.maxLength(MAX_DISPUTE_TEXT)],
  });
  readonly outcome = signal<'' | 'upheld' | 'rejected'>('');

  private readonly replyFiles = viewChild<AttachmentPickerComponent>('replyFiles');
  private readonly reopenFiles = viewChild<AttachmentPickerComponent>('reopenFiles');

  readonly scope = computed((): DisputeScope => {
    const issuerId = this.issuerId();
    return this.side() === 'issuer' && issuerId
      ? { side: 'issuer', issuerId, invoiceId: this.invoiceId() }
      : { side: 'recipient', invoiceId: this.invoiceId() };
  });

  /** The page of the invoice this dispute is about, on the viewer's side. */
  readonly invoiceLink = computed(() => {
    const scope = this.scope();
    return scope.side === 'recipient'
      ? ['/invoices', scope.invoiceId]
      : ['/issuers', scope.issuerId, 'invoices', scope.invoiceId];
  });

  /** The credit note's page on the viewer's side (the recipient received it too; the issuer sent it). */
  creditNoteLink(invoiceId: string | null): string[] | null {
    if (!invoiceId) return null;
    const scope = this.scope();
    return scope.side === 'recipient'
      ? ['/invoices', invoiceId]
      : ['/issuers', scope.issuerId, 'invoices', invoiceId];
  }

  readonly nextStep = computed(() => {
    const awaiting = this.thread()?.awaiting;
    const { t } = this.language.translator();
    return awaiting === 'issuer'
      ? t('disputes.awaiting.issuer')
      : awaiting === 'recipient'
        ? t('disputes.awaiting.recipient')
        : t('disputes.awaiting.nobody');
  });

  /** A sentence on where the dispute stands, when that is not obvious from the actions offered. */
  readonly standing = computed(() => {
    const thread = this.thread();
    if (!thread) return null;
    const { t } = this.language.translator();
    if (thread.status === 'closed') return t('disputes.thread.closed');
    if (thread.status === 'upheld') return t('disputes.thread.awaitingCreditNote');
    if (thread.status === 'rejected' && thread.reopensLeft === 0) return t('disputes.thread.finalRejection');
    if (thread.status === 'rejected' && this.side() === 'issuer')
      return t('disputes.thread.rejectedForIssuer');
    return null;
  });

  constructor() {
    effect(() => {
      const scope = this.scope();
      const disputeId = this.disputeId();
      untracked(() => void this.load(scope, disputeId));
    });
    this.decideForm.controls.outcome.valueChanges.subscribe((value) => this.outcome.set(value));
  }

  can(action: DisputeAction): boolean {
    return this.thread()?.actions.includes(action) ?? false;
  }

  sizeOf(bytes: number): string {
    return fileSize(bytes, this.language.translator(), this.language.current());
  }

  private async load(scope: DisputeScope, disputeId: string): Promise<void> {
    this.loadFailure.set(null);
    try {
      this.show(await this.api.thread(scope, disputeId));
    } catch (failure) {
      this.loadFailure.set(failure);
    }
  }

  private show(thread: DisputeThread): void {
    this.thread.set(thread);
    this.loaded.emit(thread);
  }

  /** Whether a field's error shows: once its form was sent with it wrong. */
  shows(action: DisputeAction, invalid: boolean): boolean {
    return this.tried() === action && invalid;
  }

  async reply(): Promise<void> {
    const picker = this.replyFiles();
    await this.send('reply', this.replyForm.invalid || Boolean(picker?.busy()), async (scope, disputeId) => {
      const thread = await this.api.reply(scope, disputeId, {
        text: this.replyForm.getRawValue().text,
        attachments: picker?.uploadIds() ?? [],
      });
      this.replyForm.reset();
      picker?.clear();
      return thread;
    });
  }

  async reopen(): Promise<void> {
    const picker = this.reopenFiles();
    await this.send(
      'reopen',
      this.reopenForm.invalid || Boolean(picker?.busy()),
      async (scope, disputeId) => {
        const thread = await this.api.reopen(scope, disputeId, {
          text: this.reopenForm.getRawValue().text,
          attachments: picker?.uploadIds() ?? [],
        });
        this.reopenForm.reset();
        picker?.clear();
        return thread;
      },
    );
  }

  readonly reasonMissing = computed(() => this.outcome() === 'rejected');

  async decide(): Promise<void> {
    const { outcome, note } = this.decideForm.getRawValue();
    const invalid = this.decideForm.invalid || (outcome === 'rejected' && note.trim() === '');
    await this.send('decide', invalid, async (scope, disputeId) => {
      const thread = await this.api.decide(scope, disputeId, {
        outcome: outcome as 'upheld' | 'rejected',
        ...(note.trim() ? { note } : {}),
      });
      this.decideForm.reset();
      return thread;
    });
  }

  /** The note is required for a rejection: its error shows once a rejection without it was sent. */
  noteMissing(): boolean {
    const { outcome, note } = this.decideForm.getRawValue();
    return this.tried() === 'decide' && outcome === 'rejected' && note.trim() === '';
  }

  private async send(
    action: 'reply' | 'reopen' | 'decide',
    invalid: boolean,
    work: (scope: DisputeScope, disputeId: string) => Promise<DisputeThread>,
  ): Promise<void> {
    this.tried.set(action);
    this.done.set(null);
    this.actionFailure.set(null);
    if (invalid) {
      focusFirstInvalid(this.injector);
      return;
    }
    if (this.sending()) return;
    this.sending.set(true);
    try {
      this.show(await work(this.scope(), this.disputeId()));
      this.tried.set(null);
      this.done.set(action);
    } catch (failure) {
      this.actionFailure.set(failure);
    } finally {
      this.sending.set(false);
    }
  }
}

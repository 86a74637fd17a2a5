import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { MAX_ATTACHMENTS_PER_ENTRY, sniffAttachment } from '../../../../domain/disputes/attachments';
import { Language, TranslatePipe } from '../i18n';
import { DisputesApi, type DisputeScope } from './disputes-api';
import { disputeProblem, fileSize, refusalText, uploadRefusal } from './dispute-words';

interface PickedFile {
  key: number;
  name: string;
  size: number;
  /** Set once the hub has checked and kept it. */
  uploadId: string | null;
}

/**
 * The file input of a dispute message: each chosen file is checked here by its content (the same check the hub
 * makes, domain/disputes/attachments.ts) so a refused file is named with the reason at once, then uploaded; the
 * hub checks again and keeps it for the message. Refusals are announced (role=alert), additions politely.
 */
@Component({
  selector: 'hub-attachment-picker',
  imports: [TranslatePipe],
  styleUrl: './disputes.css',
  template: `
    <label [for]="inputId()">{{ 'disputes.attachments.label' | t }}</label>
    <input
      [id]="inputId()"
      type="file"
      multiple
      accept="application/pdf,image/png,image/jpeg,.pdf,.png,.jpg,.jpeg"
      [attr.aria-describedby]="hintId()"
      (change)="pick($event)"
    />
    <p [id]="hintId()" class="hint">{{ 'disputes.attachments.hint' | t: { max: max } }}</p>
    @for (problem of problems(); track $index) {
      <p class="field-error" role="alert">{{ problem }}</p>
    }
    @if (files().length) {
      <ul class="attachment-list" [attr.aria-label]="'disputes.attachments.list' | t">
        @for (file of files(); track file.key) {
          <li>
            <span>{{ 'disputes.attachments.item' | t: { name: file.name, size: sizeOf(file.size) } }}</span>
            @if (file.uploadId) {
              <button
                type="button"
                class="link-button"
                [attr.aria-label]="'disputes.attachments.remove' | t: { name: file.name }"
                (click)="remove(file)"
              >
                {{ 'disputes.attachments.removeShort' | t }}
              </button>
            } @else {
              <span class="muted small">{{ 'disputes.attachments.checking' | t: { name: file.name } }}</span>
            }
          </li>
        }
      </ul>
    }
    <p class="visually-hidden" aria-live="polite">{{ announcement() }}</p>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AttachmentPickerComponent {
  private readonly api = inject(DisputesApi);
  private readonly language = inject(Language);

  readonly side = input.required<DisputeScope['side']>();
  readonly invoiceId = input.required<string>();
  readonly issuerId = input<string>();
  /** Makes the ids of the input and its hint unique on the page. */
  readonly idPrefix = input.required<string>();

  readonly max = MAX_ATTACHMENTS_PER_ENTRY;
  readonly inputId = computed(() => `${this.idPrefix()}-files`);
  readonly hintId = computed(() => `${this.idPrefix()}-files-hint`);
  readonly files = signal<PickedFile[]>([]);
  readonly problems = signal<string[]>([]);
  readonly announcement = signal('');
  /** Still checking or uploading a file: the message waits. */
  readonly busy = computed(() => this.files().some((f) => f.uploadId === null));
  /** What the message carries. */
  readonly uploadIds = computed(() => this.files().flatMap((f) => (f.uploadId ? [f.uploadId] : [])));
  private next = 0;

  private scope(): DisputeScope {
    const issuerId = this.issuerId();
    return this.side() === 'issuer' && issuerId
      ? { side: 'issuer', issuerId, invoiceId: this.invoiceId() }
      : { side: 'recipient', invoiceId: this.invoiceId() };
  }

  sizeOf(bytes: number): string {
    return fileSize(bytes, this.language.translator(), this.language.current());
  }

  async pick(event: Event): Promise<void> {
    const element = event.target as HTMLInputElement;
    const chosen = Array.from(element.files ?? []);
    element.value = ''; // the same file may be chosen again after a removal
    const translator = this.language.translator();
    const problems: string[] = [];
    for (const file of chosen) {
      if (this.files().length >= MAX_ATTACHMENTS_PER_ENTRY) {
        problems.push(translator.t('disputes.attachments.tooMany', { max: this.max, name: file.name }));
        continue;
      }
      const checked = sniffAttachment(new Uint8Array(await file.arrayBuffer()));
      if (!checked.ok) {
        problems.push(refusalText(file.name, checked, translator));
        continue;
      }
      const picked: PickedFile = { key: this.next++, name: file.name, size: file.size, uploadId: null };
      this.files.update((files) => [...files, picked]);
      try {
        const uploaded = await this.api.upload(this.scope(), file);
        this.files.update((files) =>
          files.map((f) =>
            f.key === picked.key ? { ...f, name: uploaded.fileName, uploadId: uploaded.id } : f,
          ),
        );
        this.announcement.set(translator.t('disputes.attachments.added', { name: uploaded.fileName }));
      } catch (failure) {
        this.files.update((files) => files.filter((f) => f.key !== picked.key));
        const refusal = uploadRefusal(failure);
        problems.push(
          refusal
            ? refusalText(file.name, refusal, translator)
            : translator.t('disputes.attachments.failed', {
                name: file.name,
                reason: disputeProblem(failure, translator),
              }),
        );
      }
    }
    this.problems.set(problems);
  }

  remove(file: PickedFile): void {
    this.files.update((files) => files.filter((f) => f.key !== file.key));
    this.announcement.set(this.language.translator().t('disputes.attachments.removed', { name: file.name }));
  }

  /** After the message is sent. */
  clear(): void {
    this.files.set([]);
    this.problems.set([]);
  }
}

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
import { RouterLink } from '@angular/router';
import type { StatementSummary } from '../../../../gateway/payments/reconciliation-contract';
import { Language, TranslatePipe } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { ReconciliationApi } from './reconciliation-api';
import { ReconciliationTabsComponent } from './reconciliation-tabs.component';
import { STATE_TONES, reconciliationProblem } from './reconciliation-words';

/**
 * An issuer's bank statements (/issuers/:issuerId/statements): the upload form, then every file received by any
 * channel, newest first, with how many of its entries were matched, wait for review, are not payments or ignored.
 */
@Component({
  selector: 'hub-statements',
  imports: [RouterLink, TranslatePipe, ReconciliationTabsComponent, ...FORMAT_PIPES],
  styleUrl: './reconciliation.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>{{ 'reconciliation.statements.heading' | t }}</h1>
    <hub-reconciliation-tabs [issuerId]="issuerId()" />
    <p class="muted">{{ 'reconciliation.statements.intro' | t }}</p>

    <section class="card" aria-labelledby="statement-upload-heading">
      <h2 id="statement-upload-heading">{{ 'reconciliation.upload.heading' | t }}</h2>
      <form (submit)="$event.preventDefault(); upload(fileInput.files)" novalidate>
        <label for="statement-file">{{ 'reconciliation.upload.file' | t }}</label>
        <input
          #fileInput
          type="file"
          id="statement-file"
          accept=".xml,.sta,.txt,.mt940,.940,.942,.053,.054"
          [attr.aria-invalid]="fileMissing() ? 'true' : null"
          [attr.aria-describedby]="
            fileMissing() ? 'statement-file-error statement-file-hint' : 'statement-file-hint'
          "
          (change)="fileMissing.set(false)"
        />
        <p class="hint" id="statement-file-hint">{{ 'reconciliation.upload.intro' | t }}</p>
        @if (fileMissing()) {
          <p class="field-error" id="statement-file-error" role="alert">
            {{ 'reconciliation.upload.fileMissing' | t }}
          </p>
        }
        <button type="submit" class="primary upload" [disabled]="uploading()">
          {{ (uploading() ? 'reconciliation.upload.submitting' : 'reconciliation.upload.submit') | t }}
        </button>
      </form>
      <div aria-live="polite">
        @if (uploaded(); as done) {
          <p class="alert success">
            {{
              (done.duplicate ? 'reconciliation.upload.duplicate' : 'reconciliation.upload.received')
                | t: { file: done.fileName }
            }}
          </p>
        }
      </div>
      @if (uploadProblem(); as message) {
        <p class="alert error" role="alert">{{ message }}</p>
      }
    </section>

    @if (problem(); as message) {
      <p class="alert error" role="alert">{{ message }}</p>
    }
    @if (statements(); as statements) {
      @if (statements.length === 0) {
        <p class="card muted">{{ 'reconciliation.statements.none' | t }}</p>
      } @else {
        <div class="card flush table-scroll">
          <table class="stack-table">
            <caption class="visually-hidden">
              {{
                'reconciliation.statements.caption' | t
              }}
            </caption>
            <thead>
              <tr>
                <th scope="col">{{ 'reconciliation.statements.file' | t }}</th>
                <th scope="col">{{ 'reconciliation.statements.received' | t }}</th>
                <th scope="col">{{ 'reconciliation.statements.format' | t }}</th>
                <th scope="col" class="amount">{{ 'reconciliation.states.matched' | t }}</th>
                <th scope="col" class="amount">{{ 'reconciliation.states.review' | t }}</th>
                <th scope="col" class="amount">{{ 'reconciliation.states.notAPayment' | t }}</th>
                <th scope="col" class="amount">{{ 'reconciliation.states.ignored' | t }}</th>
                <th scope="col">{{ 'reconciliation.statements.status' | t }}</th>
              </tr>
            </thead>
            <tbody>
              @for (s of statements; track s.id) {
                <tr>
                  <td [attr.data-label]="'reconciliation.statements.file' | t">
                    <a [routerLink]="['/issuers', issuerId(), 'statements', s.id]">{{ s.fileName }}</a>
                  </td>
                  <td [attr.data-label]="'reconciliation.statements.received' | t">
                    <time [attr.datetime]="s.receivedAt">{{ s.receivedAt | timestamp }}</time>
                  </td>
                  <td [attr.data-label]="'reconciliation.statements.format' | t">{{ s.format ?? '—' }}</td>
                  <td class="amount" [attr.data-label]="'reconciliation.states.matched' | t">
                    {{ s.counts.matched }}
                  </td>
                  <td class="amount" [attr.data-label]="'reconciliation.states.review' | t">
                    @if (s.counts.review) {
                      <span class="badge" [attr.data-tone]="tones.review">{{ s.counts.review }}</span>
                    } @else {
                      0
                    }
                  </td>
                  <td class="amount" [attr.data-label]="'reconciliation.states.notAPayment' | t">
                    {{ s.counts.notAPayment }}
                  </td>
                  <td class="amount" [attr.data-label]="'reconciliation.states.ignored' | t">
                    {{ s.counts.ignored }}
                  </td>
                  <td [attr.data-label]="'reconciliation.statements.status' | t">
                    {{ statusKey(s) | t }}
                    @if (s.refusal; as refusal) {
                      <span class="block small" lang="en">{{ refusal.message }}</span>
                    }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      }
    } @else if (!problem()) {
      <p class="muted" role="status">{{ 'reconciliation.statements.loading' | t }}</p>
    }
  `,
})
export class StatementsComponent {
  private readonly api = inject(ReconciliationApi);
  private readonly language = inject(Language);

  /** Route parameter. */
  readonly issuerId = input.required<string>();
  readonly statements = signal<StatementSummary[] | null>(null);
  readonly uploading = signal(false);
  readonly fileMissing = signal(false);
  readonly uploaded = signal<{ fileName: string; duplicate: boolean } | null>(null);
  readonly tones = STATE_TONES;
  private readonly failure = signal<unknown>(null);
  private readonly uploadFailure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : reconciliationProblem(failure, this.language.translator(), 'reconciliation.statements.loadFailed');
  });
  readonly uploadProblem = computed(() => {
    const failure = this.uploadFailure();
    return failure === null ? null : reconciliationProblem(failure, this.language.translator());
  });

  constructor() {
    effect(() => {
      const issuerId = this.issuerId();
      untracked(() => void this.load(issuerId));
    });
  }

  statusKey(s: StatementSummary) {
    if (s.status === 'refused') return 'reconciliation.statements.refusedStatus' as const;
    return s.status === 'imported'
      ? ('reconciliation.statements.imported' as const)
      : ('reconciliation.statements.importing' as const);
  }

  async upload(files: FileList | null): Promise<void> {
    const file = files?.[0];
    this.uploaded.set(null);
    this.uploadFailure.set(null);
    if (!file) {
      this.fileMissing.set(true);
      return;
    }
    this.uploading.set(true);
    try {
      const answer = await this.api.upload(this.issuerId(), file);
      this.uploaded.set({ fileName: file.name, duplicate: answer.duplicate });
      await this.load(this.issuerId());
    } catch (failure) {
      this.uploadFailure.set(failure);
    } finally {
      this.uploading.set(false);
    }
  }

  private async load(issuerId: string): Promise<void> {
    this.failure.set(null);
    try {
      this.statements.set((await this.api.statements(issuerId)).statements);
    } catch (failure) {
      this.failure.set(failure);
    }
  }
}

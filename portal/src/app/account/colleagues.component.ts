import { ChangeDetectionStrategy, Component, OnInit, computed, inject, output, signal } from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { ColleagueList } from '../../../../gateway/portal/contract';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe, type Translator } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { AccountApi } from './account-api';

/** What just happened, kept as facts so its sentence follows a language switch. */
type Note =
  | { kind: 'added'; email: string; mailed: boolean }
  | { kind: 'removed'; email: string }
  | { kind: 'left'; address: string };

function noteText(note: Note, { t }: Translator): string {
  switch (note.kind) {
    case 'added':
      return note.mailed
        ? t('accounts.account.colleagues.added', { email: note.email })
        : t('accounts.account.colleagues.addedNotMailed', { email: note.email });
    case 'removed':
      return t('accounts.account.colleagues.removed', { email: note.email });
    case 'left':
      return t('accounts.account.colleagues.left', { address: note.address });
  }
}

/**
 * Colleagues who see the invoices of one's own address (add, remove), and the addresses colleagues share with one
 * (stop seeing them). Each change takes effect on the colleague's next request.
 */
@Component({
  selector: 'hub-colleagues',
  imports: [ReactiveFormsModule, TranslatePipe, ...FORMAT_PIPES],
  template: `
    <section class="card" aria-labelledby="colleagues-heading">
      <h2 id="colleagues-heading">{{ 'accounts.account.colleagues.heading' | t }}</h2>
      @if (list(); as list) {
        <p>{{ 'accounts.account.colleagues.intro' | t: { address: list.address } }}</p>
        @if (list.colleagues.length === 0) {
          <p class="muted">{{ 'accounts.account.colleagues.none' | t }}</p>
        } @else {
          <ul class="people">
            @for (colleague of list.colleagues; track colleague.userId) {
              <li>
                <span>
                  <strong>{{ colleague.email }}</strong>
                  <span class="muted small">
                    {{ 'accounts.account.colleagues.since' | t: { at: (colleague.sharedAt | calendarDate) } }}
                    @if (!colleague.registered) {
                      · {{ 'accounts.account.colleagues.pending' | t }}
                    }
                  </span>
                </span>
                <button
                  type="button"
                  class="button danger"
                  [disabled]="busy()"
                  [attr.aria-label]="
                    'accounts.account.colleagues.removeNamed' | t: { email: colleague.email }
                  "
                  (click)="remove(colleague.userId, colleague.email)"
                >
                  {{ 'accounts.account.colleagues.remove' | t }}
                </button>
              </li>
            }
          </ul>
        }
      }
      <form [formGroup]="form" (ngSubmit)="add()" novalidate>
        <label for="colleague-email">{{ 'accounts.account.colleagues.email' | t }}</label>
        <input
          id="colleague-email"
          type="email"
          formControlName="email"
          autocomplete="off"
          inputmode="email"
          [attr.aria-invalid]="emailMissing ? 'true' : null"
          [attr.aria-describedby]="emailMissing ? 'colleague-email-error' : null"
        />
        @if (emailMissing) {
          <p id="colleague-email-error" class="field-error">
            {{ 'accounts.account.colleagues.emailMissing' | t }}
          </p>
        }
        @if (problem(); as message) {
          <p class="alert error" role="alert">{{ message }}</p>
        }
        <button type="submit" class="primary" [disabled]="busy()">
          {{ (busy() ? 'accounts.account.colleagues.adding' : 'accounts.account.colleagues.add') | t }}
        </button>
      </form>
      <p class="visually-hidden" role="status">{{ noteText() }}</p>
      @if (noteText(); as text) {
        <p class="alert success" aria-hidden="true">{{ text }}</p>
      }

      @if (list()?.sharedWithMe?.length) {
        <h3>{{ 'accounts.account.colleagues.sharedWithMe' | t }}</h3>
        <ul class="people">
          @for (share of list()?.sharedWithMe ?? []; track share.address) {
            <li>
              <span>{{
                'accounts.account.colleagues.sharedBy' | t: { address: share.address, by: share.sharedBy }
              }}</span>
              <button
                type="button"
                class="button"
                [disabled]="busy()"
                [attr.aria-label]="'accounts.account.colleagues.leaveNamed' | t: { address: share.address }"
                (click)="leave(share.address)"
              >
                {{ 'accounts.account.colleagues.leave' | t }}
              </button>
            </li>
          }
        </ul>
      }
    </section>
  `,
  styles: `
    .people {
      list-style: none;
      padding: 0;
      margin: 1rem 0;
    }
    .people li {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5rem 1rem;
      align-items: center;
      justify-content: space-between;
      padding: 0.6rem 0;
      border-bottom: 1px solid var(--line);
    }
    .people li > span {
      display: flex;
      flex-direction: column;
      overflow-wrap: anywhere;
    }
    h3 {
      font-size: 1rem;
      margin: 1.5rem 0 0;
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ColleaguesComponent implements OnInit {
  private readonly api = inject(AccountApi);
  private readonly language = inject(Language);

  /** Someone was added or removed, or an address left: what the person sees changed. */
  readonly changed = output<void>();

  readonly list = signal<ColleagueList | null>(null);
  readonly busy = signal(false);
  private readonly note = signal<Note | null>(null);
  readonly noteText = computed(() => {
    const note = this.note();
    return note ? noteText(note, this.language.translator()) : '';
  });
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : problemText(failure, this.language.translator(), 'accounts.account.colleagues.failed');
  });
  readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
  });

  get emailMissing(): boolean {
    const { email } = this.form.controls;
    return email.touched && email.invalid;
  }

  async ngOnInit(): Promise<void> {
    await this.work(async () => this.list.set(await this.api.colleagues()));
  }

  async add(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    await this.work(async () => {
      const { colleague, invitationMailed } = await this.api.addColleague(
        this.form.controls.email.value.trim(),
      );
      this.form.reset();
      this.note.set({ kind: 'added', email: colleague.email, mailed: invitationMailed });
      await this.reload();
    });
  }

  async remove(userId: string, email: string): Promise<void> {
    await this.work(async () => {
      await this.api.removeColleague(userId);
      this.note.set({ kind: 'removed', email });
      await this.reload();
    });
  }

  async leave(address: string): Promise<void> {
    await this.work(async () => {
      await this.api.leaveSharedAddress(address);
      this.note.set({ kind: 'left', address });
      await this.reload();
    });
  }

  private async reload(): Promise<void> {
    this.list.set(await this.api.colleagues());
    this.changed.emit();
  }

  private async work(step: () => Promise<void>): Promise<void> {
    this.busy.set(true);
    this.failure.set(null);
    try {
      await step();
    } catch (failure) {
      this.note.set(null);
      this.failure.set(failure);
    } finally {
      this.busy.set(false);
    }
  }
}

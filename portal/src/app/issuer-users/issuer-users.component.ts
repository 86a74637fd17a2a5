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
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import type { IssuerRoleName, IssuerUserList } from '../../../../gateway/portal/contract';
import { problemText } from '../api/problem-text';
import { Session } from '../auth/session';
import { Language, TranslatePipe, type Translator } from '../i18n';
import { FORMAT_PIPES } from '../shared/format.pipes';
import { IssuerUsersApi } from './issuer-users-api';

type Note =
  | { kind: 'added'; email: string; mailed: boolean }
  | { kind: 'updated'; email: string; role: IssuerRoleName }
  | { kind: 'removed'; email: string };

const ROLE_KEYS = { admin: 'accounts.account.roles.admin', clerk: 'accounts.account.roles.clerk' } as const;

function noteText(note: Note, { t }: Translator): string {
  switch (note.kind) {
    case 'added':
      return note.mailed
        ? t('accounts.issuerUsers.added', { email: note.email })
        : t('accounts.issuerUsers.addedNotMailed', { email: note.email });
    case 'updated':
      return t('accounts.issuerUsers.updated', { email: note.email, role: t(ROLE_KEYS[note.role]) });
    case 'removed':
      return t('accounts.issuerUsers.removed', { email: note.email });
  }
}

/**
 * An issuer's users (/issuers/:issuerId/users), for its administrators: who they are, their role (changed in
 * place), whether they registered, and a form to add one (e-mailed an invitation). The server keeps one admin.
 */
@Component({
  selector: 'hub-issuer-users',
  imports: [ReactiveFormsModule, TranslatePipe, ...FORMAT_PIPES],
  templateUrl: './issuer-users.component.html',
  styles: `
    select {
      padding: 0.45rem 0.5rem;
      border: 1px solid #cbd5e1;
      border-radius: 6px;
      font: inherit;
      background: #fff;
      min-height: 2.25rem;
    }
    .email-cell {
      overflow-wrap: anywhere;
    }
    .add-form {
      display: grid;
      gap: 0 1rem;
    }
    @media (min-width: 720px) {
      .add-form {
        grid-template-columns: 2fr 1fr;
      }
      .add-form .span {
        grid-column: 1 / -1;
      }
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class IssuerUsersComponent {
  private readonly api = inject(IssuerUsersApi);
  private readonly language = inject(Language);
  private readonly session = inject(Session);

  /** Route parameter. */
  readonly issuerId = input.required<string>();

  readonly list = signal<IssuerUserList | null>(null);
  readonly busy = signal(false);
  readonly me = computed(() => this.session.email()?.toLowerCase() ?? '');
  private readonly note = signal<Note | null>(null);
  readonly noteText = computed(() => {
    const note = this.note();
    return note ? noteText(note, this.language.translator()) : '';
  });
  private readonly loadFailure = signal<unknown>(null);
  readonly loadProblem = computed(() => {
    const failure = this.loadFailure();
    return failure === null
      ? null
      : problemText(failure, this.language.translator(), 'accounts.issuerUsers.loadFailed');
  });
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null
      ? null
      : problemText(failure, this.language.translator(), 'accounts.issuerUsers.failed');
  });
  readonly form = inject(NonNullableFormBuilder).group({
    email: ['', [Validators.required, Validators.email]],
    role: ['clerk' as IssuerRoleName, Validators.required],
  });

  constructor() {
    // The page is reused when the route moves to another issuer: load that issuer's users.
    effect(() => {
      const issuerId = this.issuerId();
      untracked(() => void this.load(issuerId));
    });
  }

  get emailMissing(): boolean {
    const { email } = this.form.controls;
    return email.touched && email.invalid;
  }

  roleKey(role: IssuerRoleName) {
    return ROLE_KEYS[role];
  }

  async add(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    await this.change(async () => {
      const { email, role } = this.form.getRawValue();
      const added = await this.api.add(this.issuerId(), email.trim(), role);
      this.form.reset({ email: '', role: 'clerk' });
      this.note.set({ kind: 'added', email: added.user.email, mailed: added.invitationMailed });
    });
  }

  async setRole(userId: string, email: string, role: string): Promise<void> {
    if (role !== 'admin' && role !== 'clerk') return;
    await this.change(async () => {
      await this.api.changeRole(this.issuerId(), userId, role);
      this.note.set({ kind: 'updated', email, role });
    });
  }

  async remove(userId: string, email: string): Promise<void> {
    await this.change(async () => {
      await this.api.remove(this.issuerId(), userId);
      this.note.set({ kind: 'removed', email });
    });
  }

  private async load(issuerId: string): Promise<void> {
    this.loadFailure.set(null);
    try {
      this.list.set(await this.api.list(issuerId));
    } catch (failure) {
      this.list.set(null);
      this.loadFailure.set(failure);
    }
  }

  /** A change, then the list again (a refused change shows why, and the list as it really is). */
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
      // Changing one's own role or leaving changes what the person may do: the navigation follows.
      await this.session.refresh();
      this.busy.set(false);
    }
  }
}

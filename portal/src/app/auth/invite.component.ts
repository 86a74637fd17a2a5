import { ChangeDetectionStrategy, Component, OnInit, computed, inject, input, signal } from '@angular/core';
import {
  AbstractControl,
  NonNullableFormBuilder,
  ReactiveFormsModule,
  ValidationErrors,
  Validators,
} from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  type InvitationInfo,
} from '../../../../gateway/portal/contract';
import { PortalApi, PortalApiError } from '../api/portal-api';
import { problemText } from '../api/problem-text';
import { Language, TranslatePipe } from '../i18n';
import { AuthApi } from './auth-api';
import { landingPage } from './landing';
import { PendingLogin } from './pending-login';
import { Session } from './session';

/** Why an invitation cannot be used; each has its own heading and advice. */
type ClosedReason = 'used' | 'expired' | 'notFound' | 'alreadyRegistered' | 'unavailable';

type InvitationState =
  | { kind: 'loading' }
  | { kind: 'open'; invitation: InvitationInfo }
  | { kind: 'closed'; reason: ClosedReason; failure?: unknown };

function passwordsMatch(group: AbstractControl): ValidationErrors | null {
  const password: unknown = group.get('password')?.value;
  const repeated: unknown = group.get('repeated')?.value;
  return password === repeated ? null : { mismatch: true };
}

const CLOSED_BY_CODE: Record<string, ClosedReason> = {
  INVITATION_USED: 'used',
  INVITATION_EXPIRED: 'expired',
  INVITATION_NOT_FOUND: 'notFound',
  ALREADY_REGISTERED: 'alreadyRegistered',
};

function closedInvitation(failure: unknown): InvitationState {
  const reason = failure instanceof PortalApiError ? CLOSED_BY_CODE[failure.code] : undefined;
  return reason ? { kind: 'closed', reason } : { kind: 'closed', reason: 'unavailable', failure };
}

/**
 * The invitation to choose a password: brought by a first invoice, an issuer adding the person as a user, or a
 * colleague sharing their invoices. The person chooses a password and is logged in (an issuer administrator under
 * REQUIRE_2FA_ADMINS first sets up the second factor, on the login page).
 */
@Component({
  selector: 'hub-invite',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe],
  templateUrl: './invite.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InviteComponent implements OnInit {
  private readonly api = inject(PortalApi);
  private readonly auth = inject(AuthApi);
  private readonly pending = inject(PendingLogin);
  private readonly session = inject(Session);
  private readonly language = inject(Language);
  private readonly router = inject(Router);

  /** Route parameter: the invitation token from the e-mail link. */
  readonly token = input.required<string>();
  /** Query parameter: the invoice the e-mail announced, opened right after registering. */
  readonly invoice = input<string>();

  readonly minLength = PASSWORD_MIN_LENGTH;
  readonly state = signal<InvitationState>({ kind: 'loading' });
  readonly loading = computed(() => this.state().kind === 'loading');
  readonly openInvitation = computed(() => {
    const state = this.state();
    return state.kind === 'open' ? state.invitation : null;
  });
  /** The closed invitation's texts, in the language on screen. */
  readonly closedReason = computed(() => {
    const state = this.state();
    if (state.kind !== 'closed') return null;
    const translator = this.language.translator();
    const { t } = translator;
    switch (state.reason) {
      case 'used':
        return { title: t('invitation.used.title'), message: t('invitation.used.message'), canLogIn: true };
      case 'expired':
        return {
          title: t('invitation.expired.title'),
          message: t('invitation.expired.message'),
          canLogIn: true,
        };
      case 'notFound':
        return {
          title: t('invitation.notFound.title'),
          message: t('invitation.notFound.message'),
          canLogIn: true,
        };
      case 'alreadyRegistered':
        return {
          title: t('invitation.alreadyRegistered.title'),
          message: t('invitation.alreadyRegistered.message'),
          canLogIn: true,
        };
      case 'unavailable':
        return {
          title: t('invitation.unavailable.title'),
          message: problemText(state.failure, translator, 'invitation.unavailable.message'),
          canLogIn: false,
        };
    }
  });
  readonly submitting = signal(false);
  private readonly failure = signal<unknown>(null);
  readonly problem = computed(() => {
    const failure = this.failure();
    return failure === null ? null : problemText(failure, this.language.translator(), 'invitation.failed');
  });

  readonly form = inject(NonNullableFormBuilder).group(
    {
      password: [
        '',
        [
          Validators.required,
          Validators.minLength(PASSWORD_MIN_LENGTH),
          Validators.maxLength(PASSWORD_MAX_LENGTH),
        ],
      ],
      repeated: ['', Validators.required],
    },
    { validators: passwordsMatch },
  );

  /** Which error the password field shows, if any (after it was left or the form was sent). */
  get passwordError(): 'missing' | 'tooShort' | 'tooLong' | null {
    const { password } = this.form.controls;
    if (password.hasError('minlength')) return 'tooShort';
    if (password.hasError('maxlength')) return 'tooLong';
    if (password.touched && password.hasError('required')) return 'missing';
    return null;
  }

  get repeatedMismatch(): boolean {
    return this.form.controls.repeated.touched && this.form.hasError('mismatch');
  }

  async ngOnInit(): Promise<void> {
    try {
      this.state.set({ kind: 'open', invitation: await this.api.invitation(this.token()) });
    } catch (failure) {
      this.state.set(closedInvitation(failure));
    }
  }

  async choosePassword(invitation: InvitationInfo): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.submitting.set(true);
    this.failure.set(null);
    try {
      const step = await this.auth.register({
        token: this.token(),
        password: this.form.controls.password.value,
      });
      if (step.kind === 'challenge') {
        this.pending.hold(step.challenge);
        await this.router.navigate(['/login']);
        return;
      }
      await this.session.signedIn(step.session);
      const invoiceId = this.invoice() ?? invitation.invoiceId;
      await this.router.navigateByUrl(invoiceId ? `/invoices/${invoiceId}` : landingPage(step.session));
    } catch (failure) {
      if (failure instanceof PortalApiError && failure.code === 'ALREADY_REGISTERED') {
        this.state.set({ kind: 'closed', reason: 'alreadyRegistered' });
      } else {
        this.failure.set(failure);
      }
    } finally {
      this.submitting.set(false);
    }
  }
}

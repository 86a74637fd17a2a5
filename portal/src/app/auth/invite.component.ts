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
import { Session } from './session';

type InvitationState =
  | { kind: 'loading' }
  | { kind: 'open'; invitation: InvitationInfo }
  | { kind: 'closed'; title: string; message: string; canLogIn: boolean };

function passwordsMatch(group: AbstractControl): ValidationErrors | null {
  const password: unknown = group.get('password')?.value;
  const repeated: unknown = group.get('repeated')?.value;
  return password === repeated ? null : { mismatch: true };
}

function closedInvitation(failure: unknown): InvitationState {
  const code = failure instanceof PortalApiError ? failure.code : 'UNKNOWN';
  switch (code) {
    case 'INVITATION_USED':
      return {
        kind: 'closed',
        title: 'This invitation has already been used',
        message: 'A password was chosen with it. Log in with your e-mail address and that password.',
        canLogIn: true,
      };
    case 'INVITATION_EXPIRED':
      return {
        kind: 'closed',
        title: 'This invitation has expired',
        message:
          'Ask the company that sent you the invoice to send it again; the new e-mail brings a new invitation.',
        canLogIn: true,
      };
    case 'INVITATION_NOT_FOUND':
      return {
        kind: 'closed',
        title: 'This invitation link is not valid',
        message: 'Check that the whole link from the e-mail was opened; some mail programs cut long links.',
        canLogIn: true,
      };
    default:
      return {
        kind: 'closed',
        title: 'The invitation could not be loaded',
        message: failure instanceof Error ? failure.message : 'Please try again later.',
        canLogIn: false,
      };
  }
}

/** The first invoice's invitation: the recipient chooses a password and is logged in. */
@Component({
  selector: 'hub-invite',
  imports: [ReactiveFormsModule, RouterLink],
  templateUrl: './invite.component.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class InviteComponent implements OnInit {
  private readonly api = inject(PortalApi);
  private readonly session = inject(Session);
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
  readonly closedReason = computed(() => {
    const state = this.state();
    return state.kind === 'closed' ? state : null;
  });
  readonly submitting = signal(false);
  readonly problem = signal<string | null>(null);

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
    this.problem.set(null);
    try {
      const { email } = await this.api.register({
        token: this.token(),
        password: this.form.controls.password.value,
      });
      this.session.signedIn(email);
      const invoiceId = this.invoice() ?? invitation.invoiceId;
      await this.router.navigate(invoiceId ? ['/invoices', invoiceId] : ['/invoices']);
    } catch (failure) {
      if (failure instanceof PortalApiError && failure.code === 'ALREADY_REGISTERED') {
        this.state.set({
          kind: 'closed',
          title: 'You are already registered',
          message: 'This e-mail address already has a password. Log in with it.',
          canLogIn: true,
        });
      } else {
        this.problem.set(
          failure instanceof Error ? failure.message : 'Registering failed. Please try again.',
        );
      }
    } finally {
      this.submitting.set(false);
    }
  }
}

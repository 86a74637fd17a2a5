import {
  ChangeDetectionStrategy,
  Component,
  Injector,
  OnInit,
  computed,
  inject,
  input,
  signal,
  viewChild,
} from '@angular/core';
import { NonNullableFormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { DISPUTE_CATEGORIES, type DisputeCategory } from '../../../../domain/disputes/categories';
import { MAX_DISPUTE_TEXT } from '../../../../domain/disputes/rules';
import type { InvoiceDisputes } from '../../../../gateway/portal/dispute-contract';
import { PortalApi } from '../api/portal-api';
import { Language, TranslatePipe } from '../i18n';
import { AttachmentPickerComponent } from './attachment-picker.component';
import { DisputesApi, disputePage, type DisputeScope } from './disputes-api';
import { CATEGORY_KEYS, disputeProblem } from './dispute-words';
import { focusFirstInvalid } from './focus';

/**
 * The recipient disputes an invoice (/invoices/:id/disputes/new): a reason category, their words, and files that
 * show it. Sent, the page moves to the dispute's thread.
 */
@Component({
  selector: 'hub-dispute-open',
  imports: [ReactiveFormsModule, RouterLink, TranslatePipe, AttachmentPickerComponent],
  styleUrl: './disputes.css',
  template: `
    <p class="back">
      <a [routerLink]="['/invoices', id()]">← {{ 'disputes.form.back' | t }}</a>
    </p>
    @if (loadProblem(); as message) {
      <p class="alert error" role="alert">{{ message }}</p>
    } @else if (!number()) {
      <p class="muted" role="status">{{ 'disputes.form.loading' | t }}</p>
    } @else {
      <section class="card" aria-labelledby="dispute-open-heading">
        <h1 id="dispute-open-heading">{{ 'disputes.form.heading' | t: { number: number() ?? '' } }}</h1>
        @if (refusal(); as refusal) {
          <p class="alert error" role="alert">{{ refusal }}</p>
          @if (existing(); as existing) {
            <p>
              <a [routerLink]="existing">{{ 'disputes.section.view' | t }}</a>
            </p>
          }
        } @else {
          <p>{{ 'disputes.form.intro' | t }}</p>
          <form [formGroup]="form" (ngSubmit)="send()" novalidate>
            <label for="dispute-category">{{ 'disputes.form.category' | t }}</label>
            <select
              id="dispute-category"
              formControlName="category"
              [attr.aria-invalid]="categoryMissing() ? 'true' : null"
              [attr.aria-describedby]="categoryMissing() ? 'dispute-category-error' : null"
            >
              <option value="">{{ 'disputes.form.choose' | t }}</option>
              @for (category of categories; track category) {
                <option [value]="category">{{ categoryKeys[category] | t }}</option>
              }
            </select>
            @if (categoryMissing()) {
              <p id="dispute-category-error" class="field-error">{{ 'disputes.form.categoryMissing' | t }}</p>
            }

            <label for="dispute-text">{{ 'disputes.form.text' | t }}</label>
            <textarea
              id="dispute-text"
              formControlName="text"
              [attr.maxlength]="maxText"
              [attr.aria-invalid]="textMissing() ? 'true' : null"
              [attr.aria-describedby]="
                textMissing() ? 'dispute-text-hint dispute-text-error' : 'dispute-text-hint'
              "
            ></textarea>
            <p id="dispute-text-hint" class="hint">{{ 'disputes.form.textHint' | t: { max: maxText } }}</p>
            @if (textMissing()) {
              <p id="dispute-text-error" class="field-error">{{ 'disputes.form.textMissing' | t }}</p>
            }

            <hub-attachment-picker #files idPrefix="dispute-open" side="recipient" [invoiceId]="id()" />

            @if (sendProblem(); as message) {
              <p class="alert error" role="alert">{{ message }}</p>
            }
            <button type="submit" class="primary" [disabled]="sending()">
              {{ (sending() ? 'disputes.form.submitting' : 'disputes.form.submit') | t }}
            </button>
          </form>
        }
      </section>
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class DisputeOpenComponent implements OnInit {
  private readonly portal = inject(PortalApi);
  private readonly disputes = inject(DisputesApi);
  private readonly language = inject(Language);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);

  /** Route parameter: the invoice. */
  readonly id = input.required<string>();

  readonly categories = DISPUTE_CATEGORIES;
  readonly categoryKeys = CATEGORY_KEYS;
  readonly maxText = MAX_DISPUTE_TEXT;
  readonly number = signal<string | null>(null);
  readonly list = signal<InvoiceDisputes | null>(null);
  private readonly loadFailure = signal<unknown>(null);
  private readonly sendFailure = signal<unknown>(null);
  readonly sending = signal(false);
  readonly tried = signal(false);

  readonly form = inject(NonNullableFormBuilder).group({
    category: ['' as DisputeCategory | '', Validators.required],
    text: ['', [Validators.required, Validators.maxLength(MAX_DISPUTE_TEXT)]],
  });
  private readonly files = viewChild<AttachmentPickerComponent>('files');

  readonly loadProblem = computed(() => {
    const failure = this.loadFailure();
    return failure === null
      ? null
      : disputeProblem(failure, this.language.translator(), 'disputes.thread.loadFailed');
  });
  readonly sendProblem = computed(() => {
    const failure = this.sendFailure();
    return failure === null ? null : disputeProblem(failure, this.language.translator());
  });
  /** Why no dispute can be opened now (one is under way, or was rejected), in words. */
  readonly refusal = computed(() => {
    const list = this.list();
    if (!list || list.canOpen) return null;
    const { t } = this.language.translator();
    if (list.openRefusal?.code === 'DISPUTE_ACTIVE') return t('disputes.section.underWay');
    if (list.openRefusal?.code === 'DISPUTE_REJECTED') return t('disputes.section.rejected');
    return t('disputes.form.cannotOpen');
  });
  readonly existing = computed(() => {
    const last = this.list()?.disputes.at(-1);
    return last ? disputePage(this.scope(), last.id) : null;
  });

  categoryMissing(): boolean {
    return this.tried() && this.form.controls.category.invalid;
  }

  textMissing(): boolean {
    return this.tried() && (this.form.controls.text.invalid || this.form.controls.text.value.trim() === '');
  }

  private scope(): DisputeScope {
    return { side: 'recipient', invoiceId: this.id() };
  }

  async ngOnInit(): Promise<void> {
    try {
      const [invoice, list] = await Promise.all([
        this.portal.invoice(this.id()),
        this.disputes.list(this.scope()),
      ]);
      this.list.set(list);
      this.number.set(invoice.number);
    } catch (failure) {
      this.loadFailure.set(failure);
    }
  }

  async send(): Promise<void> {
    this.tried.set(true);
    this.sendFailure.set(null);
    const picker = this.files();
    if (this.categoryMissing() || this.textMissing()) {
      focusFirstInvalid(this.injector);
      return;
    }
    if (this.sending() || picker?.busy()) return;
    this.sending.set(true);
    try {
      const { category, text } = this.form.getRawValue();
      const thread = await this.disputes.open(this.scope(), {
        category: category as DisputeCategory,
        text,
        attachments: picker?.uploadIds() ?? [],
      });
      await this.router.navigate(disputePage(this.scope(), thread.id));
    } catch (failure) {
      this.sendFailure.set(failure);
    } finally {
      this.sending.set(false);
    }
  }
}
